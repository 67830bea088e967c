// The console's workflows against real local deployments made by the demo generator, with real SQLite files:
// the fleet-wide archive (restore info, CSV export), the move pre-check and its way out (publish the missing
// package from the source's catalog), a move as a job with its steps, a failed move undone with the proof read
// back, the upgrade plan (schema diff, steps, a v-next that drops a field blocks it with the rows it would lose),
// upgrade waves that stop at the first failure, snapshot history and its comparison, the operation log search,
// the audit filters and report, and the offline summary of a tenant never opened.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail } from '../../shared/api/console.js';
import { generateDemo } from '../../platform/demo/generate.js';
import { ConsoleServices } from './console-services.js';
import { makeTempDir } from './test-support/temp-dir.js';
import { vNextWithoutField } from './test-support/vnext.js';
import { DEMO_LOYALTY as LOYALTY } from '../../platform/demo/demo-apps.js';

const REPORTS_NAME = 'Contoso Loyalty Reports';

const tmp = makeTempDir();
const demo = path.join(tmp.dir, 'demo');
let services: ConsoleServices;
let east = '';
let west = '';

beforeAll(async () => {
  await generateDemo(demo);
  services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'ada@test' });
  east = (await services.call('connections.add', { kind: 'local', name: 'East', folder: path.join(demo, 'east') })).id;
  west = (await services.call('connections.add', { kind: 'local', name: 'West', folder: path.join(demo, 'west') })).id;
  await services.call('fleet.snapshot', {});
});
afterAll(async () => {
  await services?.close();
  tmp.cleanup();
});

const settled = async (jobId: string): Promise<JobDetail> => services.jobs.settled(jobId);
const call = <T>(connectionId: string, op: string, input: unknown): Promise<T> => services.call('deployment.call', { connectionId, op, input }) as Promise<T>;

describe('archive across the fleet', () => {
  it('lists every archive with where it would be restored, and exports the same rows as CSV', async () => {
    const a = await services.call('archive.fleet', {});
    expect(a.live).toBe(true);
    const adatum = a.entries.filter((e) => e.tenantId === 'adatum-hq' && e.appId === LOYALTY);
    expect(adatum.map((e) => e.table).sort()).toEqual(['Customer', 'Customer', 'Loyalty Setup', 'Loyalty Setup', 'Loyalty Transaction', 'Loyalty Transaction']);
    for (const e of adatum) expect(e.restore).toMatchObject({ possible: true, version: '2.0.0.0', action: 'restore' });
    expect(adatum.every((e) => e.connectionName === 'East' && typeof e.bytes === 'number')).toBe(true);

    const cust = adatum.find((e) => e.table === 'Customer')!;
    const csv = await services.call('archive.exportCsv', { connectionId: east, tenantId: 'adatum-hq', archiveId: cust.archiveId });
    expect(csv.rows).toBe(cust.rows);
    const lines = csv.content.trimEnd().split('\r\n');
    expect(lines).toHaveLength(cust.rows + 1);
    expect(lines[0]).toContain('Loyalty Points');
    const page = await call<{ rows: Record<string, unknown>[] }>(east, 'archive.rows', { tenantId: 'adatum-hq', archiveId: cust.archiveId, limit: 1000 });
    expect(lines[1]!.split(',')[0]).toBe(String(page.rows[0]!['_rid']));
    expect((await services.call('audit.list', { filter: { action: 'archive.export' } })).matched).toBe(1);
  });

  it('serves the last list from the cache, marked not live, when the deployment cannot be read', async () => {
    const cached = await services.call('archive.fleet', { refresh: false });
    expect(cached.live).toBe(false);
    expect(cached.deployments.every((d) => d.asOf !== null)).toBe(true);
    expect(cached.entries.some((e) => e.tenantId === 'adatum-hq')).toBe(true);
  });
});

