// The console's own SQLite database (connections, snapshot cache, audit log, jobs): the one place it is
// opened, with the durability pragmas of quality.md and numbered migrations applied by user_version.
import Database from 'better-sqlite3';
import { applyPragmas } from '../../platform/engine/db/open-database.js';
import { migrate } from '../../platform/engine/db/migration.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

/** A migration of the console database: the engine's one runner applies them (platform/engine/db/migration.ts). */
export type { Migration } from '../../platform/engine/db/migration.js';

/** Opens (creating if needed) the console database at `file` and brings its schema up to date. */
export function openConsoleDb(file: string): Db {
  const db = new Database(file);
  try {
    // The engine's pragmas: WAL, synchronous = FULL (better-sqlite3 leaves WAL at NORMAL), foreign keys, busy timeout.
    applyPragmas(db);
    migrate(db, MIGRATIONS, file);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}
