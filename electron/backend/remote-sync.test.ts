// The feed follower against a real deployment server on 127.0.0.1: after a seeded random series of operations of
// every kind (refusals and failed jobs included), the console's mirror equals the server's snapshot compared in
// full, having taken one snapshot and then only changes; it survives a reopen of the console database and goes on
// from its seq; it takes a snapshot again when it fell behind the feed's retention; a bounded sync goes on where it
// stopped. The matrix read built from the mirror equals the live per-tenant read. And the console services against
// a remote server: the fleet from the feed, a job as server jobs with their steps, offline from the cache with its
// time, then catching up from the feed when the server is back.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Connection, DeploymentSnapshot, FleetSnapshot } from '../../shared/api/console.js';
import { COMPANIES, IDS, coreV1, coreV2, loyaltyV1, notesV1, pkg, rivalV1, testApplication } from '../../platform/engine/test-support/fixtures.js';
import type { RemoteClient } from '../../platform/remote/client.js';
import { createServer } from '../../platform/server/server.js';
import { makeDeployment, startTestServer, type TestServer } from '../../platform/server/test-support/servers.js';
import { MirrorCache } from './cache.js';
import { ConnectionsRepository } from './connections-repository.js';
import { ConsoleServices } from './console-services.js';
import { openConsoleDb, type Db } from './db.js';
import { RemoteDriver } from './drivers/remote-driver.js';
import { readDeployment, type DeploymentRead } from './fleet.js';
import { RemoteSync, mirrorRead, type SyncOutcome } from './remote-sync.js';
import { fileKeySecretBox } from './secret-box.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir('tenantry-remote-sync-');
afterAll(() => tmp.cleanup());

const servers: TestServer[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
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

let dbCount = 0;
/** A console database in the temp folder with one remote connection to `url`. */
function consoleDb(url: string, token: string): { db: Db; file: string; conn: Connection } {
  const file = path.join(tmp.dir, `console-${++dbCount}.sqlite`);
  const db = openConsoleDb(file);
  const conn = new ConnectionsRepository(db, fileKeySecretBox(tmp.dir)).add({ kind: 'remote', name: `North ${dbCount}`, url, token, allowInsecure: false });
  closers.push(() => void db.close());
  return { db, file, conn };
}

function follower(db: Db, conn: Connection, s: TestServer, opts: { pageSize?: number; maxPages?: number } = {}): { sync: RemoteSync; driver: RemoteDriver } {
  const driver = new RemoteDriver({ url: s.url, token: s.reader, baseDelayMs: 5, maxDelayMs: 50 });
  closers.push(() => driver.close());
  return { sync: new RemoteSync(new MirrorCache(db), conn.id, () => driver, opts), driver };
}

/** One random operation through the API; refusals and failures are part of the series. */
async function randomOperation(c: RemoteClient, rnd: () => number, n: number): Promise<string> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const tenants = (await c.invoke('tenant.list', {})).tenants;
  const mounted = tenants.filter((t) => t.state !== 'dismounted').map((t) => t.id);
  const apps = [IDS.core, IDS.notes, IDS.loyalty, IDS.rival];
  const kind = pick([
    'create',
    'install',
    'install',
    'install',
    'uninstall',
    'uninstall',
    'upgrade',
    'dismount',
    'mount',
    'discard',
    'sync',
    'publish',
    'unpublish',
    'refused',
    'job',
    'remove',
    'move-out',
  ]);
  const t = mounted.length > 0 ? pick(mounted) : 'nobody';
  const run = async (): Promise<unknown> => {
    switch (kind) {
      case 'create':
        return c.invoke('tenant.create', { tenantId: `f${n}`, companies: rnd() < 0.5 ? COMPANIES : [COMPANIES[0]!] });
      case 'install':
        return c.invoke('tenant.install', { tenantIds: [t], appId: pick(apps), installDependencies: rnd() < 0.7 });
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
        return c.invoke('tenant.sync', { tenantId: t, mode: pick(['add', 'check-only'] as const), acknowledge: true });
      case 'publish':
        return c.invoke('app.publish', { package: pkg(pick([coreV2(), loyaltyV1(), rivalV1(), notesV1()])).toString('base64'), skipVerification: true });
      case 'unpublish':
        return c.invoke('app.unpublish', { appId: pick(apps), version: pick(['1.0.0.0', '2.0.0.0']) });
      case 'refused':
        return c.invoke('tenant.install', { tenantIds: [t], appId: 'Not Published Anywhere' });
      case 'job':
        return c.runJob('tenant.install', { tenantIds: mounted.slice(0, 3).length > 0 ? mounted.slice(0, 3) : ['nobody'], appId: pick(apps) });
      case 'remove':
        return c.invoke('tenant.removeApps', { tenantId: t, acknowledge: true });
      case 'move-out': {
        // the tenant leaves for another deployment (or the move is undone): tenant.removed in the feed
        const begun = await c.invoke('move.begin', { tenantId: t, destination: 'https://elsewhere.example:7049' });
        return rnd() < 0.7 ? c.invoke('move.complete', { tenantId: t, moveId: begun.moveId }) : c.invoke('move.abort', { tenantId: t, moveId: begun.moveId });
      }
    }
  };
  try {
    await run();
    return `${kind} ok`;
  } catch (e) {
    return `${kind} refused ${(e as { code?: string }).code ?? ''}`;
  }
}

