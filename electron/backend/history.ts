// What the console remembers of its deployments for offline audit: a history of snapshots (tenants, their
// states, installed and archived versions), recorded after each live read when something changed, so two
// points in time can be compared (installed, upgraded, uninstalled, moved); and a copy of each deployment's
// operation log, searchable with every connection offline.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { OpLogEntry, SnapshotChange, SnapshotCompare, SnapshotInfo } from '../../shared/api/console.js';
import { TenantryError } from '../../shared/api/errors.js';
import type { LogEntry } from '../../shared/api/operations.js';
import { compareVersions } from '../../shared/domain/version.js';
import { canonicalJson } from './canonical-json.js';
import type { Db } from './db.js';
import type { DeploymentRead } from './fleet.js';

/** How many snapshots a connection keeps (the oldest go first). */
export const SNAPSHOT_RETENTION = 300;

export interface SnapshotTenant {
  id: string;
  state: string;
  /** appId -> installed version */
  apps: Record<string, string>;
  /** appId -> archived versions */
  archived: Record<string, string[]>;
}

export interface SnapshotBody {
  tenants: SnapshotTenant[];
  /** appId -> name, for the report */
  names: Record<string, string>;
}

interface SnapshotRow {
  id: number;
  connection_id: string;
  taken_at: string;
  hash: string;
  tenants: number;
  installed: number;
  archived: number;
  body: Buffer;
}

const bodyOf = (r: SnapshotRow): SnapshotBody => JSON.parse(inflateRawSync(r.body).toString('utf8')) as SnapshotBody;

const info = (r: Omit<SnapshotRow, 'body'>): SnapshotInfo => ({
  id: r.id,
  connectionId: r.connection_id,
  takenAt: r.taken_at,
  tenants: r.tenants,
  installed: r.installed,
  archived: r.archived,
});

/** The part of a deployment read that a snapshot keeps, in a stable order (so equal states hash equal). */
export function snapshotBodyOf(read: DeploymentRead): SnapshotBody {
  const byTenant = new Map<string, SnapshotTenant>();
  for (const t of read.snapshot.tenants) byTenant.set(t.key, { id: t.tenantId, state: t.state, apps: {}, archived: {} });
  for (const c of read.snapshot.cells) {
    const t = byTenant.get(c.tenantKey);
    if (!t) continue;
    if (c.installed) t.apps[c.appId] = c.installed;
    if (c.archived.length > 0) t.archived[c.appId] = [...c.archived].sort(compareVersions);
  }
  const names: Record<string, string> = {};
  for (const a of read.archivedApps) names[a.id] = a.name;
  for (const a of read.catalog) names[a.id] = a.name;
  return { tenants: [...byTenant.values()].sort((a, b) => a.id.localeCompare(b.id)), names };
}

