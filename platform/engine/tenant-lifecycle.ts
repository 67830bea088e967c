// Tenant lifecycle: create, list, mount, dismount, remove-apps of a dismounted tenant, export and import a tenant
// file, adopt a received file (the destination side of a staged move), and forget a tenant that now lives elsewhere.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ArchiveIndexEntry } from '../../shared/api/changes.js';
import { TenantryError } from '../../shared/api/errors.js';
import type { OperationOutput, TenantApp, TenantSummary } from '../../shared/api/operations.js';
import { describeApp } from '../../shared/domain/manifest.js';
import { mergeView } from '../../shared/domain/merge.js';
import { checkAllowed, type TenantState } from '../../shared/domain/tenant-state.js';
import { compareVersions } from '../../shared/domain/version.js';
import { archiveEntries } from './archive.js';
import { deploymentOp, reconcileRegistry, tenantOp } from './bookkeeping.js';
import { track } from './change-feed.js';
import { checkpointTruncate, integrityCheck, openDatabase } from './db/open-database.js';
import { type DeploymentCore, normalizeTenantId, SYSTEM_ACTOR, TENANT_FORMAT } from './deployment-core.js';
import { faultPoint } from './fault.js';
import { createPhysicalTables, desiredSchema } from './physical-schema.js';
import { nowIso } from './repositories/statement-cache.js';
import { type TenantRow, tenantSummaryOfRow } from './repositories/tenant-registry-repository.js';
import { archiveIndexOf, TenantRepository } from './repositories/tenant-repository.js';
import { copyWithSha256, databaseFileSize, fsyncDir, removeDatabaseFiles, sha256File, tenantFileName } from './tenant-files.js';
import { removeAllApps } from './tenant-ops.js';
import { DEFAULT_COMPANIES } from './default-application.js';

export interface ExportedTenantFile {
  tenantId: string;
  path: string;
  size: number;
  sha256: string;
}

/** A tenant's summary from the registry alone (no tenant connection: lists of thousands stay cheap). */
export function summary(c: DeploymentCore, row: TenantRow): TenantSummary {
  return tenantSummaryOfRow(row, c.registry.apps(row.tenant_id).length, databaseFileSize(row.file));
}

export function createTenant(c: DeploymentCore, tenantId: string, opts: { companies?: string[]; alternateIds?: string[]; actor?: string } = {}): TenantSummary {
  const id = normalizeTenantId(tenantId);
  const companies = opts.companies && opts.companies.length > 0 ? opts.companies : [...DEFAULT_COMPANIES];
  const lower = companies.map((n) => n.toLowerCase());
  const dup = lower.find((n, i) => lower.indexOf(n) !== i);
  if (dup !== undefined) throw new TenantryError('BAD_INPUT', `company "${dup}" is listed twice`, { company: dup });
  return deploymentOp(c, 'tenant.create', { tenantId: id, companies, alternateIds: opts.alternateIds ?? [] }, opts.actor, (opId) => {
    if (c.registry.get(id)) throw new TenantryError('TENANT_EXISTS', `tenant "${id}" already exists in deployment "${c.name}"`, { tenantId: id });
    const file = tenantFileName(c.tenantsDir, id);
    if (fs.existsSync(file))
      throw new TenantryError('TENANT_EXISTS', `a tenant database ${file} exists but is not registered; mount it`, { tenantId: id, file });
    const temp = `${file}.creating`;
    removeDatabaseFiles(temp);
    const at = nowIso();
    const db = openDatabase(temp, 'tenant', { create: true });
    try {
      const repo = new TenantRepository(db);
      db.transaction(() => {
        repo.setMeta('format', TENANT_FORMAT);
        repo.setMeta('tenant_id', id);
        repo.setMeta('application_name', c.app.name);
        repo.setMeta('application_version', c.app.version);
        repo.setMeta('created_at', at);
        for (const company of companies) repo.addCompany(company, at);
        const view = mergeView(c.app, []);
        createPhysicalTables(repo, desiredSchema(view, repo.companies(), new Set([''])));
        repo.log({
          op_id: opId,
          actor: opts.actor ?? SYSTEM_ACTOR,
          operation: 'tenant.create',
          params: JSON.stringify({ companies }),
          started_at: at,
          ended_at: nowIso(),
          result: 'succeeded',
          error_code: null,
          error_message: null,
        });
      })();
      checkpointTruncate(db);
    } finally {
      db.close();
    }
    fs.renameSync(temp, file);
    fsyncDir(c.tenantsDir);
    track(c, [id], () =>
      c.registry.insert({
        tenant_id: id,
        file,
        state: 'operational',
        failed_operation: null,
        failed_error: null,
        alternate_ids: JSON.stringify(opts.alternateIds ?? []),
        companies: JSON.stringify(companies),
        application_version: c.app.version,
        created_at: at,
        mounted_at: at,
        version: 1,
      }),
    );
    return summary(c, c.tenantRow(id));
  });
}

