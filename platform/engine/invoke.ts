// invoke(op, input): the contract's operations mapped onto Deployment's methods. Input is already parsed by the
// operation's schema (defaults filled in); each handler returns plain JSON in the operation's output shape.
import { createHash } from 'node:crypto';
import { TenantryError } from '../../shared/api/errors.js';
import type { OperationName, OperationOutput, ParsedInput } from '../../shared/api/operations.js';
import { packageFileName } from '../package/index.js';
import type { Deployment } from './deployment.js';

type Handlers = { [N in OperationName]: (d: Deployment, input: ParsedInput<N>) => OperationOutput<N> };

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

const HANDLERS: Handlers = {
  'deployment.info': (d) => d.info(),
  'deployment.setApplication': (d, i) => d.setApplication(i.application, actor(i)),
  'app.publish': (d, i) =>
    d.publish(b64(i.package), { skipVerification: i.skipVerification, ...actor(i), ...(i.fileName !== undefined ? { fileName: i.fileName } : {}) }),
  'app.publishMany': (d, i) =>
    d.publishMany(
      i.packages.map((p) => (p.fileName !== undefined ? { bytes: b64(p.package), fileName: p.fileName } : { bytes: b64(p.package) })),
      { skipVerification: i.skipVerification, ...actor(i) },
    ),
  'app.unpublish': (d, i) => d.unpublish(i.appId, i.version, actor(i)),
  'app.catalog': (d) => ({ apps: d.catalog() }),
  'app.info': (d, i) => d.packageInfo(b64(i.package), i.fileName),
  'app.tenants': (d, i) => d.appTenants(i.appId),
  'app.package': (d, i) => {
    const bytes = d.packageBytes(i.appId, i.version);
    const entry = d.catalog().find((c) => c.id === d.resolveAppId(i.appId) && c.version === i.version);
    const fileName = packageFileName({ publisher: entry?.publisher ?? 'app', name: entry?.name ?? i.appId, version: i.version });
    return { package: bytes.toString('base64'), fileName, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength };
  },
  'app.repair': (d, i) => d.repair(i.appId, i.version, actor(i)),
  'tenant.list': (d) => ({ tenants: d.listTenants() }),
  'tenant.get': (d, i) => d.getTenant(i.tenantId),
  'tenant.create': (d, i) =>
    d.createTenant(i.tenantId, {
      ...actor(i),
      ...(i.companies !== undefined ? { companies: i.companies } : {}),
      ...(i.alternateIds !== undefined ? { alternateIds: i.alternateIds } : {}),
    }),
  'tenant.mount': (d, i) => {
    if (i.file !== undefined) return d.mount({ file: i.file }, actor(i));
    if (i.tenantId !== undefined) return d.mount({ tenantId: i.tenantId }, actor(i));
    throw new TenantryError('BAD_INPUT', 'tenant.mount: give tenantId or file');
  },
  'tenant.dismount': (d, i) => d.dismount(i.tenantId, actor(i)),
  'tenant.removeApps': (d, i) => d.removeAppsForTenant(i.tenantId, { doNotSaveData: i.doNotSaveData, acknowledge: i.acknowledge, ...actor(i) }),
  'tenant.apps': (d, i) => ({ tenantId: i.tenantId, apps: d.tenantApps(i.tenantId) }),
  'tenant.install': (d, i) => ({
    results: d.install(i.tenantIds, i.appId, {
      installDependencies: i.installDependencies,
      loadData: i.loadData,
      ...actor(i),
      ...(i.version !== undefined ? { version: i.version } : {}),
    }),
  }),
  'tenant.uninstall': (d, i) =>
    d.uninstall(i.tenantId, i.appId, { uninstallDependents: i.uninstallDependents, doNotSaveData: i.doNotSaveData, acknowledge: i.acknowledge, ...actor(i) }),
  'tenant.upgrade': (d, i) => ({
    results: d.upgrade(i.tenantIds, i.appId, {
      ...actor(i),
      ...(i.version !== undefined ? { version: i.version } : {}),
      force: i.force ?? false,
      acknowledge: i.acknowledge ?? false,
    }),
  }),
  'tenant.sync': (d, i) => d.sync(i.tenantId, i.appId, { mode: i.mode, acknowledge: i.acknowledge, ...actor(i) }),
  'tenant.objects': (d, i) => d.mergedView(i.tenantId),
  'tenant.permissionSets': (d, i) => d.permissionSets(i.tenantId),
  'tenant.subscribers': (d, i) => d.subscribers(i.tenantId),
  'tenant.log': (d, i) => ({ entries: d.tenantLog(i.tenantId, i.limit) }),
  'archive.list': (d, i) => ({ archives: d.archiveList(i.tenantId) }),
  'archive.rows': (d, i) => d.archiveRows(i.tenantId, i.archiveId, { offset: i.offset, limit: i.limit }),
  'archive.export': (d, i) => d.exportCsv(i.tenantId, i.archiveId),
  'archive.discard': (d, i) => {
    const target = i.archiveId !== undefined ? { archiveId: i.archiveId } : { appId: i.appId ?? '' };
    return d.discardArchive(i.tenantId, target, { ...actor(i), ...(i.confirmRows !== undefined ? { confirmRows: i.confirmRows } : {}) });
  },
  'record.insert': (d, i) => d.insertRecord(i.tenantId, i.company, i.table, i.values),
  'record.insertMany': (d, i) => d.insertMany(i.tenantId, i.company, i.table, i.rows),
  'record.modify': (d, i) => d.modifyRecord(i.tenantId, i.company, i.table, i.key, i.changes),
  'record.delete': (d, i) => d.deleteRecord(i.tenantId, i.company, i.table, i.key),
  'tenant.upgradeCheck': (d, i) => d.checkUpgrade(i.tenantId, i.appId, i.version !== undefined ? { version: i.version } : {}),
  'record.page': (d, i) =>
    d.readPage(i.tenantId, i.company, i.table, {
      offset: i.offset,
      limit: i.limit,
      descending: i.descending,
      ...(i.orderBy !== undefined ? { orderBy: i.orderBy } : {}),
    }),
  'log.list': (d, i) => ({ entries: d.log({ limit: i.limit, ...(i.tenantId !== undefined ? { tenantId: i.tenantId } : {}) }) }),
  'move.destinationFacts': (d) => d.destinationFacts(),
  'move.precheck': (d, i) => d.precheckMove(i.tenantId, i.destination),
  'move.begin': (d, i) => d.beginMove(i.tenantId, i.destination, actor(i)),
  'move.complete': (d, i) => d.completeMove(i.tenantId, i.moveId, actor(i)),
  'move.abort': (d, i) => d.abortMove(i.tenantId, i.moveId, { ...actor(i), ...(i.reason !== undefined ? { reason: i.reason } : {}) }),
  'move.discardIncoming': (d, i) => d.discardIncoming(i.tenantId, i.moveId, actor(i)),
};

