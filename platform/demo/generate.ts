// `tenantry demo <folder>`: builds two local deployments, east and west, on the same application version, so
// every feature has something to show: the demo extensions published (all versions to east, a subset to west,
// so a move pre-check finds something missing), twenty tenants with companies and business data, a mix of
// installed extensions with rows in extension fields, an upgrade that ran, one tenant left on an older version,
// and archived data from an uninstall. Deterministic for a given seed; everything goes through invoke().
import fs from 'node:fs';
import path from 'node:path';
import { TenantryError, type Invoker, type JsonValue } from '../../shared/api/index.js';
import { compareVersions, dependencyOrder, type Manifest } from '../../shared/domain/index.js';
import { DEFAULT_APPLICATION } from '../engine/default-application.js';
import { Deployment } from '../engine/deployment.js';
import { packSourceFolder, readSourceFolder, signingKeyFromPem, type SigningKey } from '../package/index.js';
import { DEMO_EXTENSIONS_DIR, demoExtensionFolders } from './demo-sources.js';

export interface DemoOptions {
  seed?: number;
  /** Progress lines while it works (the CLI prints them dimmed). */
  progress?: (line: string) => void;
}

export interface DemoTenant {
  id: string;
  deployment: 'east' | 'west';
  companies: string[];
  apps: { name: string; version: string }[];
  rows: number;
}