export function listTenants(c: DeploymentCore): TenantSummary[] {
  return c.registry.list().map((r) => summary(c, r));
}

export function getTenant(c: DeploymentCore, tenantId: string): TenantSummary & { apps: TenantApp[] } {
  const row = c.tenantRow(tenantId);
  return { ...summary(c, row), apps: row.state === 'dismounted' ? [] : tenantApps(c, row.tenant_id) };
}

/** Checks a tenant database can be mounted here; returns its id and the state it mounts in. */
export function mountCheck(c: DeploymentCore, repo: TenantRepository, label: string): { tenantId: string; state: TenantState } {
  if (repo.meta('format') !== TENANT_FORMAT) throw new TenantryError('DEPLOYMENT_INVALID', `${label} is not a Tenantry tenant database`, { file: label });
  const tenantId = normalizeTenantId(repo.meta('tenant_id') ?? '');
  const appName = repo.meta('application_name') ?? '';
  const appVersion = repo.meta('application_version') ?? '';
  if (appName.toLowerCase() !== c.app.name.toLowerCase() || appVersion !== c.app.version) {
    throw new TenantryError(
      'APPLICATION_MISMATCH',
      `tenant "${tenantId}" uses application "${appName}" ${appVersion}; deployment "${c.name}" runs "${c.app.name}" ${c.app.version}`,
      { tenantId, tenantApplication: { name: appName, version: appVersion }, deploymentApplication: { name: c.app.name, version: c.app.version } },
    );
  }
  const cache = c.loadCatalog();
  const installed = repo.installed();
  const missing = installed.filter((a) => !cache.has(`${a.app_id}@${a.version}`));
  if (missing.length > 0) {
    throw new TenantryError(
      'MOUNT_MISSING_APPS',
      `tenant "${tenantId}" has extensions installed that are not published in deployment "${c.name}": ${missing.map((a) => `${describeApp(a)} (${a.app_id})`).join(', ')}; publish them, or remove the apps from the tenant`,
      { tenantId, missing: missing.map((a) => ({ id: a.app_id, name: a.name, publisher: a.publisher, version: a.version })) },
    );
  }
  const state: TenantState = installed.some((a) => a.sync_state === 'pending')
    ? 'sync-pending'
    : installed.some((a) => a.data_version !== a.version)
      ? 'data-upgrade-pending'
      : 'operational';
  return { tenantId, state };
}

/** Mounts a dismounted tenant of this deployment, or adopts a tenant database file (copied in). */
export function mount(c: DeploymentCore, target: { tenantId: string } | { file: string }, opts: { actor?: string } = {}): TenantSummary {
  if ('file' in target) return importTenantFile(c, target.file, { actor: opts.actor });
  const row = c.tenantRow(target.tenantId);
  checkAllowed(row.state as TenantState, 'mount', row.tenant_id);
  return deploymentOp(c, 'tenant.mount', { tenantId: row.tenant_id }, opts.actor, (opId) => {
    const repo = c.tenantRepo(row);
    try {
      const { tenantId, state } = mountCheck(c, repo, row.file);
      if (tenantId !== row.tenant_id)
        throw new TenantryError('DEPLOYMENT_INVALID', `${row.file} holds tenant "${tenantId}", not "${row.tenant_id}"`, { file: row.file });
      repo.log({
        op_id: opId,
        actor: opts.actor ?? SYSTEM_ACTOR,
        operation: 'tenant.mount',
        params: '{}',
        started_at: nowIso(),
        ended_at: nowIso(),
        result: 'succeeded',
        error_code: null,
        error_message: null,
      });
      track(c, [tenantId], () => {
        c.registry.setState(tenantId, state);
        c.registry.setMounted(tenantId, nowIso(), c.app.version);
        reconcileRegistry(c, tenantId);
        // a copy staged by a move is now the live one here
        const incoming = c.moves.pendingIncoming(tenantId);
        if (incoming) c.moves.finishIncoming(incoming.move_id, tenantId, 'mounted', nowIso());
      });
      return summary(c, c.tenantRow(tenantId));
    } catch (e) {
      c.closeTenantDb(row.tenant_id, false);
      throw e;
    }
  });
}

