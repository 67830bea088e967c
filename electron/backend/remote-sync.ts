// The feed follower of a remote deployment: keeps the console's mirror of the server (cache.ts MirrorCache)
// exact without reloading it. The first sync takes the server's full snapshot (GET snapshot); each later one asks
// for the changes since the mirror's seq (GET changes) and applies them with shared/api's applyPage to the rows
// they touch; when the server says snapshotRequired (the mirror fell behind its retention) it takes a snapshot
// again. The fleet snapshot of the matrix is then built from the mirror (mirrorRead), not from per-tenant calls.
//
// Nothing here polls by itself: a sync runs when a view asks for fresh data (the renderer refreshes on a timer,
// on focus and faster while a deployment is offline), so the work is bounded by what is looked at.
import { applyPage, compareCatalogEntries, type ChangesPage, type Snapshot, type TenantMirror, type CatalogMirrorEntry } from '../../shared/api/changes.js';
import type { Connection, FleetCell, FleetTenant } from '../../shared/api/console.js';
import type { CatalogEntry, TenantSummary } from '../../shared/api/operations.js';
import { compareVersions } from '../../shared/domain/version.js';
import type { MirrorCache, MirrorDelta, MirrorMeta } from './cache.js';
import type { FeedSource } from './drivers/remote-driver.js';
import { CellRow, lastFailures, type LiveRead } from './fleet.js';

export interface SyncOutcome {
  /** snapshot: the mirror was replaced; delta: changes were applied; unchanged: nothing happened on the server */
  mode: 'snapshot' | 'delta' | 'unchanged';
  seq: number;
  /** changes applied by this sync */
  changes: number;
  /** the mirror is exact as of this time (when the last request of the sync was sent) */
  syncedAt: string;
  /** false when the sync stopped after maxPages with more changes waiting (the next sync goes on) */
  caughtUp: boolean;
}

export interface RemoteSyncOptions {
  /** changes asked per request (the server allows up to 10,000) */
  pageSize?: number;
  /** requests of changes per sync at most; beyond, the next sync goes on */
  maxPages?: number;
  now?: () => string;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const appKeyOf = (a: { id: string; version: string }): string => `${a.id}/${a.version}`;

/**
 * What one page of changes does to the mirror. The page is applied with applyPage to a snapshot holding only the
 * rows it touches (every change replaces or removes whole entities by key, so the rest cannot change): the result
 * equals applying it to the whole mirror, at a cost that grows with the page, not with the deployment.
 */
export function deltaOf(
  cache: MirrorCache,
  connectionId: string,
  meta: MirrorMeta,
  page: ChangesPage,
  limit: number,
): { delta: MirrorDelta; caughtUp: boolean } {
  const tenantIds = new Set<string>();
  const apps = new Map<string, { id: string; version: string }>();
  let log = false;
  let deployment = false;
  for (const c of page.changes) {
    if (c.seq <= meta.seq) continue;
    if (c.kind === 'tenant.upserted' || c.kind === 'tenant.removed') tenantIds.add(c.data.id);
    else if (c.kind === 'app.upserted' || c.kind === 'app.removed') apps.set(appKeyOf(c.data), { id: c.data.id, version: c.data.version });
    else if (c.kind === 'log.upserted') log = true;
    else deployment = true;
  }
  const part: Snapshot = {
    seq: meta.seq,
    deployment: meta.deployment,
    catalog: cache.apps(connectionId, apps.values()).sort(compareCatalogEntries),
    tenants: cache.tenants(connectionId, tenantIds).sort(byId),
    log: log ? cache.log(connectionId) : [],
  };
  const { state, caughtUp } = applyPage(part, page, limit);
  const keptTenants = new Set(state.tenants.map((t) => t.id));
  const keptApps = new Set(state.catalog.map(appKeyOf));
  return {
    delta: {
      seq: state.seq,
      ...(deployment ? { deployment: state.deployment } : {}),
      ...(log ? { log: state.log } : {}),
      upsertTenants: state.tenants,
      removeTenants: [...tenantIds].filter((id) => !keptTenants.has(id)),
      upsertApps: state.catalog,
      removeApps: [...apps.values()].filter((a) => !keptApps.has(appKeyOf(a))),
    },
    caughtUp,
  };
}

export class RemoteSync {
  private running: Promise<SyncOutcome> | null = null;
  private memo: { seq: number; snapshot: Snapshot } | null = null;
  private derived: { seq: number; name: string; read: LiveRead } | null = null;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly now: () => string;

