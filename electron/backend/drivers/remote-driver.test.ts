// The remote driver against a real deployment server on 127.0.0.1 (platform/server, in this process): operations
// through the server's routes with the bearer token, long operations as server jobs whose events reach the caller
// (and become a console job item's step), a failed job carrying the operation's own error, refusals (4xx) passed
// through and never retried. The retry rules for 5xx and dropped connections are shown against a real HTTP server
// that answers as told at the same routes. Plain http to a host that is not this machine is refused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteJobEvent } from '../../../shared/api/jobs.js';
import { ROUTES } from '../../../shared/api/http.js';
import { IDS, coreV1, loyaltyV1, notesV1 } from '../../../platform/engine/test-support/fixtures.js';
import { startTestServer, type TestServer } from '../../../platform/server/test-support/servers.js';
import { serverJobSteps, type StepSink } from './driver.js';
import { RemoteDriver, checkTransport } from './remote-driver.js';

describe('remote driver against a deployment server', () => {
  let s: TestServer;
  const drivers: RemoteDriver[] = [];
  const retries: string[] = [];
  const driver = (token = s.admin): RemoteDriver => {
    const d = new RemoteDriver({ url: s.url, token, baseDelayMs: 5, maxDelayMs: 20, onRetry: (r) => retries.push(r.reason) });
    drivers.push(d);
    return d;
  };

  beforeAll(async () => {
    s = await startTestServer({ name: 'north', apps: [coreV1(), loyaltyV1(), notesV1()], tenants: ['t1', 't2', 't3'] });
  });
  afterAll(async () => {
    for (const d of drivers) await d.close();
    await s?.stop();
  });

  it('runs read operations through the server and validates their results', async () => {
    const d = driver();
    const info = await d.invoke('deployment.info', {});
    expect(info).toMatchObject({ name: 'north', tenants: 3 });
    expect((await d.invoke('tenant.list', {})).tenants.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
  });

  it('runs a long operation as a server job and hands over its events in order', async () => {
    const d = driver();
    const jobs: string[] = [];
    const events: RemoteJobEvent[] = [];
    const out = await d.invoke(
      'tenant.install',
      { tenantIds: ['t1', 't2'], appId: IDS.loyalty, installDependencies: true },
      { onJob: (id) => jobs.push(id), onEvent: (e) => events.push(e) },
    );
    expect(out.results.map((r) => [r.tenantId, r.ok])).toEqual([
      ['t1', true],
      ['t2', true],
    ]);
    expect(out.results[0]!.installed.map((a) => a.name)).toEqual(['Contoso Core', 'Contoso Loyalty']);
    expect(jobs).toHaveLength(1);
    // the job is the server's: readable there, with the same outcome
    const job = await d.client.getJob(jobs[0]!);
    expect(job).toMatchObject({ operation: 'tenant.install', state: 'succeeded', progress: { total: 2, done: 2 } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'tenant-started').map((e) => e.tenantId)).toEqual(['t1', 't2']);
    expect(events.filter((e) => e.type === 'tenant-finished').map((e) => [e.tenantId, e.ok])).toEqual([
      ['t1', true],
      ['t2', true],
    ]);
    expect(events.some((e) => e.type === 'step' && e.step?.startsWith('install: '))).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'succeeded' });
    expect((await d.invoke('tenant.apps', { tenantId: 't2' })).apps.map((a) => a.id).sort()).toEqual([IDS.core, IDS.loyalty].sort());
  });

  it('turns the server job into one step of a console job item: running, the engine steps, then its outcome', async () => {
    const d = driver();
    const seen: { name: string; state?: string; detail?: string; label?: string }[] = [];
    const sink: StepSink = { step: (name, patch) => seen.push({ name, ...patch }) };
    await d.invoke('tenant.install', { tenantIds: ['t3'], appId: IDS.notes }, serverJobSteps(sink));
    expect(new Set(seen.map((x) => x.name))).toEqual(new Set(['server-job']));
    expect(seen[0]).toMatchObject({ state: 'running', label: expect.stringMatching(/^Server job [0-9a-f]{8}$/) });
    expect(seen.some((x) => /^install: .* \(step \d+\)$/.test(x.detail ?? ''))).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'succeeded', detail: expect.stringMatching(/^succeeded on the server after \d+ engine steps$/) });
  });

  it("a failed job throws the operation's own error, the same as a direct call, with the job id", async () => {
    const d = driver();
    type Refusal = { code: string; message: string; details: Record<string, unknown> };
    const refusal = (e: unknown): Refusal => e as Refusal;
    const direct = await d.client.invoke('tenant.uninstall', { tenantId: 'nobody', appId: IDS.core }).then(() => null, refusal);
    const viaJob = await d.invoke('tenant.uninstall', { tenantId: 'nobody', appId: IDS.core }).then(() => null, refusal);
    if (!direct || !viaJob) throw new Error('both calls should have been refused');
    expect(direct.code).toBe('TENANT_NOT_FOUND');
    expect(viaJob).toMatchObject({ code: direct.code, message: direct.message });
    expect(typeof viaJob.details['jobId']).toBe('string');
  });

  it('passes refusals through (wrong token, read token on a write, unknown tenant) and never retries a 4xx', async () => {
    retries.length = 0;
    await expect(driver('tnt_0000000000000000_wrong').invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(driver(s.reader).invoke('tenant.create', { tenantId: 'x1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(driver(s.reader).invoke('tenant.install', { tenantIds: ['t1'], appId: IDS.notes })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(driver().invoke('tenant.get', { tenantId: 'nobody' })).rejects.toMatchObject({
      code: 'TENANT_NOT_FOUND',
      message: expect.stringContaining('nobody'),
    });
    expect(retries).toEqual([]);
    expect((await driver().invoke('tenant.list', {})).tenants.map((t) => t.id)).not.toContain('x1');
  });

  it('follows the change feed and takes snapshots for the offline cache', async () => {
    const d = driver();
    const snap = await d.snapshot();
    expect(snap.tenants.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    await d.invoke('tenant.create', { tenantId: 't4' });
    const page = await d.changes(snap.seq, 100);
    expect(page.snapshotRequired).toBe(false);
    expect(page.changes.some((c) => c.kind === 'tenant.upserted' && c.data.id === 't4')).toBe(true);
  });
});

describe('remote driver retry rules', () => {
  const info = {
    name: 'east',
    folder: '/srv/east',
    application: { name: 'Base', publisher: 'Tenantry', version: '1.0.0.0' },
    tenants: 3,
    apps: 2,
    formatVersion: 1,
  };
  let script: { status: number; body: unknown }[] = [];
  const seen: { url: string; auth: string | undefined }[] = [];
  let server: http.Server;
  let base = '';
  const retries: string[] = [];
  const driver = (attempts = 4): RemoteDriver =>
    new RemoteDriver({ url: base, token: 'tok', baseDelayMs: 1, maxDelayMs: 2, attempts, onRetry: (r) => retries.push(r.reason) });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization });
        const next = script.shift() ?? { status: 200, body: { ok: true, value: info } };
        if (next.status === 0) {
          req.socket.destroy();
          return;
        }
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(next.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const reset = (s: { status: number; body: unknown }[]): void => {
    script = s;
    seen.length = 0;
    retries.length = 0;
  };

  it('posts to the server route with the bearer token', async () => {
    reset([]);
    await expect(driver().invoke('deployment.info', {})).resolves.toEqual(info);
    expect(seen).toEqual([{ url: ROUTES.op('deployment.info'), auth: 'Bearer tok' }]);
  });

  it('retries 5xx and dropped connections with backoff, then succeeds', async () => {
    reset([
      { status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'busy' } } },
      { status: 0, body: null },
      { status: 500, body: {} },
    ]);
    await expect(driver().invoke('deployment.info', {})).resolves.toEqual(info);
    expect(seen).toHaveLength(4);
    expect(retries).toHaveLength(3);
    expect(retries[0]).toBe('HTTP 503');
  });

  it('gives up after the last attempt with the server error', async () => {
    reset(Array.from({ length: 4 }, () => ({ status: 502, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'bad gateway' } } })));
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'bad gateway' });
    expect(seen).toHaveLength(4);
  });

  it('never retries a 4xx, and passes its code and message through', async () => {
    reset([{ status: 409, body: { ok: false, error: { code: 'STALE_VERSION', message: 'tenant "x" is at version 4, not 3' } } }]);
    await expect(driver().invoke('tenant.get', { tenantId: 'x' })).rejects.toMatchObject({
      code: 'STALE_VERSION',
      message: 'tenant "x" is at version 4, not 3',
    });
    expect(seen).toHaveLength(1);
    reset([{ status: 401, body: { ok: false, error: { code: 'UNAUTHORIZED', message: 'the token was revoked' } } }]);
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(seen).toHaveLength(1);
    reset([{ status: 404, body: '<html>not found</html>' }]);
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('HTTP 404') });
    expect(seen).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('refuses a result that does not match the contract', async () => {
    reset([{ status: 200, body: { ok: true, value: { name: 1 } } }]);
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('reports an unreachable server as UNAVAILABLE after retrying', async () => {
    retries.length = 0;
    const d = new RemoteDriver({ url: 'http://127.0.0.1:1', token: 't', baseDelayMs: 1, maxDelayMs: 1, attempts: 2, onRetry: (r) => retries.push(r.reason) });
    await expect(d.invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(retries).toHaveLength(1);
    await d.close();
  });
});

describe('transport', () => {
  it('refuses plain http to a host that is not loopback unless allowed for the connection', () => {
    expect(() => checkTransport('http://erp.example.com', false)).toThrow(/plain http to erp.example.com/);
    expect(() => checkTransport('http://erp.example.com', true)).not.toThrow();
    expect(() => checkTransport('http://127.0.0.1:8080', false)).not.toThrow();
    expect(() => checkTransport('http://localhost:8080', false)).not.toThrow();
    expect(() => checkTransport('http://[::1]:8080', false)).not.toThrow();
    expect(() => checkTransport('https://erp.example.com', false)).not.toThrow();
    expect(() => checkTransport('ftp://erp.example.com', false)).toThrow(/must start with https/);
    expect(() => checkTransport('not a url', false)).toThrow(/is not a URL/);
    expect(() => new RemoteDriver({ url: 'http://10.0.0.5', token: 't' })).toThrow(/10\.0\.0\.5/);
    const d = new RemoteDriver({ url: 'http://10.0.0.5', token: 't', allowInsecure: true });
    expect(d.url).toBe('http://10.0.0.5');
    void d.close();
  });
});
