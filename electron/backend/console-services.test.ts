// The console services end to end against real local deployments made by the demo generator: connections,
// the fleet snapshot, plans, jobs (progress, results, cancel), the audit trail, and the offline cache.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetSnapshot, JobEvent } from '../../shared/api/console.js';
import { generateDemo } from '../../platform/demo/generate.js';
import { ConsoleServices } from './console-services.js';
import { makeTempDir } from './test-support/temp-dir.js';
import { DEMO_CORE as CORE, DEMO_LITWARE as LITWARE, DEMO_LOYALTY as LOYALTY } from '../../platform/demo/demo-apps.js';

/** adds "Loyalty Points" to Customer too: installing Contoso Loyalty next to it is a conflict */

const tmp = makeTempDir();
const demo = path.join(tmp.dir, 'demo');
const data = path.join(tmp.dir, 'console');
let services: ConsoleServices;
let eastId = '';
let westId = '';

beforeAll(async () => {
  await generateDemo(demo);
  services = new ConsoleServices({ dataDir: data, host: 'browser', actor: 'ada@test' });
});
afterAll(async () => {
  await services?.close();
  tmp.cleanup();
});

const cellOf = (f: FleetSnapshot, connectionId: string, tenantId: string, appId: string) =>
  f.deployments.find((d) => d.connectionId === connectionId)?.cells.find((c) => c.tenantKey === `${connectionId}/${tenantId}` && c.appId === appId);

