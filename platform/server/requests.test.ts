// Requests the server must refuse with a 4xx and the error code, changing nothing (bad JSON, unknown fields, wrong
// types, oversized bodies, unknown tenants, unknown operations, file paths), versioned writes (409 STALE_VERSION),
// overload (429 + Retry-After, which the client honours) and the client's retry rules (5xx and network errors with
// backoff, never 4xx).
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api/http.js';
import { COMPANIES, IDS, coreV1, notesV1, pkg } from '../engine/test-support/fixtures.js';
import { RemoteClient } from '../remote/client.js';
import { rawCall, startTestServer, type TestServer } from './test-support/servers.js';

let s: TestServer;
const [C1] = COMPANIES as [string, string];

beforeAll(async () => {
  s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['t1', 't2'], server: { bodyLimit: 256 * 1024 } });
});
afterAll(() => s.stop());

/**
 * Many requests arriving at once, as from many machines: every connection is opened first, then all requests are
 * written in one go, so the server reads them in the same turn of its event loop.
 */
async function burst(server: TestServer, route: string, bodies: string[]): Promise<{ status: number; headers: Record<string, string>; body: string }[]> {
  const { port } = new URL(server.url);
  const sockets = await Promise.all(
    bodies.map(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const sock = net.connect(Number(port), '127.0.0.1', () => resolve(sock));
          sock.on('error', reject);
        }),
    ),
  );
  // every connection accepted by the server before anything is sent
  while ((await server.connections()) < sockets.length) await new Promise((r) => setImmediate(r));
  const answers = sockets.map(
    (sock) =>
      new Promise<string>((resolve) => {
        let text = '';
        sock.setEncoding('utf8').on('data', (d: string) => (text += d));
        sock.on('end', () => resolve(text));
      }),
  );
  sockets.forEach((sock, i) => {
    const b = Buffer.from(bodies[i]!, 'utf8');
    sock.write(
      `POST ${route} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${server.admin}\r\ncontent-type: application/json\r\ncontent-length: ${b.length}\r\nconnection: close\r\n\r\n${bodies[i]!}`,
    );
  });
  return (await Promise.all(answers)).map((text) => {
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const at = l.indexOf(':');
      headers[l.slice(0, at).toLowerCase()] = l.slice(at + 1).trim();
    }
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  });
}

const op = (name: string, body: string | Buffer, headers?: Record<string, string>) =>
  rawCall(s.url, 'POST', ROUTES.op(name), { token: s.admin, body, ...(headers ? { headers } : {}) });

