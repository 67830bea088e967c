// The upgrade wizard's plan and run. The plan reads both package versions from each deployment (app.package) and
// compares their schemas (shared/domain/schema-diff), their dependencies and upgrade steps; per tenant it counts
// the rows each destructive change would lose (asked of the engine, tenant.upgradeCheck, which counts them as a forced upgrade archives them), decides upgrade / skip / blocked, and lists the steps that will run.
// Actions are those of add sync: a destructive change blocks the tenant. A tenant blocked by nothing else is
// `forceable`: a forced upgrade (force sync) runs it, the removed data archived by the engine, once the rows lost
// are acknowledged: the number given must equal the latest plan's count for the targets, and each forced tenant is
// counted again just before its upgrade (a tenant whose count changed is not forced). The run is a job, tenant by
// tenant, optionally in waves (a first ring, then the rest) that stop at the first failure; a failed tenant is
// read back to show it stayed wholly on its old version.
import type { JobProof, JobStep, UpgradePlan, UpgradePlanTenant, UpgradeStart, UpgradeTarget } from '../../shared/api/console.js';
import { TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { ArchiveEntry, OperationOutput } from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import type { Application } from '../../shared/domain/objects.js';
import { diffAppSchema, type SchemaChange } from '../../shared/domain/schema-diff.js';
import { isAllowed, type TenantState } from '../../shared/domain/tenant-state.js';
import { compareVersions } from '../../shared/domain/version.js';
import type { Driver } from './drivers/driver.js';
import type { ItemOutcome, ItemReporter, WorkflowItem } from './jobs.js';
import { lookupApplication, upgradeSteps, upgradeStepsFrom } from './package-definitions.js';
import type { ServiceContext } from './service-context.js';

type Tenant = OperationOutput<'tenant.get'>;
type Objects = OperationOutput<'tenant.objects'>;
const PAGE = 5000;
/** plans remembered for the acknowledgement of a forced upgrade: the latest per extension and version */
const PLANS_KEPT = 16;
type LostRow = UpgradePlanTenant['rowsLost'][number];

const keyOf = (t: { connectionId: string; tenantId: string }): string => `${t.connectionId}/${t.tenantId}`;
const planKey = (appId: string, version: string): string => `${appId.toLowerCase()}@${version}`;
const rowsOf = (t: Pick<UpgradePlanTenant, 'rowsLost'>): number => t.rowsLost.reduce((n, r) => n + r.rows, 0);

/** The record API reads a NULL as the type's blank value (0, false, '', the empty GUID): a blank holds nothing to lose. */
function holdsValue(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0) return false;
  if (typeof v === 'string') return v.trim() !== '' && v !== '00000000-0000-0000-0000-000000000000';
  return true;
}

/**
 * The rows a forced upgrade would archive, counted by the engine with the plan the upgrade itself runs
 * (tenant.upgradeCheck: reads only). Null when the deployment cannot answer (a server older than the operation):
 * the wizard then counts through the record API (countLost), which reads NULLs as blanks and so can count fewer.
 */
async function engineRowsLost(d: Driver, tenantId: string, target: { id: string; version: string }): Promise<LostRow[] | null> {
  try {
    const check = await d.invoke('tenant.upgradeCheck', { tenantId, appId: target.id, version: target.version });
    return check.rowsLost;
  } catch {
    return null;
  }
}

