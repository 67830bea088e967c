// The management API contract: every operation a deployment offers, with a zod schema for its input and one for
// its output. The local engine (Deployment.invoke), the HTTP server and the console all speak this one contract, so
// outputs are plain JSON: no Buffers, no Dates (timestamps are ISO 8601 strings), no undefined-only fields.
import { z } from 'zod';
import { ApplicationSchema, FieldTypeSchema } from '../domain/objects.js';
import { ManifestSchema } from '../domain/manifest.js';
import { TENANT_STATES } from '../domain/tenant-state.js';
import { VersionSchema } from '../domain/version.js';

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/** Tenant ids: lower-case letters, digits and '-', starting with a letter or digit; compared case-insensitively. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const TenantIdSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(TENANT_ID_PATTERN, 'must be 1-63 characters: letters, digits and "-", starting with a letter or digit'));

/** An extension named by its GUID (the engine also accepts a unique name, case-insensitive). */
export const AppKeySchema = z.string().min(1).max(200);
export const CompanyNameSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');
export const ActorSchema = z.string().min(1).max(200);
export const IsoTimeSchema = z.string();
export const JsonValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type JsonValue = z.infer<typeof JsonValueSchema>;
/** A record as field name -> value (Code/Text/Guid/Date/DateTime/Time/Option/Enum as strings). */
export const RecordValuesSchema = z.record(z.string(), JsonValueSchema);

export const ErrorInfoSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  ref: z.string().optional(),
});

export const AppRefSchema = z.object({ id: z.string(), name: z.string(), publisher: z.string(), version: z.string() });
export type AppRefOut = z.infer<typeof AppRefSchema>;

export const TenantStateSchema = z.enum(TENANT_STATES);

