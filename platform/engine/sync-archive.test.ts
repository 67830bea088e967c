// Sync modes (add, force, clean, check-only), and the archive: list, rows, CSV export, discard with row count.
import { afterEach, describe, expect, it } from 'vitest';
import { COMPANIES, IDS, coreV1, coreV2, coreV3Destructive, pkg, testDeployment } from './test-support/fixtures.js';
import { tenantDatabase } from './internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const [C1] = COMPANIES as [string, string];

function setupV2WithRows() {
  const t = testDeployment({ apps: [coreV1(), coreV2()], tenants: ['t1'] });
  cleanups.push(t.cleanup);
  t.d.installOne('t1', IDS.core, { version: '2.0.0.0' });
  t.d.insertMany('t1', C1, 'Customer', [
    { 'No.': 'C1', Name: 'Adatum', 'Tier Code': 'GOLD' },
    { 'No.': 'C2', Name: '=cmd|calc', 'Tier Code': 'SILVER' },
    { 'No.': 'C3', Name: 'Plain' },
  ]);
  // Core's DefaultTier subscriber sets "BRONZE" on insert; modify does not fire it.
  t.d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C1' }, { 'Tier Code': 'GOLD' });
  t.d.modifyRecord('t1', C1, 'Customer', { 'No.': 'c2' }, { 'Tier Code': 'SILVER' });
  return t;
}

/** Installs the destructive v3 definition into the tenant's record without syncing (what a force sync repairs). */
function forceInstalledDefinitionToV3(t: ReturnType<typeof setupV2WithRows>) {
  const db = tenantDatabase(t.d, 't1');
  t.d.publish(pkg(coreV3Destructive()), { skipVerification: true });
  const v3 = t.d.catalog().find((c) => c.version === '3.0.0.0');
  expect(v3).toBeDefined();
  // Simulates a tenant whose installed definition moved on without its schema (e.g. after a failed sync).
  const def = JSON.parse((db.prepare('SELECT definition FROM installed_apps WHERE app_id = ?').get(IDS.core) as { definition: string }).definition);
  def.objects = def.objects.map((o: { type: string; fields?: { name: string }[] }) =>
    o.type === 'tableextension' ? { ...o, fields: (o.fields ?? []).filter((f) => f.name !== 'Tier Code') } : o,
  );
  db.prepare('UPDATE installed_apps SET definition = ? WHERE app_id = ?').run(JSON.stringify(def), IDS.core);
}

