// The console's own contract: what the renderer may ask of the console services (connections, the fleet
// snapshot behind the matrix, tenant detail, calls of one deployment operation, jobs, the audit log).
// Served unchanged by Electron IPC (main + preload) and by the browser host over HTTP; every handler parses
// its input with the schema here before it acts. Pure TypeScript + zod.
import { z } from 'zod';
import { VersionSchema } from '../domain/version.js';
import { CONSOLE_OPERATION_NAMES, type ConsoleOperationName } from './console-names.js';
import {
  AppRefSchema,
  ArchiveEntrySchema,
  ErrorInfoSchema,
  LogEntrySchema,
  MovePrecheckReportSchema,
  OPERATIONS,
  TenantAppSchema,
  TenantIdSchema,
  TenantStateSchema,
  type OperationName,
} from './operations.js';

export { CONSOLE_OPERATION_NAMES, type ConsoleOperationName } from './console-names.js';

const Id = z.string().min(1).max(200);
const IsoTime = z.string().max(40);

// ---- connections ---------------------------------------------------------------------------------

const ConnectionNameSchema = z
  .string()
  .trim()
  .min(1, 'a connection needs a name')
  .max(80, 'a connection name has at most 80 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a connection name must not contain control characters');
const FolderSchema = z.string().min(1, 'give the deployment folder').max(4096);
const UrlSchema = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?(\/[^\s]*)?$/i, 'must be an http:// or https:// URL such as https://erp.example.com:7048');
const TokenSchema = z.string().min(1).max(4096);

export const ConnectionSchema = z.object({
  id: Id,
  name: z.string(),
  kind: z.enum(['local', 'remote']),
  folder: z.string().optional(),
  url: z.string().optional(),
  hasToken: z.boolean(),
  allowInsecure: z.boolean(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const ConnectionDraftSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), name: ConnectionNameSchema, folder: FolderSchema }).strict(),
  z
    .object({
      kind: z.literal('remote'),
      name: ConnectionNameSchema,
      url: UrlSchema,
      token: TokenSchema,
      /** plain http to a host that is not loopback is refused unless this is set */
      allowInsecure: z.boolean().default(false),
    })
    .strict(),
]);
export type ConnectionDraft = z.infer<typeof ConnectionDraftSchema>;

export const ConnectionTestResultSchema = z.object({
  ok: z.boolean(),
  application: z.object({ name: z.string(), version: z.string() }).optional(),
  tenantCount: z.number().int().optional(),
  extensionCount: z.number().int().optional(),
  error: ErrorInfoSchema.optional(),
});

// ---- the fleet snapshot (the matrix) --------------------------------------------------------------

export const FleetExtensionSchema = z.object({
  id: z.string(),
  name: z.string(),
  publisher: z.string(),
  /** every published version across the connected deployments, oldest first */
  versions: z.array(z.string()),
  latest: z.string(),
  dependencies: z.array(z.object({ id: z.string(), name: z.string(), version: z.string() })),
  /** connection ids of the deployments that publish it */
  publishedOn: z.array(z.string()),
});
export type FleetExtension = z.infer<typeof FleetExtensionSchema>;

export const FleetTenantSchema = z.object({
  /** `${connectionId}/${tenantId}`: unique across deployments */
  key: z.string(),
  connectionId: z.string(),
  tenantId: z.string(),
  state: TenantStateSchema,
  companies: z.array(z.string()),
  failedOperation: z.string().optional(),
});
export type FleetTenant = z.infer<typeof FleetTenantSchema>;

export const FleetCellSchema = z.object({
  tenantKey: z.string(),
  appId: z.string(),
  installed: z.string().optional(),
  /** the newest published version on that deployment, when newer than the installed one */
  upgradeTo: z.string().optional(),
  syncPending: z.boolean(),
  /** versions of which the tenant holds archived data */
  archived: z.array(z.string()),
  lastFailed: z.object({ operation: z.string(), message: z.string(), at: z.string() }).optional(),
});
export type FleetCell = z.infer<typeof FleetCellSchema>;

