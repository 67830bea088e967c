// Jobs: a long operation answers 202 with a job id at once, reports tenant by tenant and step by step as SSE
// (replayed from Last-Event-ID after a disconnect), can be cancelled between tenants, keeps its outcome readable
// afterwards, and is marked interrupted when the server that ran it was killed.
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api/http.js';
import type { RemoteJobEvent } from '../../shared/api/jobs.js';
import { IDS, coreV1, notesV1 } from '../engine/test-support/fixtures.js';
import { RemoteClient } from '../remote/client.js';
import { makeDeployment, rawCall, spawnServer, startTestServer, type TestServer } from './test-support/servers.js';

const TENANTS = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: TENANTS });
});
afterAll(() => s.stop());

/** Reads an SSE stream by hand until `stopAfter` events (then drops the connection) or until it ends. */
function readEvents(url: string, token: string, jobId: string, lastEventId: number, stopAfter = Infinity): Promise<RemoteJobEvent[]> {
  return new Promise((resolve, reject) => {
    const got: RemoteJobEvent[] = [];
    const req = http.get(`${url}${ROUTES.jobEvents(jobId)}`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': String(lastEventId) } }, (res) => {
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        let cut: number;
        while ((cut = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, cut);
          text = text.slice(cut + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!data) continue;
          const e = JSON.parse(data) as RemoteJobEvent;
          expect(Number(id)).toBe(e.seq);
          got.push(e);
          if (got.length >= stopAfter) {
            req.destroy();
            resolve(got);
            return;
          }
        }
      });
      res.on('end', () => resolve(got));
    });
    req.on('error', (e) => (got.length >= stopAfter ? undefined : reject(e)));
  });
}

