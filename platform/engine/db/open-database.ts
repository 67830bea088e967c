// Opens every SQLite database of the engine, in one place, with the same settings: WAL, synchronous=FULL
// (better-sqlite3 leaves WAL databases at NORMAL, which can lose a committed transaction on power loss),
// foreign keys on, a busy timeout; then applies the migrations of its kind.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import { TenantryError } from '../../../shared/api/errors.js';
import { migrate, type Migration } from './migration.js';
import { DEPLOYMENT_MIGRATIONS } from '../migrations/deployment/index.js';
import { TENANT_MIGRATIONS } from '../migrations/tenant/index.js';

export type DatabaseKind = 'deployment' | 'tenant';

export const MIGRATIONS: Record<DatabaseKind, readonly Migration[]> = {
  deployment: DEPLOYMENT_MIGRATIONS,
  tenant: TENANT_MIGRATIONS,
};

export const BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  /** Create the file when missing (otherwise a missing file is refused). */
  create?: boolean;
  readonly?: boolean;
}

export function applyPragmas(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Renames must not rewrite references the legacy way; we rely on modern ALTER TABLE semantics.
  db.pragma('legacy_alter_table = OFF');
}

export function openDatabase(file: string, kind: DatabaseKind, opts: OpenOptions = {}): Database.Database {
  if (!opts.create && !fs.existsSync(file)) {
    throw new TenantryError('DEPLOYMENT_INVALID', `${file} does not exist`, { file });
  }
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: !opts.create, readonly: opts.readonly ?? false });
  } catch (e) {
    throw new TenantryError('DEPLOYMENT_INVALID', `${file} cannot be opened as a database: ${(e as Error).message}`, { file });
  }
  try {
    applyPragmas(db);
    if (!opts.readonly) migrate(db, MIGRATIONS[kind], file);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof TenantryError) throw e;
    throw new TenantryError('DEPLOYMENT_INVALID', `${file} is not a usable ${kind} database: ${(e as Error).message}`, { file });
  }
}

/** Flushes the WAL into the main file and empties it, so the file alone is a complete copy. */
export function checkpointTruncate(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function integrityCheck(db: Database.Database): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).join('; ');
}
