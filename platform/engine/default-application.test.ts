// The default application is valid, self-consistent and keeps out of the extensions' id ranges.
import { describe, expect, it } from 'vitest';
import { ApplicationSchema, type AppObject } from '../../shared/domain/index.js';
import { DEFAULT_APPLICATION, DEFAULT_COMPANIES } from './default-application.js';

const byType = <T extends AppObject['type']>(type: T): Extract<AppObject, { type: T }>[] =>
  DEFAULT_APPLICATION.objects.filter((o): o is Extract<AppObject, { type: T }> => o.type === type);

describe('DEFAULT_APPLICATION', () => {
  it('parses with ApplicationSchema unchanged', () => {
    const parsed = ApplicationSchema.parse(DEFAULT_APPLICATION);
    expect(parsed).toEqual(DEFAULT_APPLICATION);
    expect(parsed.name).toBe('Tenantry Base Application');
    expect(parsed.version).toBe('1.0.0.0');
  });

  it('has the BC tables, pages and enums by id and name', () => {
    const tables = new Map(byType('table').map((t) => [t.id, t.name]));
    expect(Object.fromEntries(tables)).toMatchObject({
      3: 'Payment Terms',
      4: 'Currency',
      13: 'Salesperson/Purchaser',
      14: 'Location',
      15: 'G/L Account',
      17: 'G/L Entry',
      18: 'Customer',
      21: 'Cust. Ledger Entry',
      23: 'Vendor',
      27: 'Item',
      36: 'Sales Header',
      37: 'Sales Line',
    });
    const pages = new Map(byType('page').map((p) => [p.id, p.name]));
    expect(Object.fromEntries(pages)).toMatchObject({ 21: 'Customer Card', 22: 'Customer List', 26: 'Vendor Card', 30: 'Item Card', 42: 'Sales Order' });
    expect(byType('enum').map((e) => e.name)).toEqual(expect.arrayContaining(['Customer Blocked', 'Sales Document Type']));
    expect(byType('permissionset').map((p) => p.name)).toContain('D365 BASIC');
    expect(byType('codeunit').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps every object id below the customisation range and unique per type', () => {
    const seen = new Set<string>();
    for (const o of DEFAULT_APPLICATION.objects) {
      expect(o.id, `${o.type} ${o.name}`).toBeLessThan(50000);
      const idKey = `${o.type}:${o.id}`;
      const nameKey = `${o.type}:${o.name.toLowerCase()}`;
      expect(seen.has(idKey), idKey).toBe(false);
      expect(seen.has(nameKey), nameKey).toBe(false);
      seen.add(idKey);
      seen.add(nameKey);
    }
  });

  it('references only objects and fields that exist', () => {
    const tables = new Map(byType('table').map((t) => [t.name.toLowerCase(), t]));
    const enums = new Set(byType('enum').map((e) => e.name.toLowerCase()));
    for (const t of tables.values()) {
      for (const f of t.fields) if (f.type === 'Enum') expect(enums.has(f.enum!.toLowerCase()), `${t.name}.${f.name}`).toBe(true);
    }
    for (const p of byType('page')) {
      const t = tables.get(p.sourceTable!.toLowerCase());
      expect(t, p.name).toBeDefined();
      const fields = new Set(t!.fields.map((f) => f.name.toLowerCase()));
      for (const c of p.controls) if (c.field) expect(fields.has(c.field.toLowerCase()), `${p.name}/${c.name}`).toBe(true);
    }
    const names = new Set([...tables.keys(), ...DEFAULT_APPLICATION.objects.map((o) => o.name.toLowerCase())]);
    for (const ps of byType('permissionset'))
      for (const perm of ps.permissions) expect(names.has(perm.object.toLowerCase()), `${ps.name}: ${perm.object}`).toBe(true);
  });

  it('has a Customer table with realistic fields', () => {
    const customer = byType('table').find((t) => t.name === 'Customer')!;
    const f = (name: string) => customer.fields.find((x) => x.name === name);
    expect(f('No.')).toMatchObject({ type: 'Code', length: 20 });
    expect(f('Name')).toMatchObject({ type: 'Text', length: 100 });
    expect(f('Credit Limit (LCY)')).toMatchObject({ type: 'Decimal' });
    expect(f('Blocked')).toMatchObject({ type: 'Enum', enum: 'Customer Blocked' });
    expect(customer.keys[0]!.fields).toEqual(['No.']);
  });

  it('names a default company', () => {
    expect(DEFAULT_COMPANIES.length).toBeGreaterThan(0);
  });
});
