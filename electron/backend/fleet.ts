// Reads what the matrix needs from one deployment (tenants, catalog, installed and archived versions, the
// last failed operation per cell) and merges several deployments into one fleet snapshot.
import type { Connection, DeploymentSnapshot, FleetCell, FleetExtension, FleetSnapshot, FleetTenant } from '../../shared/api/console.js';
import type { LogEntry, OperationOutput } from '../../shared/api/operations.js';
import { compareVersions } from '../../shared/domain/version.js';
import type { Driver } from './drivers/driver.js';

export interface DeploymentRead {
  snapshot: DeploymentSnapshot;
  /** catalog entries, kept so the fleet's columns can name extensions */
  catalog: OperationOutput<'app.catalog'>['apps'];
  /** names of archived extensions that are no longer published */
  archivedApps: { id: string; name: string; publisher: string; version: string }[];
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One tenant's row of matrix cells, each made when first touched (local reads and the remote mirror both build them). */
export class CellRow {
  private readonly row = new Map<string, FleetCell>();
  constructor(private readonly tenantKey: string) {}

  cell(appId: string): FleetCell {
    let c = this.row.get(appId);
    if (!c) {
      c = { tenantKey: this.tenantKey, appId, syncPending: false, archived: [] };
      this.row.set(appId, c);
    }
    return c;
  }

  /** The tenant holds archived data of this version. */
  archived(appId: string, version: string): void {
    const c = this.cell(appId);
    if (!c.archived.includes(version)) c.archived.push(version);
  }

  /** The cells, each with its archived versions in version order. */
  cells(): FleetCell[] {
    const out = [...this.row.values()];
    for (const c of out) c.archived.sort(compareVersions);
    return out;
  }
}

const APP_OPERATIONS = /install|uninstall|upgrade|sync/i;

/** For each "tenant/appId", the newest log entry about it, when that entry failed. */
export function lastFailures(entries: readonly LogEntry[], resolveApp: (key: string) => string | undefined): Map<string, FleetCell['lastFailed']> {
  const newest = new Map<string, LogEntry>();
  const sorted = [...entries].sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  for (const e of sorted) {
    if (!APP_OPERATIONS.test(e.operation) || e.result === 'running') continue;
    const appKey = typeof e.params['appId'] === 'string' ? e.params['appId'] : undefined;
    const appId = appKey ? resolveApp(appKey) : undefined;
    if (!appId) continue;
    const tenants = e.tenantId
      ? [e.tenantId]
      : Array.isArray(e.params['tenantIds'])
        ? (e.params['tenantIds'] as unknown[]).filter((t): t is string => typeof t === 'string')
        : typeof e.params['tenantId'] === 'string'
          ? [e.params['tenantId']]
          : [];
    for (const t of tenants) {
      const k = `${t.toLowerCase()}/${appId}`;
      if (!newest.has(k)) newest.set(k, e);
    }
  }
  const failed = new Map<string, FleetCell['lastFailed']>();
  for (const [k, e] of newest) {
    if (e.result === 'failed') failed.set(k, { operation: e.operation, message: e.errorMessage ?? e.errorCode ?? 'failed', at: e.endedAt ?? e.startedAt });
  }
  return failed;
}

/** A live read also brings the deployment's recent operation log (kept apart: the cache holds the read itself). */
export interface LiveRead extends DeploymentRead {
  log: LogEntry[];
  /** the tenants as listed (size, mount time): kept for offline tenant summaries */
  tenantSummaries: OperationOutput<'tenant.list'>['tenants'];
}

export async function readDeployment(conn: Connection, d: Driver, now = new Date().toISOString()): Promise<LiveRead> {
  const [info, catalog, tenantList, log] = await Promise.all([
    d.invoke('deployment.info', {}),
    d.invoke('app.catalog', {}),
    d.invoke('tenant.list', {}),
    d.invoke('log.list', { limit: 2000 }),
  ]);
  const byName = new Map<string, string>();
  for (const a of catalog.apps) {
    byName.set(a.id.toLowerCase(), a.id);
    byName.set(a.name.toLowerCase(), a.id);
  }
  const archivedApps = new Map<string, { id: string; name: string; publisher: string; version: string }>();
  const failures = lastFailures(log.entries, (key) => byName.get(key.toLowerCase()));

  const tenants: FleetTenant[] = [];
  const cells: FleetCell[] = [];
  await mapLimit(tenantList.tenants, 8, async (t) => {
    const key = `${conn.id}/${t.id}`;
    tenants.push({
      key,
      connectionId: conn.id,
      tenantId: t.id,
      state: t.state,
      companies: t.companies,
      ...(t.failedOperation ? { failedOperation: t.failedOperation } : {}),
    });
    if (t.state === 'dismounted') return;
    const [apps, archives] = await Promise.all([
      d.invoke('tenant.apps', { tenantId: t.id }).catch(() => ({ tenantId: t.id, apps: [] })),
      d.invoke('archive.list', { tenantId: t.id }).catch(() => ({ archives: [] })),
    ]);
    const row = new CellRow(key);
    for (const a of apps.apps) {
      const c = row.cell(a.id);
      c.installed = a.version;
      if (a.upgradeAvailable) c.upgradeTo = a.upgradeAvailable;
      c.syncPending = a.syncState === 'pending' || t.state === 'sync-pending';
      for (const v of a.archivedVersions) row.archived(a.id, v);
    }
    for (const ar of archives.archives) {
      row.archived(ar.appId, ar.version);
      if (!archivedApps.has(ar.appId)) archivedApps.set(ar.appId, { id: ar.appId, name: ar.appName, publisher: ar.publisher, version: ar.version });
    }
    for (const [k, f] of failures) {
      const [tid, appId] = k.split('/') as [string, string];
      if (tid === t.id.toLowerCase()) row.cell(appId).lastFailed = f;
    }
    cells.push(...row.cells());
  });
  tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId));

  const published = new Map<string, string[]>();
  for (const a of catalog.apps) published.set(a.id, [...(published.get(a.id) ?? []), a.version]);
  return {
    snapshot: {
      connectionId: conn.id,
      name: conn.name,
      kind: conn.kind,
      asOf: now,
      live: true,
      application: { name: info.application.name, version: info.application.version },
      tenants,
      published: [...published].map(([id, versions]) => ({ id, versions: versions.sort(compareVersions) })),
      cells,
    },
    catalog: catalog.apps,
    archivedApps: [...archivedApps.values()],
    log: log.entries,
    tenantSummaries: tenantList.tenants,
  };
}

