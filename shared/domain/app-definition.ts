// An extension as the platform sees it once its package has been read: manifest, objects, table data.
import { z } from 'zod';
import { ManifestSchema } from './manifest.js';
import { AppObjectSchema, TableDataSchema } from './objects.js';

export const AppDefinitionSchema = z
  .object({
    manifest: ManifestSchema,
    objects: z.array(AppObjectSchema).max(5000),
    tableData: z.array(TableDataSchema).max(500).default([]),
  })
  .strict();
export type AppDefinition = z.infer<typeof AppDefinitionSchema>;
export type AppDefinitionInput = z.input<typeof AppDefinitionSchema>;

/** What reading a package yields besides its definition. */
export interface PackageInfo {
  definition: AppDefinition;
  /** SHA-256 of the package bytes, hex. */
  sha256: string;
  size: number;
  /** Present when the package carries a signature that verified. */
  signature?: { publicKey: string; keyId: string };
}
