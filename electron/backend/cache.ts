// The offline cache: the last thing read from each deployment (fleet snapshot, overview, tenant detail), kept
// with the time it was read so that, with no connection, views show it read-only and "as of" that time.
//
// For a remote deployment it also holds the mirror of the server's change feed (MirrorCache): one row per
// tenant and per catalog entry, the newest log entries, and the feed seq they are exact at. A full snapshot
// replaces it; a page of changes rewrites only the rows it touches (remote-sync.ts), so following a 10,000-tenant
// deployment costs per change, not per tenant. Rows live in the same `cache` table under `mirror/...` keys, so
// removing a connection removes its mirror with everything else it cached.
import {
  compareCatalogEntries,
  type CatalogMirrorEntry,
  type DeploymentMirror,
  type LogMirrorEntry,
  type Snapshot,
  type TenantMirror,
} from '../../shared/api/changes.js';
import type { Db } from './db.js';

export interface Cached<T> {
  takenAt: string;
  value: T;
}

export class SnapshotCache {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string, string], { taken_at: string; body: string }>('SELECT taken_at, body FROM cache WHERE connection_id = ? AND key = ?'),
      put: db.prepare<[string, string, string, string]>(
        `INSERT INTO cache (connection_id, key, taken_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, key) DO UPDATE SET taken_at = excluded.taken_at, body = excluded.body`,
      ),
      clear: db.prepare<[string]>('DELETE FROM cache WHERE connection_id = ?'),
    };
  }

  get<T>(connectionId: string, key: string): Cached<T> | undefined {
    const r = this.stmts.get.get(connectionId, key);
    return r ? { takenAt: r.taken_at, value: JSON.parse(r.body) as T } : undefined;
  }

  put(connectionId: string, key: string, value: unknown, takenAt = new Date().toISOString()): void {
    this.stmts.put.run(connectionId, key, takenAt, JSON.stringify(value));
  }

  clear(connectionId: string): void {
    this.stmts.clear.run(connectionId);
  }
}

// ---- the mirror of a remote deployment's change feed ----------------------------------------------------------

/** Keys of the mirror rows. '/' + 1 is '0', which bounds each prefix for a range scan of the primary key. */
const META = 'mirror/meta';
const LOG = 'mirror/log';
const TENANT = 'mirror/t/';
const APP = 'mirror/a/';
const MIRROR = 'mirror/';
const upper = (prefix: string): string => `${prefix.slice(0, -1)}0`;
const tenantKey = (id: string): string => `${TENANT}${id}`;
const appKey = (a: { id: string; version: string }): string => `${APP}${a.id}/${a.version}`;

interface MetaBody {
  seq: number;
  deployment: DeploymentMirror;
}

export interface MirrorMeta extends MetaBody {
  /** when the mirror was last known exact (the last successful sync) */
  syncedAt: string;
}

/** What a page of changes did to the mirror: the rows to write and remove, and the new seq. */
export interface MirrorDelta {
  seq: number;
  deployment?: DeploymentMirror;
  log?: LogMirrorEntry[];
  upsertTenants: TenantMirror[];
  removeTenants: string[];
  upsertApps: CatalogMirrorEntry[];
  removeApps: { id: string; version: string }[];
}

