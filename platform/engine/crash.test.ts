// Crash safety (quality.md "Data"): for install, install-with-restore, install into several tenants (one batch of
// deployment bookkeeping), uninstall, upgrade and move, a child process runs the operation against a copy of one
// prepared deployment and is SIGKILLed at fault point k, for every k.
// Then the deployment is opened (recovery runs) and: PRAGMA integrity_check is ok on every database, the tenant is
// wholly in its old or its new state (installed apps, schema registry, archive index, physical tables, rows), the
// registry agrees with the tenant, and every archived row is still there.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployment } from './deployment.js';
import { COMPANIES, IDS, coreV1, coreV2, pkg, tempDir, testApplication } from './test-support/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(import.meta.dirname, 'test-support', 'crash-child.ts');

let prepared = '';
let cleanup: () => void = () => undefined;

function seedCustomers(d: Deployment, tenant: string, withExt: boolean): void {
  for (const c of COMPANIES) {
    d.insertMany(
      tenant,
      c,
      'Customer',
      Array.from({ length: 6 }, (_, i) => ({ 'No.': `C${i}`, Name: `${c} customer ${i}`, ...(withExt ? { 'Loyalty Points': i * 10 } : {}) })),
    );
  }
}

beforeAll(() => {
  const t = tempDir('tenantry-crash-');
  cleanup = t.cleanup;
  prepared = path.join(t.dir, 'prepared');
  const east = Deployment.create(path.join(prepared, 'east'), { application: testApplication(), name: 'east' });
  const west = Deployment.create(path.join(prepared, 'west'), { application: testApplication(), name: 'west' });
  for (const d of [east, west]) for (const a of [coreV1(), coreV2()]) d.publish(pkg(a), { skipVerification: true });
  for (const id of ['t1', 't2', 't3', 't4', 't5', 't6']) east.createTenant(id, { companies: COMPANIES });
  seedCustomers(east, 't1', false);
  seedCustomers(east, 't6', false);
  for (const id of ['t2', 't3', 't4', 't5']) {
    east.installOne(id, IDS.core, { version: '1.0.0.0' });
    seedCustomers(east, id, true);
  }
  east.uninstall('t2', IDS.core);
  east.close();
  west.close();
});

afterAll(() => cleanup());

interface Scenario {
  name: string;
  faultOp: string;
  tenant: string;
  /** Rows of Core's data (live + archived) stay the same in old and new state. */
  conservesAppRows: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'install', faultOp: 'install', tenant: 't1', conservesAppRows: false },
  { name: 'install-restore', faultOp: 'install', tenant: 't2', conservesAppRows: true },
  { name: 'uninstall', faultOp: 'uninstall', tenant: 't3', conservesAppRows: true },
  { name: 'upgrade', faultOp: 'upgrade', tenant: 't4', conservesAppRows: true },
];

function copyPrepared(label: string): string {
  const dir = path.join(path.dirname(prepared), `run-${label}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(prepared, dir, { recursive: true });
  return dir;
}

function runChild(scenario: string, root: string, fault: string): { signal: NodeJS.Signals | null; status: number | null; stdout: string; stderr: string } {
  const args = ['--import', 'tsx', CHILD, scenario, path.join(root, 'east'), path.join(root, 'west')];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, TENANTRY_FAULT: fault }, encoding: 'utf8', timeout: 60_000 });
  return { signal: r.signal, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function faultPoints(scenario: string, faultOp: string): string[] {
  const root = copyPrepared(`${scenario}-list`);
  const r = runChild(scenario, root, `${faultOp}:list`);
  expect(r.status, r.stderr).toBe(0);
  fs.rmSync(root, { recursive: true, force: true });
  return r.stderr
    .split('\n')
    .filter((l) => l.startsWith(`fault-point ${faultOp} `))
    .map((l) => l.split(' ')[3] ?? '');
}

function withDb<T>(file: string, f: (db: Database.Database) => T): T {
  const db = new Database(file);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function allDatabases(root: string): string[] {
  const out: string[] = [];
  for (const dep of ['east', 'west']) {
    out.push(path.join(root, dep, 'deployment.sqlite'));
    for (const f of fs.readdirSync(path.join(root, dep, 'tenants'))) if (f.endsWith('.sqlite')) out.push(path.join(root, dep, 'tenants', f));
  }
  return out;
}

/** Everything that makes up a tenant's state, without timestamps and operation ids. */
function fingerprint(file: string): string {
  return withDb(file, (db) => {
    const all = (sql: string) => db.prepare(sql).all();
    const dataTables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name GLOB 'c[0-9]*_t[0-9]*' OR name GLOB 'archive_[0-9]*') ORDER BY name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    return JSON.stringify({
      installed: all('SELECT app_id, version, data_version, sync_state, definition FROM installed_apps ORDER BY app_id'),
      schema: all(
        'SELECT physical, company_id, table_id, table_name, owner_app_id, kind, base_physical, key_index, columns, row_count FROM schema_tables ORDER BY physical',
      ),
      archives: all(
        'SELECT archive_id, app_id, version, data_version, company_id, table_id, kind, original_physical, key_index, columns, row_count, reason FROM archives ORDER BY archive_id',
      ),
      permissions: all('SELECT app_id, ps_id, name, permissions FROM permission_sets ORDER BY app_id, ps_id'),
      subscribers: all('SELECT app_id, name, event, stage, ord, action FROM subscribers ORDER BY app_id, name'),
      tags: all('SELECT company_id, app_id, tag FROM upgrade_tags ORDER BY company_id, app_id, tag'),
      indexes: all("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name GLOB 'pk_*' ORDER BY name"),
      data: Object.fromEntries(dataTables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY _rid`).all()])),
    });
  });
}