/** Rows of one tenant that hold data a destructive change removes, per company. */
async function countLost(
  d: Driver,
  tenantId: string,
  companies: readonly string[],
  objects: Objects,
  change: SchemaChange,
  archives: readonly ArchiveEntry[],
): Promise<LostRow[]> {
  const table = objects.tables.find((t) => (change.tableId !== 0 && t.id === change.tableId) || t.name.toLowerCase() === change.table.toLowerCase());
  if (!table) {
    // not installed (a restore): the data is in the archive
    return archives
      .filter((a) => a.table.toLowerCase() === change.table.toLowerCase() && a.rows > 0)
      .map((a) => ({ company: a.company, table: a.table, ...(change.field ? { field: change.field } : {}), rows: a.rows }));
  }
  const out: LostRow[] = [];
  for (const company of table.dataPerCompany ? companies : companies.slice(0, 1)) {
    const label = table.dataPerCompany ? company : '(all companies)';
    if (change.kind === 'table-removed' || change.kind === 'key-changed' || !change.field) {
      const first = await d.invoke('record.page', { tenantId, company, table: table.name, limit: 1 });
      if (first.total > 0) out.push({ company: label, table: table.name, rows: first.total });
      continue;
    }
    const field = change.kind === 'field-removed' ? change.field : (table.fields.find((f) => f.fieldId === change.fieldId)?.name ?? change.field);
    const narrowTo = change.kind === 'field-length-narrowed' ? Number(change.to) : undefined;
    let rows = 0;
    for (let offset = 0; ; offset += PAGE) {
      const page = await d.invoke('record.page', { tenantId, company, table: table.name, offset, limit: PAGE });
      for (const r of page.rows) {
        const v = r[field];
        if (!holdsValue(v)) continue;
        if (narrowTo !== undefined && String(v).length <= narrowTo) continue;
        rows++;
      }
      if (page.rows.length < PAGE) break;
    }
    if (rows > 0) out.push({ company: label, table: table.name, field: change.field, rows });
  }
  return out;
}

function dependencyChanges(from: AppDefinition | undefined, to: AppDefinition): UpgradePlan['deployments'][number]['dependencies'] {
  const a = new Map((from?.manifest.dependencies ?? []).map((x) => [x.id.toLowerCase(), x]));
  const b = new Map(to.manifest.dependencies.map((x) => [x.id.toLowerCase(), x]));
  const out: UpgradePlan['deployments'][number]['dependencies'] = [];
  for (const [id, x] of b) {
    const prev = a.get(id);
    out.push({
      id: x.id,
      name: x.name,
      change: !prev ? 'added' : compareVersions(x.version, prev.version) > 0 ? 'raised' : 'unchanged',
      from: prev?.version ?? null,
      to: x.version,
    });
  }
  for (const [id, x] of a) if (!b.has(id)) out.push({ id: x.id, name: x.name, change: 'removed', from: x.version, to: null });
  return out;
}

export class UpgradeService {
  /** per extension and version, the tenants of the latest plan: what a forced upgrade's acknowledgement is checked against */
  private readonly planned = new Map<string, Map<string, UpgradePlanTenant>>();

  constructor(private readonly ctx: ServiceContext) {}

  async plan(input: { appId: string; version: string; targets: UpgradeTarget[] }): Promise<UpgradePlan> {
    const plan = await this.compute(input);
    const key = planKey(input.appId, input.version);
    this.planned.delete(key);
    this.planned.set(key, new Map(plan.tenants.map((t) => [keyOf(t), t])));
    for (const old of this.planned.keys()) if (this.planned.size > PLANS_KEPT) this.planned.delete(old);
    return plan;
  }

