// The change feed: a client that takes a snapshot, then follows GET /changes (pages of random sizes, at random
// moments) and applies each change to its copy, ends with exactly the server's snapshot, compared in full, after a
// randomized (seeded) series of operations of every kind, refusals and failures included. A client that falls
// further behind than the feed keeps is told to take a new snapshot.
import { afterEach, describe, expect, it } from 'vitest';
import { applyPage, type Snapshot } from '../../shared/api/changes.js';
import { testApplication, COMPANIES, IDS, coreV1, coreV2, loyaltyV1, notesV1, pkg, rivalV1 } from '../engine/test-support/fixtures.js';
import type { RemoteClient } from '../remote/client.js';
import { startTestServer, type TestServer } from './test-support/servers.js';

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.stop();
});

/** mulberry32: a small seeded PRNG, so a failing series can be run again. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Follower {
  state: Snapshot | null = null;
  snapshots = 0;
  constructor(private readonly c: RemoteClient) {}
  async poll(limit: number, untilCaughtUp: boolean): Promise<void> {
    if (this.state === null) {
      this.state = await this.c.snapshot();
      this.snapshots++;
    }
    for (;;) {
      const page = await this.c.changes(this.state.seq, limit);
      if (page.snapshotRequired) {
        this.state = await this.c.snapshot();
        this.snapshots++;
        continue;
      }
      const r = applyPage(this.state, page, limit);
      this.state = r.state;
      if (r.caughtUp || !untilCaughtUp) return;
    }
  }
}

/** One random operation through the API; refusals are part of the series (they log, and must change nothing else). */
async function randomOperation(c: RemoteClient, rnd: () => number, n: number): Promise<string> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const tenants = (await c.invoke('tenant.list', {})).tenants;
  const mounted = tenants.filter((t) => t.state !== 'dismounted').map((t) => t.id);
  const anyTenant = tenants.map((t) => t.id);
  const apps = [IDS.core, IDS.notes, IDS.loyalty, IDS.rival];
  const kind = pick([
    'create',
    'create',
    'install',
    'install',
    'install',
    'uninstall',
    'uninstall',
    'upgrade',
    'records',
    'dismount',
    'mount',
    'discard',
    'sync',
    'publish',
    'unpublish',
    'refused',
    'job',
  ]);
  const t = mounted.length > 0 ? pick(mounted) : 'nobody';
  const run = async (): Promise<unknown> => {
    switch (kind) {
      case 'create':
        return c.invoke('tenant.create', { tenantId: `f${n}`, companies: rnd() < 0.5 ? COMPANIES : [COMPANIES[0]!] });
      case 'install':
        return c.invoke('tenant.install', {
          tenantIds: [t, ...(rnd() < 0.3 && mounted.length > 1 ? [pick(mounted)] : [])].filter((x, i, a) => a.indexOf(x) === i),
          appId: pick(apps),
          installDependencies: rnd() < 0.7,
        });
      case 'uninstall':
        return c.invoke('tenant.uninstall', {
          tenantId: t,
          appId: pick(apps),
          uninstallDependents: rnd() < 0.5,
          doNotSaveData: rnd() < 0.2,
          acknowledge: true,
        });
      case 'upgrade':
        return c.invoke('tenant.upgrade', { tenantIds: [t], appId: IDS.core });
      case 'records':
        return c.invoke('record.insert', { tenantId: t, company: COMPANIES[0]!, table: 'Customer', values: { 'No.': `C${n}`, Name: `Customer ${n}` } });
      case 'dismount':
        return c.invoke('tenant.dismount', { tenantId: t });
      case 'mount': {
        const down = tenants.filter((x) => x.state === 'dismounted').map((x) => x.id);
        return c.invoke('tenant.mount', { tenantId: down.length > 0 ? pick(down) : t });
      }
      case 'discard': {
        const archives = (await c.invoke('archive.list', { tenantId: t })).archives;
        if (archives.length === 0) return null;
        const a = pick(archives);
        return c.invoke('archive.discard', { tenantId: t, archiveId: a.archiveId, confirmRows: a.rows });
      }
      case 'sync':
        return c.invoke('tenant.sync', { tenantId: t, mode: pick(['add', 'check-only', 'clean'] as const), acknowledge: true });
      case 'publish':
        return c.invoke('app.publish', { package: pkg(pick([coreV2(), loyaltyV1(), rivalV1(), notesV1()])).toString('base64'), skipVerification: true });
      case 'unpublish':
        return c.invoke('app.unpublish', { appId: pick(apps), version: pick(['1.0.0.0', '2.0.0.0']) });
      case 'refused':
        return c.invoke('tenant.install', { tenantIds: [pick(anyTenant.length > 0 ? anyTenant : ['nobody'])], appId: 'Not Published Anywhere' });
      case 'job':
        return c.runJob('tenant.install', { tenantIds: mounted.slice(0, 3).length > 0 ? mounted.slice(0, 3) : ['nobody'], appId: IDS.notes });
    }
  };
  try {
    await run();
    return `${kind} ok`;
  } catch (e) {
    return `${kind} refused ${(e as { code?: string }).code ?? ''}`;
  }
}

