// The tenant-changing operations (install, uninstall, upgrade, sync, remove-apps), each run by the caller inside
// ONE transaction of the tenant database. They only touch the tenant database, so a dismounted tenant can be
// worked on too (remove-apps uses the definitions the tenant carries).
import { TenantryError } from '../../shared/api/errors.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { findConflicts, type AppRef } from '../../shared/domain/conflicts.js';
import { dependencyOrder } from '../../shared/domain/dependency-graph.js';
import { describeApp } from '../../shared/domain/manifest.js';
import { mergeView, type MergedView } from '../../shared/domain/merge.js';
import type { Application } from '../../shared/domain/objects.js';
import { planInstall, planUninstall } from '../../shared/domain/plans.js';
import { diffAppSchema } from '../../shared/domain/schema-diff.js';
import { compareVersions, isAtLeast } from '../../shared/domain/version.js';
import { loadTableData, runInstallSteps, runUpgradeSteps, type StepRunner } from './data-actions.js';
import { faultPoint } from './fault.js';
import {
  applyPhysicalChanges,
  archiveByRename,
  describePhysicalChange,
  ownerOfChange,
  desiredSchema,
  dropArchive,
  dropPhysicalTable,
  planPhysicalSync,
  restoreArchive,
  type ArchiveContext,
  type PhysicalChange,
} from './physical-schema.js';
import { RecordStore } from './records.js';
import type { ArchiveRow, TenantRepository } from './repositories/tenant-repository.js';

export interface CatalogAccess {
  /** Every published version of every app. */
  all(): AppDefinition[];
  get(appId: string, version: string): AppDefinition | undefined;
  sha256(appId: string, version: string): string;
}

export interface OpContext {
  tenantId: string;
  opId: string;
  actor: string;
  at: string;
  /** The operation name used for fault points: install, uninstall, upgrade, sync, remove-apps. */
  op: string;
  repo: TenantRepository;
  application: Application;
  catalog: CatalogAccess | null;
}

/**
 * Conflicts depend only on the application and the id+version of each extension (published bytes never change
 * under one id and version), so installing into many tenants with the same extensions checks them once.
 */
const conflictMemo = new WeakMap<Application, Map<string, ReturnType<typeof findConflicts>>>();
const CONFLICT_MEMO_LIMIT = 1000;

function conflictsOf(candidate: AppDefinition, installed: readonly AppDefinition[], application: Application): ReturnType<typeof findConflicts> {
  const key = [candidate, ...installed].map((d) => `${d.manifest.id.toLowerCase()}@${d.manifest.version}`).join('|');
  let memo = conflictMemo.get(application);
  if (!memo) conflictMemo.set(application, (memo = new Map()));
  let found = memo.get(key);
  if (!found) {
    found = findConflicts(candidate, installed, application);
    if (memo.size >= CONFLICT_MEMO_LIMIT) memo.clear();
    memo.set(key, found);
  }
  return found;
}

/**
 * The merged view after installing `candidate` depends on the same things (application, ids and versions), so a
 * multi-tenant install merges once. Shared between tenants, so frozen: nothing may change it in place.
 */
const viewMemo = new WeakMap<Application, Map<string, MergedView>>();

function viewWith(application: Application, defs: readonly AppDefinition[]): MergedView {
  const key = defs.map((d) => `${d.manifest.id.toLowerCase()}@${d.manifest.version}`).join('|');
  let memo = viewMemo.get(application);
  if (!memo) viewMemo.set(application, (memo = new Map()));
  let view = memo.get(key);
  if (!view) {
    view = deepFreeze(mergeView(application, defs));
    if (memo.size >= CONFLICT_MEMO_LIMIT) memo.clear();
    memo.set(key, view);
  }
  return view;
}

/** A definition's JSON for installed_apps; published definitions never change, so a fleet install makes it once. */
const definitionJsonMemo = new WeakMap<AppDefinition, string>();

