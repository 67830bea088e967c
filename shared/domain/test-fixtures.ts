// A tiny base application and a handful of extensions, for tests in shared/ and elsewhere.
// Loyalty (Contoso) and Rewards (Fabrikam) both change the caption of Customer.Name, so they conflict;
// Shipping (Litware) conflicts with nobody. Chain A <- B <- C and diamond D1 <- (D2, D3) <- D4 are for
// dependency plans; B extends A's table and C extends it again through B (a transitive dependency).
import { AppDefinitionSchema, type AppDefinition } from './app-definition.js';
import type { ManifestInput } from './manifest.js';
import { ApplicationSchema, type AppObjectSchema, type Application, type TableDataSchema } from './objects.js';
import type { z } from 'zod';

export const FIXTURE_IDS = {
  loyalty: '11111111-1111-4111-8111-111111111111',
  rewards: '22222222-2222-4222-8222-222222222222',
  shipping: '33333333-3333-4333-8333-333333333333',
  chainA: 'aaaaaaaa-0000-4000-8000-00000000000a',
  chainB: 'aaaaaaaa-0000-4000-8000-00000000000b',
  chainC: 'aaaaaaaa-0000-4000-8000-00000000000c',
  diamond1: 'dddddddd-0000-4000-8000-000000000001',
  diamond2: 'dddddddd-0000-4000-8000-000000000002',
  diamond3: 'dddddddd-0000-4000-8000-000000000003',
  diamond4: 'dddddddd-0000-4000-8000-000000000004',
} as const;

export function testApplication(version = '11.0.0.0'): Application {
  return ApplicationSchema.parse({
    name: 'Base Application',
    publisher: 'Microsoft',
    version,
    objects: [
      {
        type: 'table',
        id: 18,
        name: 'Customer',
        caption: 'Customer',
        fields: [
          { id: 1, name: 'No.', type: 'Code', length: 20, notBlank: true },
          { id: 2, name: 'Name', type: 'Text', length: 100, caption: 'Name' },
          { id: 3, name: 'Customer Type', type: 'Enum', enum: 'Customer Type' },
          { id: 4, name: 'Blocked', type: 'Enum', enum: 'Blocked Type' },
          { id: 5, name: 'Balance', type: 'Decimal', editable: false },
        ],
        keys: [{ fields: ['No.'], clustered: true }],
      },
      {
        type: 'table',
        id: 23,
        name: 'Vendor',
        fields: [
          { id: 1, name: 'No.', type: 'Code', length: 20 },
          { id: 2, name: 'Name', type: 'Text', length: 100 },
        ],
        keys: [{ fields: ['No.'] }],
      },
      {
        type: 'table',
        id: 27,
        name: 'Item',
        fields: [
          { id: 1, name: 'No.', type: 'Code', length: 20 },
          { id: 2, name: 'Description', type: 'Text', length: 100 },
          { id: 3, name: 'Unit Price', type: 'Decimal' },
        ],
        keys: [{ fields: ['No.'] }],
      },
      {
        type: 'page',
        id: 21,
        name: 'Customer Card',
        pageType: 'Card',
        sourceTable: 'Customer',
        controls: [
          { name: 'No.', field: 'No.' },
          { name: 'Name', field: 'Name', importance: 'Promoted' },
          { name: 'Blocked', field: 'Blocked' },
        ],
      },
      { type: 'page', id: 22, name: 'Customer List', pageType: 'List', sourceTable: 'Customer', controls: [{ name: 'No.', field: 'No.' }] },
      { type: 'page', id: 30, name: 'Item Card', pageType: 'Card', sourceTable: 'Item', controls: [{ name: 'Description', field: 'Description' }] },
      {
        type: 'enum',
        id: 5,
        name: 'Customer Type',
        extensible: true,
        values: [
          { id: 0, name: 'Person' },
          { id: 1, name: 'Company' },
        ],
      },
      {
        type: 'enum',
        id: 6,
        name: 'Blocked Type',
        extensible: false,
        values: [
          { id: 0, name: 'None' },
          { id: 1, name: 'Ship' },
          { id: 2, name: 'All' },
        ],
      },
      { type: 'codeunit', id: 80, name: 'Sales-Post' },
      { type: 'permissionset', id: 1, name: 'BASIC', permissions: [{ objectType: 'tabledata', object: 'Customer', read: true }] },
    ],
  });
}

type ObjectInput = z.input<typeof AppObjectSchema>;

