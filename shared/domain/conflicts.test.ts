import { describe, expect, it } from 'vitest';
import { findConflicts, toAppRef } from './conflicts.js';
import { FIXTURE_IDS, loyaltyApp, makeApp, rewardsApp, shippingApp, testApplication } from './test-fixtures.js';

const app = testApplication();
const LOYALTY = '"Loyalty" by Contoso 1.0.0.0';
const REWARDS = '"Rewards" by Fabrikam 2.0.0.0';
const OTHER_ID = '77777777-7777-4777-8777-777777777777';
const other = (objects: Parameters<typeof makeApp>[0]['objects']) =>
  makeApp({ id: OTHER_ID, name: 'Other', publisher: 'Northwind', version: '3.0.0.0', idRanges: [{ from: 1, to: 999999 }], objects });
const OTHER = '"Other" by Northwind 3.0.0.0';

describe('findConflicts', () => {
  it('finds nothing between extensions that touch different things', () => {
    expect(findConflicts(shippingApp(), [loyaltyApp(), rewardsApp()], app)).toEqual([]);
    expect(findConflicts(loyaltyApp(), [shippingApp()], app)).toEqual([]);
  });

  it('reports two extensions changing the same field property, naming both, the table, the field and the property', () => {
    const conflicts = findConflicts(rewardsApp(), [loyaltyApp()], app);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toEqual({
      kind: 'property',
      objectType: 'table',
      object: 'Customer',
      member: 'Name',
      property: 'caption',
      first: toAppRef(loyaltyApp()),
      second: toAppRef(rewardsApp()),
      message: `${LOYALTY} and ${REWARDS} both change property "caption" of field "Name" in table "Customer"`,
    });
  });

  it('compares object and member names without regard to case, and ignores other properties', () => {
    const c = other([
      { type: 'tableextension', id: 100, name: 'Cust', extends: 'CUSTOMER', modify: [{ field: 'name', properties: { caption: 'X', editable: false } }] },
    ]);
    const conflicts = findConflicts(c, [loyaltyApp()], app);
    expect(conflicts.map((x) => [x.kind, x.property])).toEqual([['property', 'caption']]);
    const d = other([{ type: 'tableextension', id: 100, name: 'Cust', extends: 'Customer', modify: [{ field: 'Name', properties: { editable: false } }] }]);
    expect(findConflicts(d, [loyaltyApp()], app)).toEqual([]);
  });

  it('reports the same control property changed by two page extensions', () => {
    const c = other([
      { type: 'pageextension', id: 100, name: 'Card', extends: 'customer card', modify: [{ control: 'BLOCKED', properties: { visible: true } }] },
    ]);
    const [conflict, ...rest] = findConflicts(c, [loyaltyApp()], app);
    expect(rest).toEqual([]);
    expect(conflict).toMatchObject({ kind: 'property', objectType: 'page', object: 'customer card', member: 'BLOCKED', property: 'visible' });
    expect(conflict?.message).toBe(`${LOYALTY} and ${OTHER} both change property "visible" of control "BLOCKED" on page "customer card"`);
  });

  it('reports a field added twice to one table with the same id, or with the same name', () => {
    const sameId = other([{ type: 'tableextension', id: 100, name: 'Cust', extends: 'Customer', fields: [{ id: 50100, name: 'Bonus', type: 'Integer' }] }]);
    const c1 = findConflicts(sameId, [loyaltyApp()], app);
    expect(c1.map((c) => c.kind)).toEqual(['field-id']);
    expect(c1[0]?.message).toBe(`${LOYALTY} and ${OTHER} both add field 50100 to table "Customer" ("Loyalty Points" and "Bonus")`);
    expect(c1[0]?.member).toBe('Bonus');

    const sameName = other([
      { type: 'tableextension', id: 100, name: 'Cust', extends: 'Customer', fields: [{ id: 777, name: 'loyalty points', type: 'Integer' }] },
    ]);
    const c2 = findConflicts(sameName, [loyaltyApp()], app);
    expect(c2.map((c) => c.kind)).toEqual(['field-name']);
    expect(c2[0]?.message).toBe(`${LOYALTY} and ${OTHER} both add field "loyalty points" to table "Customer" (ids 50100 and 777)`);

    // The same field id on another table is fine.
    const elsewhere = other([
      { type: 'tableextension', id: 100, name: 'Vend', extends: 'Vendor', fields: [{ id: 50100, name: 'Loyalty Points', type: 'Integer' }] },
    ]);
    expect(findConflicts(elsewhere, [loyaltyApp()], app)).toEqual([]);
  });

  it('reports a field that clashes with a field the application table already has', () => {
    const c = other([
      {
        type: 'tableextension',
        id: 100,
        name: 'Cust',
        extends: 'Customer',
        fields: [
          { id: 2, name: 'Second Name', type: 'Text', length: 50 },
          { id: 900, name: 'BALANCE', type: 'Decimal' },
        ],
      },
    ]);
    const conflicts = findConflicts(c, [], app);
    expect(conflicts.map((x) => x.kind)).toEqual(['field-id', 'field-name']);
    expect(conflicts[0]?.first).toEqual({ id: '', name: 'Base Application', publisher: 'Microsoft', version: '11.0.0.0' });
    expect(conflicts[0]?.message).toBe(
      `${OTHER} adds field 2 "Second Name" to table "Customer", which already has field 2 "Name" from the application "Base Application" by Microsoft 11.0.0.0`,
    );
    expect(conflicts[1]?.message).toBe(
      `${OTHER} adds field 900 "BALANCE" to table "Customer", which already has field 5 "Balance" from the application "Base Application" by Microsoft 11.0.0.0`,
    );
  });

  it('reports a field that clashes with a field of the table owned by an installed extension, either way round', () => {
    const c = other([{ type: 'tableextension', id: 100, name: 'Entry Ext', extends: 'Loyalty Entry', fields: [{ id: 3, name: 'Extra', type: 'Integer' }] }]);
    const conflicts = findConflicts(c, [loyaltyApp()], app);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ kind: 'field-id', object: 'Loyalty Entry', member: 'Extra' });
    expect(conflicts[0]?.message).toBe(`${OTHER} adds field 3 "Extra" to table "Loyalty Entry", which already has field 3 "Points" from ${LOYALTY}`);

    // A new version of the owner now declares the field the installed extension added.
    const owner = makeApp({
      id: OTHER_ID,
      name: 'Other',
      publisher: 'Northwind',
      version: '3.0.0.0',
      objects: [
        {
          type: 'table',
          id: 60000,
          name: 'Route',
          fields: [
            { id: 1, name: 'Code', type: 'Code', length: 10 },
            { id: 2, name: 'Distance', type: 'Decimal' },
          ],
          keys: [{ fields: ['Code'] }],
        },
      ],
    });
    const extender = makeApp({
      id: FIXTURE_IDS.shipping,
      name: 'Shipping',
      publisher: 'Litware',
      objects: [{ type: 'tableextension', id: 70001, name: 'Route Ext', extends: 'Route', fields: [{ id: 2, name: 'Km', type: 'Decimal' }] }],
    });
    const reverse = findConflicts(owner, [extender], app);
    expect(reverse.map((x) => x.kind)).toEqual(['field-id']);
    expect(reverse[0]?.message).toBe(`"Shipping" by Litware 1.0.0.0 adds field 2 "Km" to table "Route", which ${OTHER} declares with field 2 "Distance"`);
  });

  it('reports two extensions declaring an object of the same type with the same id or name', () => {
    const sameId = other([{ type: 'table', id: 50100, name: 'Points Ledger', fields: [{ id: 1, name: 'K', type: 'Integer' }], keys: [{ fields: ['K'] }] }]);
    const c1 = findConflicts(sameId, [loyaltyApp()], app);
    expect(c1.map((c) => [c.kind, c.objectType, c.object])).toEqual([['object-id', 'table', 'Points Ledger']]);
    expect(c1[0]?.message).toBe(`${LOYALTY} and ${OTHER} both declare table 50100 ("Loyalty Entry" and "Points Ledger")`);

    const sameName = other([{ type: 'codeunit', id: 1234, name: 'LOYALTY SUBSCRIBERS' }]);
    const c2 = findConflicts(sameName, [loyaltyApp()], app);
    expect(c2.map((c) => c.kind)).toEqual(['object-name']);
    expect(c2[0]?.message).toBe(`${LOYALTY} and ${OTHER} both declare codeunit "LOYALTY SUBSCRIBERS" (ids 50100 and 1234)`);

    // Same id, different type: no conflict.
    expect(findConflicts(other([{ type: 'codeunit', id: 50101, name: 'Something' }]), [loyaltyApp()], app)).toEqual([]);
  });

  it('reports an object id or name the application already uses for that type', () => {
    const c = other([
      { type: 'page', id: 21, name: 'My Card', pageType: 'Card' },
      { type: 'enum', id: 999, name: 'customer type', values: [] },
    ]);
    const conflicts = findConflicts(c, [], app);
    expect(conflicts.map((x) => [x.kind, x.object, x.first.id])).toEqual([
      ['object-id', 'My Card', ''],
      ['object-name', 'customer type', ''],
    ]);
    expect(conflicts[0]?.message).toBe(
      `the application "Base Application" by Microsoft 11.0.0.0 and ${OTHER} both declare page 21 ("Customer Card" and "My Card")`,
    );
  });

  it('reports a control added twice to one page, and a control the page already has', () => {
    const c = other([{ type: 'pageextension', id: 100, name: 'Card', extends: 'Customer Card', controls: [{ name: 'LOYALTY POINTS' }, { name: 'Name' }] }]);
    const conflicts = findConflicts(c, [loyaltyApp()], app);
    expect(conflicts.map((x) => [x.kind, x.member, x.first.name])).toEqual([
      ['control', 'Name', 'Base Application'],
      ['control', 'LOYALTY POINTS', 'Loyalty'],
    ]);
    expect(conflicts[1]?.message).toBe(`${LOYALTY} and ${OTHER} both add control "LOYALTY POINTS" to page "Customer Card"`);
    expect(conflicts[0]?.message).toBe(
      `${OTHER} adds control "Name" to page "Customer Card", which already has control "Name" from the application "Base Application" by Microsoft 11.0.0.0`,
    );
  });

  it('reports an enum value added twice (same id or same name), and one the enum already has', () => {
    const sameId = other([{ type: 'enumextension', id: 100, name: 'Type Ext', extends: 'Customer Type', values: [{ id: 50100, name: 'VIP' }] }]);
    const c1 = findConflicts(sameId, [loyaltyApp()], app);
    expect(c1.map((c) => [c.kind, c.objectType, c.object, c.member])).toEqual([['enum-value', 'enum', 'Customer Type', 'VIP']]);
    expect(c1[0]?.message).toBe(`${LOYALTY} and ${OTHER} both add value 50100 to enum "Customer Type" ("Member" and "VIP")`);

    const sameName = other([{ type: 'enumextension', id: 100, name: 'Type Ext', extends: 'Customer Type', values: [{ id: 7, name: 'member' }] }]);
    const c2 = findConflicts(sameName, [loyaltyApp()], app);
    expect(c2.map((c) => c.kind)).toEqual(['enum-value']);
    expect(c2[0]?.message).toBe(`${LOYALTY} and ${OTHER} both add value "member" to enum "Customer Type" (ids 50100 and 7)`);

    const base = other([{ type: 'enumextension', id: 100, name: 'Type Ext', extends: 'Customer Type', values: [{ id: 1, name: 'Firm' }] }]);
    const c3 = findConflicts(base, [], app);
    expect(c3[0]?.message).toBe(
      `${OTHER} adds value 1 "Firm" to enum "Customer Type", which already has value 1 "Company" from the application "Base Application" by Microsoft 11.0.0.0`,
    );
  });

  it('ignores installed versions of the candidate itself (an upgrade is not a conflict with itself)', () => {
    expect(findConflicts(loyaltyApp('2.0.0.0'), [loyaltyApp('1.0.0.0')], app)).toEqual([]);
  });

  it('checks against every installed extension', () => {
    const both = other([
      {
        type: 'tableextension',
        id: 100,
        name: 'Cust',
        extends: 'Customer',
        fields: [{ id: 60100, name: 'X', type: 'Integer' }],
        modify: [{ field: 'Name', properties: { caption: 'Y' } }],
      },
    ]);
    const conflicts = findConflicts(both, [loyaltyApp(), rewardsApp(), shippingApp()], app);
    expect(conflicts.map((c) => `${c.kind}:${c.first.name}`)).toEqual(['property:Loyalty', 'field-id:Rewards', 'property:Rewards']);
  });
});