function definitionJson(def: AppDefinition): string {
  let json = definitionJsonMemo.get(def);
  if (json === undefined) definitionJsonMemo.set(def, (json = JSON.stringify(def)));
  return json;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function appRef(def: AppDefinition): AppRef {
  const m = def.manifest;
  return { id: m.id.toLowerCase(), name: m.name, publisher: m.publisher, version: m.version };
}

export function installedDefinitions(repo: TenantRepository): AppDefinition[] {
  return repo.installed().map((r) => JSON.parse(r.definition) as AppDefinition);
}

function companyNamer(repo: TenantRepository): (id: number) => string {
  const names = new Map(repo.companies().map((c) => [c.company_id, c.name]));
  return (id) => (id === 0 ? '(all companies)' : (names.get(id) ?? `#${id}`));
}

function stepRunner(ctx: OpContext, store: RecordStore, appId: string): StepRunner {
  return {
    store,
    companies: ctx.repo.companies(),
    hasTag: (companyId, tag) => ctx.repo.hasTag(companyId, appId, tag),
    addTag: (companyId, tag) => ctx.repo.addTag(companyId, appId, tag, ctx.at, ctx.opId),
  };
}

function grantAndRegister(ctx: OpContext, def: AppDefinition, view: MergedView): void {
  const appId = def.manifest.id.toLowerCase();
  ctx.repo.revokeApp(appId);
  ctx.repo.unregisterApp(appId);
  for (const ps of view.permissionSets) {
    if (ps.ownerAppId !== appId) continue;
    ctx.repo.grant({
      app_id: appId,
      ps_id: ps.id,
      name: ps.name,
      caption: ps.caption ?? null,
      permissions: JSON.stringify(ps.permissions),
      granted_at: ctx.at,
    });
  }
  for (const s of view.subscribers) {
    if (s.ownerAppId !== appId) continue;
    ctx.repo.register({
      app_id: appId,
      app_name: def.manifest.name,
      codeunit_id: s.codeunitId,
      codeunit: s.codeunit,
      name: s.name,
      event: s.event,
      table_name: s.table ?? null,
      stage: s.stage,
      ord: s.order,
      action: s.action === undefined ? null : JSON.stringify(s.action),
    });
  }
}

function destructiveError(app: AppDefinition | null, changes: readonly PhysicalChange[], hint: string): TenantryError {
  const destructive = changes.filter((c) => c.destructive);
  const who = app ? `${describeApp(app.manifest)}: ` : 'application: ';
  return new TenantryError('SYNC_DESTRUCTIVE', `${who}the schema change would lose data: ${destructive.map(describePhysicalChange).join('; ')}. ${hint}`, {
    changes: destructive.map(describePhysicalChange),
  });
}

/** The archive restore / upgrade decision shared by install and upgrade. */
function archivedVersion(archives: readonly ArchiveRow[]): { version: string; dataVersion: string } | null {
  let best: { version: string; dataVersion: string } | null = null;
  for (const a of archives) if (!best || compareVersions(a.version, best.version) > 0) best = { version: a.version, dataVersion: a.data_version };
  return best;
}

export type InstallAction = 'installed' | 'restored' | 'restored-and-upgraded';

/** Installs one app whose dependencies are installed. */
function installApp(ctx: OpContext, def: AppDefinition, loadData: boolean): { action: InstallAction; steps: string[] } {
  const appId = def.manifest.id.toLowerCase();
  const installed = installedDefinitions(ctx.repo);
  for (const d of def.manifest.dependencies) {
    const have = installed.find((i) => i.manifest.id.toLowerCase() === d.id.toLowerCase());
    if (!have || !isAtLeast(have.manifest.version, d.version)) {
      throw new TenantryError(
        'DEPENDENCY_MISSING',
        `tenant "${ctx.tenantId}": ${describeApp(def.manifest)} needs "${d.name}" by ${d.publisher} ${d.version} or newer installed${have ? ` (installed: ${have.manifest.version})` : ''}`,
        { tenantId: ctx.tenantId, missing: [{ id: d.id, name: d.name, minVersion: d.version }] },
      );
    }
  }
  const conflicts = conflictsOf(def, installed, ctx.application);
  if (conflicts.length > 0) {
    throw new TenantryError('CONFLICT', `tenant "${ctx.tenantId}": ${conflicts.map((c) => c.message).join('; ')}`, { tenantId: ctx.tenantId, conflicts });
  }
  const archives = ctx.repo.archivesByApp(appId).filter((a) => a.kind !== 'column');
  const archived = archivedVersion(archives);
  if (archived && compareVersions(archived.version, def.manifest.version) > 0) {
    throw new TenantryError(
      'DOWNGRADE',
      `tenant "${ctx.tenantId}" has archived data of ${describeApp({ ...def.manifest, version: archived.version })}, newer than ${def.manifest.version}; install ${archived.version} or newer, or discard the archive`,
      { tenantId: ctx.tenantId, archivedVersion: archived.version, version: def.manifest.version },
    );
  }
  faultPoint(ctx.op, 'before-schema');
  const view = viewWith(ctx.application, [...installed, def]);
  const companies = ctx.repo.companies();
  for (const a of archives) restoreArchive(ctx.repo, a);
  if (archives.length > 0) faultPoint(ctx.op, 'after-restore-rename');
  const owners = new Set([appId]);
  const changes = planPhysicalSync(ctx.repo, desiredSchema(view, companies, owners), owners);
  if (changes.some((c) => c.destructive)) {
    throw destructiveError(def, changes, 'The archived data does not fit this version; use a force sync after installing, or discard the archive.');
  }
  applyPhysicalChanges(ctx.repo, changes, null);
  faultPoint(ctx.op, 'after-schema');
  const store = new RecordStore(ctx.repo, view);
  const runner = stepRunner(ctx, store, appId);
  let action: InstallAction = 'installed';
  let steps: string[] = [];
  let dataVersion = def.manifest.version;
  if (archived) {
    if (compareVersions(archived.dataVersion, def.manifest.version) < 0) {
      steps = runUpgradeSteps(def, archived.dataVersion, runner);
      action = 'restored-and-upgraded';
    } else {
      action = 'restored';
      dataVersion = archived.dataVersion;
    }
  } else {
    if (loadData) loadTableData(def, store, companies);
    steps = runInstallSteps(def, runner);
  }
  faultPoint(ctx.op, 'after-data');
  grantAndRegister(ctx, def, view);
  ctx.repo.putInstalled({
    app_id: appId,
    name: def.manifest.name,
    publisher: def.manifest.publisher,
    version: def.manifest.version,
    data_version: dataVersion,
    installed_at: ctx.at,
    sync_state: 'synced',
    package_sha256: ctx.catalog?.sha256(appId, def.manifest.version) ?? '',
    definition: definitionJson(def),
  });
  faultPoint(ctx.op, 'after-record');
  return { action, steps };
}

export interface InstallResult {
  installed: AppRef[];
  action: InstallAction;
}

/** Install of `target` (and, when asked, its missing dependencies first). */
export function installInTenant(ctx: OpContext, target: AppDefinition, opts: { installDependencies: boolean; loadData: boolean }): InstallResult {
  if (!ctx.catalog) throw new Error('internal: install needs the catalog');
  const appId = target.manifest.id.toLowerCase();
  const installedRows = ctx.repo.installed();
  const current = installedRows.find((r) => r.app_id === appId);
  if (current) {
    const same = current.version === target.manifest.version;
    throw new TenantryError(
      'ALREADY_INSTALLED',
      same
        ? `tenant "${ctx.tenantId}" already has ${describeApp(target.manifest)} installed`
        : `tenant "${ctx.tenantId}" has ${describeApp({ ...target.manifest, version: current.version })} installed; use upgrade to move it to ${target.manifest.version}`,
      { tenantId: ctx.tenantId, installedVersion: current.version },
    );
  }
  const plan = planInstall(
    target,
    ctx.catalog.all(),
    installedRows.map((r) => ({ id: r.app_id, version: r.version })),
  );
  if (plan.missing.length > 0) {
    throw new TenantryError(
      'DEPENDENCY_MISSING',
      `cannot install ${describeApp(target.manifest)} in tenant "${ctx.tenantId}": dependencies not published here: ${plan.missing.map((m) => `"${m.name}" ${m.minVersion} or newer (${m.id}, required by "${m.requiredBy}")`).join(', ')}`,
      { tenantId: ctx.tenantId, missing: plan.missing },
    );
  }
  const deps = plan.install.filter((a) => a.id.toLowerCase() !== appId);
  if (deps.length > 0 && !opts.installDependencies) {
    throw new TenantryError(
      'DEPENDENCY_MISSING',
      `cannot install ${describeApp(target.manifest)} in tenant "${ctx.tenantId}": these dependencies are not installed: ${deps.map((d) => describeApp(d)).join(', ')}; install them first or ask to install dependencies`,
      { tenantId: ctx.tenantId, missing: deps },
    );
  }
  for (const d of deps) {
    const have = installedRows.find((r) => r.app_id === d.id.toLowerCase());
    if (have) {
      throw new TenantryError(
        'DEPENDENCY_MISSING',
        `tenant "${ctx.tenantId}" has "${have.name}" ${have.version} installed, but ${describeApp(target.manifest)} needs ${d.version}; upgrade it first`,
        {
          tenantId: ctx.tenantId,
          app: d,
        },
      );
    }
  }
  const done: AppRef[] = [];
  let action: InstallAction = 'installed';
  for (const ref of plan.install) {
    const def = ref.id.toLowerCase() === appId ? target : ctx.catalog.get(ref.id, ref.version);
    if (!def) throw new TenantryError('NOT_PUBLISHED', `"${ref.name}" ${ref.version} is not published`, { app: ref });
    const r = installApp(ctx, def, opts.loadData);
    if (ref.id.toLowerCase() === appId) action = r.action;
    done.push(appRef(def));
  }
  if (!done.some((d) => d.id === appId)) {
    // planInstall always lists the target last; be safe if it did not.
    installApp(ctx, target, opts.loadData);
    done.push(appRef(target));
  }
  return { installed: done, action };
}

export interface UninstallResult {
  uninstalled: AppRef[];
  archives: number[];
  rowsDiscarded: number;
}

/** Rows that removing these apps' schema would lose, per company and table. */
export function rowsOwnedBy(repo: TenantRepository, appIds: readonly string[]): { company: string; table: string; rows: number }[] {
  const name = companyNamer(repo);
  const out: { company: string; table: string; rows: number }[] = [];
  for (const id of appIds)
    for (const r of repo.schemaByOwner(id))
      out.push({ company: name(r.company_id), table: r.kind === 'table' ? r.table_name : `${r.table_name} (extension fields)`, rows: r.row_count });
  return out;
}

function uninstallApp(
  ctx: OpContext,
  row: { app_id: string; name: string; publisher: string; version: string; data_version: string; definition: string },
  doNotSaveData: boolean,
  reason: ArchiveRow['reason'],
): { archives: number[]; rows: number } {
  const archives: number[] = [];
  let rows = 0;
  const actx: ArchiveContext = {
    app: { id: row.app_id, name: row.name, publisher: row.publisher, version: row.version, dataVersion: row.data_version, definition: row.definition },
    companyName: companyNamer(ctx.repo),
    reason,
    opId: ctx.opId,
    at: ctx.at,
  };
  // Companion tables first: a table's own rows go last so nothing points at a missing base while we work.
  const owned = ctx.repo.schemaByOwner(row.app_id).sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'fields' ? -1 : 1));
  for (const r of owned) {
    if (doNotSaveData) {
      rows += r.row_count;
      dropPhysicalTable(ctx.repo, r);
    } else {
      archives.push(archiveByRename(ctx.repo, r, actx));
    }
  }
  faultPoint(ctx.op, 'after-archive-rename');
  if (doNotSaveData) ctx.repo.removeTags(row.app_id);
  ctx.repo.revokeApp(row.app_id);
  ctx.repo.unregisterApp(row.app_id);
  ctx.repo.removeInstalled(row.app_id);
  faultPoint(ctx.op, 'after-unregister');
  return { archives, rows };
}

