// Idempotency keys for writes (the IETF httpapi draft "The Idempotency-Key HTTP Header Field", as Stripe's API uses
// it). A client that sent a write and lost the answer (a dropped connection, a proxy timeout) retries it with the
// same key; the server answers with the first request's answer instead of running the write again, which would
// refuse (RECORD_EXISTS, already installed) or, for a job, start a second one. A retry that arrives while the first
// request still runs waits for it. The same key with a different request is refused. Answers are kept in memory,
// per token, for a bounded time and count; an answer that says nothing was done (5xx, 429) is not kept, so a retry
// runs the write.
import crypto from 'node:crypto';
import { TenantryError } from '../../shared/api/errors.js';
import { HEADERS } from '../../shared/api/http.js';

/** What a route answers, held so that it can be sent again. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Entry {
  fingerprint: string;
  expires: number;
  answer: Promise<Answer>;
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    this.max = opts.max ?? 10_000;
    this.ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  /** The request's identity for the key: what is asked (route and body), so a reused key with another request is caught. */
  static fingerprint(route: string, body: unknown): string {
    return crypto
      .createHash('sha256')
      .update(route)
      .update('\n')
      .update(JSON.stringify(body ?? null))
      .digest('hex');
  }

  /**
   * Runs `produce` once per (scope, key): the first answer is given to every request with that key and the same
   * fingerprint until it expires. Throws BAD_INPUT for a malformed key or a key reused with another request.
   */
  async run(scope: string, key: string, fingerprint: string, produce: () => Promise<Answer>): Promise<Answer & { replayed: boolean }> {
    if (!KEY_PATTERN.test(key))
      throw new TenantryError('BAD_INPUT', `the Idempotency-Key header must be 1 to 255 visible ASCII characters without spaces`, {
        header: HEADERS.idempotencyKey,
      });
    const id = `${scope}\n${key}`;
    const at = this.now();
    let entry = this.entries.get(id);
    if (entry && entry.expires <= at) {
      this.entries.delete(id);
      entry = undefined;
    }
    if (entry) {
      if (entry.fingerprint !== fingerprint) {
        throw new TenantryError('BAD_INPUT', `Idempotency-Key "${key}" was already used for a different request; use a new key for a new request`, {
          header: HEADERS.idempotencyKey,
        });
      }
      return { ...(await entry.answer), replayed: true };
    }
    this.prune(at);
    const answer = produce();
    const created: Entry = { fingerprint, expires: at + this.ttlMs, answer };
    this.entries.set(id, created);
    let settled: Answer;
    try {
      settled = await answer;
    } catch (e) {
      this.forget(id, created);
      throw e;
    }
    if (settled.status >= 500 || settled.status === 429) this.forget(id, created);
    return { ...settled, replayed: false };
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(id: string, entry: Entry): void {
    if (this.entries.get(id) === entry) this.entries.delete(id);
  }

  /** Drops expired entries, then the oldest while over the bound (a Map iterates in insertion order). */
  private prune(at: number): void {
    for (const [id, e] of this.entries) {
      if (this.entries.size < this.max && e.expires > at) break;
      this.entries.delete(id);
    }
  }
}