  private async compute(input: { appId: string; version: string; targets: UpgradeTarget[] }): Promise<UpgradePlan> {
    const byConn = new Map<string, UpgradeTarget[]>();
    for (const t of input.targets) byConn.set(t.connectionId, [...(byConn.get(t.connectionId) ?? []), t]);
    const deployments: UpgradePlan['deployments'] = [];
    const tenants: UpgradePlanTenant[] = [];
    let appName = input.appId;
    let publisher = '';
    const appKey = input.appId.toLowerCase();

    for (const [connectionId, targets] of byConn) {
      const conn = this.ctx.connection(connectionId);
      const d = this.ctx.driverFor(conn.id);
      const [catalog, info] = await Promise.all([d.invoke('app.catalog', {}), d.invoke('deployment.info', {})]);
      const target = catalog.apps.find((c) => c.id.toLowerCase() === appKey && c.version === input.version);
      const skipAll = (reason: string): void => {
        for (const t of targets) tenants.push(emptyTenant(conn.id, conn.name, t.tenantId, 'skip', reason));
      };
      if (!target) {
        deployments.push({
          connectionId: conn.id,
          name: conn.name,
          published: false,
          dependencies: [],
          schema: [],
          schemaSource: 'unavailable',
          schemaNote: `${input.version} is not published on ${conn.name}`,
          steps: [],
        });
        skipAll(`${input.version} is not published on ${conn.name}`);
        continue;
      }
      appName = target.name;
      publisher = target.publisher;
      const targetDef = await this.ctx.definitions.get(d, target.id, target.version);
      const defs = new Map<string, AppDefinition | null>();
      const defOf = async (v: string): Promise<AppDefinition | null> => {
        if (!defs.has(v)) {
          const published = catalog.apps.some((c) => c.id === target.id && c.version === v);
          const got = published ? await this.ctx.definitions.get(d, target.id, v) : null;
          defs.set(v, got && 'def' in got ? got.def : null);
        }
        return defs.get(v) ?? null;
      };
      let lookup: Application | null = null;
      const schemaByFrom = new Map<string, SchemaChange[] | null>();
      const notes: string[] = [];
      if ('error' in targetDef) notes.push(`${target.name} ${target.version} cannot be read from ${conn.name}: ${targetDef.error.message}`);

      for (const t of targets) {
        let tenant: Tenant;
        let archives: ArchiveEntry[] = [];
        try {
          tenant = await d.invoke('tenant.get', { tenantId: t.tenantId });
          if (tenant.state !== 'dismounted')
            archives = (await d.invoke('archive.list', { tenantId: t.tenantId })).archives.filter(
              (a) => a.appId.toLowerCase() === appKey && a.kind !== 'column',
            );
        } catch (e) {
          tenants.push(emptyTenant(conn.id, conn.name, t.tenantId, 'blocked', toErrorInfo(e).message));
          continue;
        }
        const installed = tenant.apps.find((a) => a.id.toLowerCase() === appKey);
        const archived = archives
          .map((a) => a.version)
          .sort(compareVersions)
          .at(-1);
        const from = installed?.version ?? archived ?? null;
        const dataVersion = installed?.dataVersion ?? archived ?? null;
        const base = {
          ...emptyTenant(conn.id, conn.name, tenant.id, 'upgrade'),
          fromVersion: from,
          dataVersion,
          restores: !installed && archived !== undefined,
        };
        if (!from) {
          tenants.push({ ...base, action: 'skip', reason: `${target.name} is neither installed nor archived in ${tenant.id}: install it instead` });
          continue;
        }
        if (compareVersions(target.version, from) <= 0) {
          tenants.push({
            ...base,
            action: 'skip',
            reason: compareVersions(target.version, from) === 0 ? `already at ${from}` : `${from} is newer than ${target.version}: no downgrades`,
          });
          continue;
        }
        if (!isAllowed(tenant.state as TenantState, 'upgrade')) {
          tenants.push({ ...base, action: 'blocked', reason: `tenant is ${tenant.state}: an upgrade is not allowed in this state` });
          continue;
        }
        const missingDependencies = target.dependencies
          .map((dep) => ({ dep, have: tenant.apps.find((a) => a.id.toLowerCase() === dep.id.toLowerCase()) }))
          .filter(({ dep, have }) => !have || compareVersions(have.version, dep.version) < 0)
          .map(({ dep, have }) => ({ id: dep.id, name: dep.name, version: dep.version, installed: have?.version ?? null }));
        let objects: Objects = { objects: [], tables: [] };
        if (tenant.state !== 'dismounted') objects = await d.invoke('tenant.objects', { tenantId: tenant.id });
        lookup ??= lookupApplication(info.application, objects.tables);
        if (!schemaByFrom.has(from)) {
          const fromDef = await defOf(from);
          schemaByFrom.set(from, 'def' in targetDef && fromDef ? diffAppSchema(fromDef, targetDef.def, lookup) : null);
          if (!fromDef) notes.push(`${target.name} ${from} is not published on ${conn.name} any more: its schema cannot be compared`);
        }
        const changes = schemaByFrom.get(from) ?? null;
        const destructive = (changes ?? []).filter((c) => c.destructive);
        const rowsLost =
          destructive.length === 0
            ? []
            : (installed && (await engineRowsLost(d, tenant.id, target))) ||
              (await Promise.all(destructive.map((c) => countLost(d, tenant.id, tenant.companies, objects, c, archives)))).flat();
        const stepsToRun = 'def' in targetDef ? upgradeStepsFrom(targetDef.def, dataVersion ?? from) : [];
        const reasons: string[] = [];
        if (missingDependencies.length > 0)
          reasons.push(
            `needs ${missingDependencies.map((m) => `${m.name} ${m.version}${m.installed ? ` (installed: ${m.installed})` : ' (not installed)'}`).join(', ')}`,
          );
        if (destructive.length > 0) {
          const rows = rowsOf({ rowsLost });
          const what = destructive.map((c) => c.description).join('; ');
          // the engine restores archived data in add sync only: a restore that does not fit cannot be forced
          reasons.push(
            base.restores
              ? `the archived data does not fit ${target.version}, it would lose data (${rows} archived row(s) hold values): ${what}; a restore cannot be forced: restore ${from}, then upgrade`
              : `the schema change would lose data (${rows} row(s) hold values): ${what}; add sync refuses it, a forced upgrade archives it`,
          );
        }
        const forceable = destructive.length > 0 && missingDependencies.length === 0 && !base.restores;
        tenants.push({
          ...base,
          action: reasons.length ? 'blocked' : 'upgrade',
          ...(reasons.length ? { reason: reasons.join('; ') } : {}),
          destructive,
          rowsLost,
          stepsToRun,
          missingDependencies,
          forceable,
        });
      }

      const firstFrom = [...schemaByFrom.keys()][0];
      const fromDefForDeps = firstFrom ? await defOf(firstFrom) : null;
      deployments.push({
        connectionId: conn.id,
        name: conn.name,
        published: true,
        dependencies:
          'def' in targetDef
            ? dependencyChanges(fromDefForDeps ?? undefined, targetDef.def)
            : target.dependencies.map((x) => ({ id: x.id, name: x.name, change: 'unchanged', from: null, to: x.version })),
        schema: [...schemaByFrom].filter((e): e is [string, SchemaChange[]] => e[1] !== null).map(([fromVersion, changes]) => ({ fromVersion, changes })),
        schemaSource: 'def' in targetDef && [...schemaByFrom.values()].every((v) => v !== null) ? 'definitions' : 'unavailable',
        ...(notes.length ? { schemaNote: notes.join('; ') } : {}),
        steps: 'def' in targetDef ? upgradeSteps(targetDef.def) : [],
      });
    }
    return {
      appId: input.appId,
      appName,
      publisher,
      version: input.version,
      syncMode: 'add',
      forceSyncAvailable: tenants.some((t) => t.forceable),
      forceable: tenants.filter((t) => t.forceable).length,
      forceRowsLost: tenants.reduce((n, t) => n + (t.forceable ? rowsOf(t) : 0), 0),
      deployments,
      tenants,
      runnable: tenants.filter((t) => t.action === 'upgrade').length,
      blocked: tenants.filter((t) => t.action === 'blocked').length,
      skipped: tenants.filter((t) => t.action === 'skip').length,
      rowsLost: tenants.reduce((n, t) => n + t.rowsLost.reduce((m, r) => m + r.rows, 0), 0),
    };
  }

