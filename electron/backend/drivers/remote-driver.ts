// The remote driver: a deployment server over HTTP(S). Each operation is `POST <base>/v1/ops/<name>` with a
// bearer token and the input as JSON; the answer is `{ok, value}` or `{ok: false, error}`. Network errors and
// 5xx are retried with exponential backoff and jitter; 4xx never is (the request itself is wrong).
import { TenantryError, type ErrorCode } from '../../../shared/api/errors.js';
import { OPERATIONS, type OperationInput, type OperationName, type OperationOutput } from '../../../shared/api/operations.js';
import type { Driver } from './driver.js';

export interface RemoteOptions {
  url: string;
  token: string;
  allowInsecure?: boolean;
  /** attempts in all, the first included */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Plain http is allowed to loopback only, unless the user said so for this connection. */
export function checkTransport(url: string, allowInsecure: boolean): void {
  const u = new URL(url);
  if (u.protocol === 'https:') return;
  if (u.protocol !== 'http:') throw new TenantryError('BAD_INPUT', `url: ${url} must start with https:// (or http:// on this machine)`, { url });
  if (!LOOPBACK.test(u.hostname) && !allowInsecure) {
    throw new TenantryError('BAD_INPUT', `url: ${url} uses plain http to ${u.hostname}, which is not this machine: use https, or allow insecure http for this connection explicitly`, { url });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class RemoteDriver implements Driver {
  readonly kind = 'remote' as const;
  private readonly base: string;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: RemoteOptions) {
    checkTransport(opts.url, opts.allowInsecure ?? false);
    this.base = opts.url.replace(/\/+$/, '');
    this.attempts = opts.attempts ?? 4;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 4000;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  async invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    const url = `${this.base}/v1/ops/${op}`;
    let lastError: TenantryError | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) {
        const backoff = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 2));
        await sleep(backoff / 2 + Math.random() * (backoff / 2));
      }
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.opts.token}` },
          body: JSON.stringify(input ?? {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (e) {
        lastError = new TenantryError('UNAVAILABLE', `${this.base} cannot be reached: ${e instanceof Error ? e.message : String(e)}`, { url: this.base, attempts: attempt });
        continue;
      }
      const body = await res.json().catch(() => undefined) as { ok?: boolean; value?: unknown; error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
      if (res.status >= 500) {
        lastError = new TenantryError((body?.error?.code as ErrorCode | undefined) ?? 'UNAVAILABLE', body?.error?.message ?? `${this.base} answered ${res.status}`, { url: this.base, status: res.status, attempts: attempt });
        continue;
      }
      if (!body || typeof body.ok !== 'boolean') {
        throw new TenantryError('INTERNAL', `${this.base} answered ${res.status} without a result envelope`, { url: this.base, status: res.status });
      }
      if (!body.ok) {
        const code = (body.error?.code as ErrorCode | undefined) ?? (res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : 'BAD_INPUT');
        throw new TenantryError(code, body.error?.message ?? `${this.base} refused ${op} (${res.status})`, body.error?.details);
      }
      const parsed = OPERATIONS[op].output.safeParse(body.value);
      if (!parsed.success) throw new TenantryError('INTERNAL', `${this.base} answered ${op} with a result that does not match the contract`, { op });
      return parsed.data as OperationOutput<N>;
    }
    throw lastError ?? new TenantryError('UNAVAILABLE', `${this.base} cannot be reached`);
  }

  async close(): Promise<void> {
    // fetch keeps no per-driver state to release
  }
}