/** Ends the tenant's use here: checkpoint (WAL TRUNCATE), close; the file alone is then a complete copy. */
export function dismount(c: DeploymentCore, tenantId: string, opts: { actor?: string } = {}): OperationOutput<'tenant.dismount'> {
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'dismount', row.tenant_id);
  let opId = '';
  deploymentOp(c, 'tenant.dismount', { tenantId: row.tenant_id }, opts.actor, (id) => {
    opId = id;
    const repo = c.tenantRepo(row);
    repo.db.transaction(() => {
      repo.log({
        op_id: id,
        actor: opts.actor ?? SYSTEM_ACTOR,
        operation: 'tenant.dismount',
        params: '{}',
        started_at: nowIso(),
        ended_at: nowIso(),
        result: 'succeeded',
        error_code: null,
        error_message: null,
      });
      // The version travels with the file: the version this dismount gives it (a mount elsewhere goes on from there).
      repo.setMeta('version', String((row.version ?? 0) + 1));
    })();
    c.closeTenantDb(row.tenant_id, true);
    track(c, [row.tenant_id], () => {
      c.registry.setState(row.tenant_id, 'dismounted');
      c.registry.setMounted(row.tenant_id, null);
    });
  });
  return { tenantId: row.tenant_id, file: row.file, state: 'dismounted', opId };
}

/** Remove-NAVAppsForTenant: for a dismounted tenant, uninstall every app using the tenant's own definitions. */
export function removeAppsForTenant(
  c: DeploymentCore,
  tenantId: string,
  opts: { doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {},
): OperationOutput<'tenant.removeApps'> {
  const r = tenantOp(
    c,
    {
      operation: 'tenant.removeApps',
      stateOp: 'remove-apps',
      faultOp: 'remove-apps',
      tenantId,
      actor: opts.actor,
      params: { doNotSaveData: opts.doNotSaveData ?? false },
      catalog: false,
    },
    (ctx) => removeAllApps(ctx, { doNotSaveData: opts.doNotSaveData ?? false, acknowledge: opts.acknowledge ?? false }),
  );
  const id = normalizeTenantId(tenantId);
  const repo = c.tenantDbs.get(id);
  const archives = repo ? archiveEntries(repo, false).filter((a) => r.value.archives.includes(a.archiveId)) : [];
  // The tenant stays dismounted: close (and checkpoint) what the operation opened.
  c.closeTenantDb(id, true);
  return { tenantId: id, removed: r.value.uninstalled, archives, rowsDiscarded: r.value.rowsDiscarded, opId: r.opId };
}

export function tenantApps(c: DeploymentCore, tenantId: string): TenantApp[] {
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'info', row.tenant_id);
  if (row.state === 'dismounted') {
    return c.registry.apps(row.tenant_id).map((a) => ({
      id: a.app_id,
      name: '',
      publisher: '',
      version: a.version,
      dataVersion: a.data_version,
      syncState: a.sync_state as 'synced' | 'pending',
      installedAt: '',
      upgradeAvailable: null,
      archivedVersions: [],
    }));
  }
  const repo = c.tenantRepo(row);
  const archives = repo.archives();
  const cache = [...c.loadCatalog().values()];
  return repo.installed().map((a) => {
    const newer = cache.filter((e) => e.row.app_id === a.app_id && compareVersions(e.row.version, a.version) > 0).map((e) => e.row.version);
    const best = newer.reduce<string | null>((b, v) => (b === null || compareVersions(v, b) > 0 ? v : b), null);
    return {
      id: a.app_id,
      name: a.name,
      publisher: a.publisher,
      version: a.version,
      dataVersion: a.data_version,
      syncState: a.sync_state,
      installedAt: a.installed_at,
      upgradeAvailable: best,
      archivedVersions: [...new Set(archives.filter((x) => x.app_id === a.app_id).map((x) => x.version))],
    };
  });
}

/** Dismounts the tenant and returns its file, size and SHA-256 (the file is then safe to copy). */
export function exportTenantFile(c: DeploymentCore, tenantId: string, opts: { actor?: string } = {}): ExportedTenantFile {
  const row = c.tenantRow(tenantId);
  if (row.state !== 'dismounted') dismount(c, row.tenant_id, opts);
  const { sha256, size } = sha256File(row.file);
  return { tenantId: row.tenant_id, path: row.file, size, sha256 };
}

