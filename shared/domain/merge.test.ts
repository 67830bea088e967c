import { describe, expect, it } from 'vitest';
import { DependencyCycleError } from './dependency-graph.js';
import { findTable, mergeView } from './merge.js';
import { chainApps, FIXTURE_IDS, loyaltyApp, makeApp, rewardsApp, shippingApp, testApplication } from './test-fixtures.js';

const app = testApplication();
const L = FIXTURE_IDS.loyalty;
const R = FIXTURE_IDS.rewards;

describe('mergeView', () => {
  it('with nothing installed shows the application, every object owned by the application', () => {
    const v = mergeView(app, []);
    expect(v.tables.map((t) => t.name)).toEqual(['Customer', 'Vendor', 'Item']);
    expect(v.objects.every((o) => o.ownerAppId === '')).toBe(true);
    expect(v.objects).toHaveLength(app.objects.length);
    const customer = findTable(v, 'CUSTOMER');
    expect(customer?.primaryKey).toEqual(['No.']);
    expect(customer?.fields.find((f) => f.name === 'Name')).toMatchObject({ ownerAppId: '', properties: { caption: 'Name' }, propertyOwners: { caption: '' } });
    expect(v.subscribers).toEqual([]);
  });

  it('tags fields, property changes, controls and enum values with the app that brought them', () => {
    const v = mergeView(app, [loyaltyApp()]);
    const customer = findTable(v, 'customer');
    expect(customer?.extendedBy).toEqual([L]);
    expect(customer?.ownerAppId).toBe('');
    const points = customer?.fields.find((f) => f.id === 50100);
    expect(points).toMatchObject({ name: 'Loyalty Points', ownerAppId: L, propertyOwners: { caption: L } });
    const name = customer?.fields.find((f) => f.name === 'Name');
    // The field stays the application's; the changed property is Loyalty's.
    expect(name).toMatchObject({ ownerAppId: '', properties: { caption: 'Customer Name' }, propertyOwners: { caption: L } });
    const balance = customer?.fields.find((f) => f.name === 'Balance');
    expect(balance?.propertyOwners).toEqual({ editable: '' });

    const entry = findTable(v, 'Loyalty Entry');
    expect(entry).toMatchObject({ id: 50100, ownerAppId: L, primaryKey: ['Entry No.'], extendedBy: [] });
    expect(entry?.fields.every((f) => f.ownerAppId === L)).toBe(true);

    const card = v.pages.find((p) => p.name === 'Customer Card');
    expect(card?.controls.map((c) => c.name)).toEqual(['No.', 'Name', 'Loyalty Points', 'Blocked']);
    expect(card?.controls.find((c) => c.name === 'Loyalty Points')?.ownerAppId).toBe(L);
    expect(card?.controls.find((c) => c.name === 'Blocked')).toMatchObject({ ownerAppId: '', properties: { visible: false }, propertyOwners: { visible: L } });
    expect(card?.extendedBy).toEqual([L]);

    const type = v.enums.find((e) => e.name === 'Customer Type');
    expect(type?.values).toEqual([
      { id: 0, name: 'Person', ownerAppId: '' },
      { id: 1, name: 'Company', ownerAppId: '' },
      { id: 50100, name: 'Member', caption: 'Loyalty Member', ownerAppId: L },
    ]);
    expect(v.enums.find((e) => e.name === 'Loyalty Tier')?.ownerAppId).toBe(L);

    expect(v.objects.filter((o) => o.ownerAppId === L).map((o) => `${o.type}:${o.name}:${o.extends ?? ''}`)).toEqual([
      'table:Loyalty Entry:',
      'tableextension:Customer Loyalty:Customer',
      'enum:Loyalty Tier:',
      'enumextension:Loyalty Customer Type:Customer Type',
      'pageextension:Customer Card Loyalty:Customer Card',
      'page:Loyalty Entries:',
      'permissionset:LOYALTY:',
      'codeunit:Loyalty Subscribers:',
    ]);
    expect(v.permissionSets.map((p) => [p.name, p.ownerAppId])).toEqual([
      ['BASIC', ''],
      ['LOYALTY', L],
    ]);
    expect(v.codeunits.map((c) => [c.name, c.ownerAppId])).toEqual([
      ['Sales-Post', ''],
      ['Loyalty Subscribers', L],
    ]);
  });

  it('sorts subscribers by event, table, stage, order and app name', () => {
    const extra = makeApp({
      id: '44444444-4444-4444-8444-444444444444',
      name: 'Audit',
      publisher: 'Adatum',
      objects: [
        {
          type: 'codeunit',
          id: 55000,
          name: 'Audit Subscribers',
          subscribers: [
            { name: 'Validate', event: 'record.inserted', table: 'Customer', stage: 'pre-validation', order: 500 },
            { name: 'Same', event: 'record.inserted', table: 'Customer', stage: 'post-operation', order: 10 },
            { name: 'OnDelete', event: 'record.deleted', table: 'Customer' },
            { name: 'OnInstall', event: 'extension.installed' },
          ],
        },
      ],
    });
    const v = mergeView(app, [rewardsApp(), loyaltyApp(), extra]);
    expect(v.subscribers.map((s) => `${s.event}/${s.table ?? '-'}/${s.stage}/${s.order}/${s.appName}/${s.name}`)).toEqual([
      'extension.installed/-/post-operation/100/Audit/OnInstall',
      'record.deleted/Customer/post-operation/100/Audit/OnDelete',
      'record.inserted/Customer/pre-validation/500/Audit/Validate',
      'record.inserted/Customer/pre-operation/5/Rewards/CheckRewards',
      'record.inserted/Customer/post-operation/10/Audit/Same',
      'record.inserted/Customer/post-operation/10/Loyalty/InitPoints',
      'record.inserted/Customer/post-operation/10/Rewards/LateRewards',
    ]);
    const init = v.subscribers.find((s) => s.name === 'InitPoints');
    expect(init).toMatchObject({
      ownerAppId: L,
      codeunitId: 50100,
      codeunit: 'Loyalty Subscribers',
      action: { op: 'setField', field: 'Loyalty Points', value: 0 },
    });
  });

  it('applies extensions in dependency order whatever order they are given in', () => {
    const { a, b, c } = chainApps();
    const v = mergeView(app, [c, b, a]);
    const setup = findTable(v, 'a setup');
    expect(setup?.fields.map((f) => [f.name, f.ownerAppId])).toEqual([
      ['Code', FIXTURE_IDS.chainA],
      ['B Value', FIXTURE_IDS.chainB],
      ['C Value', FIXTURE_IDS.chainC],
    ]);
    expect(setup?.extendedBy).toEqual([FIXTURE_IDS.chainB, FIXTURE_IDS.chainC]);
  });

  it('lower-cases owner ids, and skips extensions of objects that are not there', () => {
    const upper = makeApp({
      id: 'ABCDEF00-0000-4000-8000-0000000000AA',
      name: 'Upper',
      objects: [
        { type: 'tableextension', id: 56000, name: 'Ghost Ext', extends: 'Ghost', fields: [{ id: 56000, name: 'X', type: 'Integer' }] },
        { type: 'tableextension', id: 56001, name: 'Vendor Ext', extends: 'vendor', fields: [{ id: 56001, name: 'Y', type: 'Integer' }] },
        { type: 'pageextension', id: 56000, name: 'Ghost Page Ext', extends: 'Ghost Page', controls: [{ name: 'Z' }] },
        { type: 'enumextension', id: 56000, name: 'Ghost Enum Ext', extends: 'Ghost Enum', values: [{ id: 1, name: 'Q' }] },
      ],
    });
    const v = mergeView(app, [upper]);
    expect(findTable(v, 'Vendor')?.fields.at(-1)).toMatchObject({ name: 'Y', ownerAppId: 'abcdef00-0000-4000-8000-0000000000aa' });
    expect(v.tables).toHaveLength(3);
    expect(v.objects.filter((o) => o.ownerAppId !== '')).toHaveLength(4);
  });

  it('places anchored controls first, before, after and last', () => {
    const ext = makeApp({
      id: '55555555-5555-4555-8555-555555555555',
      name: 'Anchors',
      objects: [
        {
          type: 'pageextension',
          id: 57000,
          name: 'Card Anchors',
          extends: 'Customer Card',
          controls: [
            { name: 'First', anchor: { position: 'first' } },
            { name: 'BeforeName', anchor: { position: 'before', control: 'name' } },
            { name: 'Last' },
            { name: 'AfterNo', anchor: { position: 'after', control: 'No.' }, group: 'General' },
          ],
        },
      ],
    });
    const card = mergeView(app, [ext]).pages.find((p) => p.name === 'Customer Card');
    expect(card?.controls.map((c) => c.name)).toEqual(['First', 'No.', 'AfterNo', 'BeforeName', 'Name', 'Blocked', 'Last']);
    expect(card?.controls.find((c) => c.name === 'AfterNo')?.group).toBe('General');
  });

  it('does not modify its inputs', () => {
    const appCopy = structuredClone(app);
    const loyalty = loyaltyApp();
    const loyaltyCopy = structuredClone(loyalty);
    mergeView(app, [loyalty, rewardsApp(), shippingApp()]);
    expect(app).toEqual(appCopy);
    expect(loyalty).toEqual(loyaltyCopy);
    // A second merge starts from the application again.
    expect(findTable(mergeView(app, []), 'Customer')?.fields).toHaveLength(5);
  });

  it('throws naming the cycle when installed extensions depend on each other in a circle', () => {
    const x = makeApp({
      id: '66666666-6666-4666-8666-666666666661',
      name: 'X',
      dependencies: [{ id: '66666666-6666-4666-8666-666666666662', name: 'Y', publisher: 'Contoso', version: '1.0.0.0' }],
    });
    const y = makeApp({
      id: '66666666-6666-4666-8666-666666666662',
      name: 'Y',
      dependencies: [{ id: '66666666-6666-4666-8666-666666666661', name: 'X', publisher: 'Contoso', version: '1.0.0.0' }],
    });
    expect(() => mergeView(app, [x, y])).toThrow(DependencyCycleError);
  });

  it('keeps R and L field owners apart when both extend Customer', () => {
    const customer = findTable(mergeView(app, [loyaltyApp(), rewardsApp()]), 'Customer');
    expect(customer?.fields.filter((f) => f.ownerAppId === R).map((f) => f.name)).toEqual(['Reward Points']);
    expect(customer?.extendedBy).toEqual([L, R]);
  });
});