export function uninstallInTenant(
  ctx: OpContext,
  appId: string,
  opts: { uninstallDependents: boolean; doNotSaveData: boolean; acknowledge: boolean; reason?: ArchiveRow['reason'] },
): UninstallResult {
  const target = ctx.repo.installedApp(appId);
  if (!target) throw new TenantryError('NOT_INSTALLED', `extension ${appId} is not installed in tenant "${ctx.tenantId}"`, { tenantId: ctx.tenantId, appId });
  const installed = installedDefinitions(ctx.repo);
  const plan = planUninstall(target.app_id, installed, opts.uninstallDependents);
  if (plan.blockedBy.length > 0) {
    throw new TenantryError(
      'HAS_DEPENDENTS',
      `cannot uninstall "${target.name}" from tenant "${ctx.tenantId}": installed extensions depend on it: ${plan.blockedBy.map((a) => describeApp(a)).join(', ')}; uninstall them first or ask to uninstall dependents`,
      { tenantId: ctx.tenantId, dependents: plan.blockedBy },
    );
  }
  const order = plan.uninstall.length > 0 ? plan.uninstall : [{ id: target.app_id, name: target.name, publisher: target.publisher, version: target.version }];
  if (opts.doNotSaveData && !opts.acknowledge) {
    const lost = rowsOwnedBy(
      ctx.repo,
      order.map((a) => a.id.toLowerCase()),
    );
    const total = lost.reduce((s, r) => s + r.rows, 0);
    throw new TenantryError(
      'ACK_REQUIRED',
      `uninstalling without saving data deletes ${total} rows in tenant "${ctx.tenantId}" for good: ${
        lost
          .filter((l) => l.rows > 0)
          .map((l) => `${l.table} in ${l.company}: ${l.rows}`)
          .join(', ') || 'no rows'
      }; acknowledge to proceed`,
      { tenantId: ctx.tenantId, rows: total, tables: lost },
    );
  }
  const out: UninstallResult = { uninstalled: [], archives: [], rowsDiscarded: 0 };
  for (const ref of order) {
    const row = ctx.repo.installedApp(ref.id);
    if (!row) continue;
    const r = uninstallApp(ctx, row, opts.doNotSaveData, opts.reason ?? 'uninstall');
    out.archives.push(...r.archives);
    out.rowsDiscarded += r.rows;
    out.uninstalled.push({ id: row.app_id, name: row.name, publisher: row.publisher, version: row.version });
  }
  return out;
}

