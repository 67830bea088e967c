// invoke(op, input): the contract's operations mapped onto the engine's modules. invokeOperation parses the input
// with the operation's schema (defaults filled in; BAD_INPUT naming what is wrong), checks expected versions, and
// calls the handler, which returns plain JSON in the operation's output shape. Deployment.invoke is this.
import { createHash } from 'node:crypto';
import { TenantryError } from '../../shared/api/errors.js';
import { OPERATIONS, describeIssues, type OperationInput, type OperationName, type OperationOutput, type ParsedInput } from '../../shared/api/operations.js';
import { packageFileName } from '../package/index.js';
import * as archive from './archive.js';
import * as bookkeeping from './bookkeeping.js';
import * as catalog from './catalog.js';
import type { DeploymentCore } from './deployment-core.js';
import * as moves from './moves.js';
import * as lifecycle from './tenant-lifecycle.js';
import * as operations from './tenant-operations.js';
import * as records from './tenant-records.js';

type Handlers = { [N in OperationName]: (c: DeploymentCore, input: ParsedInput<N>) => OperationOutput<N> };

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

const HANDLERS: Handlers = {
  'deployment.info': (c) => c.info(),
  'deployment.setApplication': (c, i) => catalog.setApplication(c, i.application, actor(i)),
  'app.publish': (c, i) =>
    catalog.publish(c, b64(i.package), { skipVerification: i.skipVerification, ...actor(i), ...(i.fileName !== undefined ? { fileName: i.fileName } : {}) }),
  'app.publishMany': (c, i) =>
    catalog.publishMany(
      c,
      i.packages.map((p) => (p.fileName !== undefined ? { bytes: b64(p.package), fileName: p.fileName } : { bytes: b64(p.package) })),
      { skipVerification: i.skipVerification, ...actor(i) },
    ),
  'app.unpublish': (c, i) => catalog.unpublish(c, i.appId, i.version, actor(i)),
  'app.catalog': (c) => ({ apps: catalog.catalog(c) }),
  'app.info': (c, i) => catalog.packageInfo(c, b64(i.package), i.fileName),
  'app.tenants': (c, i) => catalog.appTenants(c, i.appId),
  'app.package': (c, i) => {
    const bytes = catalog.packageBytes(c, i.appId, i.version);
    const entry = catalog.catalog(c).find((e) => e.id === catalog.resolveAppId(c, i.appId) && e.version === i.version);
    const fileName = packageFileName({ publisher: entry?.publisher ?? 'app', name: entry?.name ?? i.appId, version: i.version });
    return { package: bytes.toString('base64'), fileName, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
  },
  'app.repair': (c, i) => catalog.repair(c, i.appId, i.version, actor(i)),
  'tenant.list': (c) => ({ tenants: lifecycle.listTenants(c) }),
  'tenant.get': (c, i) => lifecycle.getTenant(c, i.tenantId),
  'tenant.create': (c, i) =>
    lifecycle.createTenant(c, i.tenantId, {
      ...actor(i),
      ...(i.companies !== undefined ? { companies: i.companies } : {}),
      ...(i.alternateIds !== undefined ? { alternateIds: i.alternateIds } : {}),
    }),
  'tenant.mount': (c, i) => {
    if (i.file !== undefined) return lifecycle.mount(c, { file: i.file }, actor(i));
    if (i.tenantId !== undefined) return lifecycle.mount(c, { tenantId: i.tenantId }, actor(i));
    throw new TenantryError('BAD_INPUT', 'tenant.mount: give tenantId or file');
  },
  'tenant.dismount': (c, i) => lifecycle.dismount(c, i.tenantId, actor(i)),
  'tenant.removeApps': (c, i) => lifecycle.removeAppsForTenant(c, i.tenantId, { doNotSaveData: i.doNotSaveData, acknowledge: i.acknowledge, ...actor(i) }),
  'tenant.apps': (c, i) => ({ tenantId: i.tenantId, apps: lifecycle.tenantApps(c, i.tenantId) }),
  'tenant.install': (c, i) => ({
    results: operations.install(c, i.tenantIds, i.appId, {
      installDependencies: i.installDependencies,
      loadData: i.loadData,
      ...actor(i),
      ...(i.version !== undefined ? { version: i.version } : {}),
    }),
  }),
  'tenant.uninstall': (c, i) =>
    operations.uninstall(c, i.tenantId, i.appId, {
      uninstallDependents: i.uninstallDependents,
      doNotSaveData: i.doNotSaveData,
      acknowledge: i.acknowledge,
      ...actor(i),
    }),
  'tenant.upgrade': (c, i) => ({
    results: operations.upgrade(c, i.tenantIds, i.appId, {
      ...actor(i),
      ...(i.version !== undefined ? { version: i.version } : {}),
      force: i.force ?? false,
      acknowledge: i.acknowledge ?? false,
    }),
  }),
  'tenant.sync': (c, i) => operations.sync(c, i.tenantId, i.appId, { mode: i.mode, acknowledge: i.acknowledge, ...actor(i) }),
  'tenant.objects': (c, i) => records.mergedView(c, i.tenantId),
  'tenant.permissionSets': (c, i) => records.permissionSets(c, i.tenantId),
  'tenant.subscribers': (c, i) => records.subscribers(c, i.tenantId),
  'tenant.log': (c, i) => ({ entries: bookkeeping.tenantLog(c, i.tenantId, i.limit) }),
  'archive.list': (c, i) => ({ archives: archive.archiveList(c, i.tenantId) }),
  'archive.rows': (c, i) => archive.archiveRows(c, i.tenantId, i.archiveId, { offset: i.offset, limit: i.limit }),
  'archive.export': (c, i) => archive.exportCsv(c, i.tenantId, i.archiveId),
  'archive.discard': (c, i) => {
    const target = i.archiveId !== undefined ? { archiveId: i.archiveId } : { appId: i.appId ?? '' };
    return archive.discardArchive(c, i.tenantId, target, { ...actor(i), ...(i.confirmRows !== undefined ? { confirmRows: i.confirmRows } : {}) });
  },
  'record.insert': (c, i) => records.insertRecord(c, i.tenantId, i.company, i.table, i.values),
  'record.insertMany': (c, i) => records.insertMany(c, i.tenantId, i.company, i.table, i.rows),
  'record.modify': (c, i) => records.modifyRecord(c, i.tenantId, i.company, i.table, i.key, i.changes),
  'record.delete': (c, i) => records.deleteRecord(c, i.tenantId, i.company, i.table, i.key),
  'tenant.upgradeCheck': (c, i) => operations.checkUpgrade(c, i.tenantId, i.appId, i.version !== undefined ? { version: i.version } : {}),
  'record.page': (c, i) =>
    records.readPage(c, i.tenantId, i.company, i.table, {
      offset: i.offset,
      limit: i.limit,
      descending: i.descending,
      ...(i.orderBy !== undefined ? { orderBy: i.orderBy } : {}),
    }),
  'log.list': (c, i) => ({ entries: bookkeeping.log(c, { limit: i.limit, ...(i.tenantId !== undefined ? { tenantId: i.tenantId } : {}) }) }),
  'move.destinationFacts': (c) => moves.destinationFacts(c),
  'move.precheck': (c, i) => moves.precheckMove(c, i.tenantId, i.destination),
  'move.begin': (c, i) => moves.beginMove(c, i.tenantId, i.destination, actor(i)),
  'move.complete': (c, i) => moves.completeMove(c, i.tenantId, i.moveId, actor(i)),
  'move.abort': (c, i) => moves.abortMove(c, i.tenantId, i.moveId, { ...actor(i), ...(i.reason !== undefined ? { reason: i.reason } : {}) }),
  'move.discardIncoming': (c, i) => moves.discardIncoming(c, i.tenantId, i.moveId, actor(i)),
};

/**
 * Versioned writes: an input with expectedVersion (one tenant) or expectedVersions (tenant id -> version) is refused
 * with STALE_VERSION, before anything changes, unless each named tenant is at that version.
 */
function checkVersions(c: DeploymentCore, input: unknown): void {
  const i = input as { tenantId?: string; tenantIds?: string[]; expectedVersion?: number; expectedVersions?: Record<string, number> };
  if (i.expectedVersion !== undefined && i.tenantId !== undefined) bookkeeping.checkVersion(c, i.tenantId, i.expectedVersion);
  if (i.expectedVersions !== undefined) {
    const named = new Set((i.tenantIds ?? []).map((t) => t.toLowerCase()));
    for (const [t, v] of Object.entries(i.expectedVersions)) {
      if (!named.has(t.toLowerCase())) throw new TenantryError('BAD_INPUT', `expectedVersions names tenant "${t}", which is not in tenantIds`, { tenantId: t });
      bookkeeping.checkVersion(c, t, v);
    }
  }
}

function actor(i: { actor?: string | undefined }): { actor?: string } {
  return i.actor !== undefined ? { actor: i.actor } : {};
}

export function dispatch<N extends OperationName>(c: DeploymentCore, op: N, input: ParsedInput<N>): OperationOutput<N> {
  checkVersions(c, input);
  const h = HANDLERS[op] as (c: DeploymentCore, input: ParsedInput<N>) => OperationOutput<N>;
  return h(c, input);
}

/** Parses `input` with the operation's schema and runs it (the contract's invoke). */
export function invokeOperation<N extends OperationName>(c: DeploymentCore, op: N, input: OperationInput<N>): OperationOutput<N> {
  const def = OPERATIONS[op] as (typeof OPERATIONS)[OperationName] | undefined;
  if (!def) throw new TenantryError('BAD_INPUT', `unknown operation "${String(op)}"`, { op });
  const parsed = def.input.safeParse(input);
  if (!parsed.success)
    throw new TenantryError('BAD_INPUT', describeIssues(op, parsed.error.issues), {
      op,
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  return dispatch(c, op, parsed.data as ParsedInput<N>);
}
