// Tenant operations on apps: install (batched over many tenants), uninstall, upgrade (and its dry run), sync. The
// work inside the tenant is tenant-ops.ts; this module resolves the app and runs it through bookkeeping.ts.
import { type ErrorInfo, toErrorInfo } from '../../shared/api/errors.js';
import type { OperationOutput } from '../../shared/api/operations.js';
import type { AppRef } from '../../shared/domain/conflicts.js';
import { checkAllowed, type TenantState } from '../../shared/domain/tenant-state.js';
import { archiveEntries, archiveEntry } from './archive.js';
import { tenantOp, tenantOpBatch } from './bookkeeping.js';
import { publishedVersion, resolveAppId } from './catalog.js';
import { track } from './change-feed.js';
import { type DeploymentCore, normalizeTenantId } from './deployment-core.js';
import type { TenantRow } from './repositories/tenant-registry-repository.js';
import {
  checkUpgradeInTenant,
  type InstallAction,
  installInTenant,
  type SyncMode,
  syncTenant,
  uninstallInTenant,
  upgradeInTenant,
  type UpgradeOptions,
  type UpgradeResult,
} from './tenant-ops.js';

export interface PerTenantInstall {
  tenantId: string;
  ok: boolean;
  opId: string;
  installed: AppRef[];
  action: InstallAction | null;
  error?: ErrorInfo;
}

export interface PerTenantUpgrade {
  tenantId: string;
  ok: boolean;
  opId: string;
  from: string | null;
  to: string | null;
  action: UpgradeResult['action'] | null;
  stepsRun: string[];
  error?: ErrorInfo;
}

/** Tenants per batch of a multi-tenant install: one deployment commit starts their log rows, one finishes them. */
export const INSTALL_BATCH = 64;

/**
 * Install into several tenants. Each tenant is its own operation (ONE tenant transaction with its log row, as
 * tenantOp), but the deployment's bookkeeping is batched: per INSTALL_BATCH tenants, one deployment commit starts
 * their log rows and one finishes them with the registry and the change feed. A crash in between leaves rows
 * 'running'; open() finishes each as its tenant's own log says (committed or not), as for a single operation.
 */
export function install(
  c: DeploymentCore,
  tenantIds: readonly string[],
  appKey: string,
  opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
): PerTenantInstall[] {
  const appId = resolveAppId(c, appKey);
  const { def } = publishedVersion(c, appId, opts.version);
  const installOpts = { installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true };
  const params = { appId, version: def.manifest.version, ...installOpts };
  const out: PerTenantInstall[] = [];
  let batch: { index: number; row: TenantRow }[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const ops = batch.map((b) => ({
      ...b,
      p: { operation: 'tenant.install', stateOp: 'install' as const, faultOp: 'install', tenantId: b.row.tenant_id, actor: opts.actor, params },
    }));
    batch = [];
    const results = tenantOpBatch(c, ops, (ctx) => installInTenant(ctx, def, installOpts));
    ops.forEach((o, i) => {
      const r = results[i]!;
      out[o.index] = r.ok
        ? { tenantId: o.row.tenant_id, ok: true, opId: r.opId, installed: r.value.installed, action: r.value.action }
        : { tenantId: o.row.tenant_id, ok: false, opId: '', installed: [], action: null, error: r.error.toInfo() };
    });
  };
  tenantIds.forEach((t, index) => {
    try {
      let row = c.tenantRow(t);
      // The same tenant twice: its second install must see the first one's outcome in the registry.
      if (batch.some((b) => b.row.tenant_id === row.tenant_id)) {
        flush();
        row = c.tenantRow(t);
      }
      checkAllowed(row.state as TenantState, 'install', row.tenant_id);
      batch.push({ index, row });
      if (batch.length >= INSTALL_BATCH) flush();
    } catch (e) {
      out[index] = { tenantId: String(t).toLowerCase(), ok: false, opId: '', installed: [], action: null, error: toErrorInfo(e) };
    }
  });
  flush();
  return out;
}

/** Install in one tenant; throws on refusal (convenient for scripts and tests). */
export function installOne(
  c: DeploymentCore,
  tenantId: string,
  appKey: string,
  opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
): PerTenantInstall {
  const appId = resolveAppId(c, appKey);
  const { def } = publishedVersion(c, appId, opts.version);
  const r = tenantOp(
    c,
    {
      operation: 'tenant.install',
      stateOp: 'install',
      faultOp: 'install',
      tenantId,
      actor: opts.actor,
      params: { appId, version: def.manifest.version, installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true },
    },
    (ctx) => installInTenant(ctx, def, { installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true }),
  );
  return { tenantId: normalizeTenantId(tenantId), ok: true, opId: r.opId, installed: r.value.installed, action: r.value.action };
}