/** Every installed app, dependents first (remove-apps for a dismounted tenant). */
export function removeAllApps(ctx: OpContext, opts: { doNotSaveData: boolean; acknowledge: boolean }): UninstallResult {
  const defs = installedDefinitions(ctx.repo);
  const order = dependencyOrder(defs.map((d) => ({ id: d.manifest.id, name: d.manifest.name, dependencies: d.manifest.dependencies }))).reverse();
  if (opts.doNotSaveData && !opts.acknowledge) {
    const lost = rowsOwnedBy(
      ctx.repo,
      order.map((a) => a.id.toLowerCase()),
    );
    const total = lost.reduce((s, r) => s + r.rows, 0);
    throw new TenantryError('ACK_REQUIRED', `removing the apps without saving data deletes ${total} rows in tenant "${ctx.tenantId}"; acknowledge to proceed`, {
      tenantId: ctx.tenantId,
      rows: total,
      tables: lost,
    });
  }
  const out: UninstallResult = { uninstalled: [], archives: [], rowsDiscarded: 0 };
  for (const n of order) {
    const row = ctx.repo.installedApp(n.id);
    if (!row) continue;
    const r = uninstallApp(ctx, row, opts.doNotSaveData, 'remove-apps');
    out.archives.push(...r.archives);
    out.rowsDiscarded += r.rows;
    out.uninstalled.push({ id: row.app_id, name: row.name, publisher: row.publisher, version: row.version });
  }
  return out;
}

