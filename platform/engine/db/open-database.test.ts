// The storage settings every database gets (quality.md "Data"), migrations by user_version, refusal of a newer
// format, STRICT tables, and the one identifier function.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedName, quoted } from './identifiers.js';
import { openDatabase } from './open-database.js';
import { Deployment } from '../deployment.js';
import { tempDir, testDeployment, type TestDeployment } from '../test-support/fixtures.js';
import { deploymentDatabase, tenantDatabase } from '../internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function pragmas(db: Database.Database) {
  return {
    journal: db.pragma('journal_mode', { simple: true }),
    synchronous: db.pragma('synchronous', { simple: true }),
    foreignKeys: db.pragma('foreign_keys', { simple: true }),
    busy: db.pragma('busy_timeout', { simple: true }),
  };
}

describe('openDatabase', () => {
  it('sets WAL, synchronous=FULL, foreign_keys=ON and a busy timeout on deployment and tenant databases', () => {
    const t: TestDeployment = testDeployment({ tenants: ['t1'] });
    cleanups.push(t.cleanup);
    for (const db of [deploymentDatabase(t.d), tenantDatabase(t.d, 't1')]) {
      expect(pragmas(db)).toEqual({ journal: 'wal', synchronous: 2, foreignKeys: 1, busy: 5000 });
    }
  });

  it('creates STRICT tables only', () => {
    const t = testDeployment({ tenants: ['t1'] });
    cleanups.push(t.cleanup);
    for (const db of [deploymentDatabase(t.d), tenantDatabase(t.d, 't1')]) {
      const tables = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
      }[];
      expect(tables.length).toBeGreaterThan(3);
      const strict = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
        name: string;
        strict: number;
      }[];
      expect(strict.filter((s) => s.strict !== 1)).toEqual([]);
    }
  });

  it('refuses a database whose format is newer than the code', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const file = path.join(dir, 'x.sqlite');
    openDatabase(file, 'tenant', { create: true }).close();
    const raw = new Database(file);
    raw.pragma('user_version = 9999');
    raw.close();
    expect(() => openDatabase(file, 'tenant')).toThrow(/format version 9999, newer than/);
  });

  it('refuses a folder that is not a deployment, and a non-empty folder for create', () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    fs.writeFileSync(path.join(dir, 'stray.txt'), 'x');
    expect(() => Deployment.open(dir)).toThrow(expect.objectContaining({ code: 'DEPLOYMENT_INVALID' }));
    expect(() => Deployment.create(dir)).toThrow(expect.objectContaining({ code: 'DEPLOYMENT_INVALID', message: expect.stringContaining('not empty') }));
    fs.writeFileSync(path.join(dir, 'deployment.sqlite'), 'not a database at all');
    expect(() => Deployment.open(dir)).toThrow(expect.objectContaining({ code: 'DEPLOYMENT_INVALID' }));
  });
});

describe('generated identifiers', () => {
  it('are made and quoted by one function and refuse anything else', () => {
    expect(generatedName({ kind: 'table', companyId: 1, tableId: 18 })).toBe('c1_t18');
    expect(generatedName({ kind: 'companion', companyId: 2, tableId: 18, appId: 'C0C0C0C0-0000-4000-8000-000000000001' })).toBe(
      'c2_t18_xc0c0c0c0000040008000000000000001',
    );
    expect(quoted({ kind: 'archive', archiveId: 7 })).toBe('"archive_7"');
    expect(quoted({ kind: 'column', fieldId: 50100 })).toBe('"f50100"');
    expect(() => quoted('x"; DROP TABLE y; --')).toThrow(/refusing generated identifier/);
    expect(() => generatedName({ kind: 'companion', companyId: 1, tableId: 1, appId: 'not-a-guid' })).toThrow(/not a GUID/);
    expect(() => generatedName({ kind: 'table', companyId: -1, tableId: 1 })).toThrow(/non-negative/);
  });
});
