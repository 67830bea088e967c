// Who may call what (quality.md "Remote management API"): every route of the server, each operation of the contract
// included, refuses a request without a token (401), with a wrong or revoked token (401), and a read token on
// anything that changes the deployment (403); tenant-scoped tokens see only their tenants; TLS when given a cert.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/api/http.js';
import { OPERATIONS, OPERATION_NAMES } from '../../shared/api/operations.js';
import { COMPANIES, IDS, coreV1, notesV1 } from '../engine/test-support/fixtures.js';
import { RemoteClient } from '../remote/client.js';
import { startServer } from './server.js';
import { rawCall, startTestServer, type TestServer } from './test-support/servers.js';

let s: TestServer;
const [C1] = COMPANIES as [string, string];

beforeAll(async () => {
  s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: ['t1', 't2'] });
  s.d.installOne('t1', IDS.notes);
  s.d.installOne('t2', IDS.notes);
});
afterAll(() => s.stop());

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  route: string;
  /** Changes the deployment (or hands out a whole tenant database): admin only. */
  write: boolean;
  body?: string;
  headers?: Record<string, string>;
}

/** Every route of the server: one per operation of the contract, and the others of ROUTES. */
function everyRoute(): Route[] {
  const ops: Route[] = OPERATION_NAMES.map((op) => ({ method: 'POST', route: ROUTES.op(op), write: OPERATIONS[op].kind === 'write', body: '{}' }));
  const job = '00000000-0000-4000-8000-000000000000';
  return [
    ...ops,
    { method: 'POST', route: ROUTES.jobs, write: true, body: JSON.stringify({ operation: 'tenant.install', input: { tenantIds: ['t1'], appId: IDS.core } }) },
    { method: 'POST', route: ROUTES.jobs, write: false, body: JSON.stringify({ operation: 'archive.export', input: { tenantId: 't1', archiveId: 1 } }) },
    { method: 'GET', route: ROUTES.job(job), write: false },
    { method: 'GET', route: ROUTES.jobEvents(job), write: false },
    { method: 'POST', route: ROUTES.jobCancel(job), write: true, body: '{}' },
    { method: 'GET', route: `${ROUTES.changes}?since=0`, write: false },
    { method: 'GET', route: ROUTES.snapshot, write: false },
    { method: 'GET', route: ROUTES.tenantFile('t1'), write: true },
    {
      method: 'PUT',
      route: ROUTES.tenantFile('t9'),
      write: true,
      body: 'not a database',
      headers: { 'content-type': 'application/octet-stream', 'x-tenantry-sha256': '0'.repeat(64) },
    },
  ];
}

