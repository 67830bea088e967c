import { describe, expect, it } from 'vitest';
import { diffAppSchema, hasDestructiveChange, isWideningTypeChange } from './schema-diff.js';
import { chainApps, FIXTURE_IDS, loyaltyApp, makeApp, testApplication, type FixtureAppInput } from './test-fixtures.js';

const app = testApplication();
const ID = FIXTURE_IDS.loyalty;
type Fields = NonNullable<Extract<NonNullable<FixtureAppInput['objects']>[number], { type: 'table' }>['fields']>;
const version = (v: string, tableFields: Fields, extFields: Fields = [], keys: string[] = ['K']): ReturnType<typeof makeApp> =>
  makeApp({
    id: ID,
    name: 'Loyalty',
    version: v,
    objects: [
      { type: 'table', id: 50100, name: 'Ledger', fields: tableFields, keys: [{ fields: keys }] },
      { type: 'tableextension', id: 50100, name: 'Cust Ext', extends: 'customer', fields: extFields },
    ],
  });
const K = { id: 1, name: 'K', type: 'Integer' as const };

describe('diffAppSchema', () => {
  it('from nothing: every own table and every added field is added, nothing destructive', () => {
    const changes = diffAppSchema(null, loyaltyApp(), app);
    expect(changes.map((c) => `${c.kind} ${c.tableId} ${c.table} ${c.fieldId ?? ''}`)).toEqual([
      'table-added 50100 Loyalty Entry ',
      'field-added 18 Customer 50100',
      'field-added 18 Customer 50101',
    ]);
    expect(hasDestructiveChange(changes)).toBe(false);
    expect(changes[0]?.description).toBe('table 50100 "Loyalty Entry" is added with 4 field(s)');
    expect(changes[1]?.description).toBe('field 50100 "Loyalty Points" (Integer) is added to table "Customer"');
  });

  it('to nothing: every own table and added field is removed, all destructive', () => {
    const changes = diffAppSchema(loyaltyApp(), null, app);
    expect(changes.map((c) => `${c.kind} ${c.table} ${c.field ?? ''} ${c.destructive}`)).toEqual([
      'table-removed Loyalty Entry  true',
      'field-removed Customer Loyalty Points true',
      'field-removed Customer Loyalty Tier true',
    ]);
    expect(changes[0]?.description).toBe('table 50100 "Loyalty Entry" is removed; its data will be lost');
  });

  it('the same version twice: no change', () => {
    expect(diffAppSchema(loyaltyApp(), loyaltyApp('1.0.0.1'), app)).toEqual([]);
    expect(diffAppSchema(null, null, app)).toEqual([]);
  });

  it('matches fields by id: a new name is a rename and keeps the data', () => {
    const a = version('1.0.0.0', [K, { id: 2, name: 'Amount', type: 'Decimal' }], [{ id: 50100, name: 'Points', type: 'Integer' }]);
    const b = version('2.0.0.0', [K, { id: 2, name: 'Total Amount', type: 'Decimal' }], [{ id: 50100, name: 'Loyalty Points', type: 'Integer' }]);
    const changes = diffAppSchema(a, b, app);
    expect(changes).toEqual([
      {
        kind: 'field-renamed',
        table: 'Ledger',
        tableId: 50100,
        field: 'Total Amount',
        fieldId: 2,
        from: 'Amount',
        to: 'Total Amount',
        destructive: false,
        description: 'field 2 of table "Ledger" is renamed from "Amount" to "Total Amount"; its data is kept',
      },
      {
        kind: 'field-renamed',
        table: 'Customer',
        tableId: 18,
        field: 'Loyalty Points',
        fieldId: 50100,
        from: 'Points',
        to: 'Loyalty Points',
        destructive: false,
        description: 'field 50100 of table "Customer" is renamed from "Points" to "Loyalty Points"; its data is kept',
      },
    ]);
  });

  it('reports removed fields and tables as destructive, added ones as not', () => {
    const a = version('1.0.0.0', [K, { id: 2, name: 'Old', type: 'Integer' }], [{ id: 50100, name: 'Gone', type: 'Integer' }]);
    const b = makeApp({
      id: ID,
      name: 'Loyalty',
      version: '2.0.0.0',
      objects: [
        { type: 'table', id: 50101, name: 'New Ledger', fields: [K], keys: [{ fields: ['K'] }] },
        { type: 'tableextension', id: 50100, name: 'Cust Ext', extends: 'Customer', fields: [{ id: 50101, name: 'New', type: 'Integer' }] },
      ],
    });
    const changes = diffAppSchema(a, b, app);
    expect(changes.map((c) => [c.kind, c.table, c.field, c.destructive])).toEqual([
      ['table-removed', 'Ledger', undefined, true],
      ['table-added', 'New Ledger', undefined, false],
      ['field-removed', 'Customer', 'Gone', true],
      ['field-added', 'Customer', 'New', false],
    ]);
    const c = diffAppSchema(a, version('2.0.0.0', [K, { id: 3, name: 'Fresh', type: 'Integer' }], [{ id: 50100, name: 'Gone', type: 'Integer' }]), app);
    expect(c.map((x) => [x.kind, x.field, x.destructive])).toEqual([
      ['field-removed', 'Old', true],
      ['field-added', 'Fresh', false],
    ]);
    expect(c[0]?.description).toBe('field 2 "Old" is removed from table "Ledger"; its data will be lost');
  });

  it('classifies type changes: widening is safe, everything else destructive', () => {
    const a = version('1.0.0.0', [
      K,
      { id: 2, name: 'I', type: 'Integer' },
      { id: 3, name: 'C', type: 'Code', length: 20 },
      { id: 4, name: 'C2', type: 'Code', length: 20 },
      { id: 5, name: 'T', type: 'Text', length: 50 },
      { id: 6, name: 'D', type: 'Decimal' },
      { id: 7, name: 'E', type: 'Enum', enum: 'Customer Type' },
    ]);
    const b = version('2.0.0.0', [
      K,
      { id: 2, name: 'I', type: 'BigInteger' },
      { id: 3, name: 'C', type: 'Text', length: 20 },
      { id: 4, name: 'C2', type: 'Text', length: 10 },
      { id: 5, name: 'T', type: 'Code', length: 50 },
      { id: 6, name: 'D', type: 'Integer' },
      { id: 7, name: 'E', type: 'Enum', enum: 'Loyalty Tier' },
    ]);
    const changes = diffAppSchema(a, b, app);
    expect(changes.map((c) => `${c.field}: ${c.kind} ${c.from} -> ${c.to} ${c.destructive}`)).toEqual([
      'I: field-type-changed Integer -> BigInteger false',
      'C: field-type-changed Code[20] -> Text[20] false',
      'C2: field-type-changed Code[20] -> Text[10] true',
      'T: field-type-changed Text[50] -> Code[50] true',
      'D: field-type-changed Decimal -> Integer true',
      'E: field-type-changed Enum "Customer Type" -> Enum "Loyalty Tier" true',
    ]);
    expect(changes[0]?.description).toBe('field 2 "I" of table "Ledger" changes type from Integer to BigInteger; every value fits');
    expect(changes[4]?.description).toBe('field 6 "D" of table "Ledger" changes type from Decimal to Integer; values that do not convert will be lost');
    expect(isWideningTypeChange({ type: 'Integer' }, { type: 'Decimal' })).toBe(false);
  });

  it('classifies length changes', () => {
    const a = version('1.0.0.0', [K, { id: 2, name: 'N', type: 'Text', length: 50 }], [{ id: 50100, name: 'X', type: 'Code', length: 10 }]);
    const b = version('2.0.0.0', [K, { id: 2, name: 'N', type: 'Text', length: 30 }], [{ id: 50100, name: 'X', type: 'Code', length: 20 }]);
    const changes = diffAppSchema(a, b, app);
    expect(changes.map((c) => [c.kind, c.field, c.from, c.to, c.destructive])).toEqual([
      ['field-length-narrowed', 'N', '50', '30', true],
      ['field-length-widened', 'X', '10', '20', false],
    ]);
    expect(changes[0]?.description).toBe('field 2 "N" of table "Ledger" narrows from Text[50] to Text[30]; longer values will be lost');
  });

  it('reports a rename together with a type change', () => {
    const a = version('1.0.0.0', [K, { id: 2, name: 'Qty', type: 'Integer' }]);
    const b = version('2.0.0.0', [K, { id: 2, name: 'Quantity', type: 'Decimal' }]);
    expect(diffAppSchema(a, b, app).map((c) => c.kind)).toEqual(['field-renamed', 'field-type-changed']);
  });

  it('reports a changed primary key (by field id, so a renamed key field is no change)', () => {
    const a = version('1.0.0.0', [K, { id: 2, name: 'L', type: 'Integer' }], [], ['K']);
    const renamed = version(
      '2.0.0.0',
      [
        { ...K, name: 'Key' },
        { id: 2, name: 'L', type: 'Integer' },
      ],
      [],
      ['Key'],
    );
    expect(diffAppSchema(a, renamed, app).map((c) => c.kind)).toEqual(['field-renamed']);
    const b = version('2.0.0.0', [K, { id: 2, name: 'L', type: 'Integer' }], [], ['K', 'L']);
    const changes = diffAppSchema(a, b, app);
    expect(changes).toEqual([
      {
        kind: 'key-changed',
        table: 'Ledger',
        tableId: 50100,
        from: 'K',
        to: 'K, L',
        destructive: true,
        description: 'the primary key of table 50100 "Ledger" changes from (K) to (K, L); rows that are no longer unique cannot be kept',
      },
    ]);
  });

  it('resolves tables of dependencies from `others`, else matches by name with table id 0', () => {
    const { a, b } = chainApps();
    const b2 = makeApp({
      id: FIXTURE_IDS.chainB,
      name: 'Chain B',
      version: '2.0.0.0',
      objects: [{ type: 'tableextension', id: 80100, name: 'A Setup B', extends: 'a setup', fields: [] }],
    });
    expect(diffAppSchema(b, b2, app, [a])).toEqual([
      {
        kind: 'field-removed',
        table: 'A Setup',
        tableId: 80000,
        field: 'B Value',
        fieldId: 80100,
        destructive: true,
        description: 'field 80100 "B Value" is removed from table "A Setup"; its data will be lost',
      },
    ]);
    const unresolved = diffAppSchema(b, b2, app);
    expect(unresolved.map((c) => [c.kind, c.tableId, c.field])).toEqual([['field-removed', 0, 'B Value']]);
  });
});
