// The upgrade wizard's forced upgrade against real local deployments made by the demo generator: a v-next of
// Contoso Loyalty that drops the field "Lifetime Points" blocks the tenants holding it under add sync; the plan
// marks the ones blocked only by that as forceable (not a restore of archived data), counts only rows that hold a
// value, and upgrade.start with force is refused unless the rows acknowledged are the plan's count. A tenant whose
// count grew after the plan is not forced. The forced run upgrades, the removed field's values are archived
// ('column', 'force-sync'), and the audit records force.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpgradeTarget } from '../../shared/api/console.js';
import type { OperationOutput } from '../../shared/api/operations.js';
import { generateDemo } from '../../platform/demo/generate.js';
import { ConsoleServices } from './console-services.js';
import { makeTempDir } from './test-support/temp-dir.js';
import { vNextWithoutField } from './test-support/vnext.js';
import { DEMO_LOYALTY as LOYALTY } from '../../platform/demo/demo-apps.js';

const COHO_UK = 'Coho Winery UK Ltd.';

const tmp = makeTempDir();
const demo = path.join(tmp.dir, 'demo');
let services: ConsoleServices;
let east = '';
/** coho-winery's Lifetime Points that are not blank, read through the record API before any upgrade */
let held: number[] = [];
/** the rows of coho-winery a forced upgrade archives, as planned (NULLs are not counted; blanks are: they are values) */
let lost = 0;

beforeAll(async () => {
  await generateDemo(demo);
  services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'ada@test' });
  east = (await services.call('connections.add', { kind: 'local', name: 'East', folder: path.join(demo, 'east') })).id;
  const next = vNextWithoutField('contoso-loyalty-2.0.0.0', '3.0.0.0', 'Lifetime Points');
  await call(east, 'app.publish', { package: next.bytes.toString('base64'), skipVerification: true });
});
afterAll(async () => {
  await services?.close();
  tmp.cleanup();
});

const call = <T>(connectionId: string, op: string, input: unknown): Promise<T> => services.call('deployment.call', { connectionId, op, input }) as Promise<T>;
const on = (...tenants: string[]): UpgradeTarget[] => tenants.map((tenantId) => ({ connectionId: east, tenantId }));
const loyaltyOf = async (tenantId: string): Promise<string | undefined> =>
  (await call<OperationOutput<'tenant.get'>>(east, 'tenant.get', { tenantId })).apps.find((a) => a.id === LOYALTY)?.version;
const columnArchives = async (tenantId: string) =>
  (await call<OperationOutput<'archive.list'>>(east, 'archive.list', { tenantId })).archives.filter((a) => a.kind === 'column');
const refusal = async (input: unknown): Promise<{ code: string; message: string; details?: Record<string, unknown> }> => {
  const r = await services.handle('upgrade.start', input);
  if (r.ok) throw new Error('upgrade.start was not refused');
  return r.error;
};