  /** Starts the upgrade job: targets in the order given; with waves the first `ringSize` form the first ring.
   *  With `force`, the targets must be those of the latest plan and `acknowledgeRowsLost` its count of their rows. */
  start(input: UpgradeStart): string {
    for (const id of new Set(input.targets.map((t) => t.connectionId))) this.ctx.connection(id);
    const acknowledged = input.force ? this.acknowledged(input) : new Map<string, number>();
    const ring = input.waves ? Math.min(input.ringSize, input.targets.length) : input.targets.length;
    const names = new Map<string, string>();
    const nameOf = (cid: string): string => names.get(cid) ?? names.set(cid, this.ctx.connection(cid).name).get(cid)!;
    const items: WorkflowItem[] = input.targets.map((t, i) => ({
      connectionId: t.connectionId,
      tenantId: t.tenantId,
      label: `upgrade to ${input.version} on ${nameOf(t.connectionId)}${acknowledged.has(keyOf(t)) ? ' (force sync)' : ''}`,
      ...(input.waves ? { wave: i < ring ? 1 : 2 } : {}),
      steps: upgradeItemSteps(input.version, acknowledged.has(keyOf(t))),
    }));
    const waves = input.waves ? ` in waves (${ring} + ${input.targets.length - ring})` : '';
    const appName = this.ctx.appName(input.targets[0]!.connectionId, input.appId);
    return this.ctx.jobs.startWorkflow({
      kind: 'upgrade',
      title: `Upgrade ${appName} to ${input.version} on ${input.targets.length === 1 ? input.targets[0]!.tenantId : `${input.targets.length} tenants`}${waves}${input.force ? ' with force sync' : ''}`,
      spec: input,
      items,
      stopOnFailure: input.waves,
      run: (item, _idx, report) => this.upgradeOne(item, input, acknowledged.get(keyOf(item)), report),
      audit: (item) => {
        const rows = acknowledged.get(keyOf(item));
        return {
          action: 'tenant.upgrade',
          params: {
            appId: input.appId,
            version: input.version,
            waves: input.waves,
            force: input.force,
            ...(rows !== undefined ? { forceSync: true, rowsAcknowledged: rows } : {}),
          },
        };
      },
    });
  }