describe('change feed', () => {
  for (const seed of [7, 2017]) {
    it(`a follower ends with exactly the server's snapshot (seed ${seed})`, async () => {
      const s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['a1', 'a2'] });
      servers.push(s);
      const c = s.client();
      const rnd = prng(seed);
      const follower = new Follower(s.client(s.reader));
      const outcomes: string[] = [];
      for (let n = 0; n < 70; n++) {
        if (n === 5) follower.state = null; // starts from a snapshot taken mid-series
        outcomes.push(await randomOperation(c, rnd, n));
        if (n === 40) await c.invoke('deployment.setApplication', { application: testApplication('1.0.0.1') });
        if (n >= 5 && rnd() < 0.4) await follower.poll(1 + Math.floor(rnd() * 30), rnd() < 0.5);
      }
      await follower.poll(50, true);
      const server = await c.snapshot();
      expect(follower.state).toEqual(server);
      // the served snapshot (each tenant's mirror as the feed last wrote it) is what the registry itself says
      expect(server).toEqual(s.d.snapshot());
      expect(follower.snapshots).toBe(1);
      // the series did exercise the feed: installs, archives, dismounts, failures
      expect(outcomes.filter((o) => o.endsWith(' ok')).length).toBeGreaterThan(20);
      expect(server.tenants.some((t) => t.apps.length > 0)).toBe(true);
      expect(server.log.some((e) => e.result === 'failed')).toBe(true);
      // a second reader that starts now agrees
      const late = new Follower(s.client(s.reader));
      await late.poll(1000, true);
      expect(late.state).toEqual(server);
    });
  }

  it('versions: every change of a tenant increments its version, and the feed carries it', async () => {
    const s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['v1'] });
    servers.push(s);
    const c = s.client();
    const v0 = (await c.invoke('tenant.get', { tenantId: 'v1' })).version!;
    const since = (await c.changes(0, 10_000)).latest;
    await c.invoke('tenant.install', { tenantIds: ['v1'], appId: IDS.notes });
    await c.invoke('tenant.uninstall', { tenantId: 'v1', appId: IDS.notes });
    await c.invoke('tenant.dismount', { tenantId: 'v1' });
    await c.invoke('tenant.mount', { tenantId: 'v1' });
    const page = await c.changes(since, 1000);
    const versions = page.changes.filter((ch) => ch.kind === 'tenant.upserted').map((ch) => (ch.data as { version: number }).version);
    expect(versions).toEqual([v0 + 1, v0 + 2, v0 + 3, v0 + 4]);
    expect((await c.invoke('tenant.get', { tenantId: 'v1' })).version).toBe(v0 + 4);
    // reads and refusals do not change it
    await c.invoke('tenant.objects', { tenantId: 'v1' });
    await expect(c.invoke('tenant.uninstall', { tenantId: 'v1', appId: IDS.notes })).rejects.toMatchObject({ code: 'NOT_INSTALLED' });
    expect((await c.invoke('tenant.get', { tenantId: 'v1' })).version).toBe(v0 + 4);
  });

  it('a follower further behind than the feed keeps is told to take a snapshot, and then agrees again', async () => {
    const s = await startTestServer({ apps: [notesV1()], tenants: ['r1'], changeRetention: 20 });
    servers.push(s);
    const c = s.client();
    const follower = new Follower(c);
    await follower.poll(100, true);
    for (let i = 0; i < 15; i++) await c.invoke('tenant.create', { tenantId: `r${i + 2}` });
    const behind = await c.changes(follower.state!.seq, 100);
    expect(behind.snapshotRequired).toBe(true);
    expect(behind.changes).toEqual([]);
    const ahead = await c.changes(behind.latest + 5, 100);
    expect(ahead.snapshotRequired).toBe(true);
    expect((await c.changes(behind.latest, 100)).snapshotRequired).toBe(false);
    await follower.poll(100, true);
    expect(follower.snapshots).toBe(2);
    expect(follower.state).toEqual(await c.snapshot());
  });
});