export const DeploymentSnapshotSchema = z.object({
  connectionId: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'remote']),
  asOf: IsoTime.nullable(),
  live: z.boolean(),
  /** why the snapshot is not live, when it is not */
  error: ErrorInfoSchema.optional(),
  application: z.object({ name: z.string(), version: z.string() }).nullable(),
  tenants: z.array(FleetTenantSchema),
  /** extension ids published on this deployment with their versions */
  published: z.array(z.object({ id: z.string(), versions: z.array(z.string()) })),
  cells: z.array(FleetCellSchema),
});
export type DeploymentSnapshot = z.infer<typeof DeploymentSnapshotSchema>;

export const FleetSnapshotSchema = z.object({
  /** the oldest `asOf` of the deployments shown */
  asOf: IsoTime.nullable(),
  /** true only when every deployment was read just now */
  live: z.boolean(),
  deployments: z.array(DeploymentSnapshotSchema),
  extensions: z.array(FleetExtensionSchema),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshotSchema>;

// ---- jobs ------------------------------------------------------------------------------------------

export const JobActionSchema = z.enum(['install', 'upgrade', 'uninstall']);
export type JobAction = z.infer<typeof JobActionSchema>;

export const JobTargetSchema = z.object({ connectionId: Id, tenantId: TenantIdSchema, appId: Id, version: VersionSchema.optional() }).strict();
export type JobTarget = z.infer<typeof JobTargetSchema>;

export const JobSpecSchema = z
  .object({
    action: JobActionSchema,
    targets: z.array(JobTargetSchema).min(1, 'select at least one cell').max(100_000),
    /** install: install missing dependencies first (shown in the plan) */
    installDependencies: z.boolean().default(true),
    /** uninstall: uninstall installed dependents first (shown in the plan) */
    uninstallDependents: z.boolean().default(true),
  })
  .strict();
export type JobSpec = z.infer<typeof JobSpecSchema>;

export const PlanItemSchema = z.object({
  connectionId: z.string(),
  tenantId: z.string(),
  appId: z.string(),
  appName: z.string(),
  /** what will run for this cell: the action asked for, or 'skip' with the reason */
  action: z.enum(['install', 'upgrade', 'uninstall', 'skip']),
  fromVersion: z.string().optional(),
  toVersion: z.string().optional(),
  reason: z.string().optional(),
  addDependencies: z.array(AppRefSchema),
  removeDependents: z.array(AppRefSchema),
  /** data that will move to the archive (uninstall), per app, company and table */
  archive: z.array(z.object({ appName: z.string(), company: z.string(), table: z.string(), rows: z.number().int() })),
  /** archived data that the install will restore */
  restores: z.array(z.string()),
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

export const JobPlanSchema = z.object({
  action: JobActionSchema,
  items: z.array(PlanItemSchema),
  runnable: z.number().int(),
  archivedRows: z.number().int(),
});
export type JobPlan = z.infer<typeof JobPlanSchema>;

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled', 'interrupted'] as const;
export const JOB_ITEM_STATES = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;

export const JOB_STEP_STATES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;

/** One step of one item of a workflow job (a move: dismount, transfer, verify, mount, verify). */
export const JobStepSchema = z.object({
  name: z.string(),
  label: z.string(),
  state: z.enum(JOB_STEP_STATES),
  detail: z.string().optional(),
  /** transfer steps: bytes done, bytes in all, and the speed */
  bytes: z.number().optional(),
  totalBytes: z.number().optional(),
  bytesPerSecond: z.number().optional(),
  startedAt: IsoTime.optional(),
  endedAt: IsoTime.optional(),
});
export type JobStep = z.infer<typeof JobStepSchema>;

/** What was read back after an item ended (e.g. a failed move: the tenant's state and apps on the source). */
export const JobProofSchema = z.object({
  title: z.string(),
  ok: z.boolean(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  readAt: IsoTime,
});
export type JobProof = z.infer<typeof JobProofSchema>;

export const JobItemSchema = z.object({
  idx: z.number().int(),
  connectionId: z.string(),
  tenantId: z.string(),
  label: z.string(),
  state: z.enum(JOB_ITEM_STATES),
  message: z.string().optional(),
  errorCode: z.string().optional(),
  opId: z.string().optional(),
  startedAt: IsoTime.optional(),
  endedAt: IsoTime.optional(),
  /** workflow jobs: the item's steps */
  steps: z.array(JobStepSchema).optional(),
  /** upgrade waves: 1 for the first ring, 2 for the rest */
  wave: z.number().int().optional(),
  proof: JobProofSchema.optional(),
});
export type JobItem = z.infer<typeof JobItemSchema>;

export const JOB_KINDS = ['bulk', 'move', 'upgrade'] as const;

export const JobSchema = z.object({
  id: z.string(),
  /** bulk: install/upgrade/uninstall from the matrix; move and upgrade: the wizards */
  kind: z.enum(JOB_KINDS).optional(),
  title: z.string(),
  state: z.enum(JOB_STATES),
  createdAt: IsoTime,
  startedAt: IsoTime.optional(),
  endedAt: IsoTime.optional(),
  total: z.number().int(),
  done: z.number().int(),
  cancelRequested: z.boolean(),
});
export type Job = z.infer<typeof JobSchema>;

export const JobDetailSchema = JobSchema.extend({
  items: z.array(JobItemSchema),
  /** why the job stopped early (a wave stopping at its first failure) */
  stoppedReason: z.string().optional(),
});
export type JobDetail = z.infer<typeof JobDetailSchema>;

/** Progress events: pushed over IPC (webContents.send) or SSE, one per change of a job or of one of its items. */
export const JobEventSchema = z.object({ job: JobSchema, item: JobItemSchema.optional() });
export type JobEvent = z.infer<typeof JobEventSchema>;

// ---- audit -----------------------------------------------------------------------------------------

export const AuditEntrySchema = z.object({
  seq: z.number().int(),
  at: IsoTime,
  actor: z.string(),
  action: z.string(),
  connectionId: z.string().nullable(),
  connectionName: z.string().nullable(),
  target: z.string().nullable(),
  params: z.unknown(),
  result: z.enum(['succeeded', 'failed', 'cancelled']),
  error: z.string().nullable(),
  opId: z.string().nullable(),
  jobId: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditVerifySchema = z.object({
  ok: z.boolean(),
  count: z.number().int(),
  headHash: z.string(),
  firstBad: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});
export type AuditVerify = z.infer<typeof AuditVerifySchema>;

/** Filters of the audit log (search is a substring of actor, action, target, connection, parameters or error). */
export const AuditFilterSchema = z
  .object({
    query: z.string().max(200).optional(),
    action: z.string().max(100).optional(),
    result: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
    connectionId: Id.optional(),
    since: IsoTime.optional(),
    until: IsoTime.optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

/** A deployment's operation log entry as cached by the console (searchable offline). */
export const OpLogEntrySchema = LogEntrySchema.extend({ connectionId: z.string(), connectionName: z.string() });
export type OpLogEntry = z.infer<typeof OpLogEntrySchema>;

export const OpLogFilterSchema = z
  .object({
    connectionId: Id.optional(),
    query: z.string().max(200).optional(),
    result: z.enum(['running', 'succeeded', 'failed']).optional(),
    tenantId: z.string().max(63).optional(),
    limit: z.number().int().min(1).max(2000).default(200),
  })
  .strict();

export const SnapshotInfoSchema = z.object({
  id: z.number().int(),
  connectionId: z.string(),
  takenAt: IsoTime,
  tenants: z.number().int(),
  installed: z.number().int(),
  archived: z.number().int(),
});
export type SnapshotInfo = z.infer<typeof SnapshotInfoSchema>;

export const SNAPSHOT_CHANGE_KINDS = [
  'tenant-added',
  'tenant-removed',
  'moved-in',
  'moved-out',
  'state-changed',
  'installed',
  'upgraded',
  'downgraded',
  'uninstalled',
  'archive-added',
  'archive-removed',
] as const;
export const SnapshotChangeSchema = z.object({
  kind: z.enum(SNAPSHOT_CHANGE_KINDS),
  tenantId: z.string(),
  appId: z.string().optional(),
  appName: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  /** the other deployment of a move */
  other: z.string().optional(),
  description: z.string(),
});
export type SnapshotChange = z.infer<typeof SnapshotChangeSchema>;

export const SnapshotCompareSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  from: SnapshotInfoSchema,
  to: SnapshotInfoSchema,
  changes: z.array(SnapshotChangeSchema),
});
export type SnapshotCompare = z.infer<typeof SnapshotCompareSchema>;

const FileOutput = z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() });

// ---- the data archive, fleet-wide ------------------------------------------------------------------

/** Whether archived data can come back: the published version an install would pick, and whether upgrade steps run. */
export const RestoreInfoSchema = z.object({
  possible: z.boolean(),
  version: z.string().nullable(),
  action: z.enum(['restore', 'restore-and-upgrade']).nullable(),
  /** upgrade steps (codeunit: tag) that would run, when known */
  upgradeSteps: z.array(z.string()),
  reason: z.string(),
});
export type RestoreInfo = z.infer<typeof RestoreInfoSchema>;

export const FleetArchiveEntrySchema = ArchiveEntrySchema.extend({
  /** `${connectionId}/${tenantId}/${archiveId}` */
  key: z.string(),
  connectionId: z.string(),
  connectionName: z.string(),
  tenantId: z.string(),
  restore: RestoreInfoSchema,
});
export type FleetArchiveEntry = z.infer<typeof FleetArchiveEntrySchema>;

export const SourceStatusSchema = z.object({
  connectionId: z.string(),
  name: z.string(),
  live: z.boolean(),
  asOf: IsoTime.nullable(),
  error: ErrorInfoSchema.optional(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const ArchiveFleetSchema = z.object({
  live: z.boolean(),
  deployments: z.array(SourceStatusSchema),
  entries: z.array(FleetArchiveEntrySchema),
});
export type ArchiveFleet = z.infer<typeof ArchiveFleetSchema>;

// ---- tenant moves ----------------------------------------------------------------------------------

export const MoveRequestSchema = z
  .object({ sourceId: Id, destinationId: Id, tenantIds: z.array(TenantIdSchema).min(1, 'choose at least one tenant').max(50) })
  .strict()
  .refine((m) => m.sourceId !== m.destinationId, 'the destination must be another deployment than the source');
export type MoveRequest = z.infer<typeof MoveRequestSchema>;

const DeploymentSide = z.object({
  connectionId: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'remote']),
  application: z.object({ name: z.string(), version: z.string() }).nullable(),
  catalogSize: z.number().int(),
  tenantCount: z.number().int(),
});

export const MovePrecheckTenantSchema = z.object({
  tenantId: z.string(),
  state: TenantStateSchema.nullable(),
  companies: z.array(z.string()),
  sizeBytes: z.number(),
  report: MovePrecheckReportSchema.nullable(),
  /** the apps that are not on the destination at the installed version, and whether the source's catalog has them */
  publishable: z.array(AppRefSchema.extend({ available: z.boolean() })),
  /** installed apps that depend on the absent ones: uninstalling first removes them too (their data archived) */
  dependents: z.array(AppRefSchema),
  error: ErrorInfoSchema.optional(),
});
export type MovePrecheckTenant = z.infer<typeof MovePrecheckTenantSchema>;

export const MovePrecheckSchema = z.object({
  at: IsoTime,
  source: DeploymentSide,
  destination: DeploymentSide,
  /** false when this console cannot move between these two deployments yet, with the reason */
  supported: z.boolean(),
  unsupportedReason: z.string().optional(),
  ok: z.boolean(),
  tenants: z.array(MovePrecheckTenantSchema),
});
export type MovePrecheck = z.infer<typeof MovePrecheckSchema>;

export const PackageCopyResultSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      version: z.string(),
      status: z.enum(['published', 'unchanged', 'failed']),
      error: ErrorInfoSchema.optional(),
    }),
  ),
});

// ---- upgrade wizard --------------------------------------------------------------------------------

export const UpgradeTargetSchema = z.object({ connectionId: Id, tenantId: TenantIdSchema }).strict();
export type UpgradeTarget = z.infer<typeof UpgradeTargetSchema>;

export const UpgradeRequestSchema = z
  .object({
    appId: Id,
    version: VersionSchema,
    targets: z.array(UpgradeTargetSchema).min(1, 'select at least one tenant').max(10_000),
  })
  .strict();

export const SchemaDiffChangeSchema = z.object({
  kind: z.string(),
  table: z.string(),
  tableId: z.number(),
  field: z.string().optional(),
  fieldId: z.number().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  destructive: z.boolean(),
  description: z.string(),
});

export const UpgradePlanDeploymentSchema = z.object({
  connectionId: z.string(),
  name: z.string(),
  published: z.boolean(),
  dependencies: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      change: z.enum(['added', 'removed', 'raised', 'unchanged']),
      from: z.string().nullable(),
      to: z.string().nullable(),
    }),
  ),
  /** per version tenants upgrade from: the schema changes to the target version */
  schema: z.array(z.object({ fromVersion: z.string(), changes: z.array(SchemaDiffChangeSchema) })),
  /** 'definitions': computed from both packages; otherwise why the schema could not be compared */
  schemaSource: z.enum(['definitions', 'unavailable']),
  schemaNote: z.string().optional(),
  steps: z.array(z.object({ codeunit: z.string(), tag: z.string(), fromMin: z.string().nullable(), fromMax: z.string().nullable() })),
});