export interface ExtensionFacts {
  id: string;
  name: string;
  publisher: string;
  version: string;
  dependencies: { id: string; name: string; version: string }[];
  connectionId: string;
}

/** The matrix's columns: every extension seen on any deployment, by id, sorted by publisher then name. */
export function mergeExtensions(facts: readonly ExtensionFacts[]): FleetExtension[] {
  const byId = new Map<string, FleetExtension>();
  for (const f of facts) {
    let e = byId.get(f.id);
    if (!e) {
      e = { id: f.id, name: f.name, publisher: f.publisher, versions: [], latest: f.version, dependencies: f.dependencies, publishedOn: [] };
      byId.set(f.id, e);
    }
    if (!e.versions.includes(f.version)) e.versions.push(f.version);
    if (compareVersions(f.version, e.latest) >= 0) {
      e.latest = f.version;
      e.name = f.name;
      e.publisher = f.publisher;
      e.dependencies = f.dependencies;
    }
    if (f.connectionId && !e.publishedOn.includes(f.connectionId)) e.publishedOn.push(f.connectionId);
  }
  const out = [...byId.values()];
  for (const e of out) e.versions.sort(compareVersions);
  return out.sort((a, b) => a.publisher.localeCompare(b.publisher) || a.name.localeCompare(b.name));
}

export function fleetOf(deployments: DeploymentSnapshot[], extensions: FleetExtension[]): FleetSnapshot {
  const times = deployments.map((d) => d.asOf).filter((t): t is string => t !== null);
  return {
    asOf: times.length ? times.reduce((a, b) => (a < b ? a : b)) : null,
    live: deployments.length > 0 && deployments.every((d) => d.live),
    deployments,
    extensions,
  };
}
