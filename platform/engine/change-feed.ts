// The change feed: every change of what a client mirrors (Snapshot of shared/api/changes.ts) is appended in the
// deployment transaction that makes it (track() for tenants, appChange() for the catalog, logChange() for log rows);
// snapshot(), snapshotJson() and changesSince() are what clients read.
import {
  type CatalogMirrorEntry,
  type ChangeDraft,
  type ChangesPage,
  compareCatalogEntries,
  LOG_WINDOW,
  type Snapshot,
  type TenantMirror,
} from '../../shared/api/changes.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import type { DeploymentCore } from './deployment-core.js';
import { catalogMirrorOfRow, type CatalogRow } from './repositories/catalog-repository.js';
import { logMirror } from './repositories/log-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import { tenantMirrorOfRow } from './repositories/tenant-registry-repository.js';
import { tenantMirrorsJson } from './snapshot-json.js';

export function appendChange(c: DeploymentCore, change: ChangeDraft): void {
  const data = JSON.stringify(change.data);
  c.changes.append(change, nowIso(), data);
  // the snapshot reads each tenant's mirror as this text (snapshot-json.ts): the value the feed just said
  if (change.kind === 'tenant.upserted') c.registry.setMirror(change.tenantId ?? change.data.id, data);
}

export function logChange(c: DeploymentCore, opId: string): void {
  const r = c.opLog.get(opId);
  if (r) appendChange(c, { kind: 'log.upserted', ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}), data: logMirror(r) });
}

export function catalogMirrorEntry(c: DeploymentCore, r: CatalogRow, def?: AppDefinition): CatalogMirrorEntry {
  return catalogMirrorOfRow(r, def ?? c.loadCatalog().get(`${r.app_id}@${r.version}`)?.def);
}

export function appChange(c: DeploymentCore, appId: string, version: string, def?: AppDefinition): void {
  const r = c.catalogRepo.get(appId, version);
  if (r) appendChange(c, { kind: 'app.upserted', appId: r.app_id, data: catalogMirrorEntry(c, r, def) });
  else appendChange(c, { kind: 'app.removed', appId: appId.toLowerCase(), data: { id: appId.toLowerCase(), version } });
}

export function deploymentMirror(c: DeploymentCore): Snapshot['deployment'] {
  return { name: c.name, application: { name: c.app.name, publisher: c.app.publisher, version: c.app.version } };
}

/** What the change feed mirrors of one tenant, from the registry alone. */
export function tenantMirror(c: DeploymentCore, tenantId: string): TenantMirror | null {
  const row = c.registry.get(tenantId);
  return row ? tenantMirrorOfRow(row, c.registry.apps(tenantId)) : null;
}

/**
 * Runs `body` (changes to the registry rows of these tenants) in one deployment transaction. Each tenant whose
 * mirrored state changed gets its version incremented and a change in the feed, in that same transaction, so a
 * client following the feed never misses one.
 */
export function track<T>(c: DeploymentCore, tenantIds: readonly string[], body: () => T): T {
  return c.db.transaction(() => {
    const before = tenantIds.map((id) => tenantMirror(c, id));
    const value = body();
    tenantIds.forEach((id, i) => recordTenantChange(c, id, before[i] ?? null));
    return value;
  })();
}

export function recordTenantChange(c: DeploymentCore, tenantId: string, before: TenantMirror | null): void {
  const after = tenantMirror(c, tenantId);
  if (after === null) {
    if (before !== null) appendChange(c, { kind: 'tenant.removed', tenantId, data: { id: tenantId } });
    return;
  }
  if (before !== null && JSON.stringify({ ...before, version: 0 }) === JSON.stringify({ ...after, version: 0 })) return;
  let data = after;
  if (before !== null) {
    c.registry.bumpVersion(tenantId);
    data = { ...after, version: after.version + 1 };
  }
  appendChange(c, { kind: 'tenant.upserted', tenantId, data });
}

/**
 * The state a client mirrors, at one seq of the change feed (read in one transaction). With `tenants`, only those
 * tenants and their log entries (a tenant-scoped reader).
 */
export function snapshot(c: DeploymentCore, scope?: { tenants: ReadonlySet<string> }): Snapshot {
  return c.db.transaction(() => {
    const seq = c.changes.latest();
    const appsByTenant = new Map<string, { app_id: string; version: string; data_version: string; sync_state: string }[]>();
    for (const a of c.registry.allApps()) {
      let list = appsByTenant.get(a.tenant_id);
      if (!list) appsByTenant.set(a.tenant_id, (list = []));
      list.push(a);
    }
    const rows = c.registry.list().filter((r) => scope === undefined || scope.tenants.has(r.tenant_id));
    const log = scope === undefined ? c.opLog.window(LOG_WINDOW) : c.opLog.windowForTenants(LOG_WINDOW, [...scope.tenants]);
    return {
      seq,
      deployment: deploymentMirror(c),
      catalog: c.catalogRepo
        .list()
        .map((r) => catalogMirrorEntry(c, r))
        .sort(compareCatalogEntries),
      tenants: rows.map((r) => tenantMirrorOfRow(r, appsByTenant.get(r.tenant_id) ?? [])),
      log: log.map(logMirror),
    };
  })();
}

/**
 * snapshot() as the JSON text the server answers with, without building 10,000 tenant objects to serialize them
 * again: the tenants come as text from SQLite (snapshot-json.ts); the rest is small. Parses to snapshot()'s value.
 */
export function snapshotJson(c: DeploymentCore, scope?: { tenants: ReadonlySet<string> }): string {
  return c.db.transaction(() => {
    const seq = c.changes.latest();
    const log = scope === undefined ? c.opLog.window(LOG_WINDOW) : c.opLog.windowForTenants(LOG_WINDOW, [...scope.tenants]);
    const catalog = c.catalogRepo
      .list()
      .map((r) => catalogMirrorEntry(c, r))
      .sort(compareCatalogEntries);
    const head = `{"seq":${seq},"deployment":${JSON.stringify(deploymentMirror(c))},"catalog":${JSON.stringify(catalog)}`;
    return `${head},"tenants":${tenantMirrorsJson(c.db, scope?.tenants)},"log":${JSON.stringify(log.map(logMirror))}}`;
  })();
}

/** The changes after `since` (at most `limit`), or snapshotRequired when the feed no longer holds them all. */
export function changesSince(c: DeploymentCore, since: number, limit: number, scope?: { tenants: ReadonlySet<string> }): ChangesPage {
  return c.db.transaction(() => {
    const latest = c.changes.latest();
    const snapshotRequired = since > latest || (since < latest && since + 1 < c.changes.windowStart(latest));
    if (snapshotRequired) return { changes: [], latest, snapshotRequired: true };
    const changes =
      scope === undefined ? c.changes.after(since, limit) : c.changes.afterForTenants(since, limit, scope.tenants, (kind) => kind !== 'log.upserted').changes;
    return { changes, latest, snapshotRequired: false };
  })();
}