describe('a forced upgrade from the wizard', () => {
  it('plans: tenants blocked only by the removed field are forceable; a restore is not; rows lost are those not NULL', async () => {
    const page = await call<OperationOutput<'record.page'>>(east, 'record.page', { tenantId: 'coho-winery', company: COHO_UK, table: 'Customer', limit: 1000 });
    held = page.rows.map((r) => r['Lifetime Points']).filter((v): v is number => typeof v === 'number' && v !== 0);
    // the demo's upgrade step wrote Lifetime Points for every customer, 0 for most: only the others hold a value
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(page.total);
    const plan = await services.call('upgrade.plan', {
      appId: LOYALTY,
      version: '3.0.0.0',
      targets: on('coho-winery', 'contoso-retail', 'adatum-hq', 'contoso-wholesale'),
    });
    const t = new Map(plan.tenants.map((x) => [x.tenantId, x]));
    expect(t.get('coho-winery')).toMatchObject({
      action: 'blocked',
      forceable: true,
      destructive: [expect.objectContaining({ kind: 'field-removed', field: 'Lifetime Points' })],
    });
    const coho = t.get('coho-winery')!.rowsLost;
    expect(coho).toEqual([{ company: COHO_UK, table: 'Customer', field: 'Lifetime Points', rows: expect.any(Number) }]);
    lost = coho[0]!.rows;
    // counted by the engine as the forced upgrade archives: every value that is not NULL, the 0s the step wrote too
    expect(lost).toBeGreaterThan(held.length);
    expect(lost).toBeLessThanOrEqual(page.total);
    expect(t.get('coho-winery')!.reason).toMatch(/lose data .*a forced upgrade archives it/);
    // contoso-retail installed 2.0 and never set the field: the record API shows 0, the column holds NULL
    expect(t.get('contoso-retail')).toMatchObject({ action: 'blocked', forceable: true, rowsLost: [] });
    expect(t.get('adatum-hq')).toMatchObject({ action: 'blocked', restores: true, forceable: false });
    expect(t.get('adatum-hq')!.reason).toMatch(/a restore cannot be forced/);
    expect(t.get('contoso-wholesale')).toMatchObject({ action: 'upgrade', forceable: false });
    expect(plan).toMatchObject({ syncMode: 'add', forceSyncAvailable: true, forceable: 2, forceRowsLost: lost, runnable: 1, blocked: 3 });
  });

  it('refuses force without the acknowledged count, with another count, past what force lifts, or without a plan; nothing changes', async () => {
    const targets = on('coho-winery', 'contoso-retail', 'contoso-wholesale');
    const n = lost;
    const none = await refusal({ appId: LOYALTY, version: '3.0.0.0', targets, force: true });
    expect(none.code).toBe('ACK_REQUIRED');
    expect(none.message).toContain(`removes Customer.Lifetime Points holding ${n} row(s) with values (archived): acknowledge ${n} rows`);
    expect(none.details).toMatchObject({ rows: n, acknowledged: null });
    const wrong = await refusal({ appId: LOYALTY, version: '3.0.0.0', targets, force: true, acknowledgeRowsLost: n + 1 });
    expect(wrong).toMatchObject({ code: 'ACK_REQUIRED', message: expect.stringContaining(`(acknowledged: ${n + 1})`) });
    const restore = await refusal({ appId: LOYALTY, version: '3.0.0.0', targets: on('coho-winery', 'adatum-hq'), force: true, acknowledgeRowsLost: n });
    expect(restore).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/force sync does not lift what blocks adatum-hq \(/) });
    const unplanned = await refusal({ appId: LOYALTY, version: '3.0.0.0', targets: on('coho-winery', 'litware-labs'), force: true, acknowledgeRowsLost: n });
    expect(unplanned).toMatchObject({ code: 'ACK_REQUIRED', message: expect.stringContaining('plan the upgrade of litware-labs to 3.0.0.0 first') });
    const noForce = await refusal({ appId: LOYALTY, version: '3.0.0.0', targets, acknowledgeRowsLost: n });
    expect(noForce.code).toBe('BAD_INPUT');
    expect(services.jobs.list(10)).toEqual([]);
    expect(await loyaltyOf('coho-winery')).toBe('2.0.0.0');
  });

  it('without force the upgrade job is refused by add sync; the tenant stays on its version', async () => {
    const { jobId } = await services.call('upgrade.start', { appId: LOYALTY, version: '3.0.0.0', targets: on('coho-winery') });
    const job = await services.jobs.settled(jobId);
    expect(job.items[0]).toMatchObject({ state: 'failed', errorCode: 'SYNC_DESTRUCTIVE' });
    expect(job.items[0]!.message).toContain('Lifetime Points');
    expect(await loyaltyOf('coho-winery')).toBe('2.0.0.0');
    expect(await columnArchives('coho-winery')).toEqual([]);
  });

  it('a tenant that holds more rows than acknowledged when its turn comes is not forced', async () => {
    await call(east, 'record.insert', {
      tenantId: 'coho-winery',
      company: COHO_UK,
      table: 'Customer',
      values: { 'No.': 'F00001', Name: 'Force Check', 'Lifetime Points': 750 },
    });
    // the plan above is still the latest: start accepts its count, the tenant's own count (one more) refuses it
    const n = lost;
    const { jobId } = await services.call('upgrade.start', {
      appId: LOYALTY,
      version: '3.0.0.0',
      targets: on('coho-winery', 'contoso-retail', 'contoso-wholesale'),
      force: true,
      acknowledgeRowsLost: n,
      waves: true,
      ringSize: 1,
    });
    const job = await services.jobs.settled(jobId);
    expect(job.items.map((i) => [i.tenantId, i.state])).toEqual([
      ['coho-winery', 'failed'],
      ['contoso-retail', 'skipped'],
      ['contoso-wholesale', 'skipped'],
    ]);
    expect(job.items[0]).toMatchObject({
      errorCode: 'ACK_REQUIRED',
      message: expect.stringContaining(`now holds ${n + 1} row(s) with values in what the upgrade removes; ${n} were acknowledged`),
    });
    expect(job.items[0]!.proof?.facts).toEqual(expect.arrayContaining([{ label: 'Changed', value: 'nothing: the upgrade did not start' }]));
    expect(await loyaltyOf('coho-winery')).toBe('2.0.0.0');
    expect(await columnArchives('coho-winery')).toEqual([]);
  });

  it('planned again and acknowledged, the forced run upgrades and archives the removed field; the audit records force', async () => {
    const targets = on('coho-winery', 'contoso-retail', 'contoso-wholesale');
    const plan = await services.call('upgrade.plan', { appId: LOYALTY, version: '3.0.0.0', targets });
    const n = lost + 1;
    expect(plan.forceRowsLost).toBe(n);
    const { jobId } = await services.call('upgrade.start', { appId: LOYALTY, version: '3.0.0.0', targets, force: true, acknowledgeRowsLost: n });
    const job = await services.jobs.settled(jobId);
    expect(job.title).toMatch(/with force sync$/);
    expect(job.items.map((i) => [i.tenantId, i.state])).toEqual([
      ['coho-winery', 'succeeded'],
      ['contoso-retail', 'succeeded'],
      ['contoso-wholesale', 'succeeded'],
    ]);
    const coho = job.items[0]!;
    expect(coho.label).toMatch(/\(force sync\)$/);
    expect(coho.steps?.find((s) => s.name === 'check')?.detail).toContain(
      `force sync removes Customer.Lifetime Points, archiving ${n} row(s) with a value, as acknowledged`,
    );
    expect(job.items[2]!.label).not.toMatch(/force sync/);
    for (const t of ['coho-winery', 'contoso-retail', 'contoso-wholesale']) expect(await loyaltyOf(t)).toBe('3.0.0.0');

    // the engine archives every row whose column is not NULL, blanks written by the upgrade step included: exactly
    // the rows the plan counted and the administrator acknowledged
    const archived = await columnArchives('coho-winery');
    expect(archived).toEqual([expect.objectContaining({ table: 'Customer', company: COHO_UK, version: '2.0.0.0', reason: 'force-sync' })]);
    expect(archived[0]!.rows).toBe(n);
    const rows = await call<OperationOutput<'archive.rows'>>(east, 'archive.rows', { tenantId: 'coho-winery', archiveId: archived[0]!.archiveId, limit: 1000 });
    const values = rows.rows.map((r) => r['Lifetime Points']).filter((v) => typeof v === 'number' && v !== 0);
    expect([...values].sort()).toEqual([...held, 750].sort());
    const customers = await call<OperationOutput<'record.page'>>(east, 'record.page', {
      tenantId: 'coho-winery',
      company: COHO_UK,
      table: 'Customer',
      limit: 1,
    });
    expect(customers.columns.map((c) => c.name)).not.toContain('Lifetime Points');
    // nothing held a value in contoso-retail: no archive entry for it
    expect(await columnArchives('contoso-retail')).toEqual([]);

    const started = (await services.call('audit.list', { filter: { action: 'upgrade.start' } })).entries[0]!;
    expect(started.params).toMatchObject({ force: true, acknowledgeRowsLost: n });
    const perTenant = (await services.call('audit.list', { filter: { action: 'tenant.upgrade', result: 'succeeded' } })).entries;
    expect(perTenant.find((e) => e.target === 'coho-winery')?.params).toMatchObject({ force: true, forceSync: true, rowsAcknowledged: n });
    expect(perTenant.find((e) => e.target === 'contoso-wholesale')?.params).toEqual({ appId: LOYALTY, version: '3.0.0.0', waves: false, force: true });
  });
});