/**
 * Adopts a tenant database file: copy into tenants/ through a temp file (+ fsync + rename), verify the SHA-256,
 * integrity_check, then mount. Any failure removes what was copied; the source file is never written.
 */
export function importTenantFile(c: DeploymentCore, file: string, opts: { expectedSha256?: string; actor?: string; faultOp?: string } = {}): TenantSummary {
  const src = path.resolve(file);
  const faultOp = opts.faultOp ?? 'import';
  return deploymentOp(c, 'tenant.import', { file: src, expectedSha256: opts.expectedSha256 ?? null }, opts.actor, (opId) => {
    if (!fs.existsSync(src)) throw new TenantryError('NOT_FOUND', `${src} does not exist`, { file: src });
    // Never copy a live database: committed pages may still sit in its -wal file.
    const wal = `${src}-wal`;
    if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
      throw new TenantryError('TENANT_STATE', `${src} has a non-empty ${path.basename(wal)}: it is in use or was not dismounted cleanly; dismount it first`, {
        file: src,
      });
    }
    const temp = newImportPath(c);
    try {
      const { sha256 } = copyWithSha256(src, temp);
      faultPoint(faultOp, 'after-copy');
      return adopt(c, temp, { opId, label: src, sha256, expectedSha256: opts.expectedSha256, actor: opts.actor, faultOp, mount: true });
    } catch (e) {
      removeDatabaseFiles(temp);
      throw e;
    }
  });
}

/** A new temporary file name in tenants/ for a tenant file being received (removed on failure and on the next open). */
export function newImportPath(c: DeploymentCore): string {
  return path.join(c.tenantsDir, `.import-${crypto.randomUUID()}.sqlite`);
}

/**
 * Takes a tenant file received into newImportPath() (its SHA-256 computed while it was written) as the destination
 * of a staged move or an upload: checks the SHA-256 against the sender's, integrity_check, the mount checks and the
 * tenant id, renames it into place and registers it DISMOUNTED; tenant.mount makes it live. Any failure removes it.
 */
export function adoptTenantFile(
  c: DeploymentCore,
  temp: string,
  opts: { sha256: string; size: number; expectedSha256: string; tenantId: string; moveId?: string; actor?: string },
): TenantSummary {
  const abs = path.resolve(temp);
  if (path.dirname(abs) !== c.tenantsDir || !path.basename(abs).startsWith('.import-')) {
    removeDatabaseFiles(abs);
    throw new TenantryError('BAD_INPUT', `${abs} is not a file received by this deployment`, { file: abs });
  }
  const tenantId = normalizeTenantId(opts.tenantId);
  return deploymentOp(c, 'tenant.receive', { tenantId, moveId: opts.moveId ?? null, sha256: opts.sha256, size: opts.size }, opts.actor, (opId) =>
    adopt(c, abs, {
      opId,
      label: `the file received for tenant "${tenantId}"`,
      sha256: opts.sha256,
      expectedSha256: opts.expectedSha256,
      expectedTenantId: tenantId,
      actor: opts.actor,
      faultOp: 'receive',
      mount: false,
      ...(opts.moveId !== undefined ? { moveId: opts.moveId, size: opts.size } : {}),
    }),
  );
}

