// The remote client against a real HTTP server on 127.0.0.1 that answers as told: retries 5xx and network
// failures with backoff, never retries 4xx, validates results against the contract, refuses plain http off-box.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantryError } from '../../../shared/api/errors.js';
import { RemoteDriver, checkTransport } from './remote-driver.js';

const info = { name: 'east', folder: '/srv/east', application: { name: 'Base', publisher: 'Tenantry', version: '1.0.0.0' }, tenants: 3, apps: 2, formatVersion: 1 };
let script: { status: number; body: unknown }[] = [];
const seen: { url: string; auth: string | undefined; body: string }[] = [];
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
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

const driver = (): RemoteDriver => new RemoteDriver({ url: base, token: 'tok', baseDelayMs: 1, maxDelayMs: 2, attempts: 4 });

describe('remote driver', () => {
  it('posts the input with the bearer token to /v1/ops/<op> and returns the validated value', async () => {
    seen.length = 0;
    script = [];
    await expect(driver().invoke('deployment.info', {})).resolves.toEqual(info);
    expect(seen[0]).toEqual({ url: '/v1/ops/deployment.info', auth: 'Bearer tok', body: '{}' });
  });

  it('retries 5xx and dropped connections, then succeeds', async () => {
    seen.length = 0;
    script = [
      { status: 503, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'busy' } } },
      { status: 0, body: null },
      { status: 500, body: {} },
    ];
    await expect(driver().invoke('deployment.info', {})).resolves.toEqual(info);
    expect(seen).toHaveLength(4);
  });

  it('gives up after the last attempt with the server error', async () => {
    seen.length = 0;
    script = Array.from({ length: 4 }, () => ({ status: 502, body: { ok: false, error: { code: 'UNAVAILABLE', message: 'bad gateway' } } }));
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'bad gateway' });
    expect(seen).toHaveLength(4);
  });

  it('never retries a 4xx, and passes the error code and message through', async () => {
    seen.length = 0;
    script = [{ status: 404, body: { ok: false, error: { code: 'TENANT_NOT_FOUND', message: 'no tenant "x"' } } }];
    await expect(driver().invoke('tenant.get', { tenantId: 'x' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND', message: 'no tenant "x"' });
    expect(seen).toHaveLength(1);
    seen.length = 0;
    script = [{ status: 401, body: {} }];
    await expect(driver().invoke('deployment.info', {})).rejects.toBeInstanceOf(TenantryError);
    expect(seen).toHaveLength(1);
  });

  it('refuses a result that does not match the contract', async () => {
    script = [{ status: 200, body: { ok: true, value: { name: 1 } } }];
    await expect(driver().invoke('deployment.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('reports an unreachable server as UNAVAILABLE after retrying', async () => {
    const d = new RemoteDriver({ url: 'http://127.0.0.1:1', token: 't', baseDelayMs: 1, maxDelayMs: 1, attempts: 2 });
    await expect(d.invoke('deployment.info', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses plain http to a host that is not loopback unless allowed', () => {
    expect(() => checkTransport('http://erp.example.com', false)).toThrow(/plain http to erp.example.com/);
    expect(() => checkTransport('http://erp.example.com', true)).not.toThrow();
    expect(() => checkTransport('http://127.0.0.1:8080', false)).not.toThrow();
    expect(() => checkTransport('http://localhost:8080', false)).not.toThrow();
    expect(() => checkTransport('https://erp.example.com', false)).not.toThrow();
    expect(() => new RemoteDriver({ url: 'http://10.0.0.5', token: 't' })).toThrow(TenantryError);
  });
});