export interface UpgradeResult {
  from: string | null;
  to: string;
  action: 'upgraded' | 'restored-and-upgraded' | 'up-to-date';
  stepsRun: string[];
}

/** Upgrade to `target`: installed -> sync + upgrade steps; not installed but archived -> restore + upgrade. */
/** How an upgrade treats a schema change that loses data: refused (add mode, the default), or with `force` and an
 *  acknowledgement, applied with the removed data archived (as a force sync does). */
export interface UpgradeOptions {
  force?: boolean;
  acknowledge?: boolean;
}

/** The merged view after an upgrade to `target` and the physical changes its add sync makes (reads only). */
function upgradeSchemaPlan(
  repo: TenantRepository,
  application: Application,
  others: readonly AppDefinition[],
  target: AppDefinition,
): { view: MergedView; changes: PhysicalChange[] } {
  const view = mergeView(application, [...others, target]);
  const owners = new Set([target.manifest.id.toLowerCase()]);
  return { view, changes: planPhysicalSync(repo, desiredSchema(view, repo.companies(), owners), owners) };
}

export interface UpgradeCheck {
  /** The installed version, or the archived one a restore would start from; null when neither. */
  from: string | null;
  installed: boolean;
  changes: SyncReportChange[];
  /** What a forced upgrade archives, counted as it counts (per company, table and field). */
  rowsLost: { company: string; table: string; field?: string; rows: number }[];
}

/**
 * What upgrading the tenant to `target` would do to its schema, without doing it: no transaction, no log row, no
 * write. The rows are counted by the same plan the upgrade runs, so a forced upgrade archives exactly rowsLost.
 * For an app that is only archived (a restore) the schema is created fresh: no changes, its data is the archive's.
 */
export function checkUpgradeInTenant(repo: TenantRepository, application: Application, target: AppDefinition): UpgradeCheck {
  const appId = target.manifest.id.toLowerCase();
  const current = repo.installedApp(appId);
  if (!current) {
    const archived = archivedVersion(repo.archivesByApp(appId).filter((a) => a.kind !== 'column'));
    return { from: archived?.version ?? null, installed: false, changes: [], rowsLost: [] };
  }
  const others = installedDefinitions(repo).filter((d) => d.manifest.id.toLowerCase() !== appId);
  const { changes } = upgradeSchemaPlan(repo, application, others, target);
  const company = companyNamer(repo);
  const out: UpgradeCheck = { from: current.version, installed: true, changes: [], rowsLost: [] };
  for (const c of changes) {
    const r = toReportChange(c, appId, company);
    out.changes.push(r.change);
    if (r.lost && r.lost.rows > 0) out.rowsLost.push(r.lost);
  }
  return out;
}

