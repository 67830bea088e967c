// The remote driver: a deployment server (platform/server) over HTTP(S), through the platform's RemoteClient
// (routes of shared/api/http.ts, bearer token, 5xx and network errors retried with backoff and jitter, 429 after
// Retry-After, never another 4xx). Long operations of the contract run as server jobs, followed over SSE, and
// their events are handed to the caller (the console's JobService turns them into item steps). It is also the
// feed source of the offline cache (remote-sync.ts): GET snapshot and GET changes.
import type { ChangesPage, Snapshot } from '../../../shared/api/changes.js';
import { TenantryError, type ErrorCode } from '../../../shared/api/errors.js';
import { checkTransportUrl } from '../../../shared/api/http.js';
import { OPERATIONS, type OperationInput, type OperationName, type OperationOutput } from '../../../shared/api/operations.js';
import { RemoteClient } from '../../../platform/remote/client.js';
import type { Driver, InvokeOptions } from './driver.js';

export interface RemoteOptions {
  url: string;
  token: string;
  /** plain http to a host that is not this machine, said explicitly for this connection */
  allowInsecure?: boolean;
  /** attempts in all for one request on network errors and 5xx, the first included (default 5) */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** a CA certificate to trust for https (a server with its own certificate authority) */
  ca?: string | Buffer;
  /** told of every retry (why, and how long it waits) */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** Plain http is allowed to loopback only, unless the user said so for this connection (shared/api/http.ts). */
export function checkTransport(url: string, allowInsecure: boolean): void {
  checkTransportUrl(url, allowInsecure, { field: 'url', howToAllow: 'allow insecure http for this connection explicitly', parse: (s) => new URL(s) });
}

/** What the offline cache reads from a deployment server. */
export interface FeedSource {
  readonly url: string;
  changes(since: number, limit: number): Promise<ChangesPage>;
  snapshot(): Promise<Snapshot>;
}

export class RemoteDriver implements Driver, FeedSource {
  readonly kind = 'remote' as const;
  readonly url: string;
  readonly client: RemoteClient;

  constructor(opts: RemoteOptions) {
    checkTransport(opts.url, opts.allowInsecure ?? false);
    this.client = new RemoteClient({
      url: opts.url,
      token: opts.token,
      insecureHttp: opts.allowInsecure ?? false,
      ...(opts.attempts !== undefined ? { attempts: opts.attempts } : {}),
      ...(opts.baseDelayMs !== undefined ? { baseDelayMs: opts.baseDelayMs } : {}),
      ...(opts.maxDelayMs !== undefined ? { maxDelayMs: opts.maxDelayMs } : {}),
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      ...(opts.onRetry !== undefined ? { onRetry: opts.onRetry } : {}),
    });
    this.url = this.client.url;
  }

  async invoke<N extends OperationName>(op: N, input: OperationInput<N>, opts?: InvokeOptions): Promise<OperationOutput<N>> {
    if (!OPERATIONS[op].long) return this.client.invoke(op, input);
    return this.runJob(op, input, opts);
  }

  /** A long operation as a server job: started, followed (events resume after a dropped stream), its outcome read. */
  private async runJob<N extends OperationName>(op: N, input: OperationInput<N>, opts?: InvokeOptions): Promise<OperationOutput<N>> {
    const jobId = await this.client.startJob(op, input);
    opts?.onJob?.(jobId);
    let job;
    try {
      job = await this.client.followJob(jobId, (e) => opts?.onEvent?.(e));
    } catch (e) {
      if (e instanceof TenantryError && e.code === 'UNAVAILABLE') {
        // The job runs on the server whether we watch or not: say where its outcome is.
        throw new TenantryError(
          'UNAVAILABLE',
          `${this.url}: lost contact while server job ${jobId} (${op}) ran; it may have finished there: its outcome stays readable on the server and in the deployment's log`,
          { jobId, op, url: this.url },
        );
      }
      throw e;
    }
    if (job.state === 'succeeded') {
      if (!OPERATIONS[op].output.safeParse(job.result).success)
        throw new TenantryError('INTERNAL', `${this.url} answered ${op} (job ${jobId}) with a result that does not match the contract`, { op, jobId });
      return job.result as OperationOutput<N>;
    }
    const err = job.error ?? { code: 'INTERNAL', message: `server job ${jobId} (${op}) ended ${job.state}` };
    const details = job.state === 'cancelled' ? { ...(err.details ?? {}), jobId, partialResult: job.result } : { ...(err.details ?? {}), jobId };
    throw new TenantryError(err.code as ErrorCode, err.message, details);
  }

  changes(since: number, limit: number): Promise<ChangesPage> {
    return this.client.changes(since, limit);
  }

  snapshot(): Promise<Snapshot> {
    return this.client.snapshot();
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