export interface FixtureAppInput {
  id: string;
  name: string;
  publisher?: string;
  version?: string;
  application?: string;
  idRanges?: { from: number; to: number }[];
  dependencies?: ManifestInput['dependencies'];
  objects?: ObjectInput[];
  tableData?: z.input<typeof TableDataSchema>[];
}

/** Builds a valid AppDefinition (schema defaults applied) from a short description. */
export function makeApp(input: FixtureAppInput): AppDefinition {
  return AppDefinitionSchema.parse({
    manifest: {
      id: input.id,
      name: input.name,
      publisher: input.publisher ?? 'Contoso',
      version: input.version ?? '1.0.0.0',
      dependencies: input.dependencies ?? [],
      idRanges: input.idRanges ?? [{ from: 50000, to: 99999 }],
      application: input.application ?? '11.0.0.0',
    },
    objects: input.objects ?? [],
    tableData: input.tableData ?? [],
  });
}

/** Contoso's Loyalty: a table, fields on Customer, an enum and its extension, page changes, a subscriber. */
export function loyaltyApp(version = '1.0.0.0'): AppDefinition {
  return makeApp({
    id: FIXTURE_IDS.loyalty,
    name: 'Loyalty',
    publisher: 'Contoso',
    version,
    idRanges: [{ from: 50100, to: 50149 }],
    objects: [
      {
        type: 'table',
        id: 50100,
        name: 'Loyalty Entry',
        fields: [
          { id: 1, name: 'Entry No.', type: 'Integer' },
          { id: 2, name: 'Customer No.', type: 'Code', length: 20 },
          { id: 3, name: 'Points', type: 'Integer' },
          { id: 4, name: 'Description', type: 'Text', length: 50 },
        ],
        keys: [{ fields: ['Entry No.'] }, { fields: ['Customer No.'] }],
      },
      {
        type: 'tableextension',
        id: 50100,
        name: 'Customer Loyalty',
        extends: 'Customer',
        fields: [
          { id: 50100, name: 'Loyalty Points', type: 'Integer', caption: 'Loyalty Points' },
          { id: 50101, name: 'Loyalty Tier', type: 'Enum', enum: 'Loyalty Tier' },
        ],
        modify: [{ field: 'Name', properties: { caption: 'Customer Name' } }],
      },
      {
        type: 'enum',
        id: 50100,
        name: 'Loyalty Tier',
        values: [
          { id: 0, name: 'Bronze' },
          { id: 1, name: 'Silver' },
          { id: 2, name: 'Gold' },
        ],
      },
      {
        type: 'enumextension',
        id: 50100,
        name: 'Loyalty Customer Type',
        extends: 'Customer Type',
        values: [{ id: 50100, name: 'Member', caption: 'Loyalty Member' }],
      },
      {
        type: 'pageextension',
        id: 50100,
        name: 'Customer Card Loyalty',
        extends: 'Customer Card',
        controls: [{ name: 'Loyalty Points', field: 'Loyalty Points', anchor: { position: 'after', control: 'Name' } }],
        modify: [{ control: 'Blocked', properties: { visible: false } }],
      },
      { type: 'page', id: 50101, name: 'Loyalty Entries', pageType: 'List', sourceTable: 'Loyalty Entry', controls: [{ name: 'Points', field: 'Points' }] },
      {
        type: 'permissionset',
        id: 50100,
        name: 'LOYALTY',
        permissions: [
          { objectType: 'tabledata', object: 'Loyalty Entry', read: true, insert: true, modify: true, delete: true },
          { objectType: 'page', object: '*', execute: true },
        ],
      },
      {
        type: 'codeunit',
        id: 50100,
        name: 'Loyalty Subscribers',
        subscribers: [
          {
            name: 'InitPoints',
            event: 'record.inserted',
            table: 'Customer',
            stage: 'post-operation',
            order: 10,
            action: { op: 'setField', field: 'Loyalty Points', value: 0 },
          },
        ],
        install: [{ tag: 'LOYALTY-INIT', actions: [{ op: 'setValue', table: 'Customer', field: 'Loyalty Points', value: 0, onlyIfEmpty: true }] }],
      },
    ],
    tableData: [{ table: 'Loyalty Entry', rows: [{ 'Entry No.': 1, 'Customer No.': 'C0001', Points: 10 }] }],
  });
}