export function upgradeInTenant(ctx: OpContext, target: AppDefinition, opts: UpgradeOptions = {}): UpgradeResult {
  const appId = target.manifest.id.toLowerCase();
  const to = target.manifest.version;
  const current = ctx.repo.installedApp(appId);
  if (!current) {
    const archived = archivedVersion(ctx.repo.archivesByApp(appId).filter((a) => a.kind !== 'column'));
    if (!archived) {
      throw new TenantryError('NOT_INSTALLED', `${describeApp(target.manifest)} is neither installed nor archived in tenant "${ctx.tenantId}"; install it`, {
        tenantId: ctx.tenantId,
        appId,
      });
    }
    const r = installApp(ctx, target, false);
    return { from: archived.version, to, action: r.action === 'installed' ? 'upgraded' : 'restored-and-upgraded', stepsRun: r.steps };
  }
  const cmp = compareVersions(to, current.version);
  if (cmp === 0) return { from: current.version, to, action: 'up-to-date', stepsRun: [] };
  if (cmp < 0) {
    throw new TenantryError(
      'DOWNGRADE',
      `tenant "${ctx.tenantId}" has "${current.name}" ${current.version} installed; ${to} is older and a downgrade is not allowed`,
      {
        tenantId: ctx.tenantId,
        installedVersion: current.version,
        version: to,
      },
    );
  }
  const installed = installedDefinitions(ctx.repo);
  const others = installed.filter((d) => d.manifest.id.toLowerCase() !== appId);
  for (const d of target.manifest.dependencies) {
    const have = others.find((i) => i.manifest.id.toLowerCase() === d.id.toLowerCase());
    if (!have || !isAtLeast(have.manifest.version, d.version)) {
      throw new TenantryError(
        'DEPENDENCY_MISSING',
        `tenant "${ctx.tenantId}": ${describeApp(target.manifest)} needs "${d.name}" ${d.version} or newer installed${have ? ` (installed: ${have.manifest.version})` : ''}`,
        {
          tenantId: ctx.tenantId,
        },
      );
    }
  }
  const conflicts = conflictsOf(target, others, ctx.application);
  if (conflicts.length > 0)
    throw new TenantryError('CONFLICT', `tenant "${ctx.tenantId}": ${conflicts.map((c) => c.message).join('; ')}`, { tenantId: ctx.tenantId, conflicts });
  faultPoint(ctx.op, 'before-schema');
  const { view, changes } = upgradeSchemaPlan(ctx.repo, ctx.application, others, target);
  const destructive = changes.filter((c) => c.destructive);
  let force: ArchiveContext | null = null;
  if (destructive.length > 0) {
    const oldDef = installed.find((d) => d.manifest.id.toLowerCase() === appId) ?? null;
    const diff = diffAppSchema(oldDef, target, ctx.application).filter((c) => c.destructive);
    if (!opts.force) {
      const err = destructiveError(
        target,
        changes,
        'Upgrade syncs in add mode; upgrade with force (and an acknowledgement) to accept the loss, the removed data is archived.',
      );
      throw new TenantryError('SYNC_DESTRUCTIVE', err.message, { ...err.details, diff });
    }
    if (!opts.acknowledge) {
      const rows = destructive.reduce((n, c) => n + ('rows' in c ? c.rows : 0), 0);
      throw new TenantryError(
        'ACK_REQUIRED',
        `a forced upgrade of tenant "${ctx.tenantId}" to ${describeApp(target.manifest)} removes ${destructive.length} table(s)/field(s) holding ${rows} rows (archived): ${destructive.map(describePhysicalChange).join('; ')}; acknowledge to proceed`,
        { tenantId: ctx.tenantId, rows, diff },
      );
    }
    force = {
      app: {
        id: current.app_id,
        name: current.name,
        publisher: current.publisher,
        version: current.version,
        dataVersion: current.data_version,
        definition: current.definition,
      },
      companyName: companyNamer(ctx.repo),
      reason: 'force-sync',
      opId: ctx.opId,
      at: ctx.at,
    };
  }
  applyPhysicalChanges(ctx.repo, changes, force);
  faultPoint(ctx.op, 'after-schema');
  const store = new RecordStore(ctx.repo, view);
  const steps = runUpgradeSteps(target, current.data_version, stepRunner(ctx, store, appId));
  faultPoint(ctx.op, 'after-data');
  grantAndRegister(ctx, target, view);
  ctx.repo.putInstalled({
    app_id: appId,
    name: target.manifest.name,
    publisher: target.manifest.publisher,
    version: to,
    data_version: to,
    installed_at: current.installed_at,
    sync_state: 'synced',
    package_sha256: ctx.catalog?.sha256(appId, to) ?? '',
    definition: JSON.stringify(target),
  });
  faultPoint(ctx.op, 'after-record');
  return { from: current.version, to, action: 'upgraded', stepsRun: steps };
}

