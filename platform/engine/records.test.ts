// The record API on the merged view: type and length validation naming the field, primary key uniqueness,
// modify/delete by key, paging, per-tenant tables, and the query plans of the hot queries.
import { afterEach, describe, expect, it } from 'vitest';
import { COMPANIES, IDS, coreV1, testDeployment } from './test-support/fixtures.js';
import { deploymentDatabase, pageQueryFor } from './internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const [C1, C2] = COMPANIES as [string, string];

function setup() {
  const t = testDeployment({ apps: [coreV1()], tenants: ['t1'] });
  cleanups.push(t.cleanup);
  return t;
}

function plan(db: import('better-sqlite3').Database, sql: string, params: unknown[]): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

describe('records', () => {
  it('validates types and lengths, naming table, company and field', () => {
    const { d } = setup();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ 'No.': 'X'.repeat(21) }, /field "No\." is 21 characters long; at most 20/],
      [{ 'No.': 'A', 'Credit Limit': 'lots' }, /field "Credit Limit" must be a finite number/],
      [{ 'No.': 'A', Active: 1 }, /field "Active" must be true or false/],
      [{ 'No.': 'A', Created: '2024-02-30' }, /field "Created" must be a date/],
      [{ 'No.': 'A', Blocked: 'Sometimes' }, /field "Blocked" must be one of "None", "Ship", "All"/],
      [{ 'No.': 'A', Colour: 'red' }, /there is no field "Colour"/],
    ];
    for (const [values, msg] of bad) {
      expect(() => d.insertRecord('t1', C1, 'Customer', values as Record<string, string>)).toThrow(
        expect.objectContaining({ code: 'RECORD_INVALID', message: expect.stringMatching(msg) }),
      );
    }
    expect(() => d.insertRecord('t1', C1, 'Customer', { 'No.': 'A' })).not.toThrow();
    expect(d.readPage('t1', C1, 'Customer').total).toBe(1);
    expect(() => d.insertRecord('t1', 'Nope Inc', 'Customer', { 'No.': 'A' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('"Nope Inc"') }),
    );
    expect(() => d.insertRecord('t1', C1, 'Nope', { 'No.': 'A' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('table "Nope"') }),
    );
  });

  it('keeps primary keys unique per company; modify (incl. rename) and delete by key; Code is upper-cased', () => {
    const { d } = setup();
    d.insertRecord('t1', C1, 'Customer', { 'No.': 'c-1', Name: 'One', Blocked: 'ship', Created: '2024-01-31', Active: true, 'Credit Limit': 12.5 });
    expect(() => d.insertRecord('t1', C1, 'Customer', { 'No.': 'C-1' })).toThrow(
      expect.objectContaining({ code: 'RECORD_EXISTS', message: expect.stringContaining('No.="C-1"') }),
    );
    d.insertRecord('t1', C2, 'Customer', { 'No.': 'C-1' });
    d.insertRecord('t1', C1, 'Customer', { 'No.': 'C-2' });
    const m = d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C-1' }, { City: 'Oslo' });
    expect(m.record).toMatchObject({ 'No.': 'C-1', Name: 'One', City: 'Oslo', Blocked: 'Ship', Created: '2024-01-31', Active: true, 'Credit Limit': 12.5 });
    expect(() => d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C-1' }, { 'No.': 'C-2' })).toThrow(expect.objectContaining({ code: 'RECORD_EXISTS' }));
    d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C-1' }, { 'No.': 'C-9' });
    expect(() => d.deleteRecord('t1', C1, 'Customer', { 'No.': 'C-1' })).toThrow(expect.objectContaining({ code: 'RECORD_NOT_FOUND' }));
    d.deleteRecord('t1', C1, 'Customer', { 'No.': 'C-9' });
    const page = d.readPage('t1', C1, 'Customer');
    expect(page.rows.map((r) => r['No.'])).toEqual(['C-2']);
    expect(page.total).toBe(1);
  });

  it('tables shared by all companies hold one set of rows', () => {
    const { d } = setup();
    d.insertRecord('t1', C1, 'Currency', { Code: 'EUR', Description: 'Euro' });
    expect(d.readPage('t1', C2, 'Currency').rows.map((r) => r['Code'])).toEqual(['EUR']);
    expect(() => d.insertRecord('t1', C2, 'Currency', { Code: 'EUR' })).toThrow(expect.objectContaining({ code: 'RECORD_EXISTS' }));
  });

  it('insertMany is all or nothing', () => {
    const { d } = setup();
    expect(() => d.insertMany('t1', C1, 'Item', [{ 'No.': 'I1' }, { 'No.': 'I2' }, { 'No.': 'I1' }])).toThrow(
      expect.objectContaining({ code: 'RECORD_EXISTS' }),
    );
    expect(d.readPage('t1', C1, 'Item').total).toBe(0);
  });

  it('pages in row order or by a field, with a total from the row counter', () => {
    const { d } = setup();
    d.insertMany(
      't1',
      C1,
      'Item',
      Array.from({ length: 25 }, (_, i) => ({ 'No.': `I${String(i).padStart(2, '0')}`, 'Unit Price': 100 - i })),
    );
    const p = d.readPage('t1', C1, 'Item', { offset: 10, limit: 5 });
    expect(p.total).toBe(25);
    expect(p.rows.map((r) => r['No.'])).toEqual(['I10', 'I11', 'I12', 'I13', 'I14']);
    const byPrice = d.readPage('t1', C1, 'Item', { limit: 3, orderBy: 'Unit Price' });
    expect(byPrice.rows.map((r) => r['Unit Price'])).toEqual([76, 77, 78]);
  });

  it('query plans: a page reads the base table in rid order and finds companion rows by rid; key lookups use the key index', () => {
    const { d } = setup();
    d.installOne('t1', IDS.core);
    const { db, sql } = pageQueryFor(d, 't1', C1, 'Customer');
    const p = plan(db, sql, [10, 0]);
    expect(p).toMatch(/SCAN b/);
    expect(p).toMatch(/SEARCH c0 USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(p).not.toMatch(/TEMP B-TREE/);
    // Lookup by primary key (insert uniqueness check, modify, delete).
    const keyPlan = plan(db, 'SELECT "_rid" FROM "c1_t18" WHERE "f1" = ?', ['C1']);
    expect(keyPlan).toMatch(/SEARCH c1_t18 USING COVERING INDEX pk_\d+ \(f1=\?\)/);
    // The registry's hot lookups.
    expect(plan(db, 'SELECT * FROM installed_apps WHERE app_id = ?', [IDS.core])).toMatch(
      /SEARCH installed_apps USING INDEX sqlite_autoindex_installed_apps_1/,
    );
    expect(plan(db, 'SELECT * FROM schema_tables WHERE company_id = ? AND table_id = ? ORDER BY kind DESC, owner_app_id', [1, 18])).toMatch(
      /SEARCH schema_tables USING INDEX schema_tables_slot/,
    );
    expect(plan(deploymentDatabase(d), 'SELECT * FROM tenant_apps WHERE app_id = ? ORDER BY tenant_id', [IDS.core])).toMatch(
      /SEARCH tenant_apps USING INDEX tenant_apps_by_app/,
    );
  });
});