export const CatalogEntrySchema = AppRefSchema.extend({
  sha256: z.string(),
  size: z.number(),
  signed: z.boolean(),
  skippedVerification: z.boolean(),
  signerKeyId: z.string().nullable(),
  publishedAt: IsoTimeSchema,
  publishedBy: z.string(),
  dependencies: z.array(AppRefSchema),
  /** Tenants (mounted in this deployment) that have this version installed. */
  tenantCount: z.number(),
  /** Problems found by the last repair (empty when it compiles). */
  problems: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const TenantSummarySchema = z.object({
  id: z.string(),
  alternateIds: z.array(z.string()),
  state: TenantStateSchema,
  /** The operation that failed, when state is 'failed'. */
  failedOperation: z.string().nullable(),
  applicationVersion: z.string(),
  companies: z.array(z.string()),
  installedApps: z.number(),
  file: z.string(),
  sizeBytes: z.number(),
  createdAt: IsoTimeSchema,
  mountedAt: IsoTimeSchema.nullable(),
  /** Incremented on every change of the tenant's administrative state (state, apps, archives, companies, mount);
   *  pass it back as `expectedVersion` for a versioned write. Always set by the engine (optional for older peers). */
  version: z.number().int().optional(),
});
export type TenantSummary = z.infer<typeof TenantSummarySchema>;

export const TenantAppSchema = AppRefSchema.extend({
  dataVersion: z.string(),
  syncState: z.enum(['synced', 'pending']),
  installedAt: IsoTimeSchema,
  /** The newest published version above the installed one, or null. */
  upgradeAvailable: z.string().nullable(),
  archivedVersions: z.array(z.string()),
});
export type TenantApp = z.infer<typeof TenantAppSchema>;

export const ArchiveEntrySchema = z.object({
  archiveId: z.number(),
  appId: z.string(),
  appName: z.string(),
  publisher: z.string(),
  version: z.string(),
  company: z.string(),
  table: z.string(),
  tableId: z.number(),
  /** 'table': the extension's own table; 'fields': its fields on another table; 'column': one field removed by a force sync. */
  kind: z.enum(['table', 'fields', 'column']),
  rows: z.number(),
  /** Bytes on disk, measured when the archive is listed; null in the result of the operation that archived it
   *  (measuring walks the table's pages, and archiving must not grow with the row count). */
  bytes: z.number().nullable(),
  archivedAt: IsoTimeSchema,
  reason: z.enum(['uninstall', 'force-sync', 'remove-apps']),
});
export type ArchiveEntry = z.infer<typeof ArchiveEntrySchema>;

export const ColumnSchema = z.object({
  name: z.string(),
  fieldId: z.number(),
  type: FieldTypeSchema,
  length: z.number().optional(),
  ownerAppId: z.string(),
});

export const SchemaChangeSchema = z.object({
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

export const RowsLostSchema = z.object({ company: z.string(), table: z.string(), field: z.string().optional(), rows: z.number() });

export const LogEntrySchema = z.object({
  opId: z.string(),
  actor: z.string(),
  operation: z.string(),
  tenantId: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  startedAt: IsoTimeSchema,
  endedAt: IsoTimeSchema.nullable(),
  result: z.enum(['running', 'succeeded', 'failed']),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const DestinationFactsSchema = z.object({
  name: z.string(),
  application: z.object({ name: z.string(), version: z.string() }),
  catalog: z.array(AppRefSchema),
  tenantIds: z.array(z.string()),
});
export type DestinationFacts = z.infer<typeof DestinationFactsSchema>;

export const MovePrecheckReportSchema = z.object({
  ok: z.boolean(),
  tenantId: z.string(),
  application: z.object({ source: z.string(), destination: z.string(), same: z.boolean() }),
  apps: z.array(AppRefSchema.extend({ status: z.enum(['present', 'missing', 'other-version']), destinationVersions: z.array(z.string()) })),
  tenantIdFree: z.boolean(),
  sizeBytes: z.number(),
  problems: z.array(z.string()),
  waysOut: z.array(z.object({ kind: z.enum(['publish-missing', 'uninstall-first']), apps: z.array(AppRefSchema), description: z.string() })),
});

const PerTenantResultBase = z.object({ tenantId: z.string(), ok: z.boolean(), opId: z.string(), error: ErrorInfoSchema.optional() });

const Base64Schema = z
  .string()
  .min(1)
  .max(200_000_000)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const PackageInput = { package: Base64Schema, fileName: z.string().max(260).optional() };
const Paging = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(10_000).default(100) };
const Actor = { actor: ActorSchema.optional() };
/** Versioned writes: refused with STALE_VERSION when the tenant's version is not this one (see TenantSummary.version). */
const Expected = { expectedVersion: z.number().int().min(0).optional() };
/** Versioned writes over several tenants: tenant id -> expected version (tenants not named are not checked). */
const ExpectedMany = { expectedVersions: z.record(z.string(), z.number().int().min(0)).optional() };
const MoveIdSchema = z.string().min(1).max(100);

// ---------------------------------------------------------------------------------------------------------------
// The operations

type OpDef = {
  input: z.ZodType;
  output: z.ZodType;
  kind: 'read' | 'write';
  /** Long operations run as jobs in the console and server (progress, cancel, outcome readable later). */
  long: boolean;
  /** The input names one tenant (or tenantIds): a tenant-scoped token may call it for its tenants only. */
  tenantScoped: boolean;
};

const op = <I extends z.ZodType, O extends z.ZodType>(d: { input: I; output: O; kind: 'read' | 'write'; long: boolean; tenantScoped: boolean }) => d;

export const OPERATIONS = {
  'deployment.info': op({
    input: z.object({}).strict(),
    output: z.object({
      name: z.string(),
      folder: z.string(),
      application: z.object({ name: z.string(), publisher: z.string(), version: z.string() }),
      tenants: z.number(),
      apps: z.number(),
      formatVersion: z.number(),
    }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'deployment.setApplication': op({
    input: z.object({ application: ApplicationSchema, ...Actor }).strict(),
    output: z.object({
      application: z.object({ name: z.string(), version: z.string() }),
      repaired: z.array(z.object({ app: AppRefSchema, ok: z.boolean(), problems: z.array(z.object({ code: z.string(), message: z.string() })) })),
      tenantsSyncPending: z.array(z.string()),
    }),
    kind: 'write',
    long: true,
    tenantScoped: false,
  }),
  'app.publish': op({
    input: z.object({ ...PackageInput, skipVerification: z.boolean().default(false), ...Actor }).strict(),
    output: z.object({ app: AppRefSchema, status: z.enum(['published', 'unchanged']), sha256: z.string(), skippedVerification: z.boolean(), opId: z.string() }),
    kind: 'write',
    long: false,
    tenantScoped: false,
  }),
  'app.publishMany': op({
    input: z
      .object({
        packages: z.array(z.object(PackageInput).strict()).min(1).max(2000),
        skipVerification: z.boolean().default(false),
        ...Actor,
      })
      .strict(),
    output: z.object({
      results: z.array(z.object({ app: AppRefSchema, fileName: z.string().nullable(), status: z.enum(['published', 'unchanged']), sha256: z.string() })),
      opId: z.string(),
    }),
    kind: 'write',
    long: true,
    tenantScoped: false,
  }),
  'app.unpublish': op({
    input: z.object({ appId: AppKeySchema, version: VersionSchema, ...Actor }).strict(),
    output: z.object({ app: AppRefSchema, opId: z.string() }),
    kind: 'write',
    long: false,
    tenantScoped: false,
  }),
  'app.catalog': op({
    input: z.object({}).strict(),
    output: z.object({ apps: z.array(CatalogEntrySchema) }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'app.info': op({
    input: z.object({ ...PackageInput }).strict(),
    output: z.object({
      manifest: ManifestSchema,
      sha256: z.string(),
      size: z.number(),
      signed: z.boolean(),
      signerKeyId: z.string().nullable(),
      objects: z.array(z.object({ type: z.string(), id: z.number(), name: z.string(), extends: z.string().optional() })),
      tableData: z.array(z.object({ table: z.string(), rows: z.number() })),
      /** Published versions of this app id in this deployment. */
      publishedVersions: z.array(z.string()),
    }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'app.tenants': op({
    input: z.object({ appId: AppKeySchema }).strict(),
    output: z.object({
      app: z.object({ id: z.string(), name: z.string(), publisher: z.string() }),
      tenants: z.array(z.object({ tenantId: z.string(), version: z.string(), dataVersion: z.string(), syncState: z.string() })),
    }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  /** The bytes of a published version (to publish it on another deployment, e.g. before a tenant move). */
  'app.package': op({
    input: z.object({ appId: AppKeySchema, version: VersionSchema }).strict(),
    output: z.object({ package: z.string(), fileName: z.string(), sha256: z.string(), size: z.number() }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'app.repair': op({
    input: z.object({ appId: AppKeySchema.optional(), version: VersionSchema.optional(), ...Actor }).strict(),
    output: z.object({
      results: z.array(z.object({ app: AppRefSchema, ok: z.boolean(), problems: z.array(z.object({ code: z.string(), message: z.string() })) })),
      opId: z.string(),
    }),
    kind: 'write',
    long: true,
    tenantScoped: false,
  }),
  'tenant.list': op({
    input: z.object({}).strict(),
    output: z.object({ tenants: z.array(TenantSummarySchema) }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'tenant.get': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: TenantSummarySchema.extend({ apps: z.array(TenantAppSchema) }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.create': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        companies: z.array(CompanyNameSchema).min(1).max(100).optional(),
        alternateIds: z.array(z.string().min(1).max(253)).max(20).optional(),
        ...Actor,
      })
      .strict(),
    output: TenantSummarySchema,
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'tenant.mount': op({
    input: z
      .object({
        /** A dismounted tenant of this deployment... */
        tenantId: TenantIdSchema.optional(),
        /** ...or a tenant database file to adopt (copied into the deployment). */
        file: z.string().min(1).max(4096).optional(),
        ...Expected,
        ...Actor,
      })
      .strict()
      .refine((v) => (v.tenantId === undefined) !== (v.file === undefined), 'give exactly one of tenantId and file'),
    output: TenantSummarySchema,
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'tenant.dismount': op({
    input: z.object({ tenantId: TenantIdSchema, ...Expected, ...Actor }).strict(),
    output: z.object({ tenantId: z.string(), file: z.string(), state: TenantStateSchema, opId: z.string() }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'tenant.removeApps': op({
    input: z
      .object({ tenantId: TenantIdSchema, doNotSaveData: z.boolean().default(false), acknowledge: z.boolean().default(false), ...Expected, ...Actor })
      .strict(),
    output: z.object({
      tenantId: z.string(),
      removed: z.array(AppRefSchema),
      archives: z.array(ArchiveEntrySchema),
      rowsDiscarded: z.number(),
      opId: z.string(),
    }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  'tenant.apps': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: z.object({ tenantId: z.string(), apps: z.array(TenantAppSchema) }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.install': op({
    input: z
      .object({
        tenantIds: z.array(TenantIdSchema).min(1).max(100_000),
        appId: AppKeySchema,
        version: VersionSchema.optional(),
        installDependencies: z.boolean().default(false),
        loadData: z.boolean().default(true),
        ...ExpectedMany,
        ...Actor,
      })
      .strict(),
    output: z.object({
      results: z.array(
        PerTenantResultBase.extend({
          installed: z.array(AppRefSchema),
          /** What happened to the target: fresh install, or archived data restored (and upgraded). */
          action: z.enum(['installed', 'restored', 'restored-and-upgraded']).nullable(),
        }),
      ),
    }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  'tenant.uninstall': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        appId: AppKeySchema,
        uninstallDependents: z.boolean().default(false),
        doNotSaveData: z.boolean().default(false),
        acknowledge: z.boolean().default(false),
        ...Expected,
        ...Actor,
      })
      .strict(),
    output: z.object({
      tenantId: z.string(),
      uninstalled: z.array(AppRefSchema),
      archives: z.array(ArchiveEntrySchema),
      rowsDiscarded: z.number(),
      opId: z.string(),
    }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  'tenant.upgrade': op({
    input: z
      .object({
        tenantIds: z.array(TenantIdSchema).min(1).max(100_000),
        appId: AppKeySchema,
        version: VersionSchema.optional(),
        /** Accept a schema change that loses data (archived, as a force sync does); needs `acknowledge`. */
        force: z.boolean().optional(),
        acknowledge: z.boolean().optional(),
        ...ExpectedMany,
        ...Actor,
      })
      .strict(),
    output: z.object({
      results: z.array(
        PerTenantResultBase.extend({
          from: z.string().nullable(),
          to: z.string().nullable(),
          action: z.enum(['upgraded', 'restored-and-upgraded', 'up-to-date']).nullable(),
          /** Upgrade tags that ran, per company ("company: tag"). */
          stepsRun: z.array(z.string()),
        }),
      ),
    }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  /** What tenant.upgrade would do to one tenant's schema, and the rows a forced upgrade would archive, counted as
   *  it counts them; reads only (no log row). The console's upgrade wizard plans with it. */
  'tenant.upgradeCheck': op({
    input: z.object({ tenantId: TenantIdSchema, appId: AppKeySchema, version: VersionSchema.optional() }).strict(),
    output: z.object({
      tenantId: z.string(),
      to: z.string(),
      /** The installed version, or the archived one a restore starts from; null when neither. */
      from: z.string().nullable(),
      installed: z.boolean(),
      changes: z.array(SchemaChangeSchema.extend({ appId: z.string() })),
      rowsLost: z.array(RowsLostSchema),
    }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.sync': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        appId: AppKeySchema.optional(),
        mode: z.enum(['add', 'force', 'clean', 'check-only']).default('add'),
        acknowledge: z.boolean().default(false),
        ...Expected,
        ...Actor,
      })
      .strict(),
    output: z.object({
      tenantId: z.string(),
      mode: z.enum(['add', 'force', 'clean', 'check-only']),
      applied: z.boolean(),
      changes: z.array(SchemaChangeSchema.extend({ appId: z.string() })),
      rowsLost: z.array(RowsLostSchema),
      archives: z.array(ArchiveEntrySchema),
      /** clean mode: archived data removed. */
      discarded: z.array(ArchiveEntrySchema),
      state: TenantStateSchema,
      opId: z.string(),
    }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  'tenant.objects': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: z.object({
      objects: z.array(
        z.object({ type: z.string(), id: z.number(), name: z.string(), ownerAppId: z.string(), ownerAppName: z.string(), extends: z.string().optional() }),
      ),
      tables: z.array(
        z.object({
          id: z.number(),
          name: z.string(),
          ownerAppId: z.string(),
          dataPerCompany: z.boolean(),
          primaryKey: z.array(z.string()),
          extendedBy: z.array(z.string()),
          fields: z.array(ColumnSchema),
        }),
      ),
    }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.permissionSets': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: z.object({
      permissionSets: z.array(
        z.object({
          id: z.number(),
          name: z.string(),
          caption: z.string().nullable(),
          ownerAppId: z.string(),
          appName: z.string(),
          grantedAt: IsoTimeSchema,
          permissions: z.array(z.record(z.string(), z.unknown())),
        }),
      ),
    }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.subscribers': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: z.object({
      subscribers: z.array(
        z.object({
          ownerAppId: z.string(),
          appName: z.string(),
          codeunitId: z.number(),
          codeunit: z.string(),
          name: z.string(),
          event: z.string(),
          table: z.string().nullable(),
          stage: z.string(),
          order: z.number(),
          action: z.record(z.string(), z.unknown()).nullable(),
        }),
      ),
    }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'tenant.log': op({
    input: z.object({ tenantId: TenantIdSchema, limit: z.number().int().min(1).max(10_000).default(100) }).strict(),
    output: z.object({ entries: z.array(LogEntrySchema) }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'archive.list': op({
    input: z.object({ tenantId: TenantIdSchema }).strict(),
    output: z.object({ archives: z.array(ArchiveEntrySchema) }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'archive.rows': op({
    input: z.object({ tenantId: TenantIdSchema, archiveId: z.number().int().min(1), ...Paging }).strict(),
    output: z.object({
      archive: ArchiveEntrySchema,
      columns: z.array(z.object({ name: z.string(), fieldId: z.number(), type: z.string() })),
      rows: z.array(RecordValuesSchema),
      total: z.number(),
    }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'archive.export': op({
    input: z.object({ tenantId: TenantIdSchema, archiveId: z.number().int().min(1) }).strict(),
    output: z.object({ fileName: z.string(), csv: z.string(), rows: z.number() }),
    kind: 'read',
    long: true,
    tenantScoped: true,
  }),
  'archive.discard': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        archiveId: z.number().int().min(1).optional(),
        appId: AppKeySchema.optional(),
        /** Must equal the exact number of rows that will be discarded. */
        confirmRows: z.number().int().min(0).optional(),
        ...Expected,
        ...Actor,
      })
      .strict()
      .refine((v) => (v.archiveId === undefined) !== (v.appId === undefined), 'give exactly one of archiveId and appId'),
    output: z.object({ discarded: z.array(ArchiveEntrySchema), rows: z.number(), opId: z.string() }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'record.insert': op({
    input: z
      .object({ tenantId: TenantIdSchema, company: CompanyNameSchema, table: z.string().min(1).max(80), values: RecordValuesSchema, ...Expected, ...Actor })
      .strict(),
    output: z.object({ rid: z.number(), record: RecordValuesSchema }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'record.insertMany': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        company: CompanyNameSchema,
        table: z.string().min(1).max(80),
        rows: z.array(RecordValuesSchema).min(1).max(100_000),
        ...Expected,
        ...Actor,
      })
      .strict(),
    output: z.object({ inserted: z.number() }),
    kind: 'write',
    long: true,
    tenantScoped: true,
  }),
  'record.modify': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        company: CompanyNameSchema,
        table: z.string().min(1).max(80),
        key: RecordValuesSchema,
        changes: RecordValuesSchema,
        ...Expected,
        ...Actor,
      })
      .strict(),
    output: z.object({ rid: z.number(), record: RecordValuesSchema }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'record.delete': op({
    input: z
      .object({ tenantId: TenantIdSchema, company: CompanyNameSchema, table: z.string().min(1).max(80), key: RecordValuesSchema, ...Expected, ...Actor })
      .strict(),
    output: z.object({ rid: z.number(), deleted: z.literal(true) }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'record.page': op({
    input: z
      .object({
        tenantId: TenantIdSchema,
        company: CompanyNameSchema,
        table: z.string().min(1).max(80),
        ...Paging,
        /** A field name; default: the row id (insertion order). */
        orderBy: z.string().min(1).max(80).optional(),
        descending: z.boolean().default(false),
      })
      .strict(),
    output: z.object({ columns: z.array(ColumnSchema), rows: z.array(RecordValuesSchema.and(z.object({ _rid: z.number() }))), total: z.number() }),
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  'log.list': op({
    input: z.object({ tenantId: TenantIdSchema.optional(), limit: z.number().int().min(1).max(10_000).default(100) }).strict(),
    output: z.object({ entries: z.array(LogEntrySchema) }),
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'move.destinationFacts': op({
    input: z.object({}).strict(),
    output: DestinationFactsSchema,
    kind: 'read',
    long: false,
    tenantScoped: false,
  }),
  'move.precheck': op({
    input: z.object({ tenantId: TenantIdSchema, destination: DestinationFactsSchema }).strict(),
    output: MovePrecheckReportSchema,
    kind: 'read',
    long: false,
    tenantScoped: true,
  }),
  // A move between deployments that do not share a process (a server on either side) runs in two phases with the
  // SOURCE's move journal as the one decision point: begin (journal + dismount) -> the file travels and is staged,
  // dismounted, on the destination -> complete (the source forgets it) -> the destination mounts it. Until complete,
  // undoing (abort) is always safe, because the destination never mounts a staged copy on its own.
  'move.begin': op({
    input: z.object({ tenantId: TenantIdSchema, destination: z.string().min(1).max(2048), ...Expected, ...Actor }).strict(),
    output: z.object({ moveId: z.string(), tenantId: z.string(), sha256: z.string(), size: z.number(), priorState: TenantStateSchema, opId: z.string() }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'move.complete': op({
    input: z.object({ tenantId: TenantIdSchema, moveId: MoveIdSchema, ...Actor }).strict(),
    output: z.object({ moveId: z.string(), tenantId: z.string(), outcome: z.literal('moved') }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  'move.abort': op({
    input: z.object({ tenantId: TenantIdSchema, moveId: MoveIdSchema, reason: z.string().max(2000).optional(), ...Actor }).strict(),
    output: z.object({ moveId: z.string(), tenantId: z.string(), outcome: z.literal('rolled-back'), state: TenantStateSchema }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
  /** On a destination: drop a copy staged by an upload of this move that was never mounted (no-op when there is none). */
  'move.discardIncoming': op({
    input: z.object({ tenantId: TenantIdSchema, moveId: MoveIdSchema, ...Actor }).strict(),
    output: z.object({ tenantId: z.string(), moveId: z.string(), discarded: z.boolean() }),
    kind: 'write',
    long: false,
    tenantScoped: true,
  }),
} as const satisfies Record<string, OpDef>;

export type Operations = typeof OPERATIONS;
export type OperationName = keyof Operations;
/** What a caller passes (defaults may be left out). */
export type OperationInput<N extends OperationName> = z.input<Operations[N]['input']>;
/** What the handler sees after parsing (defaults filled in). */
export type ParsedInput<N extends OperationName> = z.output<Operations[N]['input']>;
export type OperationOutput<N extends OperationName> = z.output<Operations[N]['output']>;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

export function isOperationName(s: string): s is OperationName {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, s);
}

/** Anything that runs operations of the contract: the local Deployment, a remote client, the console's driver. */
export interface Invoker {
  invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>>;
}

/** Turns zod issues into one message naming the field at fault, e.g. `tenant.install: tenantIds[0]: must be ...`. */
export function describeIssues(op: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 5).map((i) => {
    const path = i.path.map((p, idx) => (typeof p === 'number' ? `[${p}]` : idx === 0 ? String(p) : `.${String(p)}`)).join('');
    return path ? `${path}: ${i.message}` : i.message;
  });
  return `${op}: ${parts.join('; ')}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`;
}
