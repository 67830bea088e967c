// The fleet generator for benchmarks: extension definitions with a realistic dependency graph, deployments with many
// tenants, rows in bulk. Fast enough that the benchmarks spend their time measuring, not generating.
import fs from 'node:fs';
import path from 'node:path';
import type { AppDefinitionInput } from '../../shared/domain/app-definition.js';
import type { Field } from '../../shared/domain/objects.js';
import { Deployment } from '../../platform/engine/deployment.js';
import { DEFAULT_APPLICATION } from '../../platform/engine/default-application.js';
import { writePackage } from '../../platform/package/index.js';

/** A deterministic pseudo-random generator (mulberry32), so every run builds the same fleet. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function guid(n: number, salt = 0xbe): string {
  const h = (n * 2654435761 + salt).toString(16).padStart(8, '0').slice(-8);
  const tail = n.toString(16).padStart(12, '0');
  return `${h}-0000-4000-8000-${tail}`;
}

const fieldsFor = (base: number, count: number): Field[] => {
  const out: Field[] = [{ id: 1, name: 'Entry No.', type: 'Integer' }];
  const kinds: Field['type'][] = ['Text', 'Decimal', 'Date', 'Code', 'Boolean'];
  for (let i = 0; i < count; i++) {
    const type = kinds[i % kinds.length]!;
    const f: Field = { id: base + i, name: `Value ${i + 1}`, type };
    if (type === 'Text' || type === 'Code') f.length = type === 'Text' ? 100 : 20;
    out.push(f);
  }
  return out;
};

export interface BenchAppOptions {
  index: number;
  tables: number;
  fieldsPerTable?: number;
  /** Fields added to Customer (a companion table per company). */
  customerFields?: number;
  dependencies?: { index: number; version?: string }[];
  version?: string;
  /** Rows of table data per table, loaded on first install. */
  dataRows?: number;
}

/** One benchmark extension with `tables` tables of its own, in its own id range. */
export function benchApp(o: BenchAppOptions): AppDefinitionInput {
  const from = 70_000_000 + o.index * 1000;
  const objects: AppDefinitionInput['objects'] = [];
  for (let t = 0; t < o.tables; t++) {
    objects.push({
      type: 'table',
      id: from + t,
      name: `Bench ${o.index} Table ${t + 1}`,
      fields: fieldsFor(from + 100, o.fieldsPerTable ?? 5),
      keys: [{ fields: ['Entry No.'] }],
    });
  }
  if ((o.customerFields ?? 0) > 0) {
    objects.push({
      type: 'tableextension',
      id: from + 500,
      name: `Bench ${o.index} Customer`,
      extends: 'Customer',
      fields: Array.from({ length: o.customerFields! }, (_, i) => ({ id: from + 600 + i, name: `Bench ${o.index} Field ${i + 1}`, type: 'Decimal' as const })),
    });
  }
  const tableData = o.dataRows
    ? objects
        .filter((x) => x.type === 'table')
        .map((x) => ({ table: x.name, rows: Array.from({ length: o.dataRows! }, (_, r) => ({ 'Entry No.': r + 1, 'Value 1': `Row ${r + 1}` })) }))
    : [];
  return {
    manifest: {
      id: guid(o.index),
      name: `Bench App ${o.index}`,
      publisher: `Bench Publisher ${o.index % 7}`,
      version: o.version ?? '1.0.0.0',
      idRanges: [{ from, to: from + 999 }],
      application: '1.0.0.0',
      dependencies: (o.dependencies ?? []).map((d) => ({
        id: guid(d.index),
        name: `Bench App ${d.index}`,
        publisher: `Bench Publisher ${d.index % 7}`,
        version: d.version ?? '1.0.0.0',
      })),
    },
    objects,
    tableData,
  };
}

/**
 * A catalog of `count` extensions with a realistic dependency graph: a few foundation apps, most apps depending on one
 * or two earlier ones, some chains four or five deep. Returned in a shuffled order.
 */
export function benchCatalog(count: number, seed = 42): AppDefinitionInput[] {
  const r = rng(seed);
  const apps: AppDefinitionInput[] = [];
  for (let i = 0; i < count; i++) {
    const deps: { index: number }[] = [];
    if (i >= 5) {
      const n = r() < 0.3 ? 0 : r() < 0.7 ? 1 : 2;
      for (let k = 0; k < n; k++) {
        const d = Math.floor(r() * i);
        if (!deps.some((x) => x.index === d)) deps.push({ index: d });
      }
    }
    apps.push(benchApp({ index: i, tables: 1 + Math.floor(r() * 3), dependencies: deps, customerFields: r() < 0.3 ? 1 : 0 }));
  }
  for (let i = apps.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [apps[i], apps[j]] = [apps[j]!, apps[i]!];
  }
  return apps;
}

export function packageOf(def: AppDefinitionInput): Buffer {
  return writePackage(def);
}

/** A fresh deployment with the default application and `tenants` tenants of one company each. */
export function benchDeployment(folder: string, tenants: number, companies = ['CRONUS']): Deployment {
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  const d = Deployment.create(folder, { application: DEFAULT_APPLICATION, name: path.basename(folder) });
  for (let i = 0; i < tenants; i++) d.createTenant(`tenant-${String(i).padStart(5, '0')}`, { companies });
  return d;
}

export function tenantIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `tenant-${String(i).padStart(5, '0')}`);
}