describe('feed follower', () => {
  for (const seed of [11, 2017]) {
    it(`after a random series the mirror equals the server's snapshot in full, from one snapshot and then changes only (seed ${seed})`, async () => {
      const s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['a1', 'a2', 'a3'] });
      servers.push(s);
      const c = s.client();
      const { db, file, conn } = consoleDb(s.url, s.reader);
      const rnd = prng(seed);
      const { sync } = follower(db, conn, s, { pageSize: 1 + Math.floor(rnd() * 9) });
      const outcomes: SyncOutcome[] = [];
      const ops: string[] = [];
      for (let n = 0; n < 60; n++) {
        ops.push(await randomOperation(c, rnd, n));
        if (n === 30) await c.invoke('deployment.setApplication', { application: testApplication('1.0.0.1') });
        if (rnd() < 0.35) outcomes.push(await sync.sync());
        if (n === 40) {
          // mid-series, compared in full as well
          while (!(await sync.sync()).caughtUp);
          expect(sync.mirror()).toEqual(await c.snapshot());
        }
      }
      for (let o = await sync.sync(); !o.caughtUp; o = await sync.sync()) outcomes.push(o);
      const server = await c.snapshot();
      expect(sync.mirror()).toEqual(server);
      expect(outcomes.filter((o) => o.mode === 'snapshot')).toHaveLength(1);
      expect(outcomes[0]!.mode).toBe('snapshot');
      expect(outcomes.filter((o) => o.mode === 'delta').reduce((n, o) => n + o.changes, 0)).toBeGreaterThan(50);
      // the series exercised the feed: installs, archives, failures, dismounts
      expect(ops.filter((o) => o.endsWith(' ok')).length).toBeGreaterThan(20);
      expect(server.tenants.some((t) => t.apps.length > 0)).toBe(true);
      expect(server.tenants.some((t) => t.archives.length > 0) || ops.some((o) => o.startsWith('discard ok'))).toBe(true);
      expect(server.log.some((e) => e.result === 'failed')).toBe(true);
      expect(ops).toContain('move-out ok');

      // The console restarts: the mirror is read back as it was and followed from its seq, no new snapshot.
      db.close();
      const db2 = openConsoleDb(file);
      closers.push(() => void db2.close());
      const { sync: again } = follower(db2, conn, s);
      expect(again.mirror()).toEqual(server);
      for (let n = 60; n < 66; n++) await randomOperation(c, rnd, n);
      await c.invoke('tenant.create', { tenantId: 'after-restart' });
      const o = await again.sync();
      expect(o.mode).toBe('delta');
      expect(again.mirror()).toEqual(await c.snapshot());
      expect((await again.sync()).mode).toBe('unchanged');
    }, 60_000);
  }

  it('takes a snapshot again when it fell further behind than the feed keeps, and then agrees', async () => {
    const s = await startTestServer({ apps: [notesV1()], tenants: ['r1'], changeRetention: 10 });
    servers.push(s);
    const c = s.client();
    const { db, conn } = consoleDb(s.url, s.reader);
    const { sync } = follower(db, conn, s);
    expect((await sync.sync()).mode).toBe('snapshot');
    await c.invoke('tenant.create', { tenantId: 'r2' });
    expect(await sync.sync()).toMatchObject({ mode: 'delta', caughtUp: true });
    for (let i = 0; i < 12; i++) await c.invoke('tenant.create', { tenantId: `r${i + 3}` });
    expect((await sync.sync()).mode).toBe('snapshot');
    expect(sync.mirror()).toEqual(await c.snapshot());
    expect(sync.mirror()!.tenants).toHaveLength(14);
  });

  it('a bounded sync stops after its pages and the next one goes on where it stopped', async () => {
    const s = await startTestServer({ apps: [notesV1()], tenants: ['b1'] });
    servers.push(s);
    const c = s.client();
    const { db, conn } = consoleDb(s.url, s.reader);
    const { sync } = follower(db, conn, s, { pageSize: 2, maxPages: 2 });
    await sync.sync();
    for (let i = 0; i < 5; i++) await c.invoke('tenant.create', { tenantId: `b${i + 2}` });
    const first = await sync.sync();
    expect(first).toMatchObject({ mode: 'delta', changes: 4, caughtUp: false });
    let o = first;
    while (!o.caughtUp) o = await sync.sync();
    expect(sync.mirror()).toEqual(await c.snapshot());
  });

  it('builds the matrix read from the mirror: the same tenants, cells, catalog and archives as the live per-tenant read', async () => {
    const s = await startTestServer({ apps: [coreV1(), coreV2(), loyaltyV1(), notesV1(), rivalV1()], tenants: ['p1', 'p2', 'p3', 'p4', 'p5'] });
    servers.push(s);
    const c = s.client();
    await c.invoke('tenant.install', { tenantIds: ['p1', 'p2', 'p3'], appId: IDS.loyalty, installDependencies: true, version: '1.0.0.0' });
    await c.invoke('tenant.install', { tenantIds: ['p1'], appId: IDS.notes });
    await c.invoke('tenant.uninstall', { tenantId: 'p2', appId: IDS.loyalty }); // archived data
    await c.invoke('tenant.install', { tenantIds: ['p4'], appId: IDS.core, version: '1.0.0.0' }); // upgrade available
    await expect(c.invoke('tenant.install', { tenantIds: ['p1'], appId: IDS.rival })).resolves.toMatchObject({ results: [{ ok: false }] }); // a failure in the log
    await c.invoke('tenant.dismount', { tenantId: 'p5' });
    const { db, conn } = consoleDb(s.url, s.reader);
    const { sync, driver } = follower(db, conn, s);
    await sync.sync();
    const at = '2030-01-01T00:00:00.000Z';
    const fromMirror = mirrorRead(conn, sync.mirror()!, at);
    const live = await readDeployment(conn, driver, at);
    const norm = (r: DeploymentRead): unknown => ({
      snapshot: { ...r.snapshot, cells: [...r.snapshot.cells].sort((a, b) => `${a.tenantKey}|${a.appId}`.localeCompare(`${b.tenantKey}|${b.appId}`)) },
      catalog: [...r.catalog].sort((a, b) => `${a.id}|${a.version}`.localeCompare(`${b.id}|${b.version}`)),
      archivedApps: [...r.archivedApps].sort((a, b) => a.id.localeCompare(b.id)),
    });
    expect(norm(fromMirror)).toEqual(norm(live));
    // the read covers what the matrix shows
    const cell = (t: string, app: string) => fromMirror.snapshot.cells.find((x) => x.tenantKey === `${conn.id}/${t}` && x.appId === app);
    expect(cell('p4', IDS.core)).toMatchObject({ installed: '1.0.0.0', upgradeTo: '2.0.0.0' });
    expect(cell('p2', IDS.loyalty)).toMatchObject({ archived: ['1.0.0.0'] });
    expect(cell('p1', IDS.rival)?.lastFailed?.operation).toMatch(/install/);
    expect(fromMirror.snapshot.tenants.find((t) => t.tenantId === 'p5')?.state).toBe('dismounted');
    expect(fromMirror.tenantSummaries.map((t) => t.id)).toEqual(live.tenantSummaries.map((t) => t.id));
  });
});