  /** The rows acknowledged per forced tenant, checked against the latest plan; refuses a count that is not the plan's. */
  private acknowledged(input: UpgradeStart): Map<string, number> {
    const planned = this.planned.get(planKey(input.appId, input.version));
    const unplanned = input.targets.filter((t) => !planned?.has(keyOf(t)));
    if (unplanned.length > 0) {
      throw new TenantryError(
        'ACK_REQUIRED',
        `a forced upgrade is acknowledged against its plan: plan the upgrade of ${listed(unplanned.map((t) => t.tenantId))} to ${input.version} first`,
        {
          tenants: unplanned.map((t) => t.tenantId),
        },
      );
    }
    const plans = input.targets.map((t) => planned!.get(keyOf(t))!);
    const stuck = plans.filter((p) => p.action === 'blocked' && !p.forceable);
    if (stuck.length > 0) {
      throw new TenantryError('BAD_INPUT', `force sync does not lift what blocks ${stuck.map((p) => `${p.tenantId} (${p.reason ?? 'blocked'})`).join('; ')}`, {
        tenants: stuck.map((p) => p.tenantId),
      });
    }
    const forced = plans.filter((p) => p.forceable);
    const rows = forced.reduce((n, p) => n + rowsOf(p), 0);
    if (input.acknowledgeRowsLost !== rows) {
      const removed = [...new Set(forced.flatMap((p) => p.destructive.map((c) => (c.field ? `${c.table}.${c.field}` : c.table))))];
      throw new TenantryError(
        'ACK_REQUIRED',
        `a forced upgrade of ${listed(forced.map((p) => p.tenantId))} to ${input.version} removes ${listed(removed)} holding ${rows} row(s) with values (archived): acknowledge ${rows} rows to proceed${input.acknowledgeRowsLost === undefined ? '' : ` (acknowledged: ${input.acknowledgeRowsLost})`}`,
        {
          rows,
          acknowledged: input.acknowledgeRowsLost ?? null,
          tenants: forced.map((p) => ({ connectionId: p.connectionId, tenantId: p.tenantId, rows: rowsOf(p) })),
        },
      );
    }
    return new Map(forced.map((p) => [keyOf(p), rowsOf(p)]));
  }

