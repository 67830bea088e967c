// An extension as the platform sees it once its package has been read: manifest, objects, table data.
import { z } from 'zod';
import { ManifestSchema, type ManifestInput } from './manifest.js';
import { AppObjectSchema, TableDataSchema } from './objects.js';

export const AppDefinitionSchema = z
  .object({
    manifest: ManifestSchema,
    objects: z.array(AppObjectSchema).max(5000),
    tableData: z.array(TableDataSchema).max(500).default([]),
  })
  .strict();
export type AppDefinition = z.infer<typeof AppDefinitionSchema>;
/** A definition as tests and tools write it (the manifest in Tenantry's own form). */
export type AppDefinitionInput = Omit<z.input<typeof AppDefinitionSchema>, 'manifest'> & { manifest: ManifestInput };

/** What reading a package yields besides its definition. */
export interface PackageInfo {
  definition: AppDefinition;
  /** SHA-256 of the package bytes, hex. */
  sha256: string;
  size: number;
  /** Present when the package carries a signature that verified. */
  signature?: { publicKey: string; keyId: string };
}
