// Test fixtures for the engine: a small application and a family of extensions (with versions, a dependency, a
// conflicting pair, upgrade steps), package bytes built with writePackage, and temp deployments that clean up.
// Not used by production code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppDefinitionInput } from '../../../shared/domain/app-definition.js';
import { ApplicationSchema, type Application } from '../../../shared/domain/objects.js';
import { writePackage } from '../../package/index.js';
import { Deployment } from '../deployment.js';

export const IDS = {
  core: 'c0c0c0c0-0000-4000-8000-000000000001',
  loyalty: 'c0c0c0c0-0000-4000-8000-000000000002',
  rival: 'fabfabfa-0000-4000-8000-000000000003',
  notes: '7a117a11-0000-4000-8000-000000000004',
  orphan: '0eeeeeee-0000-4000-8000-000000000005',
} as const;

export const COMPANIES = ['CRONUS', 'Fabrikam Ltd'];

export function testApplication(version = '1.0.0.0'): Application {
  return ApplicationSchema.parse({
    name: 'Test Base Application',
    publisher: 'Tenantry',
    version,
    objects: [
      {
        type: 'table',
        id: 18,
        name: 'Customer',
        fields: [
          { id: 1, name: 'No.', type: 'Code', length: 20 },
          { id: 2, name: 'Name', type: 'Text', length: 100, caption: 'Name' },
          { id: 3, name: 'City', type: 'Text', length: 30 },
          { id: 4, name: 'Blocked', type: 'Enum', enum: 'Customer Blocked' },
          { id: 5, name: 'Credit Limit', type: 'Decimal' },
          { id: 6, name: 'Active', type: 'Boolean' },
          { id: 7, name: 'Created', type: 'Date' },
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
        type: 'table',
        id: 4,
        name: 'Currency',
        dataPerCompany: false,
        fields: [
          { id: 1, name: 'Code', type: 'Code', length: 10 },
          { id: 2, name: 'Description', type: 'Text', length: 30 },
        ],
        keys: [{ fields: ['Code'] }],
      },
      {
        type: 'enum',
        id: 1,
        name: 'Customer Blocked',
        extensible: true,
        values: [
          { id: 0, name: 'None' },
          { id: 1, name: 'Ship' },
          { id: 2, name: 'All' },
        ],
      },
      {
        type: 'page',
        id: 21,
        name: 'Customer Card',
        pageType: 'Card',
        sourceTable: 'Customer',
        controls: [
          { name: 'No.', field: 'No.' },
          { name: 'Name', field: 'Name' },
        ],
      },
    ],
  });
}

const manifest = (
  id: string,
  name: string,
  publisher: string,
  version: string,
  range: [number, number],
  deps: { id: string; name: string; publisher: string; version: string }[] = [],
) => ({
  id,
  name,
  publisher,
  version,
  dependencies: deps,
  idRanges: [{ from: range[0], to: range[1] }],
  application: '1.0.0.0',
});

/** Contoso Core: its own table, fields on Customer, a permission set, subscribers, install steps, table data. */
export function coreV1(): AppDefinitionInput {
  return {
    manifest: manifest(IDS.core, 'Contoso Core', 'Contoso', '1.0.0.0', [50100, 50199]),
    objects: [
      {
        type: 'table',
        id: 50100,
        name: 'Loyalty Tier',
        fields: [
          { id: 1, name: 'Code', type: 'Code', length: 10 },
          { id: 2, name: 'Description', type: 'Text', length: 50 },
          { id: 3, name: 'Min Points', type: 'Integer' },
        ],
        keys: [{ fields: ['Code'] }],
      },
      {
        type: 'tableextension',
        id: 50100,
        name: 'Customer Loyalty',
        extends: 'Customer',
        fields: [
          { id: 50100, name: 'Loyalty Points', type: 'Integer' },
          { id: 50101, name: 'Tier Code', type: 'Code', length: 10 },
        ],
        modify: [],
      },
      {
        type: 'permissionset',
        id: 50100,
        name: 'CORE-ALL',
        permissions: [{ objectType: 'tabledata', object: 'Loyalty Tier', read: true, insert: true, modify: true, delete: true }],
      },
      {
        type: 'codeunit',
        id: 50100,
        name: 'Core Events',
        subscribers: [
          {
            name: 'DefaultTier',
            event: 'record.inserted',
            table: 'Customer',
            stage: 'pre-operation',
            order: 10,
            action: { op: 'setField', field: 'Tier Code', value: 'BRONZE' },
          },
          {
            name: 'NeedName',
            event: 'record.inserted',
            table: 'Customer',
            stage: 'pre-validation',
            order: 5,
            action: { op: 'requireField', field: 'Name', message: 'a customer needs a name' },
          },
        ],
        install: [
          {
            tag: 'core-install-1',
            actions: [{ op: 'insertRows', table: 'Loyalty Tier', rows: [{ Code: 'PLATINUM', Description: 'Platinum', 'Min Points': 10000 }] }],
          },
        ],
      },
    ],
    tableData: [
      {
        table: 'Loyalty Tier',
        rows: [
          { Code: 'BRONZE', Description: 'Bronze', 'Min Points': 0 },
          { Code: 'SILVER', Description: 'Silver', 'Min Points': 1000 },
          { Code: 'GOLD', Description: 'Gold', 'Min Points': 5000 },
        ],
      },
    ],
  };
}

/** Core 2.0: a new field on Customer, and upgrade steps that transform existing rows. */
export function coreV2(): AppDefinitionInput {
  const v1 = coreV1();
  const objects = (v1.objects ?? []).map((o) => {
    if (o.type === 'tableextension')
      return {
        ...o,
        fields: [
          ...(o.fields ?? []),
          { id: 50102, name: 'Lifetime Points', type: 'Integer' as const },
          { id: 50103, name: 'Member Since', type: 'Date' as const },
        ],
      };
    if (o.type === 'codeunit') {
      return {
        ...o,
        upgrade: [
          {
            tag: 'core-2.0-lifetime',
            fromMax: '1.9.9.9',
            actions: [
              { op: 'copyField' as const, table: 'Customer', from: 'Loyalty Points', to: 'Lifetime Points' },
              { op: 'setValue' as const, table: 'Customer', field: 'Member Since', value: '2020-01-01', onlyIfEmpty: true },
            ],
          },
        ],
      };
    }
    return o;
  });
  return { ...v1, manifest: { ...v1.manifest, version: '2.0.0.0' }, objects };
}

/** Core 3.0: drops field "Tier Code" (destructive: add-mode sync refuses it). */
export function coreV3Destructive(): AppDefinitionInput {
  const v2 = coreV2();
  const objects = (v2.objects ?? []).map((o) => {
    if (o.type === 'tableextension') return { ...o, fields: (o.fields ?? []).filter((f) => f.name !== 'Tier Code') };
    if (o.type === 'codeunit') return { ...o, subscribers: (o.subscribers ?? []).filter((s) => s.name !== 'DefaultTier') };
    return o;
  });
  return { ...v2, manifest: { ...v2.manifest, version: '3.0.0.0' }, objects };
}

/** Contoso Loyalty: depends on Core, extends Core's table. */
export function loyaltyV1(): AppDefinitionInput {
  return {
    manifest: manifest(
      IDS.loyalty,
      'Contoso Loyalty',
      'Contoso',
      '1.0.0.0',
      [50200, 50299],
      [{ id: IDS.core, name: 'Contoso Core', publisher: 'Contoso', version: '1.0.0.0' }],
    ),
    objects: [
      {
        type: 'tableextension',
        id: 50200,
        name: 'Tier Discount',
        extends: 'Loyalty Tier',
        fields: [{ id: 50200, name: 'Discount %', type: 'Decimal' }],
        modify: [],
      },
    ],
    tableData: [],
  };
}

/** Two apps that change the caption of Customer."Name": they conflict. */
export function notesV1(): AppDefinitionInput {
  return {
    manifest: manifest(IDS.notes, 'Tailspin Notes', 'Tailspin', '1.0.0.0', [70000, 70099]),
    objects: [
      {
        type: 'tableextension',
        id: 70000,
        name: 'Customer Notes',
        extends: 'Customer',
        fields: [{ id: 70000, name: 'Note', type: 'Text', length: 100 }],
        modify: [{ field: 'Name', properties: { caption: 'Customer Name' } }],
      },
    ],
    tableData: [],
  };
}

export function rivalV1(): AppDefinitionInput {
  return {
    manifest: manifest(IDS.rival, 'Fabrikam Rewards', 'Fabrikam', '1.0.0.0', [60000, 60099]),
    objects: [
      {
        type: 'tableextension',
        id: 60000,
        name: 'Customer Rewards',
        extends: 'Customer',
        fields: [{ id: 60000, name: 'Reward Level', type: 'Integer' }],
        modify: [{ field: 'Name', properties: { caption: 'Client Name' } }],
      },
    ],
    tableData: [],
  };
}

/** Needs an app that is never published. */
export function orphanV1(): AppDefinitionInput {
  return {
    manifest: manifest(
      IDS.orphan,
      'Orphan',
      'Nobody',
      '1.0.0.0',
      [80000, 80099],
      [{ id: '99999999-0000-4000-8000-000000000009', name: 'Ghost', publisher: 'Nobody', version: '1.0.0.0' }],
    ),
    objects: [],
    tableData: [],
  };
}

export function pkg(def: AppDefinitionInput): Buffer {
  return writePackage(def);
}

/** A temp folder that the returned cleanup removes. */
export function tempDir(prefix = 'tenantry-engine-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TestDeployment {
  d: Deployment;
  dir: string;
  folder: string;
  cleanup: () => void;
}

/** A deployment with the test application in a temp folder; `apps` are published (skip verification). */
export function testDeployment(opts: { apps?: AppDefinitionInput[]; tenants?: string[]; application?: Application; name?: string } = {}): TestDeployment {
  const { dir, cleanup } = tempDir();
  const folder = path.join(dir, opts.name ?? 'dep');
  const d = Deployment.create(folder, { application: opts.application ?? testApplication(), name: opts.name ?? 'dep' });
  for (const a of opts.apps ?? []) d.publish(pkg(a), { skipVerification: true });
  for (const t of opts.tenants ?? []) d.createTenant(t, { companies: COMPANIES });
  return {
    d,
    dir,
    folder,
    cleanup: () => {
      try {
        d.close();
      } finally {
        cleanup();
      }
    },
  };
}
