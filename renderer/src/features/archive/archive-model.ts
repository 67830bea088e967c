// The archive view's model: the entries that match the filters, totals, and the fleet view per extension
// ("which tenants hold archived data of extension X, and how much"). Pure, so it is tested without a browser.
import type { FleetArchiveEntry } from '../../../../shared/api/console.js';

export interface ArchiveFilters {
  search: string;
  deployment: string;
  extension: string;
  restorable: 'all' | 'yes' | 'no';
}

export const NO_ARCHIVE_FILTERS: ArchiveFilters = { search: '', deployment: 'all', extension: 'all', restorable: 'all' };

export function filterEntries(entries: readonly FleetArchiveEntry[], f: ArchiveFilters): FleetArchiveEntry[] {
  const q = f.search.trim().toLowerCase();
  return entries.filter(
    (e) =>
      (f.deployment === 'all' || e.connectionId === f.deployment) &&
      (f.extension === 'all' || e.appId === f.extension) &&
      (f.restorable === 'all' || (f.restorable === 'yes') === e.restore.possible) &&
      (!q || [e.tenantId, e.appName, e.publisher, e.company, e.table, e.version, e.connectionName].some((s) => s.toLowerCase().includes(q))),
  );
}

export interface Totals {
  entries: number;
  rows: number;
  bytes: number;
  tenants: number;
  extensions: number;
}

export function totals(entries: readonly FleetArchiveEntry[]): Totals {
  return {
    entries: entries.length,
    rows: entries.reduce((n, e) => n + e.rows, 0),
    bytes: entries.reduce((n, e) => n + (e.bytes ?? 0), 0),
    tenants: new Set(entries.map((e) => `${e.connectionId}/${e.tenantId}`)).size,
    extensions: new Set(entries.map((e) => e.appId)).size,
  };
}

export interface ExtensionHolding {
  appId: string;
  appName: string;
  publisher: string;
  versions: string[];
  rows: number;
  bytes: number;
  tenants: {
    key: string;
    connectionId: string;
    connectionName: string;
    tenantId: string;
    versions: string[];
    rows: number;
    bytes: number;
    entries: number;
    restorable: boolean;
  }[];
}

/** Per extension, the tenants holding its archived data with their rows and bytes, most rows first. */
export function byExtension(entries: readonly FleetArchiveEntry[]): ExtensionHolding[] {
  const out = new Map<string, ExtensionHolding>();
  for (const e of entries) {
    let x = out.get(e.appId);
    if (!x) out.set(e.appId, (x = { appId: e.appId, appName: e.appName, publisher: e.publisher, versions: [], rows: 0, bytes: 0, tenants: [] }));
    if (!x.versions.includes(e.version)) x.versions.push(e.version);
    x.rows += e.rows;
    x.bytes += e.bytes ?? 0;
    const key = `${e.connectionId}/${e.tenantId}`;
    let t = x.tenants.find((y) => y.key === key);
    if (!t)
      x.tenants.push(
        (t = {
          key,
          connectionId: e.connectionId,
          connectionName: e.connectionName,
          tenantId: e.tenantId,
          versions: [],
          rows: 0,
          bytes: 0,
          entries: 0,
          restorable: true,
        }),
      );
    if (!t.versions.includes(e.version)) t.versions.push(e.version);
    t.rows += e.rows;
    t.bytes += e.bytes ?? 0;
    t.entries++;
    t.restorable &&= e.restore.possible || e.kind === 'column';
  }
  const list = [...out.values()];
  for (const x of list) {
    x.tenants.sort((a, b) => b.rows - a.rows || a.tenantId.localeCompare(b.tenantId));
    x.versions.sort();
  }
  return list.sort((a, b) => b.rows - a.rows || a.appName.localeCompare(b.appName));
}
