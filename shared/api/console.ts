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

export const JobTargetSchema = z
  .object({ connectionId: Id, tenantId: TenantIdSchema, appId: Id, version: VersionSchema.optional() })
  .strict();
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
});
export type JobItem = z.infer<typeof JobItemSchema>;

export const JobSchema = z.object({
  id: z.string(),
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

export const JobDetailSchema = JobSchema.extend({ items: z.array(JobItemSchema) });
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
    input: z.object({ limit: z.number().int().min(1).max(1000).default(100), beforeSeq: z.number().int().optional() }).strict(),
    output: z.object({ entries: z.array(AuditEntrySchema), total: z.number().int() }),
    kind: 'read',
  },
  'audit.verify': { input: Empty, output: AuditVerifySchema, kind: 'read' },
  'audit.export': {
    input: z.object({ format: z.enum(['jsonl', 'csv']).default('jsonl') }).strict(),
    output: z.object({ fileName: z.string(), mimeType: z.string(), content: z.string() }),
    kind: 'read',
  },
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
