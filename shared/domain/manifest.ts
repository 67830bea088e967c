// The app.json manifest of an extension package, in the shape of Business Central's app.json.
// Unknown fields are refused (a typo in a manifest should not be silently ignored).
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

export const DependencySchema = z
  .object({
    id: GuidSchema,
    name: NameSchema,
    publisher: NameSchema,
    version: VersionSchema,
  })
  .strict();

export const TargetSchema = z.enum(['OnPrem', 'Cloud', 'Internal', 'Extension']);

export const ManifestSchema = z
  .object({
    id: GuidSchema,
    name: NameSchema,
    publisher: NameSchema,
    version: VersionSchema,
    brief: z.string().max(250).optional(),
    description: z.string().max(4000).optional(),
    dependencies: z.array(DependencySchema).max(200).default([]),
    idRanges: z.array(IdRangeSchema).min(1, 'must declare at least one id range').max(50),
    application: VersionSchema,
    platform: VersionSchema.optional(),
    runtime: z.string().max(20).optional(),
    target: TargetSchema.optional(),
    privacyStatement: z.string().max(500).optional(),
    EULA: z.string().max(500).optional(),
    help: z.string().max(500).optional(),
    url: z.string().max(500).optional(),
    contextSensitiveHelpUrl: z.string().max(500).optional(),
    logo: z.string().max(260).optional(),
    screenshots: z.array(z.string().max(260)).max(20).optional(),
    capabilities: z.array(z.string().max(80)).max(50).optional(),
    features: z.array(z.string().max(80)).max(50).optional(),
  })
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

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
export type Dependency = z.infer<typeof DependencySchema>;
export type IdRange = z.infer<typeof IdRangeSchema>;

export function inIdRanges(id: number, ranges: readonly IdRange[]): boolean {
  return ranges.some((r) => id >= r.from && id <= r.to);
}

/** "Name by Publisher 1.0.0.0", the way people refer to an extension in messages. */
export function describeApp(m: { name: string; publisher: string; version: string }): string {
  return `"${m.name}" by ${m.publisher} ${m.version}`;
}
