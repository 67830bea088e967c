// The console's own SQLite database (connections, snapshot cache, audit log, jobs): the one place it is
// opened, with the durability pragmas of quality.md and numbered migrations applied by user_version.
import Database from 'better-sqlite3';
import { TenantryError } from '../../shared/api/errors.js';
import { MIGRATIONS } from './migrations/index.js';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  up(db: Db): void;
}

/** Opens (creating if needed) the console database at `file` and brings its schema up to date. */
export function openConsoleDb(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // better-sqlite3 leaves WAL databases at NORMAL, which can lose a committed transaction on power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, MIGRATIONS, file);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

export function migrate(db: Db, migrations: readonly Migration[], label: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) {
    throw new TenantryError(
      'DEPLOYMENT_INVALID',
      `console database ${label} is at schema version ${current}, newer than this console understands (${latest}); update the console`,
      { file: label, version: current, supported: latest },
    );
  }
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) m.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
}