/** Rows of Core's data, live (registry) plus archived. */
function coreRows(file: string): number {
  return withDb(file, (db) => {
    const live = db.prepare('SELECT physical FROM schema_tables WHERE owner_app_id = ?').all(IDS.core) as { physical: string }[];
    const archived = db.prepare('SELECT archive_id FROM archives WHERE app_id = ?').all(IDS.core) as { archive_id: number }[];
    const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get() as { n: number }).n;
    return live.reduce((s, r) => s + count(r.physical), 0) + archived.reduce((s, a) => s + count(`archive_${a.archive_id}`), 0);
  });
}

/** Opens the deployments (recovery runs), checks the registry against the tenant, closes; returns the tenant file. */
function recoverAndCheck(root: string, tenant: string): void {
  const east = Deployment.open(path.join(root, 'east'));
  try {
    const row = east.getTenant(tenant);
    expect(row.state).toBe('operational');
    const registry = east
      .appTenants(IDS.core)
      .tenants.filter((t) => t.tenantId === tenant)
      .map((t) => t.version);
    const tenantSays = east.tenantApps(tenant).map((a) => a.version);
    expect(registry).toEqual(tenantSays);
    expect(east.log({ limit: 1000 }).filter((l) => l.result === 'running')).toEqual([]);
  } finally {
    east.close();
  }
  for (const f of allDatabases(root))
    expect(
      withDb(f, (db) => db.pragma('integrity_check', { simple: true })),
      f,
    ).toBe('ok');
}

describe.each(SCENARIOS)('crash during $name', (s) => {
  it('leaves the tenant wholly old or wholly new at every fault point', () => {
    const points = faultPoints(s.name, s.faultOp);
    expect(points.length).toBeGreaterThanOrEqual(4);
    const tenantFile = (root: string) => path.join(root, 'east', 'tenants', `${s.tenant}.sqlite`);

    const oldRoot = copyPrepared(`${s.name}-old`);
    const oldPrint = fingerprint(tenantFile(oldRoot));
    const oldRows = coreRows(tenantFile(oldRoot));
    const newRoot = copyPrepared(`${s.name}-new`);
    const done = runChild(s.name, newRoot, 'none:0');
    expect(done.status, done.stderr).toBe(0);
    recoverAndCheck(newRoot, s.tenant);
    const newPrint = fingerprint(tenantFile(newRoot));
    expect(newPrint).not.toEqual(oldPrint);
    if (s.conservesAppRows) expect(coreRows(tenantFile(newRoot))).toBe(oldRows);

    const outcomes: string[] = [];
    for (let k = 1; k <= points.length; k++) {
      const root = copyPrepared(`${s.name}-${k}`);
      const r = runChild(s.name, root, `${s.faultOp}:${k}`);
      expect(r.signal, `k=${k} (${points[k - 1]}): ${r.stderr}`).toBe('SIGKILL');
      recoverAndCheck(root, s.tenant);
      const print = fingerprint(tenantFile(root));
      const which = print === oldPrint ? 'old' : print === newPrint ? 'new' : 'MIXED';
      outcomes.push(`${points[k - 1]}:${which}`);
      expect(which, `k=${k} (${points[k - 1]})`).not.toBe('MIXED');
      if (s.conservesAppRows) expect(coreRows(tenantFile(root)), `archived rows at k=${k}`).toBe(oldRows);
      fs.rmSync(root, { recursive: true, force: true });
    }
    // Before the commit the tenant is old; after it, new.
    expect(outcomes.at(-1)).toMatch(/:new$/);
    expect(outcomes[0]).toMatch(/:old$/);
    fs.rmSync(oldRoot, { recursive: true, force: true });
    fs.rmSync(newRoot, { recursive: true, force: true });
  });
});

