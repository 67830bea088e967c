// The objects an extension declares (as data, not code), and the base application's objects.
// Tables, table extensions, pages, page extensions, enums, enum extensions, permission sets and
// codeunits (event subscribers, install and upgrade steps). See docs/package-format.md.
import { z } from 'zod';
import { NameSchema } from './manifest.js';
import { VersionSchema } from './version.js';

export const ObjectIdSchema = z.number().int().min(1).max(1_999_999_999);

export const FieldTypeSchema = z.enum(['Code', 'Text', 'Integer', 'BigInteger', 'Decimal', 'Boolean', 'Date', 'DateTime', 'Time', 'Guid', 'Option', 'Enum']);
export type FieldType = z.infer<typeof FieldTypeSchema>;

/** Field properties an extension may change on a field it does not own. */
export const FieldPropertiesSchema = z
  .object({
    caption: z.string().max(250).optional(),
    description: z.string().max(500).optional(),
    editable: z.boolean().optional(),
    notBlank: z.boolean().optional(),
    initValue: z.union([z.string(), z.number(), z.boolean()]).optional(),
  })
  .strict();
export type FieldProperties = z.infer<typeof FieldPropertiesSchema>;

export const FieldSchema = z
  .object({
    id: ObjectIdSchema,
    name: NameSchema,
    type: FieldTypeSchema,
    /** Maximum length for Code and Text fields. */
    length: z.number().int().min(1).max(2048).optional(),
    /** Enum fields: the name of the enum. */
    enum: NameSchema.optional(),
    /** Option fields: the option captions, in order. */
    options: z.array(z.string().max(80)).max(100).optional(),
  })
  .merge(FieldPropertiesSchema)
  .strict()
  .superRefine((f, ctx) => {
    if ((f.type === 'Code' || f.type === 'Text') && f.length === undefined) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: `${f.type} field "${f.name}" needs a length` });
    }
    if (f.type === 'Enum' && !f.enum) ctx.addIssue({ code: 'custom', path: ['enum'], message: `Enum field "${f.name}" needs an enum name` });
  });
export type Field = z.infer<typeof FieldSchema>;

export const KeySchema = z.object({ fields: z.array(NameSchema).min(1).max(16), clustered: z.boolean().optional() }).strict();

const uniqueBy = <T>(items: readonly T[], key: (t: T) => string | number): string | number | undefined => {
  const seen = new Set<string | number>();
  for (const it of items) {
    const k = key(it);
    const norm = typeof k === 'string' ? k.toLowerCase() : k;
    if (seen.has(norm)) return k;
    seen.add(norm);
  }
  return undefined;
};

export const TableSchema = z
  .object({
    type: z.literal('table'),
    id: ObjectIdSchema,
    name: NameSchema,
    caption: z.string().max(250).optional(),
    /** false for tables shared by every company of the tenant. */
    dataPerCompany: z.boolean().default(true),
    fields: z.array(FieldSchema).min(1).max(500),
    /** The first key is the primary key. */
    keys: z.array(KeySchema).min(1).max(40),
  })
  .strict()
  .superRefine((t, ctx) => {
    const dupId = uniqueBy(t.fields, (f) => f.id);
    if (dupId !== undefined) ctx.addIssue({ code: 'custom', path: ['fields'], message: `table "${t.name}" declares field id ${dupId} twice` });
    const dupName = uniqueBy(t.fields, (f) => f.name);
    if (dupName !== undefined) ctx.addIssue({ code: 'custom', path: ['fields'], message: `table "${t.name}" declares field "${dupName}" twice` });
    const names = new Set(t.fields.map((f) => f.name.toLowerCase()));
    t.keys.forEach((k, i) =>
      k.fields.forEach((kf) => {
        if (!names.has(kf.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['keys', i], message: `key field "${kf}" is not a field of table "${t.name}"` });
      }),
    );
  });
export type Table = z.infer<typeof TableSchema>;

export const FieldModificationSchema = z.object({ field: NameSchema, properties: FieldPropertiesSchema }).strict();