  constructor(
    private readonly cache: MirrorCache,
    readonly connectionId: string,
    private readonly source: () => FeedSource,
    opts: RemoteSyncOptions = {},
  ) {
    this.pageSize = opts.pageSize ?? 1000;
    this.maxPages = opts.maxPages ?? 50;
    this.now = opts.now ?? (() => new Date().toISOString());
  }

  /** Brings the mirror up to the server's feed. Calls made while one runs share it. */
  sync(): Promise<SyncOutcome> {
    if (!this.running) this.running = this.run().finally(() => (this.running = null));
    return this.running;
  }

  private async run(): Promise<SyncOutcome> {
    const src = this.source();
    let meta = this.cache.meta(this.connectionId);
    if (!meta) return this.full(src);
    let applied = 0;
    for (let n = 0; n < this.maxPages; n++) {
      const at = this.now();
      const page = await src.changes(meta.seq, this.pageSize);
      if (page.snapshotRequired) return this.full(src);
      if (page.changes.length === 0 && page.latest === meta.seq) {
        this.cache.touch(this.connectionId, at);
        return { mode: applied > 0 ? 'delta' : 'unchanged', seq: meta.seq, changes: applied, syncedAt: at, caughtUp: true };
      }
      const { delta, caughtUp } = deltaOf(this.cache, this.connectionId, meta, page, this.pageSize);
      this.cache.apply(this.connectionId, delta, at);
      applied += page.changes.length;
      meta = { seq: delta.seq, deployment: delta.deployment ?? meta.deployment, syncedAt: at };
      if (caughtUp) return { mode: 'delta', seq: meta.seq, changes: applied, syncedAt: at, caughtUp: true };
    }
    return { mode: 'delta', seq: meta.seq, changes: applied, syncedAt: meta.syncedAt, caughtUp: false };
  }

  private async full(src: FeedSource): Promise<SyncOutcome> {
    const at = this.now();
    const s = await src.snapshot();
    this.cache.replace(this.connectionId, s, at);
    this.memo = { seq: s.seq, snapshot: s };
    return { mode: 'snapshot', seq: s.seq, changes: 0, syncedAt: at, caughtUp: true };
  }

  /** The mirror as it stands (read from the cache once per seq), or undefined before the first sync. */
  mirror(): Snapshot | undefined {
    const meta = this.cache.meta(this.connectionId);
    if (!meta) return undefined;
    if (this.memo?.seq !== meta.seq) {
      const s = this.cache.load(this.connectionId);
      if (!s) return undefined;
      this.memo = { seq: s.seq, snapshot: s };
    }
    return this.memo.snapshot;
  }

  /** When the mirror was last known exact, or null before the first sync. */
  syncedAt(): string | null {
    return this.cache.meta(this.connectionId)?.syncedAt ?? null;
  }

  /** Syncs, then reads the deployment for the matrix from the mirror (derived once per seq). */
  async read(conn: Connection): Promise<LiveRead> {
    const out = await this.sync();
    const s = this.mirror();
    if (!s) throw new Error(`RemoteSync: no mirror of ${conn.name} after a sync`);
    if (this.derived?.seq !== s.seq || this.derived.name !== conn.name) this.derived = { seq: s.seq, name: conn.name, read: mirrorRead(conn, s, out.syncedAt) };
    const read = this.derived.read;
    return { ...read, snapshot: { ...read.snapshot, asOf: out.syncedAt } };
  }

