// Idempotency keys on writes, against a real server on 127.0.0.1: a write whose answer is lost on the way back is
// retried by the client with the same key and gets the first answer, the write done once; a retried job start
// gets its job, not a second one; a key reused for another request, or malformed, is refused and changes nothing.
// The cache itself: answers that say nothing was done are not kept, entries expire and are bounded.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADERS, ROUTES } from '../../shared/api/http.js';
import { COMPANIES, IDS, coreV1, notesV1 } from '../engine/test-support/fixtures.js';
import { RemoteClient } from '../remote/client.js';
import { IdempotencyCache } from './idempotency.js';
import { rawCall, startTestServer, type TestServer } from './test-support/servers.js';

let s: TestServer;
const [C1] = COMPANIES as [string, string];

beforeAll(async () => {
  s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['t1', 't2'] });
  s.d.install(['t1'], IDS.core);
});
afterAll(() => s.stop());

const insert = (no: string, headers: Record<string, string>) =>
  rawCall(s.url, 'POST', ROUTES.op('record.insert'), {
    token: s.admin,
    body: JSON.stringify({ tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': no, Name: no } }),
    headers,
  });
const customers = () => s.d.readPage('t1', C1, 'Customer', { limit: 1000 }).rows.map((r) => r['No.']);

/**
 * A TCP relay to the server that, for the first `drop` connections, passes the request on but cuts the connection
 * as soon as the server starts answering: the write is done, its answer never arrives.
 */
async function lossyRelay(target: string, drop: number): Promise<{ url: string; dropped: () => number; close: () => Promise<void> }> {
  const { port } = new URL(target);
  let dropped = 0;
  let seen = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const lose = seen++ < drop;
    const upstream = net.connect(Number(port), '127.0.0.1');
    for (const sock of [client, upstream]) {
      sockets.add(sock);
      sock.on('error', () => undefined);
      sock.on('close', () => sockets.delete(sock));
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (lose) {
        dropped++;
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const addr = relay.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${addr.port}`,
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const sock of sockets) sock.destroy();
        relay.close(() => resolve());
      }),
  };
}

describe('Idempotency-Key on writes', () => {
  it('a write whose answer was lost is retried by the client with its key: the first answer, the write done once', async () => {
    const relay = await lossyRelay(s.url, 1);
    const retries: string[] = [];
    const client = new RemoteClient({ url: relay.url, token: s.admin, attempts: 3, baseDelayMs: 5, maxDelayMs: 10, onRetry: (r) => retries.push(r.reason) });
    try {
      const out = await client.invoke('record.insert', { tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'LOST-1', Name: 'Lost answer' } });
      expect(relay.dropped()).toBe(1);
      expect(retries).toHaveLength(1);
      expect(out.record['No.']).toBe('LOST-1');
      // inserted once: without the key the retry would have been refused with RECORD_EXISTS
      expect(customers().filter((n) => n === 'LOST-1')).toHaveLength(1);
    } finally {
      client.close?.();
      await relay.close();
    }
  });

  it('the same key answers the same again, marked as a replay; without a key a repeated insert is refused', async () => {
    const first = await insert('KEY-1', { [HEADERS.idempotencyKey]: 'key-1' });
    expect(first.status).toBe(200);
    expect(first.headers.get(HEADERS.replayed)).toBeNull();
    const again = await insert('KEY-1', { [HEADERS.idempotencyKey]: 'key-1' });
    expect(again.status).toBe(200);
    expect(again.headers.get(HEADERS.replayed)).toBe('true');
    expect(again.text).toBe(first.text);
    expect(customers().filter((n) => n === 'KEY-1')).toHaveLength(1);
    const unkeyed = await insert('KEY-1', {});
    expect(unkeyed.json?.error?.code).toBe('RECORD_EXISTS');
  });

  it('a refusal is replayed too, and a retry arriving while the first still runs waits for its answer', async () => {
    const [a, b] = await Promise.all([insert('RACE-1', { [HEADERS.idempotencyKey]: 'race-1' }), insert('RACE-1', { [HEADERS.idempotencyKey]: 'race-1' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.text).toBe(a.text);
    expect(customers().filter((n) => n === 'RACE-1')).toHaveLength(1);
    const refused = await insert('RACE-1', { [HEADERS.idempotencyKey]: 'race-2' });
    expect(refused.json?.error?.code).toBe('RECORD_EXISTS');
    const replayed = await insert('RACE-1', { [HEADERS.idempotencyKey]: 'race-2' });
    expect(replayed.headers.get(HEADERS.replayed)).toBe('true');
    expect(replayed.text).toBe(refused.text);
  });

  it('refuses a key reused for another request, or a malformed key, naming the header; nothing changes', async () => {
    await insert('REUSE-1', { [HEADERS.idempotencyKey]: 'reuse' });
    const before = customers();
    const other = await insert('REUSE-2', { [HEADERS.idempotencyKey]: 'reuse' });
    expect(other.status).toBe(400);
    expect(other.json?.error).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('Idempotency-Key "reuse" was already used for a different request'),
    });
    for (const bad of ['has space', 'x'.repeat(256)]) {
      const r = await insert('BAD-KEY', { [HEADERS.idempotencyKey]: bad });
      expect(r.status).toBe(400);
      expect(r.json?.error?.message).toContain('Idempotency-Key');
    }
    expect(customers()).toEqual(before);
  });

  it('a retried job start gets the job it started, not a second one; keys are per token', async () => {
    const body = JSON.stringify({ operation: 'tenant.install', input: { tenantIds: ['t2'], appId: IDS.notes, installDependencies: true } });
    const start = () => rawCall(s.url, 'POST', ROUTES.jobs, { token: s.admin, body, headers: { [HEADERS.idempotencyKey]: 'job-1' } });
    const a = await start();
    const b = await start();
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.json?.value).toEqual(a.json?.value);
    const jobId = (a.json?.value as { jobId: string }).jobId;
    const job = await s.client().followJob(jobId);
    expect(job.state).toBe('succeeded');
    // one job ran one install: a second job would have logged a second (refused or up-to-date) install
    expect(s.d.log({ tenantId: 't2', limit: 100 }).filter((e) => e.operation === 'tenant.install')).toHaveLength(1);
    // another token's request with the same key is its own request (a read token may not start it)
    const reader = await rawCall(s.url, 'POST', ROUTES.jobs, { token: s.reader, body, headers: { [HEADERS.idempotencyKey]: 'job-1' } });
    expect(reader.status).toBe(403);
  });
});

describe('IdempotencyCache', () => {
  const ok = (n: number) => async () => ({ status: 200, body: { n } });

  it('keeps an answer until it expires; forgets answers that say nothing was done and failures to answer', async () => {
    let now = 0;
    const cache = new IdempotencyCache({ ttlMs: 1000, now: () => now });
    let runs = 0;
    const produce = async () => ({ status: 200, body: { run: ++runs } });
    expect((await cache.run('t', 'k', 'f', produce)).body).toEqual({ run: 1 });
    expect(await cache.run('t', 'k', 'f', produce)).toMatchObject({ body: { run: 1 }, replayed: true });
    now = 1000;
    expect(await cache.run('t', 'k', 'f', produce)).toMatchObject({ body: { run: 2 }, replayed: false });

    for (const status of [500, 503, 429]) {
      await cache.run('t', `s${status}`, 'f', async () => ({ status, body: {} }));
      expect(await cache.run('t', `s${status}`, 'f', ok(1))).toMatchObject({ status: 200, replayed: false });
    }
    await expect(cache.run('t', 'boom', 'f', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.run('t', 'boom', 'f', ok(2))).toMatchObject({ body: { n: 2 }, replayed: false });
  });

  it('holds at most `max` answers, dropping the oldest', async () => {
    const cache = new IdempotencyCache({ max: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await cache.run('t', k, 'f', ok(1));
    expect(cache.size).toBe(3);
    expect((await cache.run('t', 'a', 'f', ok(2))).replayed).toBe(false);
    expect((await cache.run('t', 'd', 'f', ok(3))).replayed).toBe(true);
  });
});