  /** One tenant; `acknowledged` (rows) when it is upgraded with force sync. */
  private async upgradeOne(item: WorkflowItem, input: UpgradeStart, acknowledged: number | undefined, report: ItemReporter): Promise<ItemOutcome> {
    const d = this.ctx.driverFor(item.connectionId);
    const key = input.appId.toLowerCase();
    report.step('check', { state: 'running' });
    let before: Tenant;
    try {
      before = await d.invoke('tenant.get', { tenantId: item.tenantId });
    } catch (e) {
      const info = toErrorInfo(e);
      report.step('check', { state: 'failed', detail: info.message });
      report.step('upgrade', { state: 'skipped' });
      report.step('verify', { state: 'skipped' });
      return { state: 'failed', errorCode: info.code, message: info.message };
    }
    const had = before.apps.find((a) => a.id.toLowerCase() === key);
    if (!isAllowed(before.state as TenantState, 'upgrade')) {
      const message = `tenant "${before.id}" is ${before.state}: an upgrade is not allowed; nothing changed`;
      report.step('check', { state: 'failed', detail: message });
      report.step('upgrade', { state: 'skipped' });
      report.step('verify', { state: 'skipped' });
      report.proof(proofOf(before, had?.version ?? null, key, 'nothing: the upgrade did not start'));
      return { state: 'failed', errorCode: 'TENANT_STATE', message };
    }
    // Forced: count again just before; the engine is told to go ahead only for the rows that were acknowledged.
    let forced: UpgradePlanTenant | null = null;
    if (acknowledged !== undefined) {
      const now = (await this.compute({ appId: input.appId, version: input.version, targets: [{ connectionId: item.connectionId, tenantId: item.tenantId }] }))
        .tenants[0];
      if (now?.forceable && rowsOf(now) !== acknowledged) {
        const message = `tenant "${item.tenantId}" now holds ${rowsOf(now)} row(s) with values in what the upgrade removes; ${acknowledged} were acknowledged: plan again and acknowledge the new count; nothing changed`;
        report.step('check', { state: 'failed', detail: message });
        report.step('upgrade', { state: 'skipped' });
        report.step('verify', { state: 'skipped' });
        report.proof(proofOf(before, had?.version ?? null, key, 'nothing: the upgrade did not start'));
        return { state: 'failed', errorCode: 'ACK_REQUIRED', message };
      }
      if (now?.forceable) forced = now;
    }
    const lost = forced
      ? `; force sync removes ${listed(forced.destructive.map((c) => (c.field ? `${c.table}.${c.field}` : c.table)))}, archiving ${rowsOf(forced)} row(s) with a value, as acknowledged`
      : '';
    report.step('check', {
      state: 'succeeded',
      detail: `${before.state}; ${had ? `${had.name} ${had.version} installed` : 'not installed (archived data is restored)'}${lost}`,
    });
    report.step('upgrade', { state: 'running' });
    const out = await d.invoke('tenant.upgrade', {
      tenantIds: [item.tenantId],
      appId: input.appId,
      version: input.version,
      actor: this.ctx.actor,
      ...(forced ? { force: true, acknowledge: true } : {}),
    });
    const r = out.results[0];
    if (!r || !r.ok) {
      const message = r?.error?.message ?? 'the engine returned no result';
      report.step('upgrade', { state: 'failed', detail: message });
      report.step('verify', { state: 'running' });
      const after = await d.invoke('tenant.get', { tenantId: item.tenantId });
      const now = after.apps.find((a) => a.id.toLowerCase() === key);
      const stayed = (now?.version ?? null) === (had?.version ?? null) && after.state === before.state;
      report.step('verify', {
        state: stayed ? 'succeeded' : 'failed',
        detail: stayed ? `still on ${had?.version ?? 'the archived version'}: nothing changed` : `now ${now?.version ?? 'not installed'} (${after.state})`,
      });
      report.proof(
        proofOf(after, had?.version ?? null, key, stayed ? 'nothing: the tenant transaction was rolled back' : 'the tenant is not as it was: check it'),
      );
      return {
        state: 'failed',
        errorCode: r?.error?.code ?? 'INTERNAL',
        message: `${message}${stayed ? ` — stayed on ${had?.version ?? 'its archived version'}` : ''}`,
        ...(r?.opId ? { opId: r.opId } : {}),
      };
    }
    if (r.action === 'up-to-date') {
      report.step('upgrade', { state: 'skipped', detail: `already at ${r.to ?? input.version}` });
      report.step('verify', { state: 'skipped' });
      return { state: 'skipped', message: `already at ${r.to ?? input.version}`, opId: r.opId };
    }
    report.step('upgrade', { state: 'succeeded', detail: r.stepsRun.length ? `upgrade steps: ${r.stepsRun.join(', ')}` : 'no upgrade step applied' });
    report.step('verify', { state: 'running' });
    const after = await d.invoke('tenant.get', { tenantId: item.tenantId });
    const now = after.apps.find((a) => a.id.toLowerCase() === key);
    const ok = now?.version === input.version;
    report.step('verify', {
      state: ok ? 'succeeded' : 'failed',
      detail: `${now ? `${now.name} ${now.version}` : 'not installed'} · data ${now?.dataVersion ?? '—'} · ${after.state}`,
    });
    if (!ok) throw new TenantryError('INTERNAL', `the upgrade reported success but ${item.tenantId} shows ${now?.version ?? 'nothing'} installed`);
    return {
      state: 'succeeded',
      message: `upgraded ${r.from ?? '(archived)'} → ${r.to ?? input.version}${r.stepsRun.length ? `; ${r.stepsRun.length} upgrade step(s) ran` : ''}`,
      opId: r.opId,
    };
  }
}