export function uninstall(
  c: DeploymentCore,
  tenantId: string,
  appKey: string,
  opts: { uninstallDependents?: boolean; doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {},
): OperationOutput<'tenant.uninstall'> {
  const row = c.tenantRow(tenantId);
  const appId = row.state === 'dismounted' ? appKey.toLowerCase() : resolveAppId(c, appKey, c.tenantRepo(row));
  const r = tenantOp(
    c,
    {
      operation: 'tenant.uninstall',
      stateOp: 'uninstall',
      faultOp: 'uninstall',
      tenantId,
      actor: opts.actor,
      params: { appId, uninstallDependents: opts.uninstallDependents ?? false, doNotSaveData: opts.doNotSaveData ?? false },
    },
    (ctx) =>
      uninstallInTenant(ctx, appId, {
        uninstallDependents: opts.uninstallDependents ?? false,
        doNotSaveData: opts.doNotSaveData ?? false,
        acknowledge: opts.acknowledge ?? false,
      }),
  );
  const repo = c.tenantRepo(c.tenantRow(tenantId));
  const archives = archiveEntries(repo, false).filter((a) => r.value.archives.includes(a.archiveId));
  return { tenantId: row.tenant_id, uninstalled: r.value.uninstalled, archives, rowsDiscarded: r.value.rowsDiscarded, opId: r.opId };
}

export function upgrade(
  c: DeploymentCore,
  tenantIds: string | readonly string[],
  appKey: string,
  opts: { version?: string; actor?: string } & UpgradeOptions = {},
): PerTenantUpgrade[] {
  const ids = typeof tenantIds === 'string' ? [tenantIds] : tenantIds;
  const appId = resolveAppId(c, appKey);
  const { def } = publishedVersion(c, appId, opts.version);
  const out: PerTenantUpgrade[] = [];
  for (const t of ids) {
    try {
      const r = tenantOp(
        c,
        {
          operation: 'tenant.upgrade',
          stateOp: 'upgrade',
          faultOp: 'upgrade',
          tenantId: t,
          actor: opts.actor,
          params: { appId, version: def.manifest.version, force: opts.force ?? false, acknowledge: opts.acknowledge ?? false },
        },
        (ctx) => upgradeInTenant(ctx, def, opts),
      );
      out.push({ tenantId: normalizeTenantId(t), ok: true, opId: r.opId, ...r.value });
    } catch (e) {
      out.push({
        tenantId: String(t).toLowerCase(),
        ok: false,
        opId: '',
        from: null,
        to: def.manifest.version,
        action: null,
        stepsRun: [],
        error: toErrorInfo(e),
      });
    }
  }
  return out;
}

/** What upgrade() would do to the tenant's schema and the rows a forced upgrade would archive; writes nothing. */
export function checkUpgrade(c: DeploymentCore, tenantId: string, appKey: string, opts: { version?: string } = {}): OperationOutput<'tenant.upgradeCheck'> {
  const appId = resolveAppId(c, appKey);
  const { def } = publishedVersion(c, appId, opts.version);
  const { row, repo } = c.readRepo(tenantId, 'info');
  return { tenantId: row.tenant_id, to: def.manifest.version, ...checkUpgradeInTenant(repo, c.app, def) };
}

/** Upgrade in one tenant; throws on refusal. */
export function upgradeOne(
  c: DeploymentCore,
  tenantId: string,
  appKey: string,
  opts: { version?: string; actor?: string } & UpgradeOptions = {},
): UpgradeResult & { opId: string } {
  const appId = resolveAppId(c, appKey);
  const { def } = publishedVersion(c, appId, opts.version);
  const r = tenantOp(
    c,
    {
      operation: 'tenant.upgrade',
      stateOp: 'upgrade',
      faultOp: 'upgrade',
      tenantId,
      actor: opts.actor,
      params: { appId, version: def.manifest.version, force: opts.force ?? false, acknowledge: opts.acknowledge ?? false },
    },
    (ctx) => upgradeInTenant(ctx, def, opts),
  );
  return { ...r.value, opId: r.opId };
}

export function sync(
  c: DeploymentCore,
  tenantId: string,
  appKey: string | undefined,
  opts: { mode?: SyncMode; acknowledge?: boolean; actor?: string } = {},
): OperationOutput<'tenant.sync'> {
  const mode = opts.mode ?? 'add';
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'sync', row.tenant_id);
  const appId = appKey === undefined ? null : resolveAppId(c, appKey, c.tenantRepo(row));
  const r = tenantOp(
    c,
    {
      operation: 'tenant.sync',
      stateOp: 'sync',
      faultOp: 'sync',
      tenantId,
      actor: opts.actor,
      params: { appId, mode, acknowledge: opts.acknowledge ?? false },
    },
    (ctx) => {
      const report = syncTenant(ctx, appId, mode, opts.acknowledge ?? false);
      // check-only must change nothing: the log row is the only write and it is fine to keep.
      return report;
    },
  );
  let state = c.tenantRow(tenantId).state;
  if (r.value.applied && (mode === 'add' || mode === 'force') && r.value.full && state === 'sync-pending') {
    track(c, [row.tenant_id], () => {
      c.registry.setState(row.tenant_id, 'operational');
      c.registry.setApplicationVersion(row.tenant_id, c.app.version);
    });
    state = 'operational';
  }
  const repo = c.tenantRepo(c.tenantRow(tenantId));
  const all = archiveEntries(repo, false);
  return {
    tenantId: row.tenant_id,
    mode,
    applied: r.value.applied,
    changes: r.value.changes,
    rowsLost: r.value.rowsLost,
    archives: all.filter((a) => r.value.archives.includes(a.archiveId)),
    discarded: r.value.discarded.map((a) => archiveEntry(a, null)),
    state,
    opId: r.opId,
  };
}