describe('authentication and scopes', () => {
  it('the walk covers every operation of the contract and every route kind', () => {
    const routes = everyRoute().map((r) => r.route);
    for (const op of OPERATION_NAMES) expect(routes).toContain(ROUTES.op(op));
    const kinds = [ROUTES.jobs, ROUTES.job('x'), ROUTES.jobEvents('x'), ROUTES.jobCancel('x'), ROUTES.changes, ROUTES.snapshot, ROUTES.tenantFile('x')].map(
      (r) => r.replace(/x/g, ''),
    );
    for (const k of kinds) expect(routes.some((r) => r.replace(/[0-9a-f-]{36}|t1|t9/g, '').startsWith(k.replace(/\/$/, '')))).toBe(true);
  });

  it('refuses every route without a token and with a wrong token (401), and changes nothing', async () => {
    const seq = s.d.changeSeq;
    const revoked = s.d.tokens.create({ scope: 'admin', name: 'gone' });
    s.d.tokens.revoke(revoked.info.id);
    const wrong = s.admin.slice(0, -4) + (s.admin.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const r of everyRoute()) {
      const base = { ...(r.body !== undefined ? { body: r.body } : {}), ...(r.headers ? { headers: r.headers } : {}) };
      for (const token of [undefined, wrong, revoked.token, 'tnt_not-even-close', `${s.admin} extra`]) {
        const res = await rawCall(s.url, r.method, r.route, { ...base, ...(token !== undefined ? { token } : {}) });
        expect({ route: `${r.method} ${r.route}`, token: token?.slice(0, 8), status: res.status, code: res.json?.error?.code }).toEqual({
          route: `${r.method} ${r.route}`,
          token: token?.slice(0, 8),
          status: 401,
          code: 'UNAUTHORIZED',
        });
      }
      const basic = await rawCall(s.url, r.method, r.route, {
        ...base,
        headers: { ...r.headers, authorization: `Basic ${Buffer.from(`x:${s.admin}`).toString('base64')}` },
      });
      expect(basic.status).toBe(401);
    }
    expect(s.d.changeSeq).toBe(seq);
  });

  it('refuses a read token on every write (403) and changes nothing; reads pass', async () => {
    const seq = s.d.changeSeq;
    const writes = everyRoute().filter((r) => r.write);
    expect(writes.length).toBeGreaterThan(20);
    for (const r of writes) {
      const res = await rawCall(s.url, r.method, r.route, {
        token: s.reader,
        ...(r.body !== undefined ? { body: r.body } : {}),
        ...(r.headers ? { headers: r.headers } : {}),
      });
      expect({ route: `${r.method} ${r.route}`, status: res.status, code: res.json?.error?.code }).toEqual({
        route: `${r.method} ${r.route}`,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(s.d.changeSeq).toBe(seq);
    const reader = s.client(s.reader);
    expect((await reader.invoke('tenant.list', {})).tenants.map((t) => t.id)).toEqual(['t1', 't2']);
    expect((await reader.snapshot()).tenants).toHaveLength(2);
  });

  it('GET /health answers {ok:true} without a token and reveals nothing else', async () => {
    const res = await rawCall(s.url, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
  });

  it('a token limited to a tenant sees that tenant only; others answer exactly as missing ones', async () => {
    const scoped = s.d.tokens.create({ scope: 'admin', name: 't1-admin', tenants: ['T1'] }).token;
    const c = s.client(scoped);
    expect((await c.invoke('tenant.get', { tenantId: 't1' })).id).toBe('t1');
    const other = await rawCall(s.url, 'POST', ROUTES.op('tenant.get'), { token: scoped, body: JSON.stringify({ tenantId: 't2' }) });
    const missing = await rawCall(s.url, 'POST', ROUTES.op('tenant.get'), { token: scoped, body: JSON.stringify({ tenantId: 'nobody' }) });
    expect(other.status).toBe(404);
    expect(other.json?.error?.code).toBe('TENANT_NOT_FOUND');
    expect(other.json?.error?.message.replace('t2', 'X')).toBe(missing.json?.error?.message.replace('nobody', 'X'));
    // lists, counts, the log, the tenants of an app, the snapshot and the feed are filtered
    expect((await c.invoke('tenant.list', {})).tenants.map((t) => t.id)).toEqual(['t1']);
    expect((await c.invoke('deployment.info', {})).tenants).toBe(1);
    expect((await c.invoke('app.tenants', { appId: IDS.notes })).tenants.map((t) => t.tenantId)).toEqual(['t1']);
    expect((await c.invoke('app.catalog', {})).apps.find((a) => a.id === IDS.notes)?.tenantCount).toBe(1);
    expect((await c.invoke('move.destinationFacts', {})).tenantIds).toEqual(['t1']);
    await c.invoke('record.insert', { tenantId: 't1', company: C1, table: 'Customer', values: { 'No.': 'S1', Name: 'Scoped' } });
    expect((await c.invoke('log.list', { limit: 1000 })).entries.every((e) => e.tenantId === 't1')).toBe(true);
    const snap = await c.snapshot();
    expect(snap.tenants.map((t) => t.id)).toEqual(['t1']);
    expect(snap.log.every((e) => e.tenantId === 't1')).toBe(true);
    const feed = await c.changes(0, 10_000);
    expect(feed.changes.every((ch) => ch.tenantId === undefined || ch.tenantId === 't1')).toBe(true);
    // writes to other tenants, and to the whole deployment, are refused
    await expect(c.invoke('tenant.install', { tenantIds: ['t1', 't2'], appId: IDS.core })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    await expect(c.invoke('log.list', { tenantId: 't2' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    await expect(c.invoke('app.unpublish', { appId: IDS.core, version: '1.0.0.0' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const file = await rawCall(s.url, 'GET', ROUTES.tenantFile('t2'), { token: scoped });
    expect(file.status).toBe(404);
    // its own jobs only
    const mine = await c.startJob('tenant.install', { tenantIds: ['t1'], appId: IDS.core });
    await c.followJob(mine);
    const theirs = await s.client().startJob('archive.export', { tenantId: 't2', archiveId: 999 });
    await expect(c.getJob(theirs)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await s.client().getJob(mine)).state).toBe('succeeded');
  });

  it('serves HTTPS with a certificate; the client trusts it with the CA and refuses plain http off the machine', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-tls-'));
    try {
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
      const folder = path.join(dir, 'dep');
      const { Deployment } = await import('../engine/deployment.js');
      const d = Deployment.create(folder);
      const token = d.tokens.create({ scope: 'read' }).token;
      d.close();
      const server = await startServer({ folder, host: '127.0.0.1', port: 0, tls: { certFile: cert, keyFile: key } });
      try {
        expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        const trusted = new RemoteClient({ url: server.url, token, ca: fs.readFileSync(cert), attempts: 1 });
        expect((await trusted.invoke('deployment.info', {})).tenants).toBe(0);
        trusted.close();
        const untrusted = new RemoteClient({ url: server.url, token, attempts: 1 });
        await expect(untrusted.invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
        untrusted.close();
      } finally {
        await server.close();
      }
      expect(() => new RemoteClient({ url: 'http://10.1.2.3:7049', token })).toThrow(
        expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringContaining('plain http') }),
      );
      expect(() => new RemoteClient({ url: 'http://10.1.2.3:7049', token, insecureHttp: true })).not.toThrow();
      await expect(startServer({ folder, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
