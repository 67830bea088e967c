// The app.json manifest of an extension package, in the shape of Business Central's app.json. A real AL
// project's app.json loads as it is: every field of the AL schema is known (the old forms `idRange` and a
// dependency's `appId` are read into `idRanges` and `id`), fields Tenantry does not model are kept in
// `extra` and shown, and only a near miss of a known field (`dependancies`, `IdRanges`) is refused, naming
// the likely spelling, because a typo there would silently drop a dependency or an id range.
import { z } from 'zod';
import { VersionSchema } from './version.js';

export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const GuidSchema = z.string().regex(GUID_PATTERN, 'must be a GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301');

/** Names of objects, fields, publishers: printable, no control characters, trimmed. */
export const NameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(80, 'must be at most 80 characters')
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
  .refine((s) => s.trim() === s, 'must not start or end with spaces');

export const IdRangeSchema = z
  .object({ from: z.number().int().min(1).max(1_999_999_999), to: z.number().int().min(1).max(1_999_999_999) })
  .strict()
  .refine((r) => r.from <= r.to, 'from must not be greater than to');

/** A dependency: by id (Business Central resolves by id, never by name), with the minimum version. */
export const DependencySchema = z
  .object({
    id: GuidSchema,
    name: NameSchema,
    publisher: NameSchema,
    /** The minimum version; "0.0.0.0" (also what an absent version means) accepts any published version. */
    version: VersionSchema,
  })
  .strict();

/** An app that may use this one's objects with Access = Internal. */
export const InternalsVisibleToSchema = z.object({ id: GuidSchema, name: NameSchema.optional(), publisher: NameSchema.optional() }).strict();

export const TargetSchema = z.enum(['OnPrem', 'Cloud', 'Internal', 'Extension']);

const Url = z.string().max(2000);
const ShortList = z.array(z.string().max(200)).max(200);

export const ResourceExposurePolicySchema = z.looseObject({
  allowDebugging: z.boolean().optional(),
  allowDownloadingSource: z.boolean().optional(),
  includeSourceInSymbolFile: z.boolean().optional(),
  applyToDevExtension: z.boolean().optional(),
});

/** Where the app was built from (`source`) and by whom (`build`), as AL-Go and the compiler write them. */
export const SourceInfoSchema = z.looseObject({ repositoryUrl: Url.optional(), commit: z.string().max(200).optional() });
export const BuildInfoSchema = z.looseObject({ by: z.string().max(200).optional(), url: Url.optional() });

/** Fields of the AL app.json schema and what each holds, as Tenantry reads them (after the old forms are rewritten). */
const MANIFEST_FIELDS = {
  id: GuidSchema,
  name: NameSchema,
  publisher: NameSchema,
  version: VersionSchema,
  brief: z.string().max(250).optional(),
  description: z.string().max(4000).optional(),
  dependencies: z.array(DependencySchema).max(200).default([]),
  idRanges: z.array(IdRangeSchema).min(1, 'must declare at least one id range').max(50),
  /** The minimum application version; "0.0.0.0" when the manifest has none (an app that depends on no application). */
  application: VersionSchema,
  platform: VersionSchema.optional(),
  runtime: z
    .string()
    .regex(/^\d{1,4}(\.\d{1,9}){0,3}$/, 'must be a runtime version such as 14.0')
    .optional(),
  target: TargetSchema.optional(),
  privacyStatement: Url.optional(),
  EULA: Url.optional(),
  help: Url.optional(),
  url: Url.optional(),
  contextSensitiveHelpUrl: Url.optional(),
  helpBaseUrl: Url.optional(),
  logo: z.string().max(260).optional(),
  screenshots: z.array(z.string().max(260)).max(20).optional(),
  capabilities: z.array(z.string().max(80)).max(50).optional(),
  features: z.array(z.string().max(80)).max(50).optional(),
  propagateDependencies: z.boolean().optional(),
  internalsVisibleTo: z.array(InternalsVisibleToSchema).max(200).optional(),
  resourceExposurePolicy: ResourceExposurePolicySchema.optional(),
  showMyCode: z.boolean().optional(),
  supportedLocales: z.array(z.string().max(20)).max(200).optional(),
  preprocessorSymbols: ShortList.optional(),
  suppressWarnings: ShortList.optional(),
  keyVaultUrls: z.array(Url).max(10).optional(),
  applicationInsightsKey: z.string().max(200).optional(),
  applicationInsightsConnectionString: z.string().max(2000).optional(),
  source: SourceInfoSchema.optional(),
  build: BuildInfoSchema.optional(),
  resourceFolders: ShortList.optional(),
  /** The test toolkit version of old (runtime 1-4) manifests. */
  test: VersionSchema.optional(),
  /** Fields Tenantry does not model, kept as they were written (including `$schema`) and shown by `app info`. */
  extra: z.record(z.string(), z.unknown()).optional(),
};

/** Every field name a real app.json may use, including the old forms rewritten on reading. */
export const KNOWN_MANIFEST_FIELDS: readonly string[] = [...Object.keys(MANIFEST_FIELDS).filter((k) => k !== 'extra'), 'idRange', '$schema'];

/** Known fields whose empty string ("logo": "" in a generated app.json) means "not set". */
const EMPTY_MEANS_ABSENT = [
  'brief',
  'description',
  'privacyStatement',
  'EULA',
  'help',
  'url',
  'contextSensitiveHelpUrl',
  'helpBaseUrl',
  'logo',
  'platform',
  'application',
  'runtime',
  'applicationInsightsKey',
  'applicationInsightsConnectionString',
  'test',
];

