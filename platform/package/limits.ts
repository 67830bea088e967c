// Size limits for reading packages and source folders: what a package may weigh, how many entries it may
// hold and how far it may expand. Declared sizes are checked against them before anything is inflated, and
// the inflater is capped by them, so a lying header cannot expand past them either.
import { TenantryError } from '../../shared/api/errors.js';

export interface PackageLimits {
  /** Size of the .app file itself. */
  maxPackageBytes: number;
  /** Entries in the central directory, folders included. */
  maxEntries: number;
  /** Expanded size of one entry. */
  maxEntryBytes: number;
  /** Expanded size of all entries together. */
  maxTotalBytes: number;
  /** Expanded size / compressed size of one entry (entries under RATIO_GRACE_BYTES are exempt). */
  maxRatio: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<PackageLimits> = Object.freeze({
  maxPackageBytes: 64 * MiB,
  maxEntries: 10_000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 256 * MiB,
  maxRatio: 200,
});

/** Small entries may compress very well (a JSON file of empty rows); only bigger ones are held to maxRatio. */
export const RATIO_GRACE_BYTES = 64 * 1024;

/** Deepest JSON nesting accepted in any file of a package (objects and arrays). */
export const MAX_JSON_DEPTH = 64;

/** Longest entry name, in characters, and deepest folder nesting. */
export const MAX_NAME_LENGTH = 400;
export const MAX_NAME_SEGMENTS = 16;

export function resolveLimits(partial?: Partial<PackageLimits>): PackageLimits {
  const limits: PackageLimits = { ...DEFAULT_LIMITS, ...(partial ?? {}) };
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new TenantryError('BAD_INPUT', `package limit ${k} must be a positive number, got ${String(v)}`, { limit: k });
    }
  }
  // The zip reader refuses zip64, so nothing above 32-bit sizes can be honoured anyway.
  limits.maxEntryBytes = Math.min(limits.maxEntryBytes, 0xfffffffe);
  return limits;
}
