// `tenantry demo`: creates what it says (two deployments, twenty tenants, installs, an archive, a pending
// upgrade, a west catalog missing some extensions), deterministically, and refuses a folder that is not empty.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../shared/api/index.js';
import type { DemoSummary } from '../demo/generate.js';
import { expectCode, parseJson, runCli, TempDirs } from './cli-harness.js';

const temp = new TempDirs();
let root = '';
let summary: DemoSummary;
const east = () => path.join(root, 'demo', 'east');
const west = () => path.join(root, 'demo', 'west');
const json = async <T>(deployment: string, ...args: string[]): Promise<T> =>
  parseJson<T>(expectCode(await runCli([...args, '--deployment', deployment, '--json']), 0));

beforeAll(async () => {
  root = temp.make();
  summary = parseJson<DemoSummary>(expectCode(await runCli(['demo', path.join(root, 'demo'), '--json']), 0));
});
afterAll(() => temp.cleanup());

describe('tenantry demo', () => {
  it('creates two deployments with twenty tenants between them', async () => {
    const e = await json<OperationOutput<'tenant.list'>>(east(), 'tenant', 'list');
    const w = await json<OperationOutput<'tenant.list'>>(west(), 'tenant', 'list');
    expect(e.tenants).toHaveLength(14);
    expect(w.tenants).toHaveLength(6);
    expect(new Set([...e.tenants, ...w.tenants].map((t) => t.id)).size).toBe(20);
    for (const t of [...e.tenants, ...w.tenants]) {
      expect(t.state).toBe('operational');
      expect(t.companies.length).toBeGreaterThanOrEqual(1);
      expect(t.companies.length).toBeLessThanOrEqual(3);
    }
    expect(e.tenants.filter((t) => t.installedApps > 0).length).toBeGreaterThanOrEqual(10);
    const ei = await json<OperationOutput<'deployment.info'>>(east(), 'deployment', 'info');
    const wi = await json<OperationOutput<'deployment.info'>>(west(), 'deployment', 'info');
    expect(ei.application.version).toBe(wi.application.version);
  });

  it('publishes every demo extension to east and a subset to west', async () => {
    const e = await json<OperationOutput<'app.catalog'>>(east(), 'info');
    const w = await json<OperationOutput<'app.catalog'>>(west(), 'info');
    expect(e.apps.length).toBeGreaterThanOrEqual(10);
    expect(w.apps.length).toBeLessThan(e.apps.length);
    expect(
      e.apps
        .filter((a) => a.name === 'Contoso Loyalty')
        .map((a) => a.version)
        .sort(),
    ).toEqual(['1.0.0.0', '2.0.0.0']);
    expect(e.apps.some((a) => a.signed)).toBe(true);
    expect(e.apps.some((a) => a.skippedVerification)).toBe(true);
  });

  it('leaves archived data, a tenant on v1 of an upgradable extension, and rows in extension fields', async () => {
    const archived = await json<OperationOutput<'archive.list'>>(east(), 'archive', 'list', '--tenant', 'adatum-hq');
    expect(archived.archives.length).toBeGreaterThan(0);
    expect(archived.archives.reduce((n, a) => n + a.rows, 0)).toBeGreaterThan(0);
    const wholesale = await json<OperationOutput<'tenant.apps'>>(east(), 'info', '--tenant', 'contoso-wholesale');
    expect(wholesale.apps.find((a) => a.name === 'Contoso Loyalty')).toMatchObject({ version: '1.0.0.0', upgradeAvailable: '2.0.0.0' });
    const coho = await json<OperationOutput<'tenant.get'>>(east(), 'tenant', 'show', 'coho-winery');
    const company = coho.companies[0]!;
    const page = await json<OperationOutput<'record.page'>>(
      east(),
      'data',
      'rows',
      'Customer',
      '--tenant',
      'coho-winery',
      '--company',
      company,
      '--limit',
      '200',
    );
    const members = page.rows.filter((r) => String(r['No.']).startsWith('L'));
    expect(members.length).toBeGreaterThan(0);
    // the v1 -> v2 upgrade ran its steps: lifetime points copied from points
    for (const m of members) expect(m['Lifetime Points']).toBe(m['Loyalty Points']);
    expect(summary.upgraded).toEqual([expect.objectContaining({ tenantId: 'coho-winery', from: '1.0.0.0', to: '2.0.0.0' })]);
  });

  it('lets a move pre-check find an extension missing on west', async () => {
    const r = expectCode(await runCli(['tenant', 'move', 'contoso-retail', '--to', west(), '--precheck-only', '--deployment', east()]), 1);
    expect(r.stderr).toMatch(/^error MOVE_PRECHECK_FAILED: .*Contoso Loyalty Reports/m);
  });

  it('is deterministic for a seed and refuses a folder that is not empty', async () => {
    const again = parseJson<DemoSummary>(expectCode(await runCli(['demo', path.join(root, 'again'), '--json']), 0));
    const shape = (s: DemoSummary) => s.tenants.map((t) => ({ ...t }));
    expect(shape(again)).toEqual(shape(summary));
    const r = expectCode(await runCli(['demo', path.join(root, 'demo')]), 1);
    expect(r.stderr).toMatch(/^error BAD_INPUT: .*not empty/m);
    expect(fs.readdirSync(path.join(root, 'demo')).sort()).toEqual(['east', 'west']);
  });
});