export type SyncMode = 'add' | 'force' | 'clean' | 'check-only';

export interface SyncReportChange {
  appId: string;
  kind: string;
  table: string;
  tableId: number;
  field?: string;
  fieldId?: number;
  from?: string;
  to?: string;
  destructive: boolean;
  description: string;
}

export interface SyncReport {
  applied: boolean;
  changes: SyncReportChange[];
  rowsLost: { company: string; table: string; field?: string; rows: number }[];
  archives: number[];
  discarded: ArchiveRow[];
  /** True when the whole tenant (application + every installed app) was synced. */
  full: boolean;
}

function toReportChange(
  c: PhysicalChange,
  appId: string,
  company: (id: number) => string,
): { change: SyncReportChange; lost?: { company: string; table: string; field?: string; rows: number } } {
  const description = describePhysicalChange(c);
  switch (c.kind) {
    case 'create-table':
      return {
        change: {
          appId,
          kind: c.desired.kind === 'table' ? 'table-added' : 'field-added',
          table: c.desired.tableName,
          tableId: c.desired.tableId,
          destructive: false,
          description: `${description} in ${company(c.desired.companyId)}`,
        },
      };
    case 'add-column':
      return {
        change: {
          appId,
          kind: 'field-added',
          table: c.tableName,
          tableId: 0,
          field: c.column.name,
          fieldId: c.column.fieldId,
          destructive: false,
          description,
        },
      };
    case 'update-registry':
      return { change: { appId, kind: 'field-renamed', table: c.desired.tableName, tableId: c.desired.tableId, destructive: false, description } };
    case 'drop-column':
    case 'retype-column':
    case 'narrow-column': {
      const kind = c.kind === 'drop-column' ? 'field-removed' : c.kind === 'retype-column' ? 'field-type-changed' : 'field-length-narrowed';
      const change: SyncReportChange = {
        appId,
        kind,
        table: c.tableName,
        tableId: c.row.table_id,
        field: c.column.name,
        fieldId: c.column.fieldId,
        destructive: true,
        description: `${description} in ${company(c.row.company_id)}`,
      };
      if (c.kind !== 'drop-column') {
        change.from = c.column.type + (c.column.length ? `[${c.column.length}]` : '');
        change.to = c.to.type + (c.to.length ? `[${c.to.length}]` : '');
      }
      return { change, lost: { company: company(c.row.company_id), table: c.tableName, field: c.column.name, rows: c.rows } };
    }
    case 'rekey':
      return { change: { appId, kind: 'key-changed', table: c.tableName, tableId: c.row.table_id, destructive: true, description } };
    case 'remove-table':
      return {
        change: {
          appId,
          kind: 'table-removed',
          table: c.row.table_name,
          tableId: c.row.table_id,
          destructive: true,
          description: `${description} in ${company(c.row.company_id)}`,
        },
        lost: { company: company(c.row.company_id), table: c.row.table_name, rows: c.rows },
      };
  }
}

/**
 * Sync of one app (or of the application and every installed app when appId is null) with the definitions the
 * tenant has installed and the deployment's application.
 */
