// The matrix as data: which rows (deployment groups and tenants) and columns (extensions) are shown after the
// filters, search and sort, and a cell lookup built lazily. Pure, so it is cheap to memoise and to test.
import { TENANT_STATES_BY_SEVERITY } from '../../../../shared/domain/tenant-state.js';
import type { DeploymentSnapshot, FleetCell, FleetExtension, FleetSnapshot, FleetTenant } from '../../../../shared/api/console.js';
import type { MatrixFilters, MatrixSort } from '../../app/store.js';

export type MatrixRow =
  { kind: 'group'; deployment: DeploymentSnapshot; shown: number } | { kind: 'tenant'; tenant: FleetTenant; deployment: DeploymentSnapshot };

/** A tenant's cells by extension id. */
export interface CellLookup {
  get(tenantKey: string): ReadonlyMap<string, FleetCell> | undefined;
}

export interface MatrixModel {
  rows: MatrixRow[];
  columns: FleetExtension[];
  /** tenantKey -> appId -> cell */
  cells: CellLookup;
  tenantCount: number;
  totalTenants: number;
  publishers: string[];
}

const STATE_ORDER: readonly string[] = TENANT_STATES_BY_SEVERITY;
const NO_CELLS: CellLookup = { get: () => undefined };

/**
 * The cells of a snapshot by tenant, indexed lazily: a deployment's cells are scanned the first time one of its
 * tenants is looked up, and a tenant's map is built the first time it is asked for. A fleet of 10,000 tenants holds
 * some 400,000 cells; indexing them all before the first paint took ~80 ms, while the first screen needs ~30 rows.
 * The scan records each tenant's runs of consecutive cells (the console lists a tenant's cells together), so it
 * costs one string comparison per cell, and stays correct when a tenant's cells are scattered.
 */
class LazyCellIndex implements CellLookup {
  private readonly runs = new Map<string, number[]>();
  private readonly rows = new Map<string, Map<string, FleetCell> | null>();
  private readonly scanned = new Set<DeploymentSnapshot>();

  constructor(private readonly deployments: readonly DeploymentSnapshot[]) {}

  get(tenantKey: string): ReadonlyMap<string, FleetCell> | undefined {
    const known = this.rows.get(tenantKey);
    if (known !== undefined) return known ?? undefined;
    const d = this.deploymentOf(tenantKey);
    if (d && !this.scanned.has(d)) this.scan(d);
    const runs = this.runs.get(tenantKey);
    let row: Map<string, FleetCell> | null = null;
    if (d && runs) {
      row = new Map();
      for (let r = 0; r < runs.length; r += 2) for (let i = runs[r]!; i < runs[r + 1]!; i++) row.set(d.cells[i]!.appId, d.cells[i]!);
    }
    this.rows.set(tenantKey, row);
    return row ?? undefined;
  }

  /** Tenant keys are `${connectionId}/${tenantId}`, and tenant ids hold no "/". */
  private deploymentOf(tenantKey: string): DeploymentSnapshot | undefined {
    const slash = tenantKey.lastIndexOf('/');
    const connectionId = tenantKey.slice(0, slash);
    return this.deployments.find((d) => d.connectionId === connectionId);
  }

  private scan(d: DeploymentSnapshot): void {
    this.scanned.add(d);
    const cells = d.cells;
    let prev: string | undefined;
    let start = 0;
    const close = (end: number): void => {
      if (prev === undefined || end <= start) return;
      const r = this.runs.get(prev);
      if (r) r.push(start, end);
      else this.runs.set(prev, [start, end]);
    };
    for (let i = 0; i < cells.length; i++) {
      const k = cells[i]!.tenantKey;
      if (k !== prev) {
        close(i);
        prev = k;
        start = i;
      }
    }
    close(cells.length);
  }
}

/** What the row filters and the "most extensions" sort need to know of a tenant's cells in the shown columns. */
function tenantStats(row: ReadonlyMap<string, FleetCell> | undefined, colIds: ReadonlySet<string>): { installed: number; upgrade: boolean; failed: boolean } {
  let installed = 0;
  let upgrade = false;
  let failed = false;
  if (row) {
    for (const c of row.values()) {
      if (!colIds.has(c.appId)) continue;
      if (c.installed) installed++;
      if (c.upgradeTo) upgrade = true;
      if (c.lastFailed) failed = true;
    }
  }
  return { installed, upgrade, failed };
}

