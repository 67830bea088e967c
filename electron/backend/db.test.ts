import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { TenantryError } from '../../shared/api/errors.js';
import { openConsoleDb } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('console database', () => {
  it('opens with WAL, synchronous FULL, foreign keys and a busy timeout', () => {
    const db = openConsoleDb(path.join(tmp.dir, 'a.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    db.close();
  });

  it('applies every migration once, by user_version, into STRICT tables', () => {
    const file = path.join(tmp.dir, 'b.sqlite');
    openConsoleDb(file).close();
    const db = openConsoleDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const tables = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all();
    expect(tables.map((t) => t.name).sort()).toEqual(['audit', 'cache', 'connections', 'job_items', 'jobs', 'op_log', 'snapshots']);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
    db.close();
  });

  it('refuses a database written by a newer console', () => {
    const file = path.join(tmp.dir, 'c.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 9999');
    raw.close();
    try {
      openConsoleDb(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TenantryError);
      expect((e as TenantryError).code).toBe('DEPLOYMENT_INVALID');
      expect((e as TenantryError).message).toContain(file);
      expect((e as TenantryError).message).toContain('9999');
    }
  });
});