export interface DemoSummary {
  folder: string;
  seed: number;
  deployments: { name: 'east' | 'west'; folder: string; published: { name: string; publisher: string; version: string; signed: boolean }[]; tenants: number }[];
  tenants: DemoTenant[];
  archived: { tenantId: string; app: string; version: string; rows: number }[];
  upgraded: { tenantId: string; app: string; from: string; to: string }[];
  upgradeAvailable: { tenantId: string; app: string; installed: string; available: string }[];
  notOnWest: { name: string; version: string }[];
  lines: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: tiny, fast, good enough for demo data, and the same on every machine. */
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

class Dice {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  money(min: number, max: number, step = 100): number {
    return Math.round((min + this.next() * (max - min)) / step) * step;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The cast

const EAST_TENANTS = [
  'contoso-retail',
  'contoso-wholesale',
  'fabrikam-eu',
  'fabrikam-us',
  'northwind-traders',
  'tailspin-toys',
  'litware-labs',
  'wideworld-importers',
  'adatum-hq',
  'alpine-ski-house',
  'coho-winery',
  'fourth-coffee',
  'proseware',
  'trey-research',
] as const;
const WEST_TENANTS = ['woodgrove-bank', 'margies-travel', 'lucerne-publishing', 'relecloud', 'wingtip-toys', 'blue-yonder-airlines'] as const;

const CORE = 'Contoso Core';
const LOYALTY = 'Contoso Loyalty';
const REPORTS = 'Contoso Loyalty Reports';
const SHIPPING = 'Fabrikam Shipping';
const CREDIT = 'Northwind Credit Control';
const FIELD_SERVICE = 'Tailspin Field Service';
const INSIGHTS = 'Litware Customer Insights';
const COMMISSION = 'Sales Commission';
const ATTRIBUTES = 'Item Attributes';

/** What each tenant gets installed (in this order; dependencies come with installDependencies). */
const INSTALLS: Record<string, { app: string; version?: string }[]> = {
  'contoso-retail': [{ app: CORE }, { app: LOYALTY }, { app: REPORTS }, { app: SHIPPING }],
  'contoso-wholesale': [{ app: CORE }, { app: LOYALTY, version: '1.0.0.0' }, { app: SHIPPING, version: '1.0.0.0' }],
  'fabrikam-eu': [{ app: SHIPPING }],
  'fabrikam-us': [{ app: SHIPPING }, { app: CREDIT }],
  'northwind-traders': [{ app: CREDIT }, { app: COMMISSION }],
  'tailspin-toys': [{ app: FIELD_SERVICE }, { app: ATTRIBUTES }],
  'litware-labs': [{ app: CORE }, { app: INSIGHTS }],
  'wideworld-importers': [{ app: COMMISSION }, { app: ATTRIBUTES }, { app: SHIPPING }],
  'adatum-hq': [{ app: ATTRIBUTES }, { app: LOYALTY }],
  'alpine-ski-house': [{ app: FIELD_SERVICE }, { app: CREDIT }],
  'coho-winery': [{ app: LOYALTY, version: '1.0.0.0' }],
  'fourth-coffee': [{ app: REPORTS }],
  proseware: [],
  'trey-research': [{ app: FIELD_SERVICE }, { app: INSIGHTS }],
  'woodgrove-bank': [{ app: CREDIT }],
  'margies-travel': [{ app: SHIPPING }],
  'lucerne-publishing': [{ app: COMMISSION }],
  relecloud: [{ app: LOYALTY }],
  'wingtip-toys': [{ app: ATTRIBUTES }],
  'blue-yonder-airlines': [{ app: CORE }],
};
/** After data is in: coho-winery is upgraded 1.0 -> 2.0 (steps run), adatum-hq uninstalls Loyalty (archive). */
const UPGRADE = { tenantId: 'coho-winery', app: LOYALTY, to: '2.0.0.0' };
const UNINSTALL = { tenantId: 'adatum-hq', app: LOYALTY };
/** West lacks these (name@version), so moving some east tenants fails the pre-check. */
const NOT_ON_WEST = new Set([`${LOYALTY}@1.0.0.0`, `${REPORTS}@1.0.0.0`, `${SHIPPING}@1.0.0.0`, `${FIELD_SERVICE}@1.0.0.0`, `${INSIGHTS}@1.0.0.0`]);
/** Publishers whose demo packages are signed (with fixed demo keys, so the demo stays deterministic). */
const SIGNING_SEEDS: Record<string, string> = { Contoso: 'contoso-demo-signing-key', Fabrikam: 'fabrikam-demo-signing-key' };

const COMPANY_SUFFIXES = [
  { suffix: 'UK Ltd.', country: 'GB', currency: '' },
  { suffix: 'GmbH', country: 'DE', currency: 'EUR' },
  { suffix: 'Inc.', country: 'US', currency: 'USD' },
  { suffix: 'France SAS', country: 'FR', currency: 'EUR' },
  { suffix: 'Danmark A/S', country: 'DK', currency: 'DKK' },
  { suffix: 'Nederland B.V.', country: 'NL', currency: 'EUR' },
] as const;

const CITIES: Record<string, readonly [string, string][]> = {
  GB: [
    ['London', 'WC1 3DG'],
    ['Manchester', 'M61 2BU'],
    ['Birmingham', 'B27 4KT'],
    ['Leeds', 'LS17 9JH'],
    ['Bristol', 'BS3 6KL'],
  ],
  DE: [
    ['Berlin', '12555'],
    ['München', '80331'],
    ['Hamburg', '20097'],
    ['Köln', '50667'],
  ],
  US: [
    ['Seattle', '98101'],
    ['Chicago', '60601'],
    ['Atlanta', '30301'],
    ['Boston', '02108'],
    ['Denver', '80202'],
  ],
  FR: [
    ['Paris', '75008'],
    ['Lyon', '69002'],
    ['Marseille', '13001'],
  ],
  DK: [
    ['København', '1160'],
    ['Aarhus', '8000'],
    ['Odense', '5000'],
  ],
  NL: [
    ['Amsterdam', '1012 AB'],
    ['Rotterdam', '3011 AD'],
    ['Utrecht', '3511 AX'],
  ],
};

const CUSTOMER_NAMES = [
  'Adatum Corporation',
  'Trey Research',
  'School of Fine Art',
  'Alpine Ski House',
  'Relecloud',
  'Coho Winery',
  'Litware Inc.',
  'Graphic Design Institute',
  'Lamna Healthcare Company',
  "Munson's Pickles and Preserves",
  'Nod Publishers',
  'Humongous Insurance',
  'Bellows College',
  'Consolidated Messenger',
  'VanArsdel Ltd.',
  'Tailwind Traders',
  'First Up Consultants',
  'Southridge Video',
  'Best For You Organics Company',
  'Boulder Innovations',
  'City Power & Light',
  'Contoso Pharmaceuticals',
  'Datum Hotels',
  'Woodgrove Bank',
  'Northwind Traders',
  'Wingtip Toys',
  'Proseware, Inc.',
  'Fabrikam Residences',
  "Margie's Travel",
  'Fourth Coffee',
] as const;
const CONTACTS = [
  'Robert Townes',
  'Helen Ray',
  'Meagan Bond',
  'Ian Deberry',
  'Jesper Aaberg',
  'Lina Townsend',
  'Mark McArthur',
  'Sofia Guerrero',
  'Kaito Tanaka',
  'Anna Lindqvist',
  'Joe Healy',
  'Amy Albers',
];
const VENDOR_NAMES = [
  'Fabrikam, Inc.',
  'First Up Consultants',
  'Graphic Design Institute',
  'Wide World Importers',
  'London Postmaster',
  'AR Day Property Management',
  'Nod Publishers',
  'Mundy Office Supplies',
];
const ITEMS: readonly [string, string, number][] = [
  ['1896-S', 'ATHENS Desk', 1000.8],
  ['1900-S', 'PARIS Guest Chair, black', 192.8],
  ['1906-S', 'ATHENS Mobile Pedestal', 281.4],
  ['1908-S', 'LONDON Swivel Chair, blue', 190.1],
  ['1920-S', 'ANTWERP Conference Table', 649.4],
  ['1928-S', 'AMSTERDAM Lamp', 54.9],
  ['1936-S', 'BERLIN Guest Chair, yellow', 192.8],
  ['1960-S', 'ROME Guest Chair, green', 192.8],
  ['1964-S', 'TOKYO Guest Chair, blue', 192.8],
  ['1968-S', 'MEXICO Swivel Chair, black', 190.1],
  ['1972-S', 'MUNICH Swivel Chair, yellow', 190.1],
  ['1980-S', 'MOSCOW Swivel Chair, red', 190.1],
  ['1988-S', 'SEOUL Guest Chair, red', 192.8],
  ['1996-S', 'ATLANTA Whiteboard, base', 1397.3],
  ['2000-S', 'SYDNEY Swivel Chair, green', 190.1],
  ['70000', 'Side Panel', 32.1],
  ['70001', 'Base', 10.3],
  ['70010', 'Top Panel', 26.9],
];
const GL_ACCOUNTS: readonly [string, string, string, string][] = [
  ['10100', 'Checking account', 'Posting', 'Balance Sheet'],
  ['10200', 'Saving account', 'Posting', 'Balance Sheet'],
  ['10300', 'Petty Cash', 'Posting', 'Balance Sheet'],
  ['10400', 'Accounts Receivable', 'Posting', 'Balance Sheet'],
  ['20100', 'Accounts Payable', 'Posting', 'Balance Sheet'],
  ['30100', 'Capital Stock', 'Posting', 'Balance Sheet'],
  ['40000', 'INCOME STATEMENT', 'Heading', 'Income Statement'],
  ['40100', 'Income, Services', 'Posting', 'Income Statement'],
  ['40200', 'Income, Product Sales', 'Posting', 'Income Statement'],
  ['50100', 'Cost of Materials', 'Posting', 'Income Statement'],
  ['60100', 'Wages', 'Posting', 'Income Statement'],
  ['60200', 'Rent', 'Posting', 'Income Statement'],
];
const SALESPEOPLE: readonly [string, string][] = [
  ['JO', 'Jim Olive'],
  ['PS', 'Peter Saddow'],
  ['OF', 'Otis Falls'],
  ['LM', 'Linda Martin'],
  ['RB', 'Robin Bettencourt'],
];

// ---------------------------------------------------------------------------------------------------------------

interface DemoPackage {
  folder: string;
  manifest: Manifest;
  base64: string;
  signed: boolean;
}

type Row = Record<string, JsonValue>;

export async function generateDemo(folder: string, opts: DemoOptions = {}): Promise<DemoSummary> {
  const seed = opts.seed ?? 2017;
  const say = opts.progress ?? (() => undefined);
  if (fs.existsSync(folder) && (!fs.statSync(folder).isDirectory() || fs.readdirSync(folder).length > 0)) {
    throw new TenantryError('BAD_INPUT', `${folder}: not empty; the demo is created only in an empty or new folder`, { folder });
  }
  fs.mkdirSync(folder, { recursive: true });
  const dice = new Dice(seed);
  const actor = 'tenantry demo';

  say('packing demo extensions');
  const packages = await packAll();
  const east = Deployment.create(path.join(folder, 'east'), { application: DEFAULT_APPLICATION, name: 'East (primary)' });
  const west = Deployment.create(path.join(folder, 'west'), { application: DEFAULT_APPLICATION, name: 'West (secondary)' });
  try {
    const summary: DemoSummary = { folder, seed, deployments: [], tenants: [], archived: [], upgraded: [], upgradeAvailable: [], notOnWest: [], lines: [] };
    for (const [name, d, pkgs] of [
      ['east', east, packages],
      ['west', west, packages.filter((p) => !NOT_ON_WEST.has(`${p.manifest.name}@${p.manifest.version}`))],
    ] as const) {
      say(`publishing ${pkgs.length} packages to ${name}`);
      for (const p of pkgs) {
        await d.invoke('app.publish', { package: p.base64, fileName: `${p.folder}.app`, skipVerification: !p.signed, actor });
      }
      summary.deployments.push({
        name,
        folder: path.join(folder, name),
        published: pkgs.map((p) => ({ name: p.manifest.name, publisher: p.manifest.publisher, version: p.manifest.version, signed: p.signed })),
        tenants: name === 'east' ? EAST_TENANTS.length : WEST_TENANTS.length,
      });
    }
    summary.notOnWest = packages
      .filter((p) => NOT_ON_WEST.has(`${p.manifest.name}@${p.manifest.version}`))
      .map((p) => ({ name: p.manifest.name, version: p.manifest.version }));

    const appIdOf = (name: string) => packages.find((p) => p.manifest.name === name)!.manifest.id;
    for (const [deploymentName, d, ids] of [
      ['east', east, EAST_TENANTS],
      ['west', west, WEST_TENANTS],
    ] as const) {
      for (const tenantId of ids) {
        say(`tenant ${tenantId} (${deploymentName})`);
        const companies = companiesFor(tenantId, dice);
        await d.invoke('tenant.create', {
          tenantId,
          companies: companies.map((c) => c.name),
          alternateIds: [`${tenantId}.${deploymentName}.tenantry.example`],
          actor,
        });
        let rows = 0;
        for (const c of companies) rows += await loadBaseData(d, tenantId, c, dice, actor);
        for (const step of INSTALLS[tenantId] ?? []) {
          const out = await d.invoke('tenant.install', {
            tenantIds: [tenantId],
            appId: appIdOf(step.app),
            ...(step.version ? { version: step.version } : {}),
            installDependencies: true,
            actor,
          });
          const failed = out.results.find((r) => !r.ok);
          if (failed)
            throw new TenantryError('INTERNAL', `demo: installing ${step.app} in ${tenantId} failed: ${failed.error?.code}: ${failed.error?.message}`);
        }
        const installed = new Set((INSTALLS[tenantId] ?? []).map((s) => s.app));
        const loyaltyV1 = (INSTALLS[tenantId] ?? []).some((s) => s.app === LOYALTY && s.version === '1.0.0.0');
        for (const c of companies) rows += await loadExtensionData(d, tenantId, c, installed, loyaltyV1, dice, actor);
        summary.tenants.push({ id: tenantId, deployment: deploymentName, companies: companies.map((c) => c.name), apps: [], rows });
      }
    }

    say(`upgrading ${UPGRADE.app} in ${UPGRADE.tenantId} to ${UPGRADE.to}`);
    const up = await east.invoke('tenant.upgrade', { tenantIds: [UPGRADE.tenantId], appId: appIdOf(UPGRADE.app), version: UPGRADE.to, actor });
    const upResult = up.results[0];
    if (!upResult?.ok) throw new TenantryError('INTERNAL', `demo: upgrade in ${UPGRADE.tenantId} failed: ${upResult?.error?.message ?? 'no result'}`);
    summary.upgraded.push({ tenantId: UPGRADE.tenantId, app: UPGRADE.app, from: upResult.from ?? '?', to: upResult.to ?? UPGRADE.to });

    say(`uninstalling ${UNINSTALL.app} from ${UNINSTALL.tenantId} (its data is archived)`);
    const un = await east.invoke('tenant.uninstall', { tenantId: UNINSTALL.tenantId, appId: appIdOf(UNINSTALL.app), actor });
    for (const a of un.archives) summary.archived.push({ tenantId: UNINSTALL.tenantId, app: a.appName, version: a.version, rows: a.rows });

    // What each tenant ended up with, read back through the contract.
    for (const t of summary.tenants) {
      const d = t.deployment === 'east' ? east : west;
      const apps = await d.invoke('tenant.apps', { tenantId: t.id });
      t.apps = apps.apps.map((a) => ({ name: a.name, version: a.version }));
      for (const a of apps.apps)
        if (a.upgradeAvailable) summary.upgradeAvailable.push({ tenantId: t.id, app: a.name, installed: a.version, available: a.upgradeAvailable });
    }
    summary.lines = renderSummary(summary);
    return summary;
  } finally {
    east.close();
    west.close();
  }
}

function renderSummary(s: DemoSummary): string[] {
  const lines = [`demo created in ${s.folder} (seed ${s.seed})`];
  for (const d of s.deployments) {
    lines.push(
      `  ${d.name}: ${d.folder}: ${d.published.length} packages published (${d.published.filter((p) => p.signed).length} signed), ${d.tenants} tenants`,
    );
  }
  const totalRows = s.tenants.reduce((n, t) => n + t.rows, 0);
  const installs = s.tenants.reduce((n, t) => n + t.apps.length, 0);
  lines.push(
    `  ${s.tenants.length} tenants, ${s.tenants.reduce((n, t) => n + t.companies.length, 0)} companies, ${totalRows} rows, ${installs} installed extensions`,
  );
  for (const u of s.upgraded) lines.push(`  upgraded: ${u.app} ${u.from} -> ${u.to} in ${u.tenantId}`);
  for (const u of s.upgradeAvailable) lines.push(`  upgrade available: ${u.app} ${u.installed} -> ${u.available} in ${u.tenantId}`);
  if (s.archived.length > 0) {
    lines.push(
      `  archived: ${s.archived.reduce((n, a) => n + a.rows, 0)} rows of ${[...new Set(s.archived.map((a) => `${a.app} ${a.version}`))].join(', ')} in ${[...new Set(s.archived.map((a) => a.tenantId))].join(', ')}`,
    );
  }
  lines.push(`  not published on west: ${s.notOnWest.map((a) => `${a.name} ${a.version}`).join(', ')}`);
  lines.push('try:');
  lines.push(`  tenantry tenant list --deployment ${path.join(s.folder, 'east')}`);
  lines.push(`  tenantry tenant move contoso-retail --to ${path.join(s.folder, 'west')} --precheck-only --deployment ${path.join(s.folder, 'east')}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// Packages

/** A fixed Ed25519 key per demo publisher: PKCS#8 DER of a seed derived from a string. */
async function demoKey(label: string): Promise<SigningKey> {
  const { createHash } = await import('node:crypto');
  const seed = createHash('sha256').update(label).digest();
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const pem = `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`;
  return signingKeyFromPem(pem);
}

/** Every demo extension packed, in publishing order: dependencies first, lower versions first. */
async function packAll(): Promise<DemoPackage[]> {
  const folders = demoExtensionFolders();
  const defs = folders.map((f) => ({ folder: f, manifest: readSourceFolder(path.join(DEMO_EXTENSIONS_DIR, f)).manifest }));
  const apps = dependencyOrder(
    defs
      .filter((d, i) => defs.findIndex((e) => e.manifest.id === d.manifest.id) === i)
      .map((d) => ({ id: d.manifest.id, name: d.manifest.name, dependencies: d.manifest.dependencies })),
  );
  const ordered = apps.flatMap((a) => defs.filter((d) => d.manifest.id === a.id).sort((x, y) => compareVersions(x.manifest.version, y.manifest.version)));
  const out: DemoPackage[] = [];
  for (const d of ordered) {
    const keySeed = SIGNING_SEEDS[d.manifest.publisher];
    const signingKey = keySeed ? await demoKey(keySeed) : undefined;
    const { bytes } = await packSourceFolder(path.join(DEMO_EXTENSIONS_DIR, d.folder), signingKey ? { signingKey } : {});
    out.push({ folder: d.folder, manifest: d.manifest, base64: bytes.toString('base64'), signed: signingKey !== undefined });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Data

interface Company {
  name: string;
  country: string;
  currency: string;
}

function displayName(tenantId: string): string {
  return tenantId
    .split('-')
    .map((w) => (w === 'hq' ? 'HQ' : w === 'eu' ? 'EU' : w === 'us' ? 'US' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

function companiesFor(tenantId: string, dice: Dice): Company[] {
  const n = dice.int(1, 3);
  const start = dice.int(0, COMPANY_SUFFIXES.length - 1);
  const base = displayName(tenantId);
  return Array.from({ length: n }, (_, i) => {
    const s = COMPANY_SUFFIXES[(start + i) % COMPANY_SUFFIXES.length]!;
    return { name: `${base} ${s.suffix}`, country: s.country, currency: s.currency };
  });
}

const isoDate = (dayOffset: number): string => new Date(Date.UTC(2025, 0, 6) + dayOffset * 86_400_000).toISOString().slice(0, 10);

async function insert(d: Invoker, tenantId: string, company: string, table: string, rows: Row[], actor: string): Promise<number> {
  if (rows.length === 0) return 0;
  const out = await d.invoke('record.insertMany', { tenantId, company, table, rows, actor });
  return out.inserted;
}

/** Customers, vendors, items, G/L, sales orders: what every company of every tenant has. */
async function loadBaseData(d: Invoker, tenantId: string, c: Company, dice: Dice, actor: string): Promise<number> {
  const cities = CITIES[c.country]!;
  let rows = 0;
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Payment Terms',
    [
      { Code: '14 DAYS', 'Due Date Calculation': '14D', Description: 'Net 14 days' },
      { Code: '1M(8D)', 'Due Date Calculation': '1M', 'Discount Date Calculation': '8D', 'Discount %': 2, Description: '1 Month/2% 8 days' },
      { Code: 'CM', 'Due Date Calculation': 'CM', Description: 'Current month' },
    ],
    actor,
  );
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Currency',
    [
      { Code: 'EUR', Description: 'Euro', Symbol: '€', 'Last Date Modified': isoDate(0) },
      { Code: 'USD', Description: 'US dollar', Symbol: '$', 'Last Date Modified': isoDate(0) },
      { Code: 'DKK', Description: 'Danish krone', Symbol: 'kr.', 'Last Date Modified': isoDate(0) },
    ],
    actor,
  );
  const people = SALESPEOPLE.slice(0, dice.int(3, SALESPEOPLE.length));
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Salesperson/Purchaser',
    people.map(([code, name]) => ({ Code: code, Name: name, 'Commission %': dice.int(1, 5), 'E-Mail': `${code.toLowerCase()}@${tenantId}.example` })),
    actor,
  );
  const locations = ['MAIN', 'EAST', 'WEST'].slice(0, dice.int(1, 3));
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Location',
    locations.map((code, i) => {
      const [city, post] = cities[i % cities.length]!;
      return {
        Code: code,
        Name: code === 'MAIN' ? 'Main warehouse' : `${city} warehouse`,
        Address: `${10 + i * 7} Harbour Road`,
        City: city,
        'Post Code': post,
        'Country/Region Code': c.country,
        'Require Shipment': i === 0,
      };
    }),
    actor,
  );
  rows += await insert(
    d,
    tenantId,
    c.name,
    'G/L Account',
    GL_ACCOUNTS.map(([no, name, type, ib]) => ({
      'No.': no,
      Name: name,
      'Search Name': name.toUpperCase(),
      'Account Type': type,
      'Income/Balance': ib,
      'Direct Posting': type === 'Posting',
    })),
    actor,
  );

  const customerCount = dice.int(6, 18);
  const customers: Row[] = [];
  for (let i = 0; i < customerCount; i++) {
    const name = CUSTOMER_NAMES[(i * 7 + dice.int(0, 3)) % CUSTOMER_NAMES.length]!;
    const [city, post] = dice.pick(cities);
    customers.push({
      'No.': `C${String((i + 1) * 10).padStart(5, '0')}`,
      Name: name,
      'Search Name': name.toUpperCase(),
      Address: `${dice.int(1, 250)} ${dice.pick(['Main Street', 'Station Road', 'Park Avenue', 'Church Lane', 'Market Square'])}`,
      City: city,
      'Post Code': post,
      'Country/Region Code': c.country,
      Contact: dice.pick(CONTACTS),
      'Phone No.': `+${dice.int(10, 99)} ${dice.int(100, 999)} ${dice.int(1000, 9999)}`,
      'E-Mail': `info@${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`,
      'Salesperson Code': dice.pick(people)[0],
      'Payment Terms Code': dice.pick(['14 DAYS', '1M(8D)', 'CM']),
      'Currency Code': c.currency,
      'Credit Limit (LCY)': dice.money(0, 50_000, 500),
      Blocked: dice.chance(0.1) ? 'Ship' : 'None',
      'Location Code': dice.pick(locations),
      'Last Date Modified': isoDate(dice.int(0, 300)),
    });
  }
  rows += await insert(d, tenantId, c.name, 'Customer', customers, actor);
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Vendor',
    VENDOR_NAMES.slice(0, dice.int(3, VENDOR_NAMES.length)).map((name, i) => {
      const [city, post] = dice.pick(cities);
      return {
        'No.': `V${String((i + 1) * 10).padStart(5, '0')}`,
        Name: name,
        'Search Name': name.toUpperCase(),
        City: city,
        'Post Code': post,
        'Country/Region Code': c.country,
        'Purchaser Code': dice.pick(people)[0],
        'Payment Terms Code': '1M(8D)',
      };
    }),
    actor,
  );
  const items = ITEMS.slice(0, dice.int(8, ITEMS.length));
  rows += await insert(
    d,
    tenantId,
    c.name,
    'Item',
    items.map(([no, desc, price]) => ({
      'No.': no,
      Description: desc,
      'Search Description': desc.toUpperCase(),
      'Base Unit of Measure': 'PCS',
      Type: 'Inventory',
      'Unit Price': price,
      'Unit Cost': Math.round(price * 0.62 * 100) / 100,
      'Vendor No.': 'V00010',
      'Gross Weight': dice.int(1, 40),
      'Net Weight': dice.int(1, 35),
    })),
    actor,
  );

  const orders: Row[] = [];
  const lines: Row[] = [];
  const ledger: Row[] = [];
  const orderCount = dice.int(2, 6);
  for (let i = 0; i < orderCount; i++) {
    const cust = dice.pick(customers);
    const no = `SO-${1001 + i}`;
    let amount = 0;
    const lineCount = dice.int(1, 4);
    for (let l = 0; l < lineCount; l++) {
      const [itemNo, desc, price] = dice.pick(items);
      const qty = dice.int(1, 12);
      const lineAmount = Math.round(qty * price * 100) / 100;
      amount += lineAmount;
      lines.push({
        'Document Type': 'Order',
        'Document No.': no,
        'Line No.': (l + 1) * 10000,
        'Sell-to Customer No.': cust['No.']!,
        Type: 'Item',
        'No.': itemNo,
        Description: desc,
        Quantity: qty,
        'Unit of Measure Code': 'PCS',
        'Unit Price': price,
        'Line Amount': lineAmount,
        'Location Code': dice.pick(locations),
      });
    }
    const day = dice.int(0, 320);
    orders.push({
      'Document Type': 'Order',
      'No.': no,
      'Sell-to Customer No.': cust['No.']!,
      'Bill-to Customer No.': cust['No.']!,
      'Sell-to Customer Name': cust['Name']!,
      'Bill-to Name': cust['Name']!,
      'Order Date': isoDate(day),
      'Posting Date': isoDate(day),
      'Shipment Date': isoDate(day + 3),
      'Due Date': isoDate(day + 30),
      'Payment Terms Code': cust['Payment Terms Code']!,
      'Salesperson Code': cust['Salesperson Code']!,
      'Location Code': cust['Location Code']!,
      'Currency Code': c.currency,
      'External Document No.': `PO-${dice.int(10000, 99999)}`,
      Status: dice.pick(['Open', 'Released']),
      Amount: Math.round(amount * 100) / 100,
      'Amount Including VAT': Math.round(amount * 125) / 100,
    });
  }
  customers.slice(0, Math.min(customers.length, 8)).forEach((cust, i) => {
    const amount = dice.money(200, 20_000, 10);
    const open = dice.chance(0.4);
    ledger.push({
      'Entry No.': i + 1,
      'Customer No.': cust['No.']!,
      'Posting Date': isoDate(i * 11),
      'Document Type': 'Invoice',
      'Document No.': `PSI-${103000 + i}`,
      Description: `Invoice PSI-${103000 + i}`,
      'Currency Code': c.currency,
      Amount: amount,
      'Remaining Amount': open ? amount : 0,
      'Amount (LCY)': amount,
      Open: open,
      'Due Date': isoDate(i * 11 + 30),
      'Salesperson Code': cust['Salesperson Code']!,
    });
  });
  rows += await insert(d, tenantId, c.name, 'Sales Header', orders, actor);
  rows += await insert(d, tenantId, c.name, 'Sales Line', lines, actor);
  rows += await insert(d, tenantId, c.name, 'Cust. Ledger Entry', ledger, actor);
  rows += await insert(
    d,
    tenantId,
    c.name,
    'G/L Entry',
    ledger.map((e, i) => ({
      'Entry No.': i + 1,
      'G/L Account No.': '10400',
      'Posting Date': e['Posting Date']!,
      'Document Type': 'Invoice',
      'Document No.': e['Document No.']!,
      Description: e['Description']!,
      Amount: e['Amount']!,
      'Debit Amount': e['Amount']!,
      'Credit Amount': 0,
      'Transaction No.': i + 1,
      'Source Code': 'SALES',
    })),
    actor,
  );
  return rows;
}

/** Rows that live in extension tables and extension fields, for the extensions installed in the tenant. */
async function loadExtensionData(
  d: Invoker,
  tenantId: string,
  c: Company,
  installed: ReadonlySet<string>,
  loyaltyV1: boolean,
  dice: Dice,
  actor: string,
): Promise<number> {
  let rows = 0;
  const has = (app: string) =>
    installed.has(app) ||
    (app === CORE && (installed.has(LOYALTY) || installed.has(REPORTS) || installed.has(SHIPPING))) ||
    (app === LOYALTY && installed.has(REPORTS));
  const [city, post] = dice.pick(CITIES[c.country]!);
  const newCustomer = (no: string, name: string, extra: Row): Row => ({
    'No.': no,
    Name: name,
    'Search Name': name.toUpperCase(),
    City: city,
    'Post Code': post,
    'Country/Region Code': c.country,
    'Currency Code': c.currency,
    Blocked: 'None',
    ...extra,
  });

  if (has(CORE)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Customer',
      [
        newCustomer('K00010', 'Contoso Flagship Store', {
          'Region Code': dice.pick(['NORTH', 'SOUTH', 'EAST', 'WEST']),
          'Customer Since': isoDate(-400),
          'Key Account': true,
        }),
        newCustomer('K00020', 'Contoso Outlet Centre', { 'Region Code': 'CENTRAL', 'Customer Since': isoDate(-120), 'Key Account': false }),
      ],
      actor,
    );
  }
  if (has(LOYALTY)) {
    const members: Row[] = [];
    const n = dice.int(3, 8);
    for (let i = 0; i < n; i++) {
      // v1 keeps a free-text level that v2 renames to "Loyalty Tier Name" (an upgrade step), so fill the field of the installed version
      const level = dice.pick(['Bronze', 'Silver', 'Gold']);
      members.push(
        newCustomer(`L${String((i + 1) * 10).padStart(5, '0')}`, dice.pick(CONTACTS), {
          'Loyalty Points': dice.int(0, 40) * 25,
          [loyaltyV1 ? 'Loyalty Level' : 'Loyalty Tier Name']: level,
        }),
      );
    }
    rows += await insert(d, tenantId, c.name, 'Customer', members, actor);
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Loyalty Transaction',
      members.map((m, i) => ({
        'Entry No.': i + 1,
        'Customer No.': m['No.']!,
        'Posting Date': isoDate(i * 9),
        Points: m['Loyalty Points']!,
        Description: 'Welcome and purchase points',
        'Source Document No.': `SO-${1001 + (i % 3)}`,
      })),
      actor,
    );
  }
  if (has(SHIPPING)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Sales Header',
      [1, 2, 3].map((i) => ({
        'Document Type': 'Order',
        'No.': `SO-S${100 + i}`,
        'Sell-to Customer No.': 'K00010',
        'Order Date': isoDate(200 + i),
        'Package Tracking No.': `1Z${dice.int(100000, 999999)}${dice.int(1000, 9999)}`,
        'Shipment Status': dice.pick(['Pending', 'Shipped', 'Delivered']),
      })),
      actor,
    );
  }
  if (has(CREDIT)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Customer',
      [
        newCustomer('N00010', 'Northwind Credit Watch Ltd.', {
          'Credit Rating': dice.pick(['AAA', 'AA', 'A', 'BBB']),
          'Credit Review Date': isoDate(dice.int(0, 200)),
          'Credit Insurance Limit': dice.money(5_000, 100_000, 1000),
          'Credit Limit (LCY)': 25_000,
        }),
      ],
      actor,
    );
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Credit Review',
      [1, 2].map((i) => ({
        'Entry No.': i,
        'Customer No.': 'N00010',
        'Review Date': isoDate(i * 90),
        'Old Credit Limit': 10_000 * i,
        'New Credit Limit': 10_000 * (i + 1),
        Reviewer: dice.pick(CONTACTS),
        Comment: 'Annual review',
      })),
      actor,
    );
  }
  if (has(FIELD_SERVICE)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Service Visit',
      Array.from({ length: dice.int(2, 5) }, (_, i) => ({
        'No.': `SV-${2001 + i}`,
        'Customer No.': 'C00010',
        'Item No.': '1896-S',
        'Technician Code': dice.pick(['T-ALEX', 'T-MARIA', 'T-SAM']),
        'Visit Date': isoDate(i * 14),
        Status: dice.pick(['Planned', 'Completed', 'In Progress']),
        Notes: 'Annual desk maintenance',
      })),
      actor,
    );
  }
  if (has(COMMISSION)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Sales Line',
      [1, 2].map((i) => ({
        'Document Type': 'Quote',
        'Document No.': 'SQ-1001',
        'Line No.': i * 10000,
        Type: 'Item',
        'No.': '1900-S',
        Description: 'PARIS Guest Chair, black',
        Quantity: i * 4,
        'Unit Price': 192.8,
        'Line Amount': Math.round(i * 4 * 192.8 * 100) / 100,
        'Commission %': 2.5,
        'Commission Amount': Math.round(i * 4 * 192.8 * 2.5) / 100,
      })),
      actor,
    );
  }
  if (has(ATTRIBUTES)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Item',
      [
        {
          'No.': 'AD-1000',
          Description: 'Ergonomic chair, red, L',
          'Base Unit of Measure': 'PCS',
          Type: 'Inventory',
          'Unit Price': 249,
          'Attribute Set Code': 'CHAIRS',
          Color: 'Red',
          Size: 'L',
        },
        {
          'No.': 'AD-1001',
          Description: 'Ergonomic chair, blue, M',
          'Base Unit of Measure': 'PCS',
          Type: 'Inventory',
          'Unit Price': 239,
          'Attribute Set Code': 'CHAIRS',
          Color: 'Blue',
          Size: 'M',
        },
      ],
      actor,
    );
  }
  if (has(INSIGHTS)) {
    rows += await insert(
      d,
      tenantId,
      c.name,
      'Customer',
      [
        newCustomer('I00010', 'Litware Insight Pilot', {
          'Churn Risk %': dice.int(1, 60),
          'Loyalty Points': dice.int(0, 100),
          'Last Interaction': isoDate(dice.int(100, 300)),
        }),
      ],
      actor,
    );
  }
  return rows;
}
