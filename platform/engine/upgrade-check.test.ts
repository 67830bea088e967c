// checkUpgrade: what an upgrade would do to a tenant's schema, read only, with the rows a forced upgrade archives
// counted exactly as the forced upgrade then archives them (also blank strings, which hold a value, and not NULLs).
import { afterEach, describe, expect, it } from 'vitest';
import { COMPANIES, IDS, coreV1, coreV2, coreV3Destructive, testDeployment } from './test-support/fixtures.js';
import { tenantDatabase } from './internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const [C1, C2] = COMPANIES as [string, string];

describe('checkUpgrade', () => {
  it('reports the removed field with the rows a forced upgrade then archives, and writes nothing', () => {
    const t = testDeployment({ apps: [coreV1(), coreV2(), coreV3Destructive()], tenants: ['t1', 't2'] });
    cleanups.push(t.cleanup);
    const { d } = t;
    d.install(['t1', 't2'], IDS.core, { version: '2.0.0.0' });
    d.insertMany('t1', C1, 'Customer', [
      { 'No.': 'C1', Name: 'Adatum' },
      { 'No.': 'C2', Name: 'Blank tier' },
      { 'No.': 'C3', Name: 'No tier' },
      { 'No.': 'C4', Name: 'Gold' },
    ]);
    d.insertMany('t1', C2, 'Customer', [{ 'No.': 'D1', Name: 'Other company' }]);
    // Core's DefaultTier subscriber set "BRONZE" on insert: one row blank (a value), one NULL (none)
    d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C2' }, { 'Tier Code': '' });
    tenantDatabase(d, 't1')
      .prepare(`UPDATE c1_t18_x${IDS.core.replace(/-/g, '')} SET "f50101" = NULL WHERE _rid = (SELECT _rid FROM c1_t18 WHERE "f1" = 'C3')`)
      .run();

    const log = d.log({ limit: 1000 }).length;
    const files = tenantDatabase(d, 't1').prepare('SELECT * FROM schema_tables ORDER BY physical').all();
    const check = d.checkUpgrade('t1', IDS.core, { version: '3.0.0.0' });
    expect(check).toMatchObject({ tenantId: 't1', from: '2.0.0.0', to: '3.0.0.0', installed: true });
    expect(check.changes.filter((c) => c.destructive).map((c) => [c.kind, c.table, c.field])).toEqual([
      ['field-removed', 'Customer', 'Tier Code'],
      ['field-removed', 'Customer', 'Tier Code'],
    ]);
    expect(check.rowsLost).toEqual([
      { company: C1, table: 'Customer', field: 'Tier Code', rows: 3 },
      { company: C2, table: 'Customer', field: 'Tier Code', rows: 1 },
    ]);
    expect(d.log({ limit: 1000 })).toHaveLength(log);
    expect(tenantDatabase(d, 't1').prepare('SELECT * FROM schema_tables ORDER BY physical').all()).toEqual(files);

    const [r] = d.upgrade(['t1'], IDS.core, { version: '3.0.0.0', force: true, acknowledge: true });
    expect(r?.ok).toBe(true);
    const archived = d.archiveList('t1').filter((a) => a.kind === 'column');
    expect(archived.map((a) => ({ company: a.company, table: a.table, rows: a.rows }))).toEqual(
      check.rowsLost.map(({ company, table, rows }) => ({ company, table, rows })),
    );

    // a tenant without rows: the same changes, nothing lost; an unknown tenant is named
    expect(d.checkUpgrade('t2', IDS.core, { version: '3.0.0.0' }).rowsLost).toEqual([]);
    expect(() => d.checkUpgrade('nope', IDS.core)).toThrow(expect.objectContaining({ code: 'TENANT_NOT_FOUND', message: expect.stringContaining('nope') }));
  });
});