export function upgradeItemSteps(version: string, force = false): JobStep[] {
  return [
    { name: 'check', label: force ? 'Check the tenant and count the rows to archive' : 'Check the tenant', state: 'pending' },
    { name: 'upgrade', label: force ? `Force sync (archive the removed data) and upgrade to ${version}` : `Sync and upgrade to ${version}`, state: 'pending' },
    { name: 'verify', label: 'Read back the installed version', state: 'pending' },
  ];
}

function proofOf(t: Tenant, expected: string | null, appKey: string, changed: string): JobProof {
  const now = t.apps.find((a) => a.id.toLowerCase() === appKey);
  // a dismounted tenant's database is not open: its extensions cannot be read until it is mounted
  const unreadable = t.state === 'dismounted' && t.apps.length === 0;
  return {
    title: `Read back from ${t.id} after the failure`,
    ok: unreadable || (now?.version ?? null) === expected,
    facts: [
      { label: 'Tenant state', value: t.state },
      {
        label: 'Installed version',
        value: now ? `${now.name} ${now.version} (data ${now.dataVersion})` : unreadable ? 'not readable while dismounted' : 'not installed',
      },
      ...(unreadable ? [] : [{ label: 'Before the upgrade', value: expected ?? 'not installed' }]),
      { label: 'Changed', value: changed },
    ],
    readAt: new Date().toISOString(),
  };
}

function emptyTenant(connectionId: string, connectionName: string, tenantId: string, action: UpgradePlanTenant['action'], reason?: string): UpgradePlanTenant {
  return {
    connectionId,
    connectionName,
    tenantId,
    fromVersion: null,
    dataVersion: null,
    restores: false,
    action,
    ...(reason ? { reason } : {}),
    destructive: [],
    rowsLost: [],
    stepsToRun: [],
    missingDependencies: [],
    forceable: false,
  };
}

/** "a, b, c and 4 more": names in a message stay readable for a fleet-wide selection. */
function listed(names: readonly string[], max = 5): string {
  const unique = [...new Set(names)];
  return unique.length <= max ? unique.join(', ') : `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`;
}
