// The server's write lane: write operations run one at a time (the engine's tenant transactions are synchronous
// anyway), in arrival order, and the number of write requests in flight (received, not yet answered) is bounded:
// a write request that arrives when the bound is reached is refused at once with OVERLOADED (429 + Retry-After)
// instead of piling up. Each write yields to the event loop before it runs, so reads, health checks, SSE and new
// arrivals are served between writes.
import { TenantryError } from '../../shared/api/errors.js';

export interface WriteLaneOptions {
  /** Write requests that may be in flight at once (received, not yet answered); more get 429. */
  maxInFlight: number;
  /** What 429 answers carry in Retry-After. */
  retryAfterSeconds: number;
}

export class WriteLane {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  private inFlight = 0;

  constructor(readonly opts: WriteLaneOptions) {}

  /** Write requests received and not yet answered. */
  get pending(): number {
    return this.inFlight;
  }

  /** Admits one write request (call release() when it is answered), or throws OVERLOADED. */
  admit(): void {
    if (this.inFlight >= this.opts.maxInFlight) {
      throw new TenantryError('OVERLOADED', `the server has ${this.inFlight} write requests in hand; retry in ${this.opts.retryAfterSeconds} s`, {
        retryAfter: this.opts.retryAfterSeconds,
        inFlight: this.inFlight,
      });
    }
    this.inFlight++;
  }

  release(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** Runs `fn` when the writes before it are done. */
  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }
}
