// The change feed of a deployment: rows appended inside the transaction that makes the change, read by sequence
// number, pruned to a retention window (a client that falls further behind takes a new snapshot).
import type Database from 'better-sqlite3';
import type { Change, ChangeDraft } from '../../../shared/api/changes.js';
import { StatementCache } from './statement-cache.js';

interface ChangeRow {
  seq: number;
  at: string;
  kind: string;
  tenant_id: string | null;
  app_id: string | null;
  data: string;
}

/** Pruning runs on every PRUNE_EVERY-th append (a range delete on the primary key), not on each one. */
const PRUNE_EVERY = 256;

export class ChangeRepository {
  private readonly s: StatementCache;
  constructor(
    db: Database.Database,
    private readonly retention: number,
  ) {
    this.s = new StatementCache(db);
  }

  /** Appends one change; call inside the transaction that makes it. Returns its seq. */
  /** Appends a change; `data` is its data as JSON when the caller has already serialized it. */
  append(change: ChangeDraft, at: string, data: string = JSON.stringify(change.data)): number {
    const seq = Number(
      this.s
        .stmt('INSERT INTO changes (at, kind, tenant_id, app_id, data) VALUES (?, ?, ?, ?, ?)')
        .run(at, change.kind, change.tenantId ?? null, change.appId ?? null, data).lastInsertRowid,
    );
    if (seq % Math.min(PRUNE_EVERY, this.retention) === 0) this.prune(seq);
    return seq;
  }

  prune(latest = this.latest()): void {
    this.s.stmt('DELETE FROM changes WHERE seq <= ?').run(latest - this.retention);
  }

  /** The newest seq ever given (AUTOINCREMENT never reuses one, pruned or not); 0 for a new feed. */
  latest(): number {
    const r = this.s.stmt("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").get() as { seq: number } | undefined;
    return r?.seq ?? 0;
  }

  /** The oldest seq still kept, or null when none is. */
  oldest(): number | null {
    const r = this.s.stmt('SELECT MIN(seq) AS seq FROM changes').get() as { seq: number | null };
    return r.seq;
  }

  /** The first seq of the retained window: the last `retention` changes (older rows may linger until pruned). */
  windowStart(latest = this.latest()): number {
    return Math.max(this.oldest() ?? latest + 1, latest - this.retention + 1);
  }

  after(since: number, limit: number): Change[] {
    const rows = this.s.stmt('SELECT seq, at, kind, tenant_id, app_id, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?').all(since, limit) as ChangeRow[];
    return rows.map(toChange);
  }

  /** Like after(), keeping only changes a tenant-scoped reader may see (its tenants, and changes of no tenant). */
  afterForTenants(
    since: number,
    limit: number,
    tenants: ReadonlySet<string>,
    keepTenantless: (kind: string) => boolean,
  ): { changes: Change[]; scannedTo: number } {
    const out: Change[] = [];
    let cursor = since;
    // Scans in pages so a reader of few tenants is not handed a page of nothing for a busy feed.
    for (;;) {
      const rows = this.s
        .stmt('SELECT seq, at, kind, tenant_id, app_id, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?')
        .all(cursor, limit) as ChangeRow[];
      for (const r of rows) {
        cursor = r.seq;
        const visible = r.tenant_id === null ? keepTenantless(r.kind) : tenants.has(r.tenant_id);
        if (visible) out.push(toChange(r));
        if (out.length >= limit) return { changes: out, scannedTo: cursor };
      }
      if (rows.length < limit) return { changes: out, scannedTo: cursor };
    }
  }
}

function toChange(r: ChangeRow): Change {
  return {
    seq: r.seq,
    at: r.at,
    kind: r.kind,
    ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}),
    ...(r.app_id !== null ? { appId: r.app_id } : {}),
    data: JSON.parse(r.data) as unknown,
  } as Change;
}