/** Fabrikam's Rewards: also changes the caption of Customer.Name (a conflict with Loyalty). */
export function rewardsApp(version = '2.0.0.0'): AppDefinition {
  return makeApp({
    id: FIXTURE_IDS.rewards,
    name: 'Rewards',
    publisher: 'Fabrikam',
    version,
    idRanges: [{ from: 60100, to: 60149 }],
    objects: [
      {
        type: 'tableextension',
        id: 60100,
        name: 'Customer Rewards',
        extends: 'Customer',
        fields: [{ id: 60100, name: 'Reward Points', type: 'Integer' }],
        modify: [{ field: 'Name', properties: { caption: 'Client Name' } }],
      },
      {
        type: 'codeunit',
        id: 60100,
        name: 'Rewards Subscribers',
        subscribers: [
          { name: 'CheckRewards', event: 'record.inserted', table: 'Customer', stage: 'pre-operation', order: 5, action: { op: 'log', message: 'reward' } },
          { name: 'LateRewards', event: 'record.inserted', table: 'Customer', stage: 'post-operation', order: 10, action: { op: 'log', message: 'late' } },
        ],
      },
    ],
  });
}

/** Litware's Shipping: a field on Item and a control on Item Card; conflicts with nobody. */
export function shippingApp(version = '1.0.0.0'): AppDefinition {
  return makeApp({
    id: FIXTURE_IDS.shipping,
    name: 'Shipping',
    publisher: 'Litware',
    version,
    idRanges: [{ from: 70000, to: 70099 }],
    objects: [
      { type: 'tableextension', id: 70000, name: 'Item Shipping', extends: 'Item', fields: [{ id: 70000, name: 'Shipping Weight', type: 'Decimal' }] },
      { type: 'pageextension', id: 70000, name: 'Item Card Shipping', extends: 'Item Card', controls: [{ name: 'Shipping Weight', field: 'Shipping Weight' }] },
    ],
  });
}

const dep = (id: string, name: string, version = '1.0.0.0', publisher = 'Contoso'): { id: string; name: string; publisher: string; version: string } => ({
  id,
  name,
  publisher,
  version,
});

/** Chain A <- B <- C: B depends on A, C on B. A owns "A Setup"; B and C extend it. */
export function chainApps(): { a: AppDefinition; b: AppDefinition; c: AppDefinition } {
  const a = makeApp({
    id: FIXTURE_IDS.chainA,
    name: 'Chain A',
    idRanges: [{ from: 80000, to: 80099 }],
    objects: [{ type: 'table', id: 80000, name: 'A Setup', fields: [{ id: 1, name: 'Code', type: 'Code', length: 10 }], keys: [{ fields: ['Code'] }] }],
  });
  const b = makeApp({
    id: FIXTURE_IDS.chainB,
    name: 'Chain B',
    idRanges: [{ from: 80100, to: 80199 }],
    dependencies: [dep(FIXTURE_IDS.chainA, 'Chain A')],
    objects: [{ type: 'tableextension', id: 80100, name: 'A Setup B', extends: 'A Setup', fields: [{ id: 80100, name: 'B Value', type: 'Integer' }] }],
  });
  const c = makeApp({
    id: FIXTURE_IDS.chainC,
    name: 'Chain C',
    idRanges: [{ from: 80200, to: 80299 }],
    dependencies: [dep(FIXTURE_IDS.chainB, 'Chain B')],
    objects: [{ type: 'tableextension', id: 80200, name: 'A Setup C', extends: 'A Setup', fields: [{ id: 80200, name: 'C Value', type: 'Integer' }] }],
  });
  return { a, b, c };
}

/** Diamond: D2 and D3 depend on D1, D4 depends on D2 and D3. */
export function diamondApps(): { d1: AppDefinition; d2: AppDefinition; d3: AppDefinition; d4: AppDefinition } {
  const mk = (id: string, name: string, from: number, deps: { id: string; name: string; publisher: string; version: string }[]): AppDefinition =>
    makeApp({ id, name, idRanges: [{ from, to: from + 99 }], dependencies: deps, objects: [{ type: 'codeunit', id: from, name: `${name} Logic` }] });
  const d1 = mk(FIXTURE_IDS.diamond1, 'Diamond 1', 90000, []);
  const d2 = mk(FIXTURE_IDS.diamond2, 'Diamond 2', 90100, [dep(FIXTURE_IDS.diamond1, 'Diamond 1')]);
  const d3 = mk(FIXTURE_IDS.diamond3, 'Diamond 3', 90200, [dep(FIXTURE_IDS.diamond1, 'Diamond 1')]);
  const d4 = mk(FIXTURE_IDS.diamond4, 'Diamond 4', 90300, [dep(FIXTURE_IDS.diamond2, 'Diamond 2'), dep(FIXTURE_IDS.diamond3, 'Diamond 3')]);
  return { d1, d2, d3, d4 };
}