export const UpgradePlanTenantSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  tenantId: z.string(),
  fromVersion: z.string().nullable(),
  dataVersion: z.string().nullable(),
  /** not installed: archived data is restored, then upgraded */
  restores: z.boolean(),
  action: z.enum(['upgrade', 'skip', 'blocked']),
  reason: z.string().optional(),
  destructive: z.array(SchemaDiffChangeSchema),
  rowsLost: z.array(z.object({ company: z.string(), table: z.string(), field: z.string().optional(), rows: z.number().int() })),
  stepsToRun: z.array(z.string()),
  missingDependencies: z.array(z.object({ id: z.string(), name: z.string(), version: z.string(), installed: z.string().nullable() })),
  /** blocked only by schema changes that lose data (`destructive`, `rowsLost`): a forced upgrade runs it, archiving
   *  what is removed. Blocked for any other reason too (state, dependencies, a restore of archived data): false. */
  forceable: z.boolean(),
});
export type UpgradePlanTenant = z.infer<typeof UpgradePlanTenantSchema>;

export const UpgradePlanSchema = z.object({
  appId: z.string(),
  appName: z.string(),
  publisher: z.string(),
  version: z.string(),
  /** the actions are those of add sync (the default): a schema change that loses data blocks the tenant */
  syncMode: z.literal('add'),
  /** a forced upgrade would run more tenants: the `forceable` ones, after the rows they lose are acknowledged */
  forceSyncAvailable: z.boolean(),
  forceable: z.number().int(),
  /** rows holding a value in what a forced upgrade removes from the forceable tenants (archived, per tenant) */
  forceRowsLost: z.number().int(),
  deployments: z.array(UpgradePlanDeploymentSchema),
  tenants: z.array(UpgradePlanTenantSchema),
  runnable: z.number().int(),
  blocked: z.number().int(),
  skipped: z.number().int(),
  rowsLost: z.number().int(),
});
export type UpgradePlan = z.infer<typeof UpgradePlanSchema>;