export class SnapshotHistory {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      latestHash: db.prepare<[string], { hash: string }>('SELECT hash FROM snapshots WHERE connection_id = ? ORDER BY id DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO snapshots (connection_id, taken_at, hash, tenants, installed, archived, body) VALUES (@connection_id, @taken_at, @hash, @tenants, @installed, @archived, @body)',
      ),
      prune: db.prepare<[string, string, number]>(
        'DELETE FROM snapshots WHERE connection_id = ? AND id NOT IN (SELECT id FROM snapshots WHERE connection_id = ? ORDER BY id DESC LIMIT ?)',
      ),
      list: db.prepare<[string], Omit<SnapshotRow, 'body'>>(
        'SELECT id, connection_id, taken_at, hash, tenants, installed, archived FROM snapshots WHERE connection_id = ? ORDER BY id DESC',
      ),
      get: db.prepare<[number], SnapshotRow>('SELECT * FROM snapshots WHERE id = ?'),
      othersAfter: db.prepare<[string, string], SnapshotRow>('SELECT * FROM snapshots WHERE connection_id != ? AND taken_at >= ? ORDER BY taken_at LIMIT 50'),
      othersUpTo: db.prepare<[string, string], SnapshotRow>(
        'SELECT * FROM snapshots WHERE connection_id != ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 50',
      ),
    };
  }

  /** Records the read when it differs from the connection's latest snapshot; returns the new id, or null. */
  record(connectionId: string, read: DeploymentRead, takenAt = read.snapshot.asOf ?? new Date().toISOString()): number | null {
    const body = snapshotBodyOf(read);
    const json = canonicalJson(body);
    const hash = createHash('sha256').update(json).digest('hex');
    return this.db.transaction((): number | null => {
      if (this.stmts.latestHash.get(connectionId)?.hash === hash) return null;
      const installed = body.tenants.reduce((n, t) => n + Object.keys(t.apps).length, 0);
      const archived = body.tenants.reduce((n, t) => n + Object.keys(t.archived).length, 0);
      const r = this.stmts.insert.run({
        connection_id: connectionId,
        taken_at: takenAt,
        hash,
        tenants: body.tenants.length,
        installed,
        archived,
        body: deflateRawSync(Buffer.from(json, 'utf8')),
      });
      this.stmts.prune.run(connectionId, connectionId, SNAPSHOT_RETENTION);
      return Number(r.lastInsertRowid);
    })();
  }

  list(connectionId: string): SnapshotInfo[] {
    return this.stmts.list.all(connectionId).map(info);
  }

  private row(connectionId: string, id: number): SnapshotRow {
    const r = this.stmts.get.get(id);
    if (!r || r.connection_id !== connectionId) throw new TenantryError('NOT_FOUND', `no snapshot ${id} of this connection`, { connectionId, id });
    return r;
  }

  /** What changed between two snapshots of one deployment; a tenant that left or arrived is a move when another deployment has it. */
  compare(connectionId: string, fromId: number, toId: number, names: (connectionId: string) => string): SnapshotCompare {
    let a = this.row(connectionId, fromId);
    let b = this.row(connectionId, toId);
    if (a.taken_at > b.taken_at) [a, b] = [b, a];
    const before = bodyOf(a);
    const after = bodyOf(b);
    const appName = (id: string): string => after.names[id] ?? before.names[id] ?? id;
    const changes: SnapshotChange[] = [];
    const was = new Map(before.tenants.map((t) => [t.id, t]));
    const now = new Map(after.tenants.map((t) => [t.id, t]));
    const elsewhere = (rows: SnapshotRow[], tenantId: string): string | undefined => {
      for (const r of rows) if (bodyOf(r).tenants.some((t) => t.id === tenantId)) return names(r.connection_id);
      return undefined;
    };
    let afterRows: SnapshotRow[] | undefined;
    let upToRows: SnapshotRow[] | undefined;

    for (const [id, t] of was) {
      if (now.has(id)) continue;
      const to = elsewhere((afterRows ??= this.stmts.othersAfter.all(connectionId, a.taken_at)), id);
      changes.push(
        to
          ? { kind: 'moved-out', tenantId: id, other: to, description: `${id} moved to ${to}` }
          : { kind: 'tenant-removed', tenantId: id, from: t.state, description: `${id} is no longer on this deployment` },
      );
    }
    for (const [id, t] of now) {
      const old = was.get(id);
      if (!old) {
        const from = elsewhere((upToRows ??= this.stmts.othersUpTo.all(connectionId, b.taken_at)), id);
        changes.push(
          from
            ? { kind: 'moved-in', tenantId: id, other: from, description: `${id} moved here from ${from}` }
            : { kind: 'tenant-added', tenantId: id, to: t.state, description: `${id} was added (${t.state})` },
        );
        continue;
      }
      if (old.state !== t.state)
        changes.push({ kind: 'state-changed', tenantId: id, from: old.state, to: t.state, description: `${id}: ${old.state} → ${t.state}` });
      for (const [appId, v] of Object.entries(t.apps)) {
        const prev = old.apps[appId];
        const name = appName(appId);
        if (prev === undefined) changes.push({ kind: 'installed', tenantId: id, appId, appName: name, to: v, description: `${name} ${v} installed in ${id}` });
        else if (prev !== v) {
          const up = compareVersions(v, prev) > 0;
          changes.push({
            kind: up ? 'upgraded' : 'downgraded',
            tenantId: id,
            appId,
            appName: name,
            from: prev,
            to: v,
            description: `${name} ${up ? 'upgraded' : 'changed'} ${prev} → ${v} in ${id}`,
          });
        }
      }
      for (const [appId, v] of Object.entries(old.apps)) {
        if (t.apps[appId] !== undefined) continue;
        const name = appName(appId);
        changes.push({ kind: 'uninstalled', tenantId: id, appId, appName: name, from: v, description: `${name} ${v} uninstalled from ${id}` });
      }
      const archKeys = new Set([...Object.keys(old.archived), ...Object.keys(t.archived)]);
      for (const appId of archKeys) {
        const x = new Set(old.archived[appId] ?? []);
        const y = new Set(t.archived[appId] ?? []);
        const name = appName(appId);
        for (const v of y)
          if (!x.has(v))
            changes.push({ kind: 'archive-added', tenantId: id, appId, appName: name, to: v, description: `archived data of ${name} ${v} in ${id}` });
        for (const v of x)
          if (!y.has(v))
            changes.push({
              kind: 'archive-removed',
              tenantId: id,
              appId,
              appName: name,
              from: v,
              description: `archived data of ${name} ${v} no longer in ${id} (restored or discarded)`,
            });
      }
    }
    changes.sort((p, q) => p.tenantId.localeCompare(q.tenantId) || p.kind.localeCompare(q.kind));
    return { connectionId, connectionName: names(connectionId), from: info(a), to: info(b), changes };
  }
}

interface OpLogRow {
  connection_id: string;
  op_id: string;
  actor: string;
  operation: string;
  tenant_id: string | null;
  params: string;
  started_at: string;
  ended_at: string | null;
  result: LogEntry['result'];
  error_code: string | null;
  error_message: string | null;
}

export interface OpLogFilter {
  connectionId?: string | undefined;
  query?: string | undefined;
  result?: LogEntry['result'] | undefined;
  tenantId?: string | undefined;
  limit: number;
}

