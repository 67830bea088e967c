// Numbered schema migrations as code, applied in one transaction by PRAGMA user_version.
import type Database from 'better-sqlite3';
import { TenantryError } from '../../../shared/api/errors.js';

export interface Migration {
  /** Strictly increasing: 10, 20, 30 ... (the file name carries it too: 0010-catalog.ts). */
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Brings a database up to the newest migration. A database whose user_version is newer than the code knows is
 * refused (DEPLOYMENT_INVALID), like Signal's DBVersionFromFutureError: old code must not write a newer format.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], label: string): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const latest = sorted.at(-1)?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new TenantryError(
      'DEPLOYMENT_INVALID',
      `${label} has format version ${current}, newer than this Tenantry understands (${latest}); upgrade Tenantry`,
      {
        file: label,
        formatVersion: current,
        supported: latest,
      },
    );
  }
  if (current === latest) return current;
  db.transaction(() => {
    for (const m of sorted) {
      if (m.version <= current) continue;
      m.up(db);
    }
    // user_version cannot be a bound parameter; latest is a number from code.
    db.pragma(`user_version = ${Math.trunc(latest)}`);
  })();
  return latest;
}