export const UpgradeStartSchema = z
  .object({
    appId: Id,
    version: VersionSchema,
    targets: z.array(UpgradeTargetSchema).min(1, 'select at least one tenant').max(10_000),
    /** waves: the first `ringSize` targets run first; any failure stops the job before the next tenant */
    waves: z.boolean().default(false),
    ringSize: z.number().int().min(1).max(10_000).default(1),
    /** force sync: tenants whose upgrade removes fields or tables run, the removed data archived */
    force: z.boolean().default(false),
    /** with force: the rows lost by the targets, as the latest plan of them counts them; any other number is refused */
    acknowledgeRowsLost: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((s) => s.force || s.acknowledgeRowsLost === undefined, {
    message: 'acknowledgeRowsLost is only for a forced upgrade (force: true)',
    path: ['acknowledgeRowsLost'],
  });
export type UpgradeStart = z.infer<typeof UpgradeStartSchema>;

// ---- deployment calls ------------------------------------------------------------------------------

const CALLABLE = Object.keys(OPERATIONS) as [OperationName, ...OperationName[]];

/** One operation of the management contract on one connection; the input is parsed by that operation's own schema. */
export const DeploymentCallSchema = z
  .object({ connectionId: Id, op: z.enum(CALLABLE), input: z.unknown() })
  .strict()
  .transform((call, ctx) => {
    const parsed = OPERATIONS[call.op].input.safeParse(call.input ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['input', ...issue.path] } as never);
      return z.NEVER;
    }
    return { connectionId: call.connectionId, op: call.op, input: parsed.data as unknown };
  });