describe('sync', () => {
  it('check-only reports every change and the rows that would be lost, and changes nothing', () => {
    const t = setupV2WithRows();
    forceInstalledDefinitionToV3(t);
    const db = tenantDatabase(t.d, 't1');
    const dump = () => ({
      registry: db.prepare('SELECT * FROM schema_tables ORDER BY physical').all(),
      rows: db.prepare(`SELECT * FROM c1_t18_x${IDS.core.replace(/-/g, '')} ORDER BY _rid`).all(),
    });
    const before = dump();
    const r = t.d.sync('t1', IDS.core, { mode: 'check-only' });
    expect(r.applied).toBe(false);
    expect(r.changes.filter((c) => c.destructive).map((c) => [c.kind, c.table, c.field])).toEqual([
      ['field-removed', 'Customer', 'Tier Code'],
      ['field-removed', 'Customer', 'Tier Code'],
    ]);
    // C3 got "BRONZE" from Core's DefaultTier subscriber, so all three rows hold a value.
    expect(r.rowsLost).toContainEqual({ company: C1, table: 'Customer', field: 'Tier Code', rows: 3 });
    expect(dump()).toEqual(before);
  });

  it('add refuses the removed field naming it; force needs acknowledgement, then archives what it removes', () => {
    const t = setupV2WithRows();
    forceInstalledDefinitionToV3(t);
    expect(() => t.d.sync('t1', IDS.core, { mode: 'add' })).toThrow(
      expect.objectContaining({ code: 'SYNC_DESTRUCTIVE', message: expect.stringContaining('"Tier Code"') }),
    );
    expect(() => t.d.sync('t1', IDS.core, { mode: 'force' })).toThrow(
      expect.objectContaining({ code: 'ACK_REQUIRED', message: expect.stringContaining('holding 3 rows') }),
    );
    const r = t.d.sync('t1', IDS.core, { mode: 'force', acknowledge: true });
    expect(r.applied).toBe(true);
    expect(r.archives.map((a) => [a.company, a.table, a.kind, a.rows])).toEqual([[C1, 'Customer', 'column', 3]]);
    const rows = t.d.archiveRows('t1', r.archives[0]!.archiveId).rows;
    expect(rows.map((x) => x['Tier Code'])).toEqual(['GOLD', 'SILVER', 'BRONZE']);
    expect(t.d.readPage('t1', C1, 'Customer').columns.map((c) => c.name)).not.toContain('Tier Code');
  });

  it('clean removes archived data of apps that are not installed, showing row counts and needing acknowledgement', () => {
    const t = setupV2WithRows();
    t.d.uninstall('t1', IDS.core);
    expect(() => t.d.sync('t1', IDS.core, { mode: 'clean' })).toThrow(
      expect.objectContaining({ code: 'ACK_REQUIRED', message: expect.stringMatching(/holding 11 rows/) }),
    );
    const r = t.d.sync('t1', IDS.core, { mode: 'clean', acknowledge: true });
    expect(r.discarded).toHaveLength(4);
    expect(t.d.archiveList('t1')).toEqual([]);
    // A later install is a fresh one.
    expect(t.d.installOne('t1', IDS.core).action).toBe('installed');
  });
});

describe('archive', () => {
  it('lists archives with rows and bytes, pages rows, exports CSV with neutralised formulas, discards only with the exact count', () => {
    const t = setupV2WithRows();
    t.d.uninstall('t1', IDS.core);
    const list = t.d.archiveList('t1');
    const cust = list.find((a) => a.company === C1 && a.table === 'Customer');
    expect(cust).toMatchObject({ appName: 'Contoso Core', version: '2.0.0.0', kind: 'fields', rows: 3, reason: 'uninstall' });
    expect(cust!.bytes).toBeGreaterThan(0);
    const page = t.d.archiveRows('t1', cust!.archiveId, { offset: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(page.rows).toHaveLength(1);
    expect(page.columns.map((c) => c.name)).toEqual(['_rid', 'Loyalty Points', 'Tier Code', 'Lifetime Points', 'Member Since']);

    const tier = list.find((a) => a.company === C1 && a.table === 'Loyalty Tier')!;
    const csv = t.d.exportCsv('t1', tier.archiveId);
    expect(csv.rows).toBe(4);
    expect(csv.csv.split('\r\n')[0]).toBe('_rid,Code,Description,Min Points');

    expect(() => t.d.discardArchive('t1', { archiveId: tier.archiveId }, { confirmRows: 3 })).toThrow(
      expect.objectContaining({ code: 'ACK_REQUIRED', message: expect.stringContaining('confirmRows = 4') }),
    );
    expect(() => t.d.discardArchive('t1', { archiveId: 999 }, { confirmRows: 0 })).toThrow(expect.objectContaining({ code: 'ARCHIVE_NOT_FOUND' }));
    const d = t.d.discardArchive('t1', { archiveId: tier.archiveId }, { confirmRows: 4 });
    expect(d.rows).toBe(4);
    expect(t.d.archiveList('t1').map((a) => a.archiveId)).not.toContain(tier.archiveId);
    const all = t.d.archiveList('t1');
    const total = all.reduce((s, a) => s + a.rows, 0);
    t.d.discardArchive('t1', { appId: 'Contoso Core' }, { confirmRows: total });
    expect(t.d.archiveList('t1')).toEqual([]);
  });
});