/** Verifies, places and registers a tenant file already copied into tenants/ (see importTenantFile, adoptTenantFile). */
export function adopt(
  c: DeploymentCore,
  temp: string,
  p: {
    opId: string;
    label: string;
    sha256: string;
    expectedSha256: string | undefined;
    expectedTenantId?: string;
    actor: string | undefined;
    faultOp: string;
    mount: boolean;
    moveId?: string;
    size?: number;
  },
): TenantSummary {
  let placed: string | null = null;
  try {
    if (p.expectedSha256 !== undefined && p.sha256 !== p.expectedSha256.toLowerCase()) {
      throw new TenantryError('MOVE_FAILED', `${p.label}: the copy's SHA-256 ${p.sha256} differs from the expected ${p.expectedSha256}`, {
        file: p.label,
        sha256: p.sha256,
        expected: p.expectedSha256,
      });
    }
    const db = openDatabase(temp, 'tenant');
    let tenantId: string;
    let state: TenantState;
    let companies: string[] = [];
    let version = 1;
    let apps: { app_id: string; version: string; data_version: string; sync_state: string }[] = [];
    let archives: ArchiveIndexEntry[] = [];
    try {
      const check = integrityCheck(db);
      if (check !== 'ok') throw new TenantryError('MOVE_FAILED', `${p.label}: integrity check failed: ${check}`, { file: p.label });
      const repo = new TenantRepository(db);
      ({ tenantId, state } = mountCheck(c, repo, p.label));
      if (p.expectedTenantId !== undefined && tenantId !== p.expectedTenantId) {
        throw new TenantryError('BAD_INPUT', `${p.label} holds tenant "${tenantId}", not "${p.expectedTenantId}"`, {
          tenantId: p.expectedTenantId,
          fileTenantId: tenantId,
        });
      }
      companies = repo.companies().map((co) => co.name);
      if (c.registry.get(tenantId)) throw new TenantryError('TENANT_EXISTS', `tenant "${tenantId}" already exists in deployment "${c.name}"`, { tenantId });
      repo.log({
        op_id: p.opId,
        actor: p.actor ?? SYSTEM_ACTOR,
        operation: p.mount ? 'tenant.mount' : 'tenant.receive',
        params: JSON.stringify(p.mount ? { file: p.label } : { moveId: p.moveId ?? null }),
        started_at: nowIso(),
        ended_at: nowIso(),
        result: 'succeeded',
        error_code: null,
        error_message: null,
      });
      version = Number(repo.meta('version') ?? '0') + 1;
      apps = repo.installed().map((a) => ({ app_id: a.app_id, version: a.version, data_version: a.data_version, sync_state: a.sync_state }));
      archives = archiveIndexOf(repo);
      checkpointTruncate(db);
    } finally {
      db.close();
    }
    faultPoint(p.faultOp, 'after-verify');
    const final = tenantFileName(c.tenantsDir, tenantId);
    if (fs.existsSync(final)) throw new TenantryError('TENANT_EXISTS', `${final} exists already`, { tenantId, file: final });
    fs.renameSync(temp, final);
    placed = final;
    fsyncDir(c.tenantsDir);
    faultPoint(p.faultOp, 'after-rename');
    const at = nowIso();
    track(c, [tenantId], () => {
      c.registry.insert({
        tenant_id: tenantId,
        file: final,
        state: p.mount ? state : 'dismounted',
        failed_operation: null,
        failed_error: null,
        alternate_ids: '[]',
        companies: JSON.stringify(companies),
        application_version: c.app.version,
        created_at: at,
        mounted_at: p.mount ? at : null,
        version,
        archives: JSON.stringify(archives),
      });
      c.registry.replaceApps(tenantId, apps);
      if (p.moveId !== undefined) c.moves.receive({ move_id: p.moveId, tenant_id: tenantId, sha256: p.sha256, size: p.size ?? 0, received_at: at });
    });
    faultPoint(p.faultOp, 'after-mount');
    return summary(c, c.tenantRow(tenantId));
  } catch (e) {
    removeDatabaseFiles(temp);
    if (placed !== null) {
      const id = path.basename(placed, '.sqlite');
      c.closeTenantDb(id, false);
      if (!c.registry.get(id)) removeDatabaseFiles(placed);
    }
    throw e;
  }
}

/** Removes a tenant that now lives elsewhere: registry row and file. */
export function forgetTenant(c: DeploymentCore, tenantId: string): void {
  const row = c.registry.get(tenantId);
  c.closeTenantDb(tenantId, false);
  removeDatabaseFiles(row?.file ?? tenantFileName(c.tenantsDir, tenantId));
  if (row) track(c, [tenantId], () => c.registry.remove(tenantId));
}

/** Called by a source deployment during recovery: is the tenant mounted and sound here? */
export function hasMountedTenant(c: DeploymentCore, tenantId: string): boolean {
  const row = c.registry.get(tenantId);
  if (!row || row.state === 'dismounted' || !fs.existsSync(row.file)) return false;
  try {
    const repo = c.tenantRepo(row);
    return integrityCheck(repo.db) === 'ok' && repo.meta('tenant_id') === tenantId;
  } catch {
    return false;
  }
}

/** Called by a source deployment when a move is undone: drop a copy that was placed but never registered. */
export function discardUnregisteredCopy(c: DeploymentCore, tenantId: string): void {
  if (c.registry.get(tenantId)) return;
  removeDatabaseFiles(tenantFileName(c.tenantsDir, tenantId));
}