// Tenant ids are lowercase letters, digits and "-" (TENANT_ID_PATTERN): code-unit order is their collation order,
// the same in every locale, and it costs no ICU call (a cold localeCompare cost ~6 ms of the first paint).
const byTenantId = (a: FleetTenant, b: FleetTenant): number => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : 0);
/** Whether tenants are in ascending id order already (as the console lists them): then neither a sort nor a copy. */
function inIdOrder(tenants: readonly FleetTenant[]): boolean {
  for (let i = 1; i < tenants.length; i++) if (tenants[i - 1]!.tenantId > tenants[i]!.tenantId) return false;
  return true;
}

/** Publisher names are prose: sorted for people, with one collator made when the module loads. */
const collator = new Intl.Collator();

export function buildMatrix(fleet: FleetSnapshot | null, f: MatrixFilters, sort: MatrixSort): MatrixModel {
  if (!fleet) return { rows: [], columns: [], cells: NO_CELLS, tenantCount: 0, totalTenants: 0, publishers: [] };
  const cells = new LazyCellIndex(fleet.deployments);
  const publishers = [...new Set(fleet.extensions.map((e) => e.publisher))].sort(collator.compare);
  const columns = fleet.extensions.filter((e) => (f.extension === 'all' || e.id === f.extension) && (f.publisher === 'all' || e.publisher === f.publisher));
  const colIds = new Set(columns.map((c) => c.id));
  const q = f.search.trim().toLowerCase();
  // per-tenant cell figures only when a filter or the sort asks for them: they touch every cell of the fleet
  const needStats = f.hasUpgrade || f.failed || sort === 'installed-desc';

  const rows: MatrixRow[] = [];
  let tenantCount = 0;
  let totalTenants = 0;
  for (const d of fleet.deployments) {
    totalTenants += d.tenants.length;
    if (f.deployment !== 'all' && d.connectionId !== f.deployment) continue;
    const installed = new Map<FleetTenant, number>();
    // without tenant filters, the deployment's list as it is (copied only if it has to be sorted, below)
    const unfiltered = f.state === 'all' && !q && !needStats;
    const tenants: FleetTenant[] = unfiltered ? d.tenants : [];
    if (!unfiltered)
      for (const t of d.tenants) {
        if (f.state !== 'all' && t.state !== f.state) continue;
        if (q && !t.tenantId.toLowerCase().includes(q) && !t.companies.some((c) => c.toLowerCase().includes(q))) continue;
        if (needStats) {
          const s = tenantStats(cells.get(t.key), colIds);
          if (f.hasUpgrade && !s.upgrade) continue;
          if (f.failed && !s.failed && t.state !== 'failed') continue;
          installed.set(t, s.installed);
        }
        tenants.push(t);
      }
    // The console lists tenants already sorted by id: a check in one loop then replaces the sort (a sort calls its
    // comparator once per tenant even on a sorted list); other orders sort a copy, stably.
    let order: (a: FleetTenant, b: FleetTenant) => number;
    switch (sort) {
      case 'tenant-desc':
        order = (a, b) => byTenantId(b, a);
        break;
      case 'installed-desc':
        order = (a, b) => installed.get(b)! - installed.get(a)! || byTenantId(a, b);
        break;
      case 'state':
        order = (a, b) => STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) || byTenantId(a, b);
        break;
      default:
        order = byTenantId;
    }
    const shown = sort === 'tenant-asc' && inIdOrder(tenants) ? tenants : (unfiltered ? [...tenants] : tenants).sort(order);
    if (shown.length === 0 && (f.deployment !== 'all' || q || f.state !== 'all' || f.hasUpgrade || f.failed)) continue;
    rows.push({ kind: 'group', deployment: d, shown: shown.length });
    for (const t of shown) rows.push({ kind: 'tenant', tenant: t, deployment: d });
    tenantCount += shown.length;
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