/**
 * Versioned writes: an input with expectedVersion (one tenant) or expectedVersions (tenant id -> version) is refused
 * with STALE_VERSION, before anything changes, unless each named tenant is at that version.
 */
function checkVersions(d: Deployment, input: unknown): void {
  const i = input as { tenantId?: string; tenantIds?: string[]; expectedVersion?: number; expectedVersions?: Record<string, number> };
  if (i.expectedVersion !== undefined && i.tenantId !== undefined) d.checkVersion(i.tenantId, i.expectedVersion);
  if (i.expectedVersions !== undefined) {
    const named = new Set((i.tenantIds ?? []).map((t) => t.toLowerCase()));
    for (const [t, v] of Object.entries(i.expectedVersions)) {
      if (!named.has(t.toLowerCase())) throw new TenantryError('BAD_INPUT', `expectedVersions names tenant "${t}", which is not in tenantIds`, { tenantId: t });
      d.checkVersion(t, v);
    }
  }
}

function actor(i: { actor?: string | undefined }): { actor?: string } {
  return i.actor !== undefined ? { actor: i.actor } : {};
}

export function dispatch<N extends OperationName>(d: Deployment, op: N, input: ParsedInput<N>): OperationOutput<N> {
  checkVersions(d, input);
  const h = HANDLERS[op] as (d: Deployment, input: ParsedInput<N>) => OperationOutput<N>;
  return h(d, input);
}
