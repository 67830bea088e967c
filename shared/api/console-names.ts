// The names of the console operations alone (no zod), so the Electron preload can expose one named
// function per operation without bundling the schemas.
export const CONSOLE_OPERATION_NAMES = [
  'console.info',
  'connections.list',
  'connections.add',
  'connections.update',
  'connections.remove',
  'connections.test',
  'fleet.snapshot',
  'deployment.overview',
  'tenant.detail',
  'deployment.call',
  'jobs.plan',
  'jobs.start',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'audit.list',
  'audit.verify',
  'audit.export',
  'audit.report',
  'oplog.search',
  'snapshots.list',
  'snapshots.compare',
  'archive.fleet',
  'archive.exportCsv',
  'packages.copy',
  'moves.precheck',
  'moves.report',
  'moves.start',
  'upgrade.plan',
  'upgrade.start',
] as const;
export type ConsoleOperationName = (typeof CONSOLE_OPERATION_NAMES)[number];

/** The IPC channel of one console operation, and the one channel main pushes job events on. */
export const ipcChannel = (op: ConsoleOperationName): string => `tenantry:${op}`;
export const JOB_EVENT_CHANNEL = 'tenantry:job-event';