export function syncTenant(ctx: OpContext, appId: string | null, mode: SyncMode, acknowledge: boolean): SyncReport {
  const company = companyNamer(ctx.repo);
  const report: SyncReport = { applied: false, changes: [], rowsLost: [], archives: [], discarded: [], full: appId === null };
  if (mode === 'clean') return cleanSync(ctx, appId, acknowledge, report);
  const installed = installedDefinitions(ctx.repo);
  if (appId !== null && !installed.some((d) => d.manifest.id.toLowerCase() === appId)) {
    throw new TenantryError(
      'NOT_INSTALLED',
      `extension ${appId} is not installed in tenant "${ctx.tenantId}"; a clean sync removes the data of apps that are not installed`,
      { tenantId: ctx.tenantId, appId },
    );
  }
  const view = mergeView(ctx.application, installed);
  const owners = new Set(appId === null ? ['', ...installed.map((d) => d.manifest.id.toLowerCase())] : [appId]);
  const changes = planPhysicalSync(ctx.repo, desiredSchema(view, ctx.repo.companies(), owners), owners);
  const ownerOf = ownerOfChange;
  for (const c of changes) {
    const r = toReportChange(c, ownerOf(c), company);
    report.changes.push(r.change);
    if (r.lost) report.rowsLost.push(r.lost);
  }
  if (mode === 'check-only') return report;
  const destructive = changes.filter((c) => c.destructive);
  if (destructive.length > 0 && mode === 'add')
    throw destructiveError(null, changes, 'Use force sync (with acknowledgement) to accept the loss; the removed data is archived.');
  if (destructive.length > 0 && !acknowledge) {
    const total = report.rowsLost.reduce((s, r) => s + r.rows, 0);
    throw new TenantryError(
      'ACK_REQUIRED',
      `force sync of tenant "${ctx.tenantId}" removes ${destructive.length} table(s)/field(s) holding ${total} rows (archived): ${destructive.map(describePhysicalChange).join('; ')}; acknowledge to proceed`,
      { tenantId: ctx.tenantId, rowsLost: report.rowsLost, changes: report.changes },
    );
  }
  faultPoint(ctx.op, 'before-schema');
  // Force sync archives per owning app; group the destructive changes by owner for the archive's labels.
  const byOwner = new Map<string, PhysicalChange[]>();
  for (const c of changes) {
    const o = ownerOf(c);
    let list = byOwner.get(o);
    if (!list) byOwner.set(o, (list = []));
    list.push(c);
  }
  for (const [owner, list] of byOwner) {
    const row = owner === '' ? null : ctx.repo.installedApp(owner);
    const actx: ArchiveContext = {
      app: row
        ? { id: row.app_id, name: row.name, publisher: row.publisher, version: row.version, dataVersion: row.data_version, definition: row.definition }
        : {
            id: '',
            name: ctx.application.name,
            publisher: ctx.application.publisher,
            version: ctx.application.version,
            dataVersion: ctx.application.version,
            definition: null,
          },
      companyName: company,
      reason: 'force-sync',
      opId: ctx.opId,
      at: ctx.at,
    };
    report.archives.push(...applyPhysicalChanges(ctx.repo, list, mode === 'force' ? actx : null));
  }
  faultPoint(ctx.op, 'after-schema');
  ctx.repo.setSyncState(appId, 'synced');
  if (appId === null) ctx.repo.setMeta('application_version', ctx.application.version);
  report.applied = true;
  return report;
}

function cleanSync(ctx: OpContext, appId: string | null, acknowledge: boolean, report: SyncReport): SyncReport {
  const installedIds = new Set(ctx.repo.installed().map((r) => r.app_id));
  if (appId !== null && installedIds.has(appId)) {
    throw new TenantryError(
      'BAD_INPUT',
      `extension ${appId} is installed in tenant "${ctx.tenantId}"; a clean sync only removes apps that are not installed (uninstall it first)`,
      { tenantId: ctx.tenantId, appId },
    );
  }
  const archives = ctx.repo.archives().filter((a) => a.app_id !== '' && !installedIds.has(a.app_id) && (appId === null || a.app_id === appId));
  const leftovers = ctx.repo.schema().filter((r) => r.owner_app_id !== '' && !installedIds.has(r.owner_app_id) && (appId === null || r.owner_app_id === appId));
  for (const a of archives) report.rowsLost.push({ company: a.company_name, table: a.table_name, rows: a.row_count });
  for (const r of leftovers) report.rowsLost.push({ company: String(r.company_id), table: r.table_name, rows: r.row_count });
  for (const a of archives) {
    report.changes.push({
      appId: a.app_id,
      kind: 'table-removed',
      table: a.table_name,
      tableId: a.table_id,
      destructive: true,
      description: `archived ${a.kind} data of "${a.app_name}" ${a.version}, table "${a.table_name}" in ${a.company_name} (${a.row_count} rows) is discarded`,
    });
  }
  const total = report.rowsLost.reduce((s, r) => s + r.rows, 0);
  if (archives.length + leftovers.length === 0) return { ...report, applied: true };
  if (!acknowledge) {
    throw new TenantryError(
      'ACK_REQUIRED',
      `clean sync of tenant "${ctx.tenantId}" discards ${archives.length + leftovers.length} archived table(s) holding ${total} rows: ${report.rowsLost.map((r) => `${r.table} in ${r.company}: ${r.rows}`).join(', ')}; acknowledge to proceed`,
      { tenantId: ctx.tenantId, rowsLost: report.rowsLost, rows: total },
    );
  }
  for (const a of archives) dropArchive(ctx.repo, a);
  for (const r of leftovers) dropPhysicalTable(ctx.repo, r);
  const cleaned = new Set([...archives.map((a) => a.app_id), ...leftovers.map((r) => r.owner_app_id)]);
  for (const id of cleaned) ctx.repo.removeTags(id);
  report.discarded = archives;
  report.applied = true;
  return report;
}
