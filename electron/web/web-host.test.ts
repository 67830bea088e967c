// The browser host over real HTTP on 127.0.0.1: the session token, Host and Origin checks, JSON-only API,
// the renderer served with its CSP and a path check, and job progress as server-sent events.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../platform/demo/generate.js';
import { ConsoleServices } from '../backend/console-services.js';
import { makeTempDir } from '../backend/test-support/temp-dir.js';
import { SESSION_HEADER, startWebHost, type WebHost } from './web-host.js';

const tmp = makeTempDir();
const dist = path.join(tmp.dir, 'dist');
let services: ConsoleServices;
let host: WebHost;

beforeAll(async () => {
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(tmp.dir, 'secret.txt'), 'secret');
  services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'web@test' });
  host = await startWebHost({ services, rendererDir: dist });
});
afterAll(async () => {
  await host?.close();
  await services?.close();
  tmp.cleanup();
});

/** A raw request, so the test controls the Host header (fetch does not let it be set). */
function request(opts: {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const api = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  request({
    method: 'POST',
    path: `/api/${op}`,
    headers: { 'content-type': 'application/json', [SESSION_HEADER]: host.token, ...headers },
    body: JSON.stringify(body),
  });

describe('browser host', () => {
  it('listens on 127.0.0.1 and hands the token in the URL fragment only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(host.openUrl).toBe(`${host.url}/#session=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers the console contract with the session token', async () => {
    const r = await api('connections.list', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
  });

  it('refuses a call without the token or with a wrong one', async () => {
    expect((await request({ method: 'POST', path: '/api/connections.list', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await api('connections.list', {}, { [SESSION_HEADER]: 'x'.repeat(host.token.length) })).status).toBe(401);
  });

  it('refuses another Host (DNS rebinding) and another Origin (other local pages)', async () => {
    expect((await api('connections.list', {}, { host: 'evil.example.com' })).status).toBe(421);
    expect((await api('connections.list', {}, { origin: 'http://127.0.0.1:9999' })).status).toBe(403);
    expect((await api('connections.list', {}, { origin: host.url })).status).toBe(200);
  });

  it('refuses a body that is not JSON (no cross-site form posts), an unknown operation, and bad input', async () => {
    const form = await request({
      method: 'POST',
      path: '/api/connections.list',
      headers: { 'content-type': 'text/plain', [SESSION_HEADER]: host.token },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const unknown = await api('fs.read', {});
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error.message).toContain('fs.read');
    const bad = await api('connections.add', { kind: 'remote', name: 'x', url: 'ftp://nope', token: 't' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'BAD_INPUT' });
  });

  it('serves the renderer with a strict CSP; refuses traversal', async () => {
    const index = await request({ path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await request({ path: '/assets/app.js' })).headers['content-type']).toMatch(/javascript/);
    expect((await request({ path: '/tenants/contoso' })).status).toBe(200);
    expect((await request({ path: '/../secret.txt' })).body).not.toContain('secret');
    expect((await request({ path: '/%2e%2e/secret.txt' })).status).toBe(404);
    expect((await request({ path: '/assets/missing.js' })).status).toBe(404);
  });

  it('streams job progress as server-sent events to a client with the token', async () => {
    const demo = path.join(tmp.dir, 'demo');
    await generateDemo(demo);
    const conn = JSON.parse((await api('connections.add', { kind: 'local', name: 'West', folder: path.join(demo, 'west') })).body).value as { id: string };
    const ctrl = new AbortController();
    const res = await fetch(`${host.url}/api/events`, { headers: { [SESSION_HEADER]: host.token }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const fleet = JSON.parse((await api('fleet.snapshot', {})).body).value as { deployments: { tenants: { tenantId: string }[] }[] };
    const tenantId = fleet.deployments[0]!.tenants[0]!.tenantId;
    const start = await api('jobs.start', {
      action: 'uninstall',
      targets: [{ connectionId: conn.id, tenantId, appId: '00000000-0000-0000-0000-000000000000' }],
    });
    const { jobId } = JSON.parse(start.body).value as { jobId: string };
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"state":"succeeded"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    ctrl.abort();
    expect(text).toContain('event: job');
    expect(text).toContain(jobId);
    const noToken = await fetch(`${host.url}/api/events`);
    expect(noToken.status).toBe(401);
  });
});