  /** Forgets the mirror (the connection now points at another server): the next sync takes a snapshot. */
  reset(): void {
    this.cache.clear(this.connectionId);
    this.memo = null;
    this.derived = null;
  }
}

/**
 * The deployment as the matrix sees it, from the mirror alone: the same tenants, cells, catalog and archive names
 * that fleet.ts readDeployment reads with per-tenant calls. The last failure of a cell is looked for in the
 * mirror's window of the newest log entries.
 */
export function mirrorRead(conn: Connection, s: Snapshot, asOf: string): LiveRead {
  const byName = new Map<string, string>();
  for (const a of s.catalog) {
    byName.set(a.id.toLowerCase(), a.id);
    byName.set(a.name.toLowerCase(), a.id);
  }
  const newest = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const a of s.catalog) {
    const best = newest.get(a.id);
    if (best === undefined || compareVersions(a.version, best) > 0) newest.set(a.id, a.version);
  }
  const log = s.log.map(({ seq: _seq, ...e }) => e);
  const failures = lastFailures(log, (key) => byName.get(key.toLowerCase()));
  const failuresByTenant = new Map<string, [string, NonNullable<FleetCell['lastFailed']>][]>();
  for (const [k, f] of failures) {
    if (!f) continue;
    const [tid, appId] = k.split('/') as [string, string];
    const list = failuresByTenant.get(tid) ?? [];
    list.push([appId, f]);
    failuresByTenant.set(tid, list);
  }
  const archivedApps = new Map<string, { id: string; name: string; publisher: string; version: string }>();
  const tenants: FleetTenant[] = [];
  const cells: FleetCell[] = [];
  const tenantSummaries: TenantSummary[] = [];
  for (const t of s.tenants) {
    // The feed does not carry a tenant's file (a path on the server) or its size: unknown here, 0 and ''.
    tenantSummaries.push({
      id: t.id,
      alternateIds: t.alternateIds,
      state: t.state,
      failedOperation: t.failedOperation,
      applicationVersion: t.applicationVersion,
      companies: t.companies,
      installedApps: t.apps.length,
      file: '',
      sizeBytes: 0,
      createdAt: t.createdAt,
      mountedAt: t.mountedAt,
      version: t.version,
    });
    for (const a of t.apps) counts.set(`${a.id}@${a.version}`, (counts.get(`${a.id}@${a.version}`) ?? 0) + 1);
    const key = `${conn.id}/${t.id}`;
    tenants.push({
      key,
      connectionId: conn.id,
      tenantId: t.id,
      state: t.state,
      companies: t.companies,
      ...(t.failedOperation ? { failedOperation: t.failedOperation } : {}),
    });
    // As a live read: a dismounted tenant is not in use here, its row stays empty.
    if (t.state === 'dismounted') continue;
    cells.push(...cellsOf(key, t, newest, archivedApps, failuresByTenant.get(t.id.toLowerCase()) ?? []));
  }
  const catalog: CatalogEntry[] = s.catalog.map((a: CatalogMirrorEntry) => ({ ...a, tenantCount: counts.get(`${a.id}@${a.version}`) ?? 0 }));
  const published = new Map<string, string[]>();
  for (const a of s.catalog) published.set(a.id, [...(published.get(a.id) ?? []), a.version]);
  return {
    snapshot: {
      connectionId: conn.id,
      name: conn.name,
      kind: conn.kind,
      asOf,
      live: true,
      application: { name: s.deployment.application.name, version: s.deployment.application.version },
      tenants,
      published: [...published].map(([id, versions]) => ({ id, versions: versions.sort(compareVersions) })),
      cells,
    },
    catalog,
    archivedApps: [...archivedApps.values()],
    log,
    tenantSummaries,
  };
}

function cellsOf(
  key: string,
  t: TenantMirror,
  newest: ReadonlyMap<string, string>,
  archivedApps: Map<string, { id: string; name: string; publisher: string; version: string }>,
  failed: readonly [string, NonNullable<FleetCell['lastFailed']>][],
): FleetCell[] {
  const row = new CellRow(key);
  for (const a of t.apps) {
    const c = row.cell(a.id);
    c.installed = a.version;
    const best = newest.get(a.id);
    if (best !== undefined && compareVersions(best, a.version) > 0) c.upgradeTo = best;
    c.syncPending = a.syncState === 'pending' || t.state === 'sync-pending';
  }
  for (const ar of t.archives) {
    row.archived(ar.appId, ar.version);
    if (!archivedApps.has(ar.appId)) archivedApps.set(ar.appId, { id: ar.appId, name: ar.appName, publisher: ar.publisher, version: ar.version });
  }
  for (const [appId, f] of failed) row.cell(appId).lastFailed = f;
  return row.cells();
}