/** A server for a deployment that can be stopped and started again on the same port. */
async function restartableServer(): Promise<{
  url: string;
  admin: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  client(): RemoteClient;
  d: ReturnType<typeof makeDeployment>['d'];
}> {
  const { d, dir } = makeDeployment({
    name: 'south',
    dir: path.join(tmp.dir, 'south'),
    apps: [coreV1(), loyaltyV1(), notesV1()],
    tenants: ['s1', 's2', 's3', 's4'],
  });
  const admin = d.tokens.create({ scope: 'admin', name: 'console' }).token;
  let app: FastifyInstance | null = await createServer({ deployment: d });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const clients: RemoteClient[] = [];
  const { RemoteClient: Client } = await import('../../platform/remote/client.js');
  return {
    url,
    admin,
    d,
    stop: async () => {
      await app?.close();
      app = null;
    },
    start: async () => {
      app = await createServer({ deployment: d });
      await app.listen({ host: '127.0.0.1', port });
    },
    close: async () => {
      for (const c of clients) c.close();
      await app?.close();
      d.close();
      void dir;
    },
    client: () => {
      const c = new Client({ url, token: admin, baseDelayMs: 5, maxDelayMs: 50 });
      clients.push(c);
      return c;
    },
  };
}

describe('console services against a remote server', () => {
  it('reads the fleet from the feed, runs a job as server jobs with steps, works offline from the cache, then catches up', async () => {
    const server = await restartableServer();
    closers.push(() => server.close());
    const services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console-services'), host: 'browser', actor: 'ada@test' });
    closers.push(() => services.close());
    const conn = await services.call('connections.add', { kind: 'remote', name: 'South', url: server.url, token: server.admin, allowInsecure: false });
    expect(await services.call('connections.test', { id: conn.id })).toMatchObject({ ok: true, tenantCount: 4, extensionCount: 3 });
    const dep = (f: FleetSnapshot): DeploymentSnapshot => f.deployments.find((x) => x.connectionId === conn.id)!;
    const cell = (f: FleetSnapshot, t: string, app: string) => dep(f).cells.find((x) => x.tenantKey === `${conn.id}/${t}` && x.appId === app);

    const first = await services.call('fleet.snapshot', { refresh: true });
    expect(dep(first)).toMatchObject({ live: true, kind: 'remote', application: { name: testApplication().name } });
    expect(dep(first).tenants.map((t) => t.tenantId)).toEqual(['s1', 's2', 's3', 's4']);

    // install with its dependency on three tenants: one server job per tenant, its events as the item's step
    const targets = ['s1', 's2', 's3'].map((tenantId) => ({ connectionId: conn.id, tenantId, appId: IDS.loyalty }));
    const { jobId } = await services.call('jobs.start', { action: 'install', targets, installDependencies: true, uninstallDependents: false });
    const job = await services.jobs.settled(jobId);
    expect(job.state).toBe('succeeded');
    for (const item of job.items) {
      expect(item).toMatchObject({ state: 'succeeded', message: 'installed Contoso Core 1.0.0.0, Contoso Loyalty 1.0.0.0' });
      expect(item.steps).toEqual([expect.objectContaining({ name: 'server-job', state: 'succeeded', label: expect.stringMatching(/^Server job /) })]);
    }
    const after = await services.call('fleet.snapshot', { refresh: true });
    for (const t of ['s1', 's2', 's3']) {
      expect(cell(after, t, IDS.loyalty)?.installed).toBe('1.0.0.0');
      expect(cell(after, t, IDS.core)?.installed).toBe('1.0.0.0');
    }
    const asOfOnline = dep(after).asOf!;

    // the server goes away: every read answers from the cache, marked not live, with when it was taken
    await server.stop();
    const offline = await services.call('fleet.snapshot', { refresh: true });
    expect(dep(offline)).toMatchObject({ live: false, asOf: asOfOnline, error: { code: 'UNAVAILABLE' } });
    expect(offline.live).toBe(false);
    expect(cell(offline, 's2', IDS.loyalty)?.installed).toBe('1.0.0.0');
    const ov = await services.call('deployment.overview', { connectionId: conn.id });
    expect(ov).toMatchObject({ live: false, tenantCount: 4 });
    const detail = await services.call('tenant.detail', { connectionId: conn.id, tenantId: 's1' });
    expect(detail.live).toBe(false);
    expect(detail.apps.map((a) => a.id).sort()).toEqual([IDS.core, IDS.loyalty].sort());

    // meanwhile a change is made on the deployment; the server comes back; the console catches up from the feed
    server.d.uninstall('s1', IDS.loyalty, { actor: 'someone else' });
    await server.start();
    await server.client().invoke('tenant.install', { tenantIds: ['s4'], appId: IDS.notes });
    const back = await services.call('fleet.snapshot', { refresh: true });
    expect(dep(back).live).toBe(true);
    expect(cell(back, 's1', IDS.loyalty)).toMatchObject({ archived: ['1.0.0.0'] });
    expect(cell(back, 's1', IDS.loyalty)?.installed).toBeUndefined();
    expect(cell(back, 's4', IDS.notes)?.installed).toBe('1.0.0.0');
    expect(dep(back).asOf! > asOfOnline).toBe(true);
  }, 60_000);
});