// ---- the operations --------------------------------------------------------------------------------

const Empty = z.object({}).strict();
const ConnRef = z.object({ connectionId: Id }).strict();
const TenantRef = z.object({ connectionId: Id, tenantId: TenantIdSchema }).strict();

export const TenantDetailSchema = z.object({
  connectionId: z.string(),
  connectionName: z.string(),
  tenantId: z.string(),
  asOf: IsoTime.nullable(),
  live: z.boolean(),
  error: ErrorInfoSchema.optional(),
  tenant: OPERATIONS['tenant.get'].output,
  apps: z.array(TenantAppSchema),
  objects: OPERATIONS['tenant.objects'].output,
  permissionSets: OPERATIONS['tenant.permissionSets'].output.shape.permissionSets,
  subscribers: OPERATIONS['tenant.subscribers'].output.shape.subscribers,
  log: z.array(LogEntrySchema),
  archive: z.array(ArchiveEntrySchema),
  /** offline, for a tenant whose detail was never read: built from the cached fleet snapshot and operation log */
  summaryOnly: z.boolean().optional(),
});
export type TenantDetail = z.infer<typeof TenantDetailSchema>;

export const DeploymentOverviewSchema = z.object({
  connectionId: z.string(),
  name: z.string(),
  asOf: IsoTime.nullable(),
  live: z.boolean(),
  error: ErrorInfoSchema.optional(),
  application: z.object({ name: z.string(), version: z.string() }).nullable(),
  tenantsByState: z.record(z.string(), z.number().int()),
  tenantCount: z.number().int(),
  extensions: z.array(z.object({ id: z.string(), name: z.string(), publisher: z.string(), versions: z.array(z.string()), installedIn: z.number().int() })),
  latestOperations: z.array(
    z.object({
      opId: z.string(),
      operation: z.string(),
      actor: z.string(),
      tenantId: z.string().nullable(),
      startedAt: z.string(),
      result: z.string(),
      error: z.string().nullable(),
    }),
  ),
});
export type DeploymentOverview = z.infer<typeof DeploymentOverviewSchema>;

