// The archive model: filters, totals and the per-extension fleet view.
import { describe, expect, it } from 'vitest';
import type { FleetArchiveEntry } from '../../../../shared/api/console.js';
import { NO_ARCHIVE_FILTERS, byExtension, filterEntries, totals } from './archive-model.js';

function entry(over: Partial<FleetArchiveEntry>): FleetArchiveEntry {
  return {
    archiveId: 1,
    appId: 'loyalty',
    appName: 'Contoso Loyalty',
    publisher: 'Contoso',
    version: '2.0.0.0',
    company: 'CRONUS',
    table: 'Customer',
    tableId: 18,
    kind: 'fields',
    rows: 10,
    bytes: 4096,
    archivedAt: '2025-01-01T00:00:00.000Z',
    reason: 'uninstall',
    key: 'e/t1/1',
    connectionId: 'e',
    connectionName: 'East',
    tenantId: 't1',
    restore: { possible: true, version: '2.0.0.0', action: 'restore', upgradeSteps: [], reason: '' },
    ...over,
  };
}

const entries = [
  entry({}),
  entry({ archiveId: 2, key: 'e/t1/2', table: 'Loyalty Setup', kind: 'table', rows: 1, bytes: 1024 }),
  entry({
    archiveId: 1,
    key: 'w/t9/1',
    connectionId: 'w',
    connectionName: 'West',
    tenantId: 't9',
    rows: 30,
    restore: { possible: false, version: null, action: null, upgradeSteps: [], reason: 'not published' },
  }),
  entry({
    archiveId: 3,
    key: 'e/t2/3',
    tenantId: 't2',
    appId: 'ship',
    appName: 'Fabrikam Shipping',
    publisher: 'Fabrikam',
    version: '1.0.0.0',
    rows: 5,
    bytes: null,
  }),
];

describe('archive model', () => {
  it('filters by text, deployment, extension and restorability', () => {
    expect(filterEntries(entries, { ...NO_ARCHIVE_FILTERS, search: 'setup' }).map((e) => e.key)).toEqual(['e/t1/2']);
    expect(filterEntries(entries, { ...NO_ARCHIVE_FILTERS, deployment: 'w' }).map((e) => e.tenantId)).toEqual(['t9']);
    expect(filterEntries(entries, { ...NO_ARCHIVE_FILTERS, extension: 'ship' })).toHaveLength(1);
    expect(filterEntries(entries, { ...NO_ARCHIVE_FILTERS, restorable: 'no' }).map((e) => e.tenantId)).toEqual(['t9']);
  });

  it('adds up rows and bytes, counting unmeasured sizes as zero', () => {
    expect(totals(entries)).toEqual({ entries: 4, rows: 46, bytes: 4096 + 1024 + 4096, tenants: 3, extensions: 2 });
  });

  it('groups per extension: the tenants that hold its data, most rows first', () => {
    const x = byExtension(entries);
    expect(x.map((e) => [e.appName, e.rows])).toEqual([
      ['Contoso Loyalty', 41],
      ['Fabrikam Shipping', 5],
    ]);
    expect(x[0]!.tenants.map((t) => [t.tenantId, t.connectionName, t.rows, t.entries, t.restorable])).toEqual([
      ['t9', 'West', 30, 1, false],
      ['t1', 'East', 11, 2, true],
    ]);
  });
});