export const TableExtensionSchema = z
  .object({
    type: z.literal('tableextension'),
    id: ObjectIdSchema,
    name: NameSchema,
    /** The table extended: by name, of the application or of a dependency. */
    extends: NameSchema,
    fields: z.array(FieldSchema).max(500).default([]),
    modify: z.array(FieldModificationSchema).max(500).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    const dupId = uniqueBy(t.fields, (f) => f.id);
    if (dupId !== undefined) ctx.addIssue({ code: 'custom', path: ['fields'], message: `table extension "${t.name}" declares field id ${dupId} twice` });
    const dupName = uniqueBy(t.fields, (f) => f.name);
    if (dupName !== undefined) ctx.addIssue({ code: 'custom', path: ['fields'], message: `table extension "${t.name}" declares field "${dupName}" twice` });
  });
export type TableExtension = z.infer<typeof TableExtensionSchema>;

export const ControlPropertiesSchema = z
  .object({
    caption: z.string().max(250).optional(),
    visible: z.boolean().optional(),
    editable: z.boolean().optional(),
    importance: z.enum(['Standard', 'Promoted', 'Additional']).optional(),
  })
  .strict();

export const ControlSchema = z.object({ name: NameSchema, field: NameSchema.optional(), group: NameSchema.optional() }).merge(ControlPropertiesSchema).strict();

export const PageSchema = z
  .object({
    type: z.literal('page'),
    id: ObjectIdSchema,
    name: NameSchema,
    pageType: z.enum(['Card', 'List', 'Document', 'ListPart', 'CardPart', 'Worksheet', 'RoleCenter', 'API']),
    sourceTable: NameSchema.optional(),
    caption: z.string().max(250).optional(),
    controls: z.array(ControlSchema).max(500).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    const dup = uniqueBy(p.controls, (c) => c.name);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['controls'], message: `page "${p.name}" declares control "${dup}" twice` });
  });
export type Page = z.infer<typeof PageSchema>;

export const PageExtensionSchema = z
  .object({
    type: z.literal('pageextension'),
    id: ObjectIdSchema,
    name: NameSchema,
    extends: NameSchema,
    controls: z
      .array(
        ControlSchema.extend({
          anchor: z
            .object({ position: z.enum(['before', 'after', 'first', 'last']), control: NameSchema.optional() })
            .strict()
            .optional(),
        }).strict(),
      )
      .max(500)
      .default([]),
    modify: z
      .array(z.object({ control: NameSchema, properties: ControlPropertiesSchema }).strict())
      .max(500)
      .default([]),
  })
  .strict();
export type PageExtension = z.infer<typeof PageExtensionSchema>;

export const EnumValueSchema = z.object({ id: z.number().int().min(0).max(1_999_999_999), name: NameSchema, caption: z.string().max(250).optional() }).strict();

export const EnumSchema = z
  .object({
    type: z.literal('enum'),
    id: ObjectIdSchema,
    name: NameSchema,
    extensible: z.boolean().default(true),
    values: z.array(EnumValueSchema).max(1000),
  })
  .strict();
export type Enum = z.infer<typeof EnumSchema>;

export const EnumExtensionSchema = z
  .object({
    type: z.literal('enumextension'),
    id: ObjectIdSchema,
    name: NameSchema,
    extends: NameSchema,
    values: z.array(EnumValueSchema).min(1).max(1000),
  })
  .strict();
export type EnumExtension = z.infer<typeof EnumExtensionSchema>;

export const ObjectTypeSchema = z.enum(['table', 'tableextension', 'page', 'pageextension', 'enum', 'enumextension', 'permissionset', 'codeunit']);
export type ObjectType = z.infer<typeof ObjectTypeSchema>;

export const PermissionSchema = z
  .object({
    objectType: z.enum(['table', 'page', 'codeunit', 'tabledata']),
    /** An object name, or "*" for every object of the type in this extension. */
    object: z.string().min(1).max(80),
    read: z.boolean().default(false),
    insert: z.boolean().default(false),
    modify: z.boolean().default(false),
    delete: z.boolean().default(false),
    execute: z.boolean().default(false),
  })
  .strict();

export const PermissionSetSchema = z
  .object({
    type: z.literal('permissionset'),
    id: ObjectIdSchema,
    name: NameSchema,
    caption: z.string().max(250).optional(),
    assignable: z.boolean().default(true),
    permissions: z.array(PermissionSchema).max(1000),
  })
  .strict();
export type PermissionSet = z.infer<typeof PermissionSetSchema>;

