// A synthetic, deterministic fleet snapshot for the matrix benchmarks (bench/scenarios/matrix-*.ts): N tenants over
// four deployments by M extensions with a dependency graph, each tenant holding a realistic share of the catalog
// (a tenth or so, with dependencies) and a sprinkle of upgrades, pending syncs, archives, failures and odd states.
// Generated in the page, so the benchmark measures rendering and not a transfer.
import type { DeploymentSnapshot, FleetCell, FleetExtension, FleetSnapshot, FleetTenant } from '../../../shared/api/console.js';

/** mulberry32: the same fleet on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PUBLISHERS = [
  'Contoso',
  'Fabrikam',
  'Litware',
  'Northwind',
  'Tailspin',
  'Woodgrove',
  'Adatum',
  'Proseware',
  'Wingtip',
  'Alpine Ski House',
  'Coho Winery',
  'Lucerne',
];
const NOUNS = [
  'Loyalty',
  'Payroll',
  'Freight',
  'Warehouse',
  'Service',
  'Banking',
  'Budget',
  'Quality',
  'Rental',
  'Retail',
  'Intrastat',
  'Fixed Assets',
  'Projects',
  'Leasing',
  'Helpdesk',
  'Field Service',
  'Pricing',
  'Returns',
  'Subscriptions',
  'Customs',
  'Audit',
  'EDI',
  'Courier',
  'Commissions',
  'Planning',
];
const KINDS = ['Core', 'Connector', 'Reports', 'Extensions', 'Localization', 'Essentials', 'Pro', 'Insights'];
const WORDS = [
  'contoso',
  'fabrikam',
  'northwind',
  'adventure',
  'litware',
  'tailspin',
  'woodgrove',
  'proseware',
  'wingtip',
  'alpine',
  'coho',
  'lucerne',
  'margie',
  'humongous',
  'fourth',
  'trey',
  'blue-yonder',
  'graphic',
  'southridge',
  'relecloud',
];
const TRADES = ['wholesale', 'retail', 'logistics', 'foods', 'motors', 'textiles', 'pharma', 'energy', 'builders', 'travel', 'media', 'labs'];
const DEPLOYMENTS = [
  { id: 'bench-east', name: 'East' },
  { id: 'bench-west', name: 'West' },
  { id: 'bench-north', name: 'North' },
  { id: 'bench-south', name: 'South' },
];

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0').slice(-w);
const appGuid = (i: number): string => `${hex(Math.imul(i + 1, 2654435761) >>> 0, 8)}-0000-4000-8000-${hex(i + 1, 12)}`;
const version = (major: number): string => `${major}.0.0.0`;

export interface FixtureSize {
  tenants: number;
  extensions: number;
  seed?: number;
}

export interface Fixture {
  fleet: FleetSnapshot;
  cells: number;
}

export function generateFleet({ tenants, extensions, seed = 20_170 }: FixtureSize): Fixture {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const asOf = '2025-06-01T08:00:00.000Z';

  // extensions: a layered dependency graph (each depends on 0-3 earlier ones, mostly of its own publisher)
  const exts: FleetExtension[] = [];
  const deps: number[][] = [];
  for (let i = 0; i < extensions; i++) {
    const publisher = PUBLISHERS[i % PUBLISHERS.length]!;
    const majors = 1 + Math.floor(r() * 4);
    const versions = Array.from({ length: majors }, (_, k) => version(k + 1));
    const d: number[] = [];
    const n = i < 12 ? 0 : Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      const j = r() < 0.7 ? i - PUBLISHERS.length * (1 + Math.floor(r() * Math.min(5, Math.floor(i / PUBLISHERS.length)))) : Math.floor(r() * i);
      if (j >= 0 && j < i && !d.includes(j)) d.push(j);
    }
    deps.push(d);
    exts.push({
      id: appGuid(i),
      name: `${publisher} ${NOUNS[Math.floor(i / PUBLISHERS.length) % NOUNS.length]!} ${KINDS[(i * 7) % KINDS.length]!}`,
      publisher,
      versions,
      latest: versions[versions.length - 1]!,
      dependencies: [],
      publishedOn: [],
    });
  }
  for (let i = 0; i < extensions; i++) {
    exts[i]!.dependencies = deps[i]!.map((j) => ({ id: exts[j]!.id, name: exts[j]!.name, version: version(1) }));
  }

  const deployments: DeploymentSnapshot[] = DEPLOYMENTS.map((d) => ({
    connectionId: d.id,
    name: d.name,
    kind: d.id === 'bench-south' ? 'remote' : 'local',
    asOf,
    live: true,
    application: { name: 'Base Application', version: '10.0.0.0' },
    tenants: [],
    published: [],
    cells: [],
  }));
  // every deployment publishes most of the catalog
  for (const d of deployments) {
    for (const e of exts) {
      if (r() < 0.9) {
        d.published.push({ id: e.id, versions: e.versions });
        e.publishedOn.push(d.connectionId);
      }
    }
  }

  let cellCount = 0;
  const states: FleetTenant['state'][] = ['sync-pending', 'data-upgrade-pending', 'dismounted', 'failed'];
  for (let t = 0; t < tenants; t++) {
    const d = deployments[t % deployments.length]!;
    const tenantId = `${pick(WORDS)}-${pick(TRADES)}-${String(t).padStart(5, '0')}`;
    const roll = r();
    const state: FleetTenant['state'] = roll < 0.94 ? 'operational' : states[Math.floor(((roll - 0.94) / 0.06) * states.length)]!;
    const tenant: FleetTenant = {
      key: `${d.connectionId}/${tenantId}`,
      connectionId: d.connectionId,
      tenantId,
      state,
      companies: Array.from({ length: 1 + Math.floor(r() * 3) }, (_, k) => `${tenantId} Co ${k + 1}`),
    };
    if (state === 'failed') tenant.failedOperation = 'upgrade';
    d.tenants.push(tenant);

    // a tenth of the catalog with its dependencies, plus archives of a few uninstalled ones
    const installed = new Set<number>();
    const want = Math.max(1, Math.round(extensions * (0.06 + r() * 0.08)));
    const add = (i: number): void => {
      if (installed.has(i)) return;
      installed.add(i);
      for (const j of deps[i]!) add(j);
    };
    while (installed.size < want) add(Math.floor(r() * extensions));
    const cells: FleetCell[] = [];
    for (const i of [...installed].sort((a, b) => a - b)) {
      const e = exts[i]!;
      const major = 1 + Math.floor(r() * e.versions.length);
      const cell: FleetCell = { tenantKey: tenant.key, appId: e.id, installed: version(major), syncPending: false, archived: [] };
      if (major < e.versions.length) cell.upgradeTo = e.latest;
      if (r() < 0.01) cell.syncPending = true;
      if (r() < 0.003)
        cell.lastFailed = { operation: 'upgrade', message: `TABLE_CONFLICT: field 50100 of table 18 is owned by ${exts[deps[i]?.[0] ?? 0]!.name}`, at: asOf };
      cells.push(cell);
    }
    const archives = Math.floor(r() * 3);
    for (let k = 0; k < archives; k++) {
      const i = Math.floor(r() * extensions);
      if (installed.has(i)) continue;
      installed.add(i);
      cells.push({ tenantKey: tenant.key, appId: exts[i]!.id, syncPending: false, archived: [version(1)] });
    }
    cellCount += cells.length;
    for (const c of cells) d.cells.push(c);
  }
  // as the console lists them (electron/backend/fleet.ts): tenants sorted by id, each tenant's cells together
  for (const d of deployments) d.tenants.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  return { fleet: { asOf, live: true, deployments, extensions: exts }, cells: cellCount };
}
