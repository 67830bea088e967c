// The server's log, read as written: one JSON line per request with its id (also sent as x-request-id), the
// operation, tenant, duration and outcome; refusals with their code; no token anywhere in the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerLog } from './server-log.js';
import { rawCall, startTestServer, type TestServer } from './test-support/servers.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-log-'));
const file = path.join(dir, 'server.log');
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ tenants: ['t1'], server: { log: createServerLog('info', pino.destination({ dest: file, sync: true })) } });
});
afterAll(async () => {
  await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lines = (): Record<string, unknown>[] =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('server log', () => {
  it('logs a succeeded and a refused operation with request id, operation, tenant, duration and outcome; no token', async () => {
    const ok = await rawCall(s.url, 'POST', '/api/v1/op/tenant.get', {
      token: s.admin,
      body: JSON.stringify({ tenantId: 't1' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(200);
    const refused = await rawCall(s.url, 'POST', '/api/v1/op/tenant.get', {
      token: s.admin,
      body: JSON.stringify({ tenantId: 'nobody' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(refused.json?.ok).toBe(false);
    const badToken = await rawCall(s.url, 'POST', '/api/v1/op/tenant.get', {
      token: 'tnt_not-a-real-token',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(badToken.status).toBe(401);

    const okId = ok.headers.get('x-request-id');
    const refusedId = refused.headers.get('x-request-id');
    expect(okId).toMatch(/^[0-9a-f-]{36}$/);
    expect(refusedId).not.toBe(okId);
    const all = lines();
    const okLine = all.find((l) => l['reqId'] === okId);
    expect(okLine).toMatchObject({ level: 30, op: 'tenant.get', tenant: 't1', status: 200, outcome: 'ok' });
    expect(typeof okLine?.['durationMs']).toBe('number');
    const refusedLine = all.find((l) => l['reqId'] === refusedId);
    expect(refusedLine).toMatchObject({ op: 'tenant.get', tenant: 'nobody', outcome: refused.json?.error?.code });
    expect(all.find((l) => l['reqId'] === badToken.headers.get('x-request-id'))).toMatchObject({ outcome: 'UNAUTHORIZED', status: 401 });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(s.admin);
    expect(text).not.toContain('tnt_not-a-real-token');
  });

  it('redacts tokens and the Authorization header should a line carry them', () => {
    const f = path.join(dir, 'redact.log');
    const log = createServerLog('info', pino.destination({ dest: f, sync: true }));
    log.info({ headers: { authorization: 'Bearer sekrit-1' }, token: 'sekrit-2', input: { token: 'sekrit-3' } }, 'x');
    const text = fs.readFileSync(f, 'utf8');
    expect(text).not.toMatch(/sekrit/);
    expect(text).toContain('[redacted]');
  });
});