/** How many operations of one deployment the copy keeps (the oldest go first). */
export const OP_LOG_RETENTION = 50_000;

/** LIKE pattern for a substring, with the wildcards in it escaped. */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class OpLogCache {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      upsert: db.prepare(
        `INSERT INTO op_log (connection_id, op_id, actor, operation, tenant_id, params, started_at, ended_at, result, error_code, error_message)
         VALUES (@connection_id, @op_id, @actor, @operation, @tenant_id, @params, @started_at, @ended_at, @result, @error_code, @error_message)
         ON CONFLICT (connection_id, op_id) DO UPDATE SET ended_at = excluded.ended_at, result = excluded.result, error_code = excluded.error_code, error_message = excluded.error_message
         WHERE op_log.result IS NOT excluded.result OR op_log.ended_at IS NOT excluded.ended_at`,
      ),
      prune: db.prepare<[string, string, number]>(
        `DELETE FROM op_log WHERE connection_id = ? AND started_at < (SELECT started_at FROM op_log WHERE connection_id = ? ORDER BY started_at DESC LIMIT 1 OFFSET ?)`,
      ),
      // One statement for every filter combination: a NULL parameter switches its condition off.
      search: db.prepare<Record<string, string | number | null>, OpLogRow>(
        `SELECT * FROM op_log
         WHERE (@connection_id IS NULL OR connection_id = @connection_id)
           AND (@result IS NULL OR result = @result)
           AND (@tenant_id IS NULL OR tenant_id = @tenant_id COLLATE NOCASE OR json_extract(params, '$.tenantId') = @tenant_id COLLATE NOCASE
                OR EXISTS (SELECT 1 FROM json_each(params, '$.tenantIds') WHERE value = @tenant_id COLLATE NOCASE))
           AND (@q IS NULL OR operation LIKE @q ESCAPE '\\' OR actor LIKE @q ESCAPE '\\' OR coalesce(tenant_id, '') LIKE @q ESCAPE '\\'
                OR params LIKE @q ESCAPE '\\' OR coalesce(error_message, '') LIKE @q ESCAPE '\\' OR op_id LIKE @q ESCAPE '\\')
         ORDER BY started_at DESC, op_id
         LIMIT @limit`,
      ),
      count: db.prepare<Record<string, string | number | null>, { n: number }>(
        `SELECT count(*) AS n FROM op_log
         WHERE (@connection_id IS NULL OR connection_id = @connection_id)
           AND (@result IS NULL OR result = @result)
           AND (@tenant_id IS NULL OR tenant_id = @tenant_id COLLATE NOCASE OR json_extract(params, '$.tenantId') = @tenant_id COLLATE NOCASE
                OR EXISTS (SELECT 1 FROM json_each(params, '$.tenantIds') WHERE value = @tenant_id COLLATE NOCASE))
           AND (@q IS NULL OR operation LIKE @q ESCAPE '\\' OR actor LIKE @q ESCAPE '\\' OR coalesce(tenant_id, '') LIKE @q ESCAPE '\\'
                OR params LIKE @q ESCAPE '\\' OR coalesce(error_message, '') LIKE @q ESCAPE '\\' OR op_id LIKE @q ESCAPE '\\')`,
      ),
    };
  }

  /** Keeps the entries read from a deployment (a running one is updated when it is read again, finished). */
  upsert(connectionId: string, entries: readonly LogEntry[]): void {
    this.db.transaction(() => {
      this.stmts.prune.run(connectionId, connectionId, OP_LOG_RETENTION);
      for (const e of entries) {
        this.stmts.upsert.run({
          connection_id: connectionId,
          op_id: e.opId,
          actor: e.actor,
          operation: e.operation,
          tenant_id: e.tenantId,
          params: JSON.stringify(e.params),
          started_at: e.startedAt,
          ended_at: e.endedAt,
          result: e.result,
          error_code: e.errorCode,
          error_message: e.errorMessage,
        });
      }
    })();
  }

  search(filter: OpLogFilter, names: (connectionId: string) => string): { entries: OpLogEntry[]; matched: number } {
    const q = filter.query?.trim();
    const params = {
      connection_id: filter.connectionId ?? null,
      result: filter.result ?? null,
      tenant_id: filter.tenantId?.trim() ? filter.tenantId.trim() : null,
      q: q ? likePattern(q) : null,
    };
    const rows = this.stmts.search.all({ ...params, limit: filter.limit });
    return {
      matched: this.stmts.count.get(params)?.n ?? 0,
      entries: rows.map((r) => ({
        connectionId: r.connection_id,
        connectionName: names(r.connection_id),
        opId: r.op_id,
        actor: r.actor,
        operation: r.operation,
        tenantId: r.tenant_id,
        params: JSON.parse(r.params) as Record<string, unknown>,
        startedAt: r.started_at,
        endedAt: r.ended_at,
        result: r.result,
        errorCode: r.error_code,
        errorMessage: r.error_message,
      })),
    };
  }
}