describe('bad requests', () => {
  it('are refused with a 4xx and the code, and change nothing', async () => {
    const before = s.d.snapshot();
    const cases: { what: string; res: Awaited<ReturnType<typeof op>>; status: number; code: string; mentions?: string }[] = [
      { what: 'bad JSON', res: await op('tenant.create', '{"tenantId": "t3",'), status: 400, code: 'BAD_INPUT' },
      { what: 'JSON that is not an object', res: await op('tenant.create', '[1,2]'), status: 400, code: 'BAD_INPUT' },
      {
        what: 'an unknown field',
        res: await op('tenant.create', JSON.stringify({ tenantId: 't3', colour: 'red' })),
        status: 400,
        code: 'BAD_INPUT',
        mentions: 'colour',
      },
      {
        what: 'a wrong type',
        res: await op('tenant.install', JSON.stringify({ tenantIds: 't1', appId: IDS.core })),
        status: 400,
        code: 'BAD_INPUT',
        mentions: 'tenantIds',
      },
      { what: 'a bad tenant id', res: await op('tenant.create', JSON.stringify({ tenantId: '../etc' })), status: 400, code: 'BAD_INPUT', mentions: 'tenantId' },
      { what: 'prototype poisoning', res: await op('tenant.create', '{"tenantId":"t3","__proto__":{"x":1}}'), status: 400, code: 'BAD_INPUT' },
      {
        what: 'an oversized body',
        res: await op('app.publish', JSON.stringify({ package: pkg(coreV1()).toString('base64').repeat(200), skipVerification: true })),
        status: 413,
        code: 'BAD_INPUT',
        mentions: 'larger than',
      },
      {
        what: 'another content type',
        res: await op('tenant.create', 'tenantId=t3', { 'content-type': 'application/x-www-form-urlencoded' }),
        status: 415,
        code: 'BAD_INPUT',
      },
      {
        what: 'an unknown tenant',
        res: await op('tenant.uninstall', JSON.stringify({ tenantId: 'nobody', appId: IDS.notes })),
        status: 404,
        code: 'TENANT_NOT_FOUND',
        mentions: 'nobody',
      },
      { what: 'an unknown operation', res: await op('tenant.explode', '{}'), status: 404, code: 'NOT_FOUND', mentions: 'tenant.explode' },
      { what: 'a file path to mount', res: await op('tenant.mount', JSON.stringify({ file: '/etc/passwd' })), status: 400, code: 'BAD_INPUT', mentions: 'PUT' },
      {
        what: 'a job of a short operation',
        res: await rawCall(s.url, 'POST', ROUTES.jobs, { token: s.admin, body: JSON.stringify({ operation: 'tenant.create', input: { tenantId: 't3' } }) }),
        status: 400,
        code: 'BAD_INPUT',
      },
      { what: 'a bad changes query', res: await rawCall(s.url, 'GET', `${ROUTES.changes}?since=-1`, { token: s.admin }), status: 400, code: 'BAD_INPUT' },
      { what: 'an unknown route', res: await rawCall(s.url, 'GET', '/api/v1/nothing', { token: s.admin }), status: 404, code: 'NOT_FOUND' },
      {
        what: 'an upload without its SHA-256',
        res: await rawCall(s.url, 'PUT', ROUTES.tenantFile('t3'), {
          token: s.admin,
          body: Buffer.from('x'),
          headers: { 'content-type': 'application/octet-stream' },
        }),
        status: 400,
        code: 'BAD_INPUT',
      },
      {
        what: 'an upload that is not a tenant database',
        res: await rawCall(s.url, 'PUT', ROUTES.tenantFile('t3'), {
          token: s.admin,
          body: Buffer.alloc(8192, 7),
          headers: { 'content-type': 'application/octet-stream', 'x-tenantry-sha256': 'a'.repeat(64) },
        }),
        status: 422,
        code: 'MOVE_FAILED',
        mentions: 'SHA-256',
      },
      {
        what: 'a record that does not fit',
        res: await op('record.insert', JSON.stringify({ tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'C1', Nonsense: 1 } })),
        status: 422,
        code: 'RECORD_INVALID',
      },
    ];
    for (const c of cases) {
      expect({ what: c.what, status: c.res.status, code: c.res.json?.error?.code }).toEqual({ what: c.what, status: c.status, code: c.code });
      expect(c.res.json?.ok).toBe(false);
      if (c.mentions) expect(c.res.json?.error?.message).toContain(c.mentions);
    }
    const after = s.d.snapshot();
    // the refused calls that reached the engine are logged (as failed); nothing else changed
    expect(after.tenants).toEqual(before.tenants);
    expect(after.catalog).toEqual(before.catalog);
    expect(after.log.filter((e) => e.result !== 'failed').map((e) => e.opId)).toEqual(before.log.map((e) => e.opId));
    expect(s.d.listTenants().map((t) => t.id)).toEqual(['t1', 't2']);
  });
});

describe('versioned writes', () => {
  it('a stale expectedVersion is refused with 409 STALE_VERSION and changes nothing; the current one passes', async () => {
    const c = s.client();
    const t = await c.invoke('tenant.get', { tenantId: 't1' });
    expect(typeof t.version).toBe('number');
    const v = t.version!;
    await c.invoke('tenant.install', { tenantIds: ['t1'], appId: IDS.notes, expectedVersions: { t1: v } });
    const after = await c.invoke('tenant.get', { tenantId: 't1' });
    expect(after.version).toBe(v + 1);
    const seq = s.d.changeSeq;
    const stale = await op('tenant.uninstall', JSON.stringify({ tenantId: 't1', appId: IDS.notes, expectedVersion: v }));
    expect(stale.status).toBe(409);
    expect(stale.json?.error).toMatchObject({ code: 'STALE_VERSION', details: { tenantId: 't1', version: v + 1, expectedVersion: v } });
    expect(s.d.changeSeq).toBe(seq);
    await expect(c.invoke('tenant.install', { tenantIds: ['t1', 't2'], appId: IDS.core, expectedVersions: { t2: 0 } })).rejects.toMatchObject({
      code: 'STALE_VERSION',
    });
    expect((await c.invoke('tenant.apps', { tenantId: 't1' })).apps.map((a) => a.id)).toEqual([IDS.notes]);
    const un = await c.invoke('tenant.uninstall', { tenantId: 't1', appId: IDS.notes, expectedVersion: v + 1 });
    expect(un.uninstalled).toHaveLength(1);
    // record writes check the version but do not change it (rows are data, not administration)
    const now = (await c.invoke('tenant.get', { tenantId: 't1' })).version!;
    await c.invoke('record.insert', { tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'V1', Name: 'x' }, expectedVersion: now });
    expect((await c.invoke('tenant.get', { tenantId: 't1' })).version).toBe(now);
    await expect(
      c.invoke('record.insert', { tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'V2', Name: 'x' }, expectedVersion: now - 1 }),
    ).rejects.toMatchObject({ code: 'STALE_VERSION' });
  });
});

