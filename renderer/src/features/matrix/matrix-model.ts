// The matrix as data: which rows (deployment groups and tenants) and columns (extensions) are shown after the
// filters, search and sort, and a fast cell lookup. Pure, so it is cheap to memoise and to test.
import type { DeploymentSnapshot, FleetCell, FleetExtension, FleetSnapshot, FleetTenant } from '../../../../shared/api/console.js';
import type { MatrixFilters, MatrixSort } from '../../app/store.js';

export type MatrixRow =
  | { kind: 'group'; deployment: DeploymentSnapshot; shown: number }
  | { kind: 'tenant'; tenant: FleetTenant; deployment: DeploymentSnapshot; installed: number };

export interface MatrixModel {
  rows: MatrixRow[];
  columns: FleetExtension[];
  /** tenantKey -> appId -> cell */
  cells: Map<string, Map<string, FleetCell>>;
  tenantCount: number;
  totalTenants: number;
  publishers: string[];
}

const STATE_ORDER = ['failed', 'sync-pending', 'data-upgrade-pending', 'dismounted', 'operational'];

export function buildMatrix(fleet: FleetSnapshot | null, f: MatrixFilters, sort: MatrixSort): MatrixModel {
  const cells = new Map<string, Map<string, FleetCell>>();
  if (!fleet) return { rows: [], columns: [], cells, tenantCount: 0, totalTenants: 0, publishers: [] };
  for (const d of fleet.deployments) {
    for (const c of d.cells) {
      let row = cells.get(c.tenantKey);
      if (!row) cells.set(c.tenantKey, (row = new Map()));
      row.set(c.appId, c);
    }
  }
  const publishers = [...new Set(fleet.extensions.map((e) => e.publisher))].sort((a, b) => a.localeCompare(b));
  const columns = fleet.extensions.filter((e) => (f.extension === 'all' || e.id === f.extension) && (f.publisher === 'all' || e.publisher === f.publisher));
  const colIds = new Set(columns.map((c) => c.id));
  const q = f.search.trim().toLowerCase();

  const rows: MatrixRow[] = [];
  let tenantCount = 0;
  let totalTenants = 0;
  for (const d of fleet.deployments) {
    totalTenants += d.tenants.length;
    if (f.deployment !== 'all' && d.connectionId !== f.deployment) continue;
    const tenants: { tenant: FleetTenant; installed: number }[] = [];
    for (const t of d.tenants) {
      if (f.state !== 'all' && t.state !== f.state) continue;
      if (q && !t.tenantId.toLowerCase().includes(q) && !t.companies.some((c) => c.toLowerCase().includes(q))) continue;
      const row = cells.get(t.key);
      let installed = 0;
      let upgrade = false;
      let failed = t.state === 'failed';
      if (row) {
        for (const c of row.values()) {
          if (!colIds.has(c.appId)) continue;
          if (c.installed) installed++;
          if (c.upgradeTo) upgrade = true;
          if (c.lastFailed) failed = true;
        }
      }
      if (f.hasUpgrade && !upgrade) continue;
      if (f.failed && !failed) continue;
      tenants.push({ tenant: t, installed });
    }
    tenants.sort((a, b) => {
      switch (sort) {
        case 'tenant-desc':
          return b.tenant.tenantId.localeCompare(a.tenant.tenantId);
        case 'installed-desc':
          return b.installed - a.installed || a.tenant.tenantId.localeCompare(b.tenant.tenantId);
        case 'state':
          return STATE_ORDER.indexOf(a.tenant.state) - STATE_ORDER.indexOf(b.tenant.state) || a.tenant.tenantId.localeCompare(b.tenant.tenantId);
        default:
          return a.tenant.tenantId.localeCompare(b.tenant.tenantId);
      }
    });
    if (tenants.length === 0 && (f.deployment !== 'all' || q || f.state !== 'all' || f.hasUpgrade || f.failed)) continue;
    rows.push({ kind: 'group', deployment: d, shown: tenants.length });
    for (const t of tenants) rows.push({ kind: 'tenant', tenant: t.tenant, deployment: d, installed: t.installed });
    tenantCount += tenants.length;
  }
  return { rows, columns, cells, tenantCount, totalTenants, publishers };
}

/** What a cell says, in words, for screen readers and tooltips. */
export function describeCell(tenantId: string, ext: FleetExtension, c: FleetCell | undefined): string {
  const parts: string[] = [];
  parts.push(c?.installed ? `${ext.name} ${c.installed} installed` : `${ext.name} not installed`);
  if (c?.upgradeTo) parts.push(`upgrade to ${c.upgradeTo} available`);
  if (c?.syncPending) parts.push('sync pending');
  if (c?.archived.length) parts.push(`archived data of ${c.archived.join(', ')}`);
  if (c?.lastFailed) parts.push(`last ${c.lastFailed.operation} failed: ${c.lastFailed.message}`);
  return `${tenantId}: ${parts.join('; ')}`;
}
