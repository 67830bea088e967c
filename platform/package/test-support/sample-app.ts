// Test helper: a small but complete extension (every object type, table data, upgrade steps) and its
// package files, to start valid and break one thing at a time. Not used by production code.
import type { AppDefinitionInput } from '../../../shared/domain/app-definition.js';

export const SAMPLE_ID = '6f1d9a52-8c1e-4b7a-9d3e-0a5b2c4d6e8f';

export function sampleManifest(): Record<string, unknown> {
  return {
    id: SAMPLE_ID,
    name: 'Fleet Management',
    publisher: 'Contoso',
    version: '1.2.0.0',
    brief: 'Vehicles and drivers',
    dependencies: [],
    idRanges: [{ from: 50100, to: 50149 }],
    application: '1.0.0.0',
  };
}

export function sampleObjects(): Record<string, unknown>[] {
  return [
    {
      type: 'table',
      id: 50100,
      name: 'Fleet Vehicle',
      fields: [
        { id: 50100, name: 'No.', type: 'Code', length: 20 },
        { id: 50101, name: 'Description', type: 'Text', length: 100 },
        { id: 50102, name: 'Status', type: 'Enum', enum: 'Fleet Status' },
        { id: 50103, name: 'Mileage', type: 'Decimal' },
      ],
      keys: [{ fields: ['No.'] }],
    },
    {
      type: 'tableextension',
      id: 50101,
      name: 'Customer Fleet',
      extends: 'Customer',
      fields: [{ id: 50110, name: 'Fleet Size', type: 'Integer' }],
      modify: [{ field: 'Name', properties: { caption: 'Customer Name' } }],
    },
    { type: 'page', id: 50100, name: 'Fleet Vehicles', pageType: 'List', sourceTable: 'Fleet Vehicle', controls: [{ name: 'No.', field: 'No.' }] },
    {
      type: 'pageextension',
      id: 50101,
      name: 'Customer Card Fleet',
      extends: 'Customer Card',
      controls: [{ name: 'Fleet Size', field: 'Fleet Size', anchor: { position: 'after', control: 'Name' } }],
    },
    {
      type: 'enum',
      id: 50100,
      name: 'Fleet Status',
      values: [
        { id: 0, name: 'Active' },
        { id: 1, name: 'Retired' },
      ],
    },
    { type: 'enumextension', id: 50101, name: 'Blocked Fleet', extends: 'Customer Blocked', values: [{ id: 50120, name: 'Fleet' }] },
    { type: 'permissionset', id: 50100, name: 'FLEET EDIT', permissions: [{ objectType: 'tabledata', object: 'Fleet Vehicle', read: true, insert: true }] },
    {
      type: 'codeunit',
      id: 50100,
      name: 'Fleet Setup',
      subtype: 'Upgrade',
      subscribers: [
        {
          name: 'Default Fleet Size',
          event: 'record.inserted',
          table: 'Customer',
          stage: 'pre-operation',
          order: 10,
          action: { op: 'setField', field: 'Fleet Size', value: 0 },
        },
      ],
      install: [{ tag: 'FLEET-INIT-1', actions: [{ op: 'setValue', table: 'Customer', field: 'Fleet Size', value: 0, onlyIfEmpty: true }] }],
      upgrade: [
        {
          tag: 'FLEET-1.2-MILEAGE',
          fromMin: '1.0.0.0',
          fromMax: '1.1.9.9',
          actions: [{ op: 'renameField', table: 'Fleet Vehicle', from: 'Km', to: 'Mileage' }],
        },
      ],
    },
  ];
}

export function sampleTableData(): Record<string, unknown>[] {
  return [
    {
      table: 'Fleet Vehicle',
      rows: [
        { 'No.': 'V-001', Description: 'Van', Status: 'Active', Mileage: 12000.5 },
        { 'No.': 'V-002', Description: 'Truck', Status: 'Retired', Mileage: 0 },
      ],
    },
    { table: 'Customer', rows: [{ 'No.': '10000', 'Fleet Size': 3 }] },
  ];
}

export function sampleDefinition(): AppDefinitionInput {
  return { manifest: sampleManifest(), objects: sampleObjects(), tableData: sampleTableData() } as AppDefinitionInput;
}

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;

/** The sample as package files, one object type per file: change or add entries to break it. */
export function sampleFiles(): Record<string, string | Buffer> {
  const objects = sampleObjects();
  const files: Record<string, string | Buffer> = { 'app.json': json(sampleManifest()) };
  for (const type of ['table', 'tableextension', 'page', 'pageextension', 'enum', 'enumextension', 'permissionset', 'codeunit']) {
    files[`objects/${type}s.json`] = json(objects.filter((o) => o.type === type));
  }
  files['data/fleet-vehicle.json'] = json(sampleTableData()[0]);
  files['data/customer.json'] = json(sampleTableData()[1]);
  return files;
}