export const ConsoleInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  actor: z.string(),
  dataDir: z.string(),
  /** how connection tokens are sealed on this machine */
  secrets: z.string(),
});

interface ConsoleOperationSpec {
  input: z.ZodType;
  output: z.ZodType;
  kind: 'read' | 'write';
}

export const CONSOLE_OPERATIONS = {
  'console.info': { input: Empty, output: ConsoleInfoSchema, kind: 'read' },
  'connections.list': { input: Empty, output: z.array(ConnectionSchema), kind: 'read' },
  'connections.add': { input: ConnectionDraftSchema, output: ConnectionSchema, kind: 'write' },
  'connections.update': {
    input: z
      .object({
        id: Id,
        name: ConnectionNameSchema.optional(),
        folder: FolderSchema.optional(),
        url: UrlSchema.optional(),
        token: TokenSchema.optional(),
        allowInsecure: z.boolean().optional(),
      })
      .strict(),
    output: ConnectionSchema,
    kind: 'write',
  },
  'connections.remove': { input: z.object({ id: Id }).strict(), output: z.object({ removed: z.boolean() }), kind: 'write' },
  'connections.test': {
    input: z.union([z.object({ id: Id }).strict(), z.object({ draft: ConnectionDraftSchema }).strict()]),
    output: ConnectionTestResultSchema,
    kind: 'read',
  },
  'fleet.snapshot': {
    input: z.object({ refresh: z.boolean().default(true) }).strict(),
    output: FleetSnapshotSchema,
    kind: 'read',
  },
  'deployment.overview': { input: ConnRef, output: DeploymentOverviewSchema, kind: 'read' },
  'tenant.detail': { input: TenantRef, output: TenantDetailSchema, kind: 'read' },
  'deployment.call': { input: DeploymentCallSchema, output: z.unknown(), kind: 'write' },
  'jobs.plan': { input: JobSpecSchema, output: JobPlanSchema, kind: 'read' },
  'jobs.start': { input: JobSpecSchema, output: z.object({ jobId: z.string() }), kind: 'write' },
  'jobs.list': { input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), output: z.array(JobSchema), kind: 'read' },
  'jobs.get': { input: z.object({ jobId: Id }).strict(), output: JobDetailSchema, kind: 'read' },
  'jobs.cancel': { input: z.object({ jobId: Id }).strict(), output: JobSchema, kind: 'write' },
  'audit.list': {
    input: z
      .object({ limit: z.number().int().min(1).max(1000).default(100), beforeSeq: z.number().int().optional(), filter: AuditFilterSchema.optional() })
      .strict(),
    output: z.object({ entries: z.array(AuditEntrySchema), total: z.number().int(), matched: z.number().int() }),
    kind: 'read',
  },
  'audit.verify': { input: Empty, output: AuditVerifySchema, kind: 'read' },
  'audit.export': {
    input: z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl') }).strict(),
    output: FileOutput,
    kind: 'read',
  },
  'audit.report': {
    input: z
      .object({
        format: z.enum(['html', 'csv']).default('html'),
        filter: AuditFilterSchema.optional(),
        /** the deployments' operation logs (from the cache) */
        operationLogs: z.boolean().default(true),
        compare: z.object({ connectionId: Id, fromId: z.number().int(), toId: z.number().int() }).strict().optional(),
      })
      .strict(),
    output: FileOutput,
    kind: 'read',
  },
  'oplog.search': {
    input: OpLogFilterSchema,
    output: z.object({ entries: z.array(OpLogEntrySchema), matched: z.number().int(), sources: z.array(SourceStatusSchema) }),
    kind: 'read',
  },
  'snapshots.list': { input: ConnRef, output: z.object({ snapshots: z.array(SnapshotInfoSchema) }), kind: 'read' },
  'snapshots.compare': {
    input: z.object({ connectionId: Id, fromId: z.number().int(), toId: z.number().int() }).strict(),
    output: SnapshotCompareSchema,
    kind: 'read',
  },
  'archive.fleet': { input: z.object({ refresh: z.boolean().default(true) }).strict(), output: ArchiveFleetSchema, kind: 'read' },
  'archive.exportCsv': {
    input: z.object({ connectionId: Id, tenantId: TenantIdSchema, archiveId: z.number().int().min(1) }).strict(),
    output: FileOutput.extend({ rows: z.number().int() }),
    kind: 'read',
  },
  'packages.copy': {
    input: z
      .object({
        fromId: Id,
        toId: Id,
        apps: z
          .array(z.object({ id: Id, version: VersionSchema }).strict())
          .min(1)
          .max(200),
      })
      .strict()
      .refine((c) => c.fromId !== c.toId, 'copy between two different deployments'),
    output: PackageCopyResultSchema,
    kind: 'write',
  },
  'moves.precheck': { input: MoveRequestSchema, output: MovePrecheckSchema, kind: 'read' },
  'moves.report': { input: MoveRequestSchema, output: FileOutput, kind: 'read' },
  'moves.start': { input: MoveRequestSchema, output: z.object({ jobId: z.string() }), kind: 'write' },
  'upgrade.plan': { input: UpgradeRequestSchema, output: UpgradePlanSchema, kind: 'read' },
  'upgrade.start': { input: UpgradeStartSchema, output: z.object({ jobId: z.string() }), kind: 'write' },
} as const satisfies Record<ConsoleOperationName, ConsoleOperationSpec>;

export type ConsoleInput<N extends ConsoleOperationName> = z.input<(typeof CONSOLE_OPERATIONS)[N]['input']>;
export type ConsoleParsedInput<N extends ConsoleOperationName> = z.output<(typeof CONSOLE_OPERATIONS)[N]['input']>;
export type ConsoleOutput<N extends ConsoleOperationName> = z.output<(typeof CONSOLE_OPERATIONS)[N]['output']>;

/** What every transport offers the renderer. */
export interface ConsoleApi {
  call<N extends ConsoleOperationName>(op: N, input: ConsoleInput<N>): Promise<ConsoleOutput<N>>;
  onJobEvent(listener: (event: JobEvent) => void): () => void;
}

export function isConsoleOperation(name: string): name is ConsoleOperationName {
  return (CONSOLE_OPERATION_NAMES as readonly string[]).includes(name);
}