export class MirrorCache {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      get: db.prepare<[string, string], { taken_at: string; body: string }>('SELECT taken_at, body FROM cache WHERE connection_id = ? AND key = ?'),
      put: db.prepare<[string, string, string, string]>(
        `INSERT INTO cache (connection_id, key, taken_at, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, key) DO UPDATE SET taken_at = excluded.taken_at, body = excluded.body`,
      ),
      insert: db.prepare<[string, string, string, string]>('INSERT INTO cache (connection_id, key, taken_at, body) VALUES (?, ?, ?, ?)'),
      remove: db.prepare<[string, string]>('DELETE FROM cache WHERE connection_id = ? AND key = ?'),
      touch: db.prepare<[string, string, string]>('UPDATE cache SET taken_at = ? WHERE connection_id = ? AND key = ?'),
      range: db.prepare<[string, string, string], { body: string }>('SELECT body FROM cache WHERE connection_id = ? AND key >= ? AND key < ? ORDER BY key'),
      clearRange: db.prepare<[string, string, string]>('DELETE FROM cache WHERE connection_id = ? AND key >= ? AND key < ?'),
    };
  }

  meta(connectionId: string): MirrorMeta | undefined {
    const r = this.stmts.get.get(connectionId, META);
    return r ? { ...(JSON.parse(r.body) as MetaBody), syncedAt: r.taken_at } : undefined;
  }

  /** The whole mirror as the server's snapshot at its seq (tenants by id, catalog in its canonical order). */
  load(connectionId: string): Snapshot | undefined {
    const meta = this.meta(connectionId);
    if (!meta) return undefined;
    const rows = <T>(prefix: string): T[] => this.stmts.range.all(connectionId, prefix, upper(prefix)).map((r) => JSON.parse(r.body) as T);
    return {
      seq: meta.seq,
      deployment: meta.deployment,
      catalog: rows<CatalogMirrorEntry>(APP).sort(compareCatalogEntries),
      tenants: rows<TenantMirror>(TENANT).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      log: this.log(connectionId),
    };
  }

  log(connectionId: string): LogMirrorEntry[] {
    const r = this.stmts.get.get(connectionId, LOG);
    return r ? (JSON.parse(r.body) as LogMirrorEntry[]) : [];
  }

  /** The mirrored rows of these tenants (those the mirror holds). */
  tenants(connectionId: string, ids: Iterable<string>): TenantMirror[] {
    const out: TenantMirror[] = [];
    for (const id of ids) {
      const r = this.stmts.get.get(connectionId, tenantKey(id));
      if (r) out.push(JSON.parse(r.body) as TenantMirror);
    }
    return out;
  }

  /** The mirrored catalog entries of these app versions (those the mirror holds). */
  apps(connectionId: string, keys: Iterable<{ id: string; version: string }>): CatalogMirrorEntry[] {
    const out: CatalogMirrorEntry[] = [];
    for (const k of keys) {
      const r = this.stmts.get.get(connectionId, appKey(k));
      if (r) out.push(JSON.parse(r.body) as CatalogMirrorEntry);
    }
    return out;
  }

  /** Replaces the mirror with a full snapshot, in one transaction. */
  replace(connectionId: string, s: Snapshot, syncedAt: string): void {
    this.db.transaction(() => {
      this.stmts.clearRange.run(connectionId, MIRROR, upper(MIRROR));
      const ins = this.stmts.insert;
      for (const t of s.tenants) ins.run(connectionId, tenantKey(t.id), syncedAt, JSON.stringify(t));
      for (const a of s.catalog) ins.run(connectionId, appKey(a), syncedAt, JSON.stringify(a));
      ins.run(connectionId, LOG, syncedAt, JSON.stringify(s.log));
      ins.run(connectionId, META, syncedAt, JSON.stringify({ seq: s.seq, deployment: s.deployment } satisfies MetaBody));
    })();
  }

  /** Writes what a page of changes did, with the new seq, in one transaction. */
  apply(connectionId: string, d: MirrorDelta, syncedAt: string): void {
    this.db.transaction(() => {
      const meta = this.meta(connectionId);
      if (!meta) throw new Error('MirrorCache.apply: no mirror to apply changes to; replace it with a snapshot first');
      for (const id of d.removeTenants) this.stmts.remove.run(connectionId, tenantKey(id));
      for (const t of d.upsertTenants) this.stmts.put.run(connectionId, tenantKey(t.id), syncedAt, JSON.stringify(t));
      for (const a of d.removeApps) this.stmts.remove.run(connectionId, appKey(a));
      for (const a of d.upsertApps) this.stmts.put.run(connectionId, appKey(a), syncedAt, JSON.stringify(a));
      if (d.log) this.stmts.put.run(connectionId, LOG, syncedAt, JSON.stringify(d.log));
      this.stmts.put.run(connectionId, META, syncedAt, JSON.stringify({ seq: d.seq, deployment: d.deployment ?? meta.deployment } satisfies MetaBody));
    })();
  }

  /** Nothing changed on the server since the last sync: the mirror is exact as of `syncedAt`. */
  touch(connectionId: string, syncedAt: string): void {
    this.stmts.touch.run(syncedAt, connectionId, META);
  }

  /** Forgets the mirror (the connection now points at another server). */
  clear(connectionId: string): void {
    this.stmts.clearRange.run(connectionId, MIRROR, upper(MIRROR));
  }
}
