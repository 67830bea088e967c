// The HTTP client of a remote deployment: an Invoker of the management contract over the server's routes
// (shared/api/http.ts), plus jobs (start, follow as SSE with resume, cancel), the change feed and snapshot, and
// tenant file transfer for moves. Used by the CLI (`--deployment https://...`) and meant for the console.
//
// Transport rules: https anywhere; plain http only to loopback unless insecureHttp. Retries: network errors and
// 5xx with exponential backoff and jitter, a bounded number of times; 429 after the server's Retry-After (bounded);
// never any other 4xx (the request itself is wrong). Streams (file upload) are not retried.
import { createParser } from 'eventsource-parser';
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChangesPageSchema, SnapshotSchema, type ChangesPage, type Snapshot } from '../../shared/api/changes.js';
import { TenantryError, type ErrorCode, type ErrorInfo } from '../../shared/api/errors.js';
import { HEADERS, ROUTES, TENANT_FILE_CONTENT_TYPE, checkTransportUrl } from '../../shared/api/http.js';
import { FINAL_JOB_STATES, RemoteJobEventSchema, RemoteJobSchema, type RemoteJob, type RemoteJobEvent } from '../../shared/api/jobs.js';
import { OPERATIONS, type Invoker, type OperationInput, type OperationName, type OperationOutput, type TenantSummary } from '../../shared/api/operations.js';

export interface RemoteClientOptions {
  url: string;
  token: string;
  /** Allow plain http to a host that is not loopback (tokens then travel in clear). */
  insecureHttp?: boolean;
  /** A CA certificate to trust for https (besides the system's and NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  /** Attempts in all for one request on network errors and 5xx, the first included. Default 5. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 429 answers are retried after Retry-After up to this many times. Default 20. */
  overloadRetries?: number;
  /** A Retry-After longer than this is not waited for (the 429 is returned as OVERLOADED). Default 30 s. */
  maxRetryAfterMs?: number;
  /** No byte for this long ends a request (network error). Default 5 min. */
  idleTimeoutMs?: number;
  /** Told of every retry (the CLI says why it waits). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Sent with file uploads, for the destination's log. */
  actor?: string;
  random?: () => number;
}

/** Throws BAD_INPUT unless the URL may be used: https, or http to loopback (or with insecureHttp). */
export function checkRemoteUrl(url: string, insecureHttp = false): URL {
  return checkTransportUrl(url, insecureHttp, { howToAllow: 'pass --insecure-http', parse: (s) => new URL(s) });
}

interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: ErrorInfo;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MAX_RESPONSE_BYTES = 1024 ** 3;

function parseEnvelope(buf: Buffer): Envelope | undefined {
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && typeof (v as Envelope).ok === 'boolean') return v as Envelope;
  } catch {
    // not JSON: a proxy's error page, a truncated body
  }
  return undefined;
}

/** The server's refusal as a TenantryError; `ref` is the server's request id, which finds its line in the server log. */
function errorFrom(env: Envelope | undefined, status: number, what: string): TenantryError {
  const e = refusalOf(env, status, what);
  if (typeof env?.error?.ref === 'string') e.ref = env.error.ref;
  return e;
}

function refusalOf(env: Envelope | undefined, status: number, what: string): TenantryError {
  if (env?.error && typeof env.error.code === 'string') return new TenantryError(env.error.code as ErrorCode, env.error.message, env.error.details);
  const code: ErrorCode =
    status === 401
      ? 'UNAUTHORIZED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : status === 429
            ? 'OVERLOADED'
            : status >= 500
              ? 'UNAVAILABLE'
              : 'BAD_INPUT';
  return new TenantryError(code, `${what} answered HTTP ${status}`, { status });
}

