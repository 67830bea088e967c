// Four-part versions (major.minor.build.revision), as NAV and Business Central use them.
import { z } from 'zod';

export const VERSION_PATTERN = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

export const VersionSchema = z.string().regex(VERSION_PATTERN, 'must be a four-part version such as 1.0.0.0');

export type Version = z.infer<typeof VersionSchema>;

export function parseVersion(v: string): [number, number, number, number] {
  const m = VERSION_PATTERN.exec(v);
  if (!m) throw new Error(`"${v}" is not a four-part version such as 1.0.0.0`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  for (let i = 0; i < 4; i++) {
    const d = pa[i]! - pb[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

export function isAtLeast(v: string, minimum: string): boolean {
  return compareVersions(v, minimum) >= 0;
}

export function newestVersion(versions: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of versions) if (best === undefined || compareVersions(v, best) > 0) best = v;
  return best;
}