describe('jobs', () => {
  it('a long operation answers 202 at once, reports tenant by tenant, step by step, and its outcome stays readable', async () => {
    const res = await rawCall(s.url, 'POST', ROUTES.jobs, {
      token: s.admin,
      body: JSON.stringify({ operation: 'tenant.install', input: { tenantIds: TENANTS.slice(0, 5), appId: IDS.notes } }),
    });
    expect(res.status).toBe(202);
    const jobId = (res.json?.value as { jobId: string }).jobId;
    // a client that goes away after 4 events and comes back with Last-Event-ID misses nothing and sees nothing twice
    const first = await readEvents(s.url, s.admin, jobId, 0, 4);
    const rest = await readEvents(s.url, s.admin, jobId, first.at(-1)!.seq);
    const all = [...first, ...rest];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all[0]).toMatchObject({ type: 'state', state: 'running', done: 0, total: 5 });
    expect(all.at(-1)).toMatchObject({ type: 'state', state: 'succeeded', done: 5, total: 5 });
    const finished = all.filter((e) => e.type === 'tenant-finished');
    expect(finished.map((e) => e.tenantId)).toEqual(TENANTS.slice(0, 5));
    expect(finished.every((e) => e.ok)).toBe(true);
    expect(all.some((e) => e.type === 'step' && e.tenantId === 't00' && e.step === 'install: after-commit')).toBe(true);
    // the outcome, read later, is the operation's own output
    const job = await s.client().getJob(jobId);
    expect(job).toMatchObject({ state: 'succeeded', operation: 'tenant.install', progress: { done: 5, total: 5 } });
    const result = job.result as { results: { tenantId: string; ok: boolean; action: string }[] };
    expect(result.results.map((r) => [r.tenantId, r.ok, r.action])).toEqual(TENANTS.slice(0, 5).map((t) => [t, true, 'installed']));
    // and a replay after the end gives the same events
    expect(await readEvents(s.url, s.admin, jobId, 0)).toEqual(all);
  });

  it('runJob gives the same output as the direct call, and the same refusal', async () => {
    const c = s.client();
    const viaJob = await c.runJob('tenant.upgrade', { tenantIds: ['t00'], appId: IDS.notes });
    const direct = await c.invoke('tenant.upgrade', { tenantIds: ['t01'], appId: IDS.notes });
    expect(viaJob.results.map(({ opId: _o, tenantId: _t, ...r }) => r)).toEqual(direct.results.map(({ opId: _o, tenantId: _t, ...r }) => r));
    await expect(c.runJob('tenant.install', { tenantIds: ['t05'], appId: 'No Such App' })).rejects.toMatchObject({ code: 'NOT_PUBLISHED' });
    await expect(c.invoke('tenant.install', { tenantIds: ['t05'], appId: 'No Such App' })).rejects.toMatchObject({ code: 'NOT_PUBLISHED' });
    // a long read runs as a job with a read token
    const out = await s
      .client(s.reader)
      .runJob('archive.export', { tenantId: 't00', archiveId: 1 })
      .catch((e: unknown) => e);
    expect(out).toMatchObject({ code: 'ARCHIVE_NOT_FOUND' });
  });

  it('cancel takes effect between tenants: the tenants done stay done, the rest are not touched', async () => {
    const c = s.client();
    const targets = TENANTS.slice(5);
    const jobId = await c.startJob('tenant.install', { tenantIds: targets, appId: IDS.core });
    let cancelled = false;
    const job = await c.followJob(jobId, (e) => {
      if (e.type === 'tenant-finished' && !cancelled) {
        cancelled = true;
        void c.cancelJob(jobId);
      }
    });
    expect(job.state).toBe('cancelled');
    expect(job.error?.code).toBe('CANCELLED');
    expect(job.progress.done).toBeGreaterThan(0);
    expect(job.progress.done).toBeLessThan(targets.length);
    const done = (job.result as { results: { tenantId: string; ok: boolean }[] }).results;
    expect(done).toHaveLength(job.progress.done);
    const installed = (await c.invoke('app.tenants', { appId: IDS.core })).tenants.map((t) => t.tenantId).sort();
    expect(installed).toEqual(done.map((r) => r.tenantId).sort());
    for (const t of targets) expect((await c.invoke('tenant.get', { tenantId: t })).state).toBe('operational');
    // cancelling again changes nothing
    expect(await c.cancelJob(jobId)).toMatchObject({ state: 'cancelled', progress: job.progress });
  });

  it('a server killed during a job marks it interrupted on restart; the tenants it finished stay installed', async () => {
    const tenants = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const { d, folder, dir } = makeDeployment({ apps: [coreV1()], tenants });
    const token = d.tokens.create({ scope: 'admin' }).token;
    d.close();
    try {
      const first = await spawnServer(folder);
      const c1 = new RemoteClient({ url: first.url, token, attempts: 1 });
      const jobId = await c1.startJob('tenant.install', { tenantIds: tenants, appId: IDS.core });
      await c1
        .followJob(jobId, (e) => {
          if (e.type === 'tenant-finished') first.child.kill('SIGKILL');
        })
        .catch(() => undefined);
      await first.exited;
      c1.close();
      const second = await spawnServer(folder);
      const c2 = new RemoteClient({ url: second.url, token, attempts: 1 });
      try {
        const job = await c2.getJob(jobId);
        expect(job.state).toBe('interrupted');
        expect(job.endedAt).not.toBeNull();
        expect(job.progress.done).toBeGreaterThan(0);
        expect(job.progress.done).toBeLessThan(tenants.length);
        const events = await c2.followJob(jobId);
        expect(events.state).toBe('interrupted');
        const installed = (await c2.invoke('app.tenants', { appId: IDS.core })).tenants.map((t) => t.tenantId);
        expect(installed.length).toBeGreaterThanOrEqual(job.progress.done);
        // the tenant that was being worked on when the server died is whole: installed or not, never half
        for (const t of (await c2.invoke('tenant.list', {})).tenants) expect(t.state).toBe('operational');
      } finally {
        c2.close();
        await second.stop();
      }
      expect(fs.existsSync(`${folder}/server.lock`)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