describe('console services', () => {
  it('adds local connections after checking the folder is a deployment; refuses one that is not, changing nothing', async () => {
    const east = await services.call('connections.add', { kind: 'local', name: 'East', folder: path.join(demo, 'east') });
    const west = await services.call('connections.add', { kind: 'local', name: 'West', folder: path.join(demo, 'west') });
    eastId = east.id;
    westId = west.id;
    const notDeployment = path.join(tmp.dir, 'empty');
    fs.mkdirSync(notDeployment);
    const r = await services.handle('connections.add', { kind: 'local', name: 'Nope', folder: notDeployment });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(notDeployment);
    const missing = await services.handle('connections.add', { kind: 'local', name: 'Gone', folder: path.join(tmp.dir, 'missing') });
    expect(missing.ok).toBe(false);
    expect((await services.call('connections.list', {})).map((c) => c.name)).toEqual(['East', 'West']);
    const test = await services.call('connections.test', { id: eastId });
    expect(test).toMatchObject({ ok: true, tenantCount: 14 });
  });

  it('reads the fleet: every tenant, every extension as a column, installed versions, upgrades and archives', async () => {
    const f = await services.call('fleet.snapshot', {});
    expect(f.live).toBe(true);
    expect(f.deployments.map((d) => [d.name, d.tenants.length])).toEqual([
      ['East', 14],
      ['West', 6],
    ]);
    expect(f.extensions.map((e) => e.name)).toContain('Contoso Loyalty');
    expect(f.extensions.find((e) => e.id === LOYALTY)?.versions).toEqual(['1.0.0.0', '2.0.0.0']);
    expect(cellOf(f, eastId, 'contoso-wholesale', LOYALTY)).toMatchObject({ installed: '1.0.0.0', upgradeTo: '2.0.0.0' });
    expect(cellOf(f, eastId, 'adatum-hq', LOYALTY)).toMatchObject({ archived: ['2.0.0.0'] });
    expect(cellOf(f, eastId, 'adatum-hq', LOYALTY)?.installed).toBeUndefined();
  });

  it('plans an install with its dependency, installs on five tenants as a job with progress, and shows it in the cells', async () => {
    const before = await services.call('fleet.snapshot', {});
    const free = (t: { connectionId: string; tenantId: string }): boolean =>
      !cellOf(before, t.connectionId, t.tenantId, CORE)?.installed &&
      !cellOf(before, t.connectionId, t.tenantId, LOYALTY) &&
      !cellOf(before, t.connectionId, t.tenantId, LITWARE)?.installed;
    // across both deployments, as a person selecting cells in the matrix would
    const candidates = before.deployments
      .flatMap((d) => d.tenants)
      .filter(free)
      .slice(0, 5);
    expect(candidates).toHaveLength(5);
    expect(new Set(candidates.map((c) => c.connectionId)).size).toBe(2);
    const targets = candidates.map((t) => ({ connectionId: t.connectionId, tenantId: t.tenantId, appId: LOYALTY }));

    const plan = await services.call('jobs.plan', { action: 'install', targets });
    expect(plan.runnable).toBe(5);
    for (const item of plan.items) {
      expect(item.action).toBe('install');
      expect(item.addDependencies.map((d) => d.name)).toEqual(['Contoso Core']);
    }

    const events: JobEvent[] = [];
    const off = services.onJobEvent((e) => events.push(e));
    const { jobId } = await services.call('jobs.start', { action: 'install', targets });
    const job = await services.jobs.settled(jobId);
    off();
    expect(job.state).toBe('succeeded');
    expect(job.items.map((i) => i.state)).toEqual(Array(5).fill('succeeded'));
    expect(job.items[0]!.message).toMatch(/Contoso Core .*Contoso Loyalty|Contoso Loyalty/);
    expect(events.filter((e) => e.item?.state === 'running')).toHaveLength(5);
    expect(events.at(-1)?.job.state).toBe('succeeded');

    const after = await services.call('fleet.snapshot', {});
    for (const t of candidates) {
      expect(cellOf(after, t.connectionId, t.tenantId, LOYALTY)?.installed).toBe('2.0.0.0');
      expect(cellOf(after, t.connectionId, t.tenantId, CORE)?.installed).toBe('1.0.0.0');
    }
    const audit = await services.call('audit.list', { limit: 50 });
    const installs = audit.entries.filter((e) => e.action === 'tenant.install' && e.jobId === jobId);
    expect(installs).toHaveLength(5);
    expect(
      installs.every((e) => e.result === 'succeeded' && e.opId && e.actor === 'ada@test' && (e.connectionName === 'East' || e.connectionName === 'West')),
    ).toBe(true);
    expect((await services.call('audit.verify', {})).ok).toBe(true);
  });

  it('plans an uninstall with the rows it archives, runs it, and the cell shows the archive marker', async () => {
    const f = await services.call('fleet.snapshot', {});
    const tenant = f.deployments
      .find((d) => d.connectionId === eastId)!
      .tenants.find(
        (t) =>
          cellOf(f, eastId, t.tenantId, LOYALTY)?.installed &&
          !f.deployments[0]!.cells.some((c) => c.tenantKey === t.key && c.appId === '8a3c1f20-5b7e-4c1d-9e2a-1c0d5e6f7a03' && c.installed),
      )!;
    const targets = [{ connectionId: eastId, tenantId: tenant.tenantId, appId: LOYALTY }];
    const plan = await services.call('jobs.plan', { action: 'uninstall', targets });
    expect(plan.items[0]!.action).toBe('uninstall');
    const { jobId } = await services.call('jobs.start', { action: 'uninstall', targets });
    const job = await services.jobs.settled(jobId);
    expect(job.state).toBe('succeeded');
    expect(job.items[0]!.message).toMatch(/rows archived/);
    const after = await services.call('fleet.snapshot', {});
    const cell = cellOf(after, eastId, tenant.tenantId, LOYALTY);
    expect(cell?.installed).toBeUndefined();
    expect(cell?.archived.length).toBeGreaterThan(0);
    if (plan.archivedRows > 0) expect(plan.items[0]!.archive.length).toBeGreaterThan(0);
  });

  it("a conflicting install fails on that tenant with the engine's message naming both extensions", async () => {
    const f = await services.call('fleet.snapshot', {});
    const t = f.deployments
      .find((d) => d.connectionId === eastId)!
      .tenants.find((x) => cellOf(f, eastId, x.tenantId, LITWARE)?.installed && !cellOf(f, eastId, x.tenantId, LOYALTY))!;
    const { jobId } = await services.call('jobs.start', { action: 'install', targets: [{ connectionId: eastId, tenantId: t.tenantId, appId: LOYALTY }] });
    const job = await services.jobs.settled(jobId);
    expect(job.state).toBe('failed');
    expect(job.items[0]).toMatchObject({ state: 'failed', errorCode: 'CONFLICT' });
    expect(job.items[0]!.message).toMatch(/Litware Customer Insights.*Contoso Loyalty.*Loyalty Points/);
    const after = await services.call('fleet.snapshot', {});
    expect(cellOf(after, eastId, t.tenantId, LOYALTY)?.lastFailed?.message).toMatch(/Loyalty Points/);
  });

  it('skips what cannot run and says why in the plan', async () => {
    const plan = await services.call('jobs.plan', {
      action: 'install',
      targets: [
        { connectionId: eastId, tenantId: 'contoso-wholesale', appId: LOYALTY },
        {
          connectionId: westId,
          tenantId: (await services.call('fleet.snapshot', {})).deployments[1]!.tenants[0]!.tenantId,
          appId: '8a3c1f20-5b7e-4c1d-9e2a-1c0d5e6f7a03',
        },
      ],
    });
    expect(plan.items[0]).toMatchObject({ action: 'skip' });
    expect(plan.items[0]!.reason).toMatch(/already installed.*upgrade to 2\.0\.0\.0/);
    expect(plan.items[1]).toMatchObject({ action: 'skip' });
    expect(plan.items[1]!.reason).toMatch(/not published/);
  });

  it('cancels a job between tenants: the tenant in progress completes, the rest are cancelled', async () => {
    const f = await services.call('fleet.snapshot', {});
    const tenants = f.deployments
      .find((d) => d.connectionId === westId)!
      .tenants.filter((t) => !cellOf(f, westId, t.tenantId, '4c7d2e88-9a1b-4f3c-8d2e-7b6a5c4d3e01')?.installed);
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    const { jobId } = await services.call('jobs.start', {
      action: 'install',
      targets: tenants.map((t) => ({ connectionId: westId, tenantId: t.tenantId, appId: '4c7d2e88-9a1b-4f3c-8d2e-7b6a5c4d3e01' })),
    });
    const cancelled = await services.call('jobs.cancel', { jobId });
    expect(cancelled.cancelRequested).toBe(true);
    const job = await services.jobs.settled(jobId);
    expect(job.state).toBe('cancelled');
    expect(job.items[0]!.state).toBe('succeeded');
    expect(job.items.slice(1).every((i) => i.state === 'cancelled')).toBe(true);
    expect((await services.call('jobs.list', { limit: 10 }))[0]!.id).toBe(jobId);
  });

  it('runs one contract operation through deployment.call, validated by its schema and audited', async () => {
    const info = await services.call('deployment.call', { connectionId: eastId, op: 'deployment.info', input: {} });
    expect(info).toMatchObject({ tenants: 14 });
    const bad = await services.handle('deployment.call', { connectionId: eastId, op: 'tenant.get', input: { tenantId: 'Not Valid!' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const refused = await services.handle('deployment.call', {
      connectionId: eastId,
      op: 'tenant.uninstall',
      input: { tenantId: 'contoso-wholesale', appId: CORE },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'HAS_DEPENDENTS' } });
    const last = (await services.call('audit.list', { limit: 1 })).entries[0]!;
    expect(last).toMatchObject({ action: 'tenant.uninstall', result: 'failed', target: 'contoso-wholesale' });
    expect(last.error).toMatch(/^HAS_DEPENDENTS/);
  });

  it('shows a tenant in detail: apps, merged objects with owners, permission sets, subscribers, log', async () => {
    const d = await services.call('tenant.detail', { connectionId: eastId, tenantId: 'contoso-wholesale' });
    expect(d.live).toBe(true);
    expect(d.apps.map((a) => a.name)).toContain('Contoso Loyalty');
    expect(d.objects.tables.some((t) => t.fields.some((f) => f.ownerAppId === LOYALTY))).toBe(true);
    expect(d.log.length).toBeGreaterThan(0);
    const unknown = await services.handle('tenant.detail', { connectionId: eastId, tenantId: 'no-such-tenant' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'TENANT_NOT_FOUND' } });
  });

  it('offline: with the deployment gone, every view reads the cache, not live, with its time', async () => {
    const before = await services.call('fleet.snapshot', {});
    await services.close();
    const moved = path.join(tmp.dir, 'east-away');
    fs.renameSync(path.join(demo, 'east'), moved);
    services = new ConsoleServices({ dataDir: data, host: 'browser', actor: 'ada@test' });
    try {
      const f = await services.call('fleet.snapshot', {});
      expect(f.live).toBe(false);
      const east = f.deployments.find((d) => d.connectionId === eastId)!;
      expect(east.live).toBe(false);
      expect(east.asOf).toBe(before.deployments.find((d) => d.connectionId === eastId)!.asOf);
      expect(east.error?.code).toBeDefined();
      expect(east.tenants).toHaveLength(14);
      expect(f.deployments.find((d) => d.connectionId === westId)!.live).toBe(true);
      const detail = await services.call('tenant.detail', { connectionId: eastId, tenantId: 'contoso-wholesale' });
      expect(detail.live).toBe(false);
      expect(detail.apps.map((a) => a.name)).toContain('Contoso Loyalty');
      const ov = await services.call('deployment.overview', { connectionId: eastId });
      expect(ov).toMatchObject({ live: false, tenantCount: 14 });
      expect((await services.call('audit.verify', {})).ok).toBe(true);
    } finally {
      await services.close();
      fs.renameSync(moved, path.join(demo, 'east'));
      services = new ConsoleServices({ dataDir: data, host: 'browser', actor: 'ada@test' });
    }
    const back = await services.call('fleet.snapshot', {});
    expect(back.live).toBe(true);
  });

  it('a job cut off by a console restart reads interrupted, not running', async () => {
    services.db.prepare(`INSERT INTO jobs (id, title, spec, state, created_at, total) VALUES ('stale', 't', '{}', 'running', '2025-01-01T00:00:00Z', 2)`).run();
    services.db.prepare(`INSERT INTO job_items (job_id, idx, connection_id, tenant_id, label, state) VALUES ('stale', 0, 'c', 't', 'x', 'pending')`).run();
    await services.close();
    services = new ConsoleServices({ dataDir: data, host: 'browser', actor: 'ada@test' });
    const job = await services.call('jobs.get', { jobId: 'stale' });
    expect(job.state).toBe('interrupted');
    expect(job.items[0]!.state).toBe('cancelled');
  });
});