describe('crash during an install into several tenants (batched deployment bookkeeping)', () => {
  it('leaves each tenant wholly old or new, in order, and the deployment log and registry agreeing with each', () => {
    const tenants = ['t1', 't6'];
    const points = faultPoints('install-many', 'install');
    expect(points.length).toBeGreaterThanOrEqual(8);
    const tenantFile = (root: string, t: string) => path.join(root, 'east', 'tenants', `${t}.sqlite`);
    const oldRoot = copyPrepared('install-many-old');
    const oldPrints = tenants.map((t) => fingerprint(tenantFile(oldRoot, t)));
    const newRoot = copyPrepared('install-many-new');
    const done = runChild('install-many', newRoot, 'none:0');
    expect(done.status, done.stderr).toBe(0);
    for (const t of tenants) recoverAndCheck(newRoot, t);
    const newPrints = tenants.map((t) => fingerprint(tenantFile(newRoot, t)));
    tenants.forEach((t, i) => expect(newPrints[i], t).not.toEqual(oldPrints[i]));

    const outcomes: string[] = [];
    for (let k = 1; k <= points.length; k++) {
      const root = copyPrepared(`install-many-${k}`);
      const r = runChild('install-many', root, `install:${k}`);
      expect(r.signal, `k=${k} (${points[k - 1]}): ${r.stderr}`).toBe('SIGKILL');
      for (const t of tenants) recoverAndCheck(root, t);
      const states = tenants.map((t, i) => {
        const print = fingerprint(tenantFile(root, t));
        return print === oldPrints[i] ? 'old' : print === newPrints[i] ? 'new' : 'MIXED';
      });
      expect(states, `k=${k} (${points[k - 1]})`).not.toContain('MIXED');
      // The deployment's log says what each tenant's file says: succeeded exactly when the tenant is new.
      const east = Deployment.open(path.join(root, 'east'));
      try {
        tenants.forEach((t, i) => {
          const results = east
            .log({ tenantId: t, limit: 100 })
            .filter((l) => l.operation === 'tenant.install')
            .map((l) => l.result);
          if (states[i] === 'new') expect(results, `k=${k} ${t}`).toEqual(['succeeded']);
          else
            expect(
              results.every((x) => x === 'failed'),
              `k=${k} ${t}: ${results.join(',')}`,
            ).toBe(true);
        });
      } finally {
        east.close();
      }
      outcomes.push(`${points[k - 1]}:${states.join('/')}`);
      fs.rmSync(root, { recursive: true, force: true });
    }
    // In order: the first tenant is never behind the second.
    expect(outcomes.filter((o) => o.endsWith(':old/new'))).toEqual([]);
    expect(outcomes[0]).toMatch(/:old\/old$/);
    expect(outcomes.at(-1)).toMatch(/:new\/new$/);
    fs.rmSync(oldRoot, { recursive: true, force: true });
    fs.rmSync(newRoot, { recursive: true, force: true });
  });
});

describe('crash during move', () => {
  it('leaves the tenant mounted and whole on exactly one side at every fault point', () => {
    const points = faultPoints('move', 'move');
    expect(points.length).toBeGreaterThanOrEqual(6);
    const oldRoot = copyPrepared('move-old');
    const original = fingerprint(path.join(oldRoot, 'east', 'tenants', 't5.sqlite'));
    const sides: string[] = [];
    for (let k = 1; k <= points.length + 1; k++) {
      const root = copyPrepared(`move-${k}`);
      const r = runChild('move', root, k <= points.length ? `move:${k}` : 'none:0');
      if (k <= points.length) expect(r.signal, `k=${k} (${points[k - 1]}): ${r.stderr}`).toBe('SIGKILL');
      else expect(r.status, r.stderr).toBe(0);
      const east = Deployment.open(path.join(root, 'east'));
      const west = Deployment.open(path.join(root, 'west'));
      let side: string;
      try {
        const inEast = east.listTenants().some((t) => t.id === 't5');
        const inWest = west.listTenants().some((t) => t.id === 't5');
        expect(inEast !== inWest, `k=${k}: east=${inEast} west=${inWest}`).toBe(true);
        side = inEast ? 'east' : 'west';
        const here = inEast ? east : west;
        expect(here.getTenant('t5').state).toBe('operational');
        expect(here.readPage('t5', COMPANIES[0]!, 'Customer').total).toBe(6);
        const otherTenants = fs.readdirSync(path.join(root, inEast ? 'west' : 'east', 'tenants'));
        expect(
          otherTenants.filter((f) => f.startsWith('t5') || f.startsWith('.import-')),
          `k=${k}`,
        ).toEqual([]);
      } finally {
        east.close();
        west.close();
      }
      for (const f of allDatabases(root))
        expect(
          withDb(f, (db) => db.pragma('integrity_check', { simple: true })),
          f,
        ).toBe('ok');
      const file = path.join(root, side, 'tenants', 't5.sqlite');
      // Same tenant content wherever it is (the log tables are not part of the fingerprint).
      expect(fingerprint(file), `k=${k}`).toBe(original);
      sides.push(`${points[k - 1] ?? 'completed'}:${side}`);
      fs.rmSync(root, { recursive: true, force: true });
    }
    expect(sides[0]).toMatch(/:east$/);
    expect(sides.at(-1)).toBe('completed:west');
    fs.rmSync(oldRoot, { recursive: true, force: true });
  });
});