describe('tenant moves', () => {
  it('pre-checks side by side, finds the missing extension, and the way out publishes it from the source catalog', async () => {
    const req = { sourceId: east, destinationId: west, tenantIds: ['fourth-coffee'] };
    const pre = await services.call('moves.precheck', req);
    expect(pre.supported).toBe(true);
    expect(pre.ok).toBe(false);
    const t = pre.tenants[0]!;
    expect(t.report?.apps.find((x) => x.name === REPORTS_NAME)?.status).toBe('missing');
    expect(t.publishable).toEqual([expect.objectContaining({ name: REPORTS_NAME, version: '1.0.0.0', available: true })]);
    expect(t.report?.waysOut.map((w) => w.kind)).toEqual(['publish-missing', 'uninstall-first']);
    const html = await services.call('moves.report', req);
    expect(html.content).toContain('<!doctype html>');
    expect(html.content).toContain('Contoso Loyalty Reports');
    expect(html.content).not.toContain('<script');

    const copied = await services.call('packages.copy', { fromId: east, toId: west, apps: t.publishable.map((p) => ({ id: p.id, version: p.version })) });
    expect(copied.results).toEqual([expect.objectContaining({ name: REPORTS_NAME, status: 'published' })]);
    expect((await services.call('moves.precheck', req)).ok).toBe(true);
  });

  it('moves a tenant as a job with its steps, and the tenant is read back on the destination only', async () => {
    const { jobId } = await services.call('moves.start', { sourceId: east, destinationId: west, tenantIds: ['fourth-coffee'] });
    const job = await settled(jobId);
    expect(job.kind).toBe('move');
    expect(job.state).toBe('succeeded');
    const item = job.items[0]!;
    expect(item.steps?.map((s) => [s.name, s.state])).toEqual([
      ['precheck', 'succeeded'],
      ['dismount', 'succeeded'],
      ['transfer', 'succeeded'],
      ['verify-copy', 'succeeded'],
      ['mount', 'succeeded'],
      ['verify-mount', 'succeeded'],
      ['finish', 'succeeded'],
    ]);
    const transfer = item.steps!.find((s) => s.name === 'transfer')!;
    expect(transfer.bytes).toBeGreaterThan(0);
    expect(transfer.bytes).toBe(transfer.totalBytes);
    expect(item.proof?.ok).toBe(true);
    const there = await call<{ apps: { name: string }[] }>(west, 'tenant.get', { tenantId: 'fourth-coffee' });
    expect(there.apps.map((a) => a.name)).toContain(REPORTS_NAME);
    await expect(call(east, 'tenant.get', { tenantId: 'fourth-coffee' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('a move that fails after the dismount is undone: the proof reads the tenant back on the source as it was', async () => {
    const stray = path.join(demo, 'west', 'tenants', 'fabrikam-eu.sqlite');
    fs.writeFileSync(stray, 'left over from an old copy');
    try {
      const { jobId } = await services.call('moves.start', { sourceId: east, destinationId: west, tenantIds: ['fabrikam-eu'] });
      const job = await settled(jobId);
      expect(job.state).toBe('failed');
      const item = job.items[0]!;
      expect(item.errorCode).toBe('MOVE_FAILED');
      expect(item.steps?.find((s) => s.state === 'failed')?.name).toBe('mount');
      expect(item.steps?.find((s) => s.name === 'rollback')?.state).toBe('succeeded');
      expect(item.proof).toMatchObject({ ok: true });
      expect(item.proof?.facts).toEqual(
        expect.arrayContaining([
          { label: 'State on East', value: 'operational (before the move: operational)' },
          { label: 'On West', value: 'not present' },
        ]),
      );
      const back = await call<{ state: string }>(east, 'tenant.get', { tenantId: 'fabrikam-eu' });
      expect(back.state).toBe('operational');
    } finally {
      fs.rmSync(stray, { force: true });
    }
    // the destination works again after the move released it
    expect((await call<{ tenants: unknown[] }>(west, 'tenant.list', {})).tenants.length).toBe(7);
  });

  it('refuses to move to the same deployment', async () => {
    const r = await services.handle('moves.start', { sourceId: east, destinationId: east, tenantIds: ['proseware'] });
    expect(r.ok).toBe(false);
  });
});

describe('upgrades', () => {
  it('plans an upgrade: schema changes, dependency changes and the upgrade steps from the old version', async () => {
    const plan = await services.call('upgrade.plan', {
      appId: LOYALTY,
      version: '2.0.0.0',
      targets: [
        { connectionId: east, tenantId: 'contoso-wholesale' },
        { connectionId: east, tenantId: 'coho-winery' },
      ],
    });
    expect(plan.appName).toBe('Contoso Loyalty');
    const wholesale = plan.tenants.find((t) => t.tenantId === 'contoso-wholesale')!;
    expect(wholesale).toMatchObject({ action: 'upgrade', fromVersion: '1.0.0.0' });
    expect(wholesale.stepsToRun).toEqual(
      expect.arrayContaining(['Loyalty Upgrade: CONTOSO-LOYALTY-2.0-TIER-NAME', 'Loyalty Upgrade: CONTOSO-LOYALTY-2.0-LIFETIME']),
    );
    expect(plan.tenants.find((t) => t.tenantId === 'coho-winery')).toMatchObject({ action: 'skip', reason: 'already at 2.0.0.0' });
    const dep = plan.deployments[0]!;
    expect(dep.schemaSource).toBe('definitions');
    expect(dep.schema[0]?.changes.some((c) => c.kind === 'field-added' && c.field === 'Lifetime Points')).toBe(true);
  });

  it('a v-next that removes a field blocks the upgrade and counts the rows that would be lost', async () => {
    const next = vNextWithoutField('contoso-loyalty-2.0.0.0', '3.0.0.0', 'Lifetime Points');
    await call(east, 'app.publish', { package: next.bytes.toString('base64'), skipVerification: true });
    const plan = await services.call('upgrade.plan', { appId: LOYALTY, version: '3.0.0.0', targets: [{ connectionId: east, tenantId: 'coho-winery' }] });
    const t = plan.tenants[0]!;
    expect(t.action).toBe('blocked');
    expect(t.destructive.map((c) => [c.kind, c.field])).toEqual([['field-removed', 'Lifetime Points']]);
    expect(t.rowsLost.reduce((n, r) => n + r.rows, 0)).toBeGreaterThan(0);
    expect(t.reason).toMatch(/lose data/);
    expect(plan.blocked).toBe(1);
    // blocked by nothing else: a forced upgrade could run it (upgrade-force.test.ts)
    expect(t.forceable).toBe(true);
    expect(plan.forceSyncAvailable).toBe(true);
    // the archive view now says the newest version does not fit adatum-hq's archived data: restore 2.0.0.0
    const a = await services.call('archive.fleet', {});
    const cust = a.entries.find((e) => e.tenantId === 'adatum-hq' && e.table === 'Customer')!;
    expect(cust.restore).toMatchObject({ possible: true, version: '2.0.0.0', action: 'restore' });
    expect(cust.restore.reason).toMatch(/does not fit/);
  });

  it('runs in waves and stops at the first failure; the failed tenant stays on its old version', async () => {
    const next = vNextWithoutField('fabrikam-shipping-1.1.0.0', '1.2.0.0', 'No Such Field');
    await call(east, 'app.publish', { package: next.bytes.toString('base64'), skipVerification: true });
    const shipping = (await call<{ apps: { id: string; name: string }[] }>(east, 'app.catalog', {})).apps.find((a) => a.name === 'Fabrikam Shipping')!.id;
    await call(east, 'tenant.dismount', { tenantId: 'wideworld-importers' });
    const targets = ['fabrikam-us', 'wideworld-importers', 'contoso-retail'].map((tenantId) => ({ connectionId: east, tenantId }));
    const { jobId } = await services.call('upgrade.start', { appId: shipping, version: '1.2.0.0', targets, waves: true, ringSize: 1 });
    const job = await settled(jobId);
    expect(job.items.map((i) => [i.tenantId, i.wave, i.state])).toEqual([
      ['fabrikam-us', 1, 'succeeded'],
      ['wideworld-importers', 2, 'failed'],
      ['contoso-retail', 2, 'skipped'],
    ]);
    expect(job.state).toBe('partial');
    expect(job.stoppedReason).toMatch(/first failure \(wideworld-importers\)/);
    expect(job.items[1]!.proof?.facts).toEqual(expect.arrayContaining([{ label: 'Tenant state', value: 'dismounted' }]));
    const retail = await call<{ apps: { name: string; version: string }[] }>(east, 'tenant.get', { tenantId: 'contoso-retail' });
    expect(retail.apps.find((x) => x.name === 'Fabrikam Shipping')?.version).toBe('1.1.0.0');
    await call(east, 'tenant.mount', { tenantId: 'wideworld-importers' });
  });
});

describe('offline audit', () => {
  it('keeps snapshot history and compares two points: the move out, the upgrade', async () => {
    await services.call('fleet.snapshot', {});
    const list = (await services.call('snapshots.list', { connectionId: east })).snapshots;
    expect(list.length).toBeGreaterThanOrEqual(2);
    const cmp = await services.call('snapshots.compare', { connectionId: east, fromId: list.at(-1)!.id, toId: list[0]!.id });
    expect(cmp.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'moved-out', tenantId: 'fourth-coffee', other: 'West' }),
        expect.objectContaining({ kind: 'upgraded', tenantId: 'fabrikam-us', from: '1.1.0.0', to: '1.2.0.0' }),
      ]),
    );
    const westList = (await services.call('snapshots.list', { connectionId: west })).snapshots;
    const cmpWest = await services.call('snapshots.compare', { connectionId: west, fromId: westList.at(-1)!.id, toId: westList[0]!.id });
    expect(cmpWest.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'moved-in', tenantId: 'fourth-coffee', other: 'East' })]));
  });

  it('searches the operation logs and the audit log, verifies, and writes a report', async () => {
    const ops = await services.call('oplog.search', { query: 'tenant.move' });
    expect(ops.entries.some((e) => e.operation === 'tenant.move' && e.connectionName === 'East')).toBe(true);
    const failed = await services.call('oplog.search', { result: 'failed', connectionId: east });
    expect(failed.entries.every((e) => e.result === 'failed' && e.connectionId === east)).toBe(true);
    const moves = await services.call('audit.list', { filter: { action: 'tenant.move' } });
    expect(moves.entries.map((e) => e.result).sort()).toEqual(['failed', 'succeeded']);
    const text = await services.call('audit.list', { filter: { query: 'fabrikam-eu' } });
    expect(text.matched).toBeGreaterThan(0);
    expect(text.entries.every((e) => JSON.stringify(e).includes('fabrikam-eu'))).toBe(true);
    const wild = await services.call('audit.list', { filter: { query: '100%_' } });
    expect(wild.matched).toBe(0);
    const list = (await services.call('snapshots.list', { connectionId: east })).snapshots;
    const html = await services.call('audit.report', { format: 'html', compare: { connectionId: east, fromId: list.at(-1)!.id, toId: list[0]!.id } });
    expect(html.content).toContain('Hash chain verified');
    expect(html.content).toContain('fourth-coffee moved to West');
    const csv = await services.call('audit.report', { format: 'csv' });
    expect(csv.content.split('\r\n')[0]).toBe('source,id,at,actor,action,connection,target,result,error,params,hash');
    expect((await services.call('audit.verify', {})).ok).toBe(true);
  });

  it('offline, a tenant never opened gets a summary from the cached snapshot and logs', async () => {
    await services.call('fleet.snapshot', {});
    await services.close();
    const away = path.join(demo, 'east-away');
    fs.renameSync(path.join(demo, 'east'), away);
    try {
      services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'ada@test' });
      const f = await services.call('fleet.snapshot', {});
      expect(f.deployments.find((d) => d.connectionId === east)?.live).toBe(false);
      const d = await services.call('tenant.detail', { connectionId: east, tenantId: 'contoso-retail' });
      expect(d).toMatchObject({ live: false, summaryOnly: true, tenantId: 'contoso-retail' });
      expect(d.apps.map((a) => a.name)).toContain('Fabrikam Shipping');
      expect(d.log.some((e) => e.operation === 'tenant.upgrade')).toBe(false);
      const ops = await services.call('oplog.search', { connectionId: east, tenantId: 'fabrikam-us' });
      expect(ops.entries.some((e) => e.operation === 'tenant.upgrade')).toBe(true);
      expect(ops.sources[0]).toMatchObject({ name: 'East', live: false });
    } finally {
      await services.close();
      fs.renameSync(away, path.join(demo, 'east'));
      services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'ada@test' });
    }
  });
});