/** Edit distance with adjacent swaps (optimal string alignment), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known field `name` is probably a misspelling of: same letters in another case, or a small edit away. */
export function likelySpelling(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { field: string; distance: number } | undefined;
  for (const k of known) {
    if (k === name) return undefined;
    const distance = editDistance(lower, k.toLowerCase());
    const allowed = k.length <= 5 ? 1 : k.length <= 11 ? 2 : 3;
    if (distance <= allowed && (!best || distance < best.distance)) best = { field: k, distance };
  }
  return best?.field;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A dependency (or internalsVisibleTo entry) as written: `appId` (before runtime 4.1) or `id`; an absent version means any. */
function normalizeAppRef(raw: unknown, withVersion: boolean, path: (string | number)[], ctx: z.RefinementCtx): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, unknown> = { ...raw };
  if ('appId' in out) {
    if ('id' in out && String(out.id).toLowerCase() !== String(out.appId).toLowerCase()) {
      ctx.addIssue({ code: 'custom', path: [...path, 'appId'], message: `appId ${String(out.appId)} and id ${String(out.id)} differ; give one of them` });
    }
    out.id = out.id ?? out.appId;
    delete out.appId;
  }
  if (withVersion && (out.version === undefined || out.version === '')) out.version = '0.0.0.0';
  return out;
}

/**
 * Rewrites an app.json as written into the fields the schema checks: old forms to new, empty strings of
 * optional fields dropped, fields Tenantry does not model moved to `extra`, near misses of known fields
 * reported. Anything that is not an object is left for the schema to refuse.
 */
function normalizeManifest(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, unknown> = {};
  const extra: Record<string, unknown> = isRecord(raw.extra) ? { ...raw.extra } : {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'extra') {
      if (!isRecord(value)) out.extra = value;
      continue;
    }
    if (key === '$schema') {
      extra[key] = value;
      continue;
    }
    if (key === 'idRange') {
      if ('idRanges' in raw) ctx.addIssue({ code: 'custom', path: ['idRange'], message: 'give either idRange or idRanges, not both' });
      else out.idRanges = [value];
      continue;
    }
    if (key in MANIFEST_FIELDS) {
      if (value === '' && EMPTY_MEANS_ABSENT.includes(key)) continue;
      if (key === 'dependencies' && Array.isArray(value)) out[key] = value.map((d, i) => normalizeAppRef(d, true, ['dependencies', i], ctx));
      else if (key === 'internalsVisibleTo' && Array.isArray(value)) out[key] = value.map((d, i) => normalizeAppRef(d, false, ['internalsVisibleTo', i], ctx));
      else if (key === 'screenshots' && Array.isArray(value)) out[key] = value.filter((s) => s !== '');
      else out[key] = value;
      continue;
    }
    const likely = likelySpelling(key, KNOWN_MANIFEST_FIELDS);
    if (likely !== undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown field; did you mean "${likely}"?` });
      continue;
    }
    extra[key] = value;
  }
  if (out.application === undefined) out.application = '0.0.0.0';
  if (Object.keys(extra).length > 0) out.extra = extra;
  return out;
}

const ManifestObjectSchema = z
  .object(MANIFEST_FIELDS)
  .strict()
  .superRefine((m, ctx) => {
    m.dependencies.forEach((d, i) => {
      if (d.id.toLowerCase() === m.id.toLowerCase()) {
        ctx.addIssue({ code: 'custom', path: ['dependencies', i, 'id'], message: 'an extension cannot depend on itself' });
      }
    });
    const seen = new Set<string>();
    m.dependencies.forEach((d, i) => {
      const k = d.id.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['dependencies', i, 'id'], message: `dependency ${d.id} is listed twice` });
      seen.add(k);
    });
    const ranges = [...m.idRanges].sort((a, b) => a.from - b.from);
    for (let i = 1; i < ranges.length; i++) {
      if (ranges[i]!.from <= ranges[i - 1]!.to) {
        ctx.addIssue({ code: 'custom', path: ['idRanges'], message: 'id ranges must not overlap' });
        break;
      }
    }
  });

/** app.json as written (any real AL manifest) in, the manifest Tenantry works with out. Parsing its own output gives the same manifest. */
export const ManifestSchema = z.preprocess(normalizeManifest, ManifestObjectSchema);

export type Manifest = z.infer<typeof ManifestObjectSchema>;
/** A manifest in the form Tenantry writes it (the old forms `idRange` and `appId` are accepted by the schema but not typed here). */
export type ManifestInput = z.input<typeof ManifestObjectSchema>;
export type Dependency = z.infer<typeof DependencySchema>;
export type IdRange = z.infer<typeof IdRangeSchema>;

export function inIdRanges(id: number, ranges: readonly IdRange[]): boolean {
  return ranges.some((r) => id >= r.from && id <= r.to);
}

/** "Name by Publisher 1.0.0.0", the way people refer to an extension in messages. */
export function describeApp(m: { name: string; publisher: string; version: string }): string {
  return `"${m.name}" by ${m.publisher} ${m.version}`;
}

const SHOWN_ELSEWHERE = new Set(['id', 'name', 'publisher', 'version', 'application', 'dependencies', 'idRanges', 'brief', 'extra']);

/** The manifest's other fields, set ones only, as [label, text] rows for `app info` (fields kept in `extra` included, as written). */
export function manifestDetails(m: Manifest): [string, string][] {
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(m)) {
    if (SHOWN_ELSEWHERE.has(k) || v === undefined) continue;
    rows.push([k, text(v)]);
  }
  for (const [k, v] of Object.entries(m.extra ?? {})) rows.push([`${k} (not used by Tenantry)`, text(v)]);
  return rows;
}