export const EventStageSchema = z.enum(['pre-validation', 'pre-operation', 'post-operation']);
export const EventNameSchema = z.enum([
  'record.inserted',
  'record.modified',
  'record.deleted',
  'extension.installed',
  'extension.uninstalled',
  'extension.upgraded',
]);

/** What a subscriber does when its event fires; declarative, so it can be checked and shown. */
export const SubscriberActionSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('setField'), field: NameSchema, value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict(),
  z.object({ op: z.literal('requireField'), field: NameSchema, message: z.string().max(250).optional() }).strict(),
  z.object({ op: z.literal('log'), message: z.string().max(250) }).strict(),
]);

export const SubscriberSchema = z
  .object({
    name: NameSchema,
    event: EventNameSchema,
    /** The table the record events are about; absent for extension lifecycle events. */
    table: NameSchema.optional(),
    stage: EventStageSchema.default('post-operation'),
    order: z.number().int().min(0).max(100_000).default(100),
    action: SubscriberActionSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.event.startsWith('record.') && !s.table)
      ctx.addIssue({ code: 'custom', path: ['table'], message: `subscriber "${s.name}" to ${s.event} needs a table` });
  });

/** One step of data: runs in every company, at most once per company for its tag. */
export const DataActionSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('copyField'), table: NameSchema, from: NameSchema, to: NameSchema }).strict(),
  z
    .object({
      op: z.literal('setValue'),
      table: NameSchema,
      field: NameSchema,
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
      /** Only rows where this field is null / empty. */
      onlyIfEmpty: z.boolean().optional(),
    })
    .strict(),
  /** Keeps the field id; only the name changes (and so the data stays). */
  z.object({ op: z.literal('renameField'), table: NameSchema, from: NameSchema, to: NameSchema }).strict(),
  z.object({ op: z.literal('insertRows'), table: NameSchema, rows: z.array(z.record(z.string(), z.unknown())).max(10_000) }).strict(),
  z.object({ op: z.literal('deleteRows'), table: NameSchema, where: z.record(z.string(), z.unknown()) }).strict(),
]);
export type DataAction = z.infer<typeof DataActionSchema>;

export const UpgradeStepSchema = z
  .object({
    /** Upgrade tag: the step runs at most once per company. */
    tag: z.string().min(1).max(100),
    /** Runs when the data version being upgraded from lies in [fromMin, fromMax]. */
    fromMin: VersionSchema.optional(),
    fromMax: VersionSchema.optional(),
    actions: z.array(DataActionSchema).min(1).max(100),
  })
  .strict();
export type UpgradeStep = z.infer<typeof UpgradeStepSchema>;

export const InstallStepSchema = z.object({ tag: z.string().min(1).max(100), actions: z.array(DataActionSchema).min(1).max(100) }).strict();

export const CodeunitSchema = z
  .object({
    type: z.literal('codeunit'),
    id: ObjectIdSchema,
    name: NameSchema,
    subtype: z.enum(['Normal', 'Install', 'Upgrade']).default('Normal'),
    subscribers: z.array(SubscriberSchema).max(500).default([]),
    install: z.array(InstallStepSchema).max(100).default([]),
    upgrade: z.array(UpgradeStepSchema).max(100).default([]),
  })
  .strict();
export type Codeunit = z.infer<typeof CodeunitSchema>;

export const AppObjectSchema = z.discriminatedUnion('type', [
  TableSchema,
  TableExtensionSchema,
  PageSchema,
  PageExtensionSchema,
  EnumSchema,
  EnumExtensionSchema,
  PermissionSetSchema,
  CodeunitSchema,
]);
export type AppObject = z.infer<typeof AppObjectSchema>;

/** Table data shipped in a package: rows by field name, loaded in every company on first install. */
export const TableDataSchema = z.object({ table: NameSchema, rows: z.array(z.record(z.string(), z.unknown())).max(100_000) }).strict();
export type TableData = z.infer<typeof TableDataSchema>;

/** The base application of a deployment. */
export const ApplicationSchema = z
  .object({
    name: NameSchema,
    publisher: NameSchema,
    version: VersionSchema,
    objects: z.array(AppObjectSchema),
  })
  .strict();
export type Application = z.infer<typeof ApplicationSchema>;