describe('overload', () => {
  it('answers 429 with Retry-After beyond the bound of write requests in flight; the client waits and every write lands', async () => {
    const small = await startTestServer({ tenants: ['t1'], server: { maxInFlightWrites: 4, retryAfterSeconds: 1 } });
    try {
      const body = (i: number) => JSON.stringify({ tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': `R${i}`, Name: `n${i}` } });
      const raw = await burst(
        small,
        ROUTES.op('record.insert'),
        Array.from({ length: 40 }, (_, i) => body(i)),
      );
      const refused = raw.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        expect(r.headers['retry-after']).toBe('1');
        expect((JSON.parse(r.body) as { error: { code: string } }).error.code).toBe('OVERLOADED');
      }
      expect(raw.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      // what was refused is sent again, now through the client: every write lands, none twice
      const c = small.client();
      const again = raw.map((r, i) => (r.status === 429 ? i : -1)).filter((i) => i >= 0);
      await Promise.all(again.map((i) => c.invoke('record.insert', JSON.parse(body(i)) as never)));
      const page = await c.invoke('record.page', { tenantId: 't1', company: C1, table: 'Customer', limit: 100, orderBy: 'No.' });
      expect(page.total).toBe(40);
      expect(page.rows.map((r) => r['No.']).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `R${i}`).sort());
    } finally {
      await small.stop();
    }
  });
});

describe('the client retry rules', () => {
  it('retries 5xx and dropped connections with backoff, never a 4xx', async () => {
    let script: number[] = [];
    let calls = 0;
    const fake = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        const status = script.shift() ?? 200;
        if (status === 0) {
          req.socket.destroy();
          return;
        }
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
        res.end(
          JSON.stringify(
            status === 200
              ? { ok: true, value: { tenants: [] } }
              : {
                  ok: false,
                  error: {
                    code: status === 503 ? 'UNAVAILABLE' : status === 409 ? 'TENANT_EXISTS' : status === 429 ? 'OVERLOADED' : 'INTERNAL',
                    message: `status ${status}`,
                  },
                },
          ),
        );
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    const delays: number[] = [];
    const c = new RemoteClient({ url, token: 'tnt_x', attempts: 4, baseDelayMs: 10, maxDelayMs: 40, onRetry: (r) => delays.push(r.delayMs) });
    try {
      script = [503, 0, 500];
      calls = 0;
      expect(await c.invoke('tenant.list', {})).toEqual({ tenants: [] });
      expect(calls).toBe(4);
      expect(delays).toHaveLength(3);
      // exponential with jitter, bounded: each between half and all of min(max, base * 2^(n-1))
      delays.forEach((d, i) => {
        const cap = Math.min(40, 10 * 2 ** i);
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThanOrEqual(cap);
      });
      script = [500, 500, 500, 500, 500];
      calls = 0;
      await expect(c.invoke('tenant.list', {})).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(calls).toBe(4);
      script = [409];
      calls = 0;
      await expect(c.invoke('tenant.list', {})).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
      expect(calls).toBe(1);
      // 429: waits what Retry-After says (1 s), then asks again
      script = [429];
      calls = 0;
      delays.length = 0;
      expect(await c.invoke('tenant.list', {})).toEqual({ tenants: [] });
      expect(calls).toBe(2);
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(1000);
    } finally {
      c.close();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });
});