async function readAll(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_RESPONSE_BYTES) {
      res.destroy();
      throw new Error(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export class RemoteClient implements Invoker {
  readonly url: string;
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly o: Required<
    Pick<RemoteClientOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs' | 'overloadRetries' | 'maxRetryAfterMs' | 'idleTimeoutMs' | 'random'>
  >;

  constructor(private readonly opts: RemoteClientOptions) {
    this.base = checkRemoteUrl(opts.url, opts.insecureHttp ?? false);
    this.url = this.base.origin;
    this.agent =
      this.base.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...(opts.ca ? { ca: opts.ca } : {}) }) : new http.Agent({ keepAlive: true });
    this.o = {
      attempts: Math.max(1, opts.attempts ?? 5),
      baseDelayMs: opts.baseDelayMs ?? 200,
      maxDelayMs: opts.maxDelayMs ?? 5000,
      overloadRetries: opts.overloadRetries ?? 20,
      maxRetryAfterMs: opts.maxRetryAfterMs ?? 30_000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 300_000,
      random: opts.random ?? Math.random,
    };
  }

  close(): void {
    this.agent.destroy();
  }

  // ---- transport ------------------------------------------------------------------------------------------------

  private raw(method: string, path: string, headers: Record<string, string>, body?: Buffer | Readable): Promise<http.IncomingMessage> {
    const url = new URL(path, this.base);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, {
        method,
        agent: this.agent,
        headers: { authorization: `Bearer ${this.opts.token}`, ...headers },
        timeout: this.o.idleTimeoutMs,
      });
      let settled = false;
      req.on('timeout', () => req.destroy(new Error(`no answer for ${this.o.idleTimeoutMs} ms`)));
      req.on('response', (res) => {
        settled = true;
        resolve(res);
      });
      req.on('error', (e) => {
        if (!settled) reject(e);
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        // The answer may come before the whole body went (a refusal): that answer wins over the broken pipe.
        pipeline(body, req).catch((e: unknown) => {
          setImmediate(() => {
            if (!settled) reject(e);
          });
        });
      }
    });
  }

  private delay(attempt: number): number {
    const cap = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempt - 1));
    return cap / 2 + this.o.random() * (cap / 2);
  }

  private retryAfterMs(res: http.IncomingMessage): number {
    const h = res.headers['retry-after'];
    const s = Number(Array.isArray(h) ? h[0] : h);
    return Number.isFinite(s) && s >= 0 ? s * 1000 : 1000;
  }

  /** One JSON request with the retry rules; returns the envelope's value or throws its error. */
  private async json(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; value: unknown }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const what = `${this.url} (${method} ${path.split('?')[0] ?? path})`;
    let attempt = 0;
    let overloads = 0;
    for (;;) {
      attempt++;
      let res: http.IncomingMessage;
      let buf: Buffer;
      try {
        res = await this.raw(method, path, headers, payload);
        buf = await readAll(res);
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        if (attempt < this.o.attempts) {
          const ms = this.delay(attempt);
          this.opts.onRetry?.({ attempt, delayMs: ms, reason });
          await sleep(ms);
          continue;
        }
        throw new TenantryError('UNAVAILABLE', `${this.url} cannot be reached: ${reason} (${attempt} attempts)`, { url: this.url, attempts: attempt });
      }
      const status = res.statusCode ?? 0;
      const env = parseEnvelope(buf);
      if (status === 429) {
        const ms = this.retryAfterMs(res);
        if (overloads < this.o.overloadRetries && ms <= this.o.maxRetryAfterMs) {
          overloads++;
          attempt--;
          const wait = ms + this.o.random() * 100;
          this.opts.onRetry?.({ attempt: overloads, delayMs: wait, reason: 'overloaded (429)' });
          await sleep(wait);
          continue;
        }
        throw errorFrom(env, status, what);
      }
      if (status >= 500) {
        if (attempt < this.o.attempts) {
          const ms = this.delay(attempt);
          this.opts.onRetry?.({ attempt, delayMs: ms, reason: `HTTP ${status}` });
          await sleep(ms);
          continue;
        }
        throw errorFrom(env, status, what);
      }
      if (!env) throw new TenantryError('INTERNAL', `${what} answered HTTP ${status} without a result envelope`, { status });
      if (!env.ok) throw errorFrom(env, status, what);
      return { status, value: env.value };
    }
  }

  // ---- the contract ---------------------------------------------------------------------------------------------

  async invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    // a write carries one key over all its attempts: a retry after a lost answer gets that answer, not a second run
    const once: Record<string, string> = OPERATIONS[op].kind === 'write' ? { [HEADERS.idempotencyKey]: crypto.randomUUID() } : {};
    const { value } = await this.json('POST', ROUTES.op(op), input ?? {}, once);
    return this.checkOutput(op, value);
  }

  /** The value exactly as it came (key order kept, so output matches a local run), after checking it. */
  private checkOutput<N extends OperationName>(op: N, value: unknown): OperationOutput<N> {
    const def = OPERATIONS[op] as (typeof OPERATIONS)[OperationName] | undefined;
    if (def && !def.output.safeParse(value).success)
      throw new TenantryError('INTERNAL', `${this.url} answered ${op} with a result that does not match the contract`, { op });
    return value as OperationOutput<N>;
  }

  async health(): Promise<boolean> {
    const res = await this.raw('GET', ROUTES.health, {});
    await readAll(res);
    return res.statusCode === 200;
  }

  // ---- jobs -----------------------------------------------------------------------------------------------------

  async startJob<N extends OperationName>(op: N, input: OperationInput<N>): Promise<string> {
    const { value } = await this.json('POST', ROUTES.jobs, { operation: op, input: input ?? {} }, { [HEADERS.idempotencyKey]: crypto.randomUUID() });
    return (value as { jobId: string }).jobId;
  }

  async getJob(jobId: string): Promise<RemoteJob> {
    const { value } = await this.json('GET', ROUTES.job(jobId));
    return RemoteJobSchema.parse(value);
  }

  async cancelJob(jobId: string): Promise<RemoteJob> {
    const { value } = await this.json('POST', ROUTES.jobCancel(jobId), {});
    return RemoteJobSchema.parse(value);
  }

  /**
   * Follows a job's events (SSE) until it ends, resuming after the last event seen when the connection drops;
   * returns the job as it ended.
   */
  async followJob(jobId: string, onEvent: (e: RemoteJobEvent) => void = () => undefined, after = 0): Promise<RemoteJob> {
    let last = after;
    let failures = 0;
    for (;;) {
      try {
        const res = await this.raw('GET', ROUTES.jobEvents(jobId), { accept: 'text/event-stream', 'last-event-id': String(last) });
        if ((res.statusCode ?? 0) !== 200) {
          const buf = await readAll(res);
          const err = errorFrom(parseEnvelope(buf), res.statusCode ?? 0, `${this.url} (job ${jobId} events)`);
          if ((res.statusCode ?? 0) < 500) throw err;
          throw Object.assign(new Error(err.message), { retryable: true });
        }
        // One streaming decoder for the whole response: a multi-byte character split across TCP chunks stays whole.
        const decoder = new TextDecoder('utf-8');
        const events: RemoteJobEvent[] = [];
        const parser = createParser({ onEvent: (msg) => events.push(RemoteJobEventSchema.parse(JSON.parse(msg.data))) });
        const deliver = (): void => {
          for (const ev of events.splice(0)) {
            if (ev.seq <= last) continue;
            last = ev.seq;
            failures = 0;
            onEvent(ev);
          }
        };
        for await (const chunk of res as AsyncIterable<Buffer>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
          deliver();
        }
        parser.feed(decoder.decode());
        deliver();
        const job = await this.getJob(jobId);
        if (FINAL_JOB_STATES.includes(job.state)) return job;
        // the stream ended early (a proxy, a restart): resume after the last event
      } catch (e) {
        if (e instanceof TenantryError) throw e;
        failures++;
        if (failures >= this.o.attempts)
          throw new TenantryError('UNAVAILABLE', `${this.url}: lost the events of job ${jobId}: ${(e as Error).message}`, { jobId });
        const ms = this.delay(failures);
        this.opts.onRetry?.({ attempt: failures, delayMs: ms, reason: (e as Error).message });
        await sleep(ms);
      }
    }
  }

  /** Runs a long operation as a job and waits for it: its output, or its error (CANCELLED with the part that ran). */
  async runJob<N extends OperationName>(op: N, input: OperationInput<N>, onEvent?: (e: RemoteJobEvent) => void): Promise<OperationOutput<N>> {
    const jobId = await this.startJob(op, input);
    const job = await this.followJob(jobId, onEvent);
    if (job.state === 'succeeded') return this.checkOutput(op, job.result);
    const err = job.error ?? { code: 'INTERNAL', message: `job ${jobId} ended ${job.state}` };
    // A failed job's error is the operation's own (the same as a direct call); a cancelled one carries what ran.
    const details = job.state === 'cancelled' ? { ...(err.details ?? {}), jobId, partialResult: job.result } : err.details;
    const failure = new TenantryError(err.code as ErrorCode, err.message, details);
    if (err.ref !== undefined) failure.ref = err.ref;
    throw failure;
  }

  // ---- the change feed ------------------------------------------------------------------------------------------

  async changes(since: number, limit = 1000): Promise<ChangesPage> {
    const { value } = await this.json('GET', `${ROUTES.changes}?since=${since}&limit=${limit}`);
    return ChangesPageSchema.parse(value);
  }

  async snapshot(): Promise<Snapshot> {
    const { value } = await this.json('GET', ROUTES.snapshot);
    return SnapshotSchema.parse(value);
  }

  // ---- tenant files ---------------------------------------------------------------------------------------------

  /** Streams a dismounted tenant's file; retried until the answer starts, never after. */
  async downloadTenantFile(tenantId: string): Promise<{ stream: Readable; sha256: string; size: number }> {
    let attempt = 0;
    for (;;) {
      attempt++;
      let res: http.IncomingMessage;
      try {
        res = await this.raw('GET', ROUTES.tenantFile(tenantId), { accept: TENANT_FILE_CONTENT_TYPE });
      } catch (e) {
        if (attempt < this.o.attempts) {
          await sleep(this.delay(attempt));
          continue;
        }
        throw new TenantryError('UNAVAILABLE', `${this.url} cannot be reached: ${(e as Error).message}`, { url: this.url });
      }
      const status = res.statusCode ?? 0;
      if (status === 200) {
        const sha256 = String(res.headers[HEADERS.sha256] ?? '');
        const size = Number(res.headers['content-length'] ?? NaN);
        if (!/^[0-9a-f]{64}$/i.test(sha256) || !Number.isFinite(size)) {
          res.destroy();
          throw new TenantryError('INTERNAL', `${this.url} sent tenant "${tenantId}" without its SHA-256 and size`, { tenantId });
        }
        return { stream: res, sha256: sha256.toLowerCase(), size };
      }
      const err = errorFrom(parseEnvelope(await readAll(res)), status, `${this.url} (tenant file)`);
      if (status >= 500 && attempt < this.o.attempts) {
        await sleep(this.delay(attempt));
        continue;
      }
      throw err;
    }
  }

  /** Sends a tenant file; the server stages it dismounted (tenant.mount makes it live). Not retried. */
  async uploadTenantFile(tenantId: string, body: Readable, meta: { sha256: string; size: number; moveId?: string }): Promise<TenantSummary> {
    const headers: Record<string, string> = {
      'content-type': TENANT_FILE_CONTENT_TYPE,
      'content-length': String(meta.size),
      [HEADERS.sha256]: meta.sha256,
      accept: 'application/json',
    };
    if (meta.moveId !== undefined) headers[HEADERS.moveId] = meta.moveId;
    if (this.opts.actor !== undefined) headers[HEADERS.actor] = this.opts.actor;
    let res: http.IncomingMessage;
    try {
      res = await this.raw('PUT', ROUTES.tenantFile(tenantId), headers, body);
    } catch (e) {
      body.destroy();
      throw new TenantryError('UNAVAILABLE', `${this.url}: sending tenant "${tenantId}" failed: ${(e as Error).message}`, { url: this.url, tenantId });
    }
    let buf: Buffer;
    try {
      buf = await readAll(res);
    } catch (e) {
      body.destroy();
      throw new TenantryError('UNAVAILABLE', `${this.url}: the answer to sending tenant "${tenantId}" was cut: ${(e as Error).message}`, {
        url: this.url,
        tenantId,
      });
    }
    const env = parseEnvelope(buf);
    if (!env?.ok) {
      body.destroy();
      throw errorFrom(env, res.statusCode ?? 0, `${this.url} (tenant file)`);
    }
    return env.value as TenantSummary;
  }
}
