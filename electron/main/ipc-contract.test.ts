// One contract, two transports, identical answers: the same calls go through Electron IPC (the real handlers of
// main and the preload's call, over a harness with ipcMain.handle / ipcRenderer.invoke semantics: structured
// clones both ways, a thrown error reduced to Electron's message string) and through the real browser host over
// HTTP on 127.0.0.1. Successes and refusals alike must come back the same, codes and details included.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleOperationName } from '../../shared/api/console.js';
import { ipcChannel } from '../../shared/api/console-names.js';
import { callOverIpc, errorInfoFromIpcThrow } from '../../shared/api/ipc-envelope.js';
import { generateDemo } from '../../platform/demo/generate.js';
import { ConsoleServices } from '../backend/console-services.js';
import { makeTempDir } from '../backend/test-support/temp-dir.js';
import { SESSION_HEADER, startWebHost, type WebHost } from '../web/web-host.js';
import { ipcHandlers, type InvokeEventLike } from './ipc-handlers.js';

type Handler = (event: InvokeEventLike, input: unknown) => Promise<unknown>;

/** ipcMain.handle / ipcRenderer.invoke as Electron runs them, without Electron. */
class IpcHarness {
  private readonly handlers = new Map<string, Handler>();
  constructor(private readonly event: InvokeEventLike) {}
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  async invoke(channel: string, input: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    try {
      return structuredClone(await handler(this.event, structuredClone(input)));
    } catch (e) {
      // Electron keeps only `${error}` ("Name: message") of what a handler threw.
      throw new Error(`Error invoking remote method '${channel}': ${String(e)}`);
    }
  }
}

const tmp = makeTempDir();
const windowIds = new Set([7]);
let services: ConsoleServices;
let host: WebHost;
let ipc: IpcHarness;
let eastId = '';

beforeAll(async () => {
  const demo = path.join(tmp.dir, 'demo');
  await generateDemo(demo);
  services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'contract@test' });
  const east = await services.call('connections.add', { kind: 'local', name: 'East', folder: path.join(demo, 'east') });
  eastId = east.id;
  host = await startWebHost({ services });
  ipc = new IpcHarness({ sender: { id: 7 }, senderFrame: { url: 'app://console/index.html' } });
  for (const [channel, handler] of ipcHandlers(services, windowIds)) ipc.handle(channel, handler);
});
afterAll(async () => {
  await host?.close();
  await services?.close();
  tmp.cleanup();
});

/** The answer with its read times blanked: two reads a few ms apart differ only there. */
/** Times, and each call's own log reference (a fresh id per call, on both transports), set aside for comparing. */
const timeless = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (k, x: unknown) => (k === 'asOf' ? '<time>' : k === 'ref' && typeof x === 'string' && UUID.test(x) ? '<ref>' : x))) as unknown;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const overIpc = (op: ConsoleOperationName, input: unknown): Promise<unknown> => callOverIpc((c, i) => ipc.invoke(c, i), ipcChannel(op), input);

async function overHttp(op: ConsoleOperationName, input: unknown): Promise<unknown> {
  const res = await fetch(`${host.url}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SESSION_HEADER]: host.token },
    body: JSON.stringify(input),
  });
  return (await res.json()) as unknown;
}

describe('the console contract over IPC and over HTTP', () => {
  const calls: [string, ConsoleOperationName, () => unknown][] = [
    ['a read', 'connections.list', () => ({})],
    ['a deployment read', 'deployment.call', () => ({ connectionId: eastId, op: 'tenant.list', input: {} })],
    ['a tenant read', 'tenant.detail', () => ({ connectionId: eastId, tenantId: 'fabrikam-eu' })],
    ['a refusal of the schema', 'connections.add', () => ({ kind: 'remote', name: 'R', url: 'ftp://x', token: 't' })],
    ['an unknown field', 'connections.add', () => ({ kind: 'local', name: 'L', folder: '/x', extra: 1 })],
    ['an unknown job', 'jobs.get', () => ({ jobId: 'none' })],
    ['an unknown connection', 'deployment.overview', () => ({ connectionId: 'no-such-connection' })],
    ['an unknown tenant (with details)', 'deployment.call', () => ({ connectionId: eastId, op: 'tenant.get', input: { tenantId: 'no-such-tenant' } })],
    ['a refusal of the engine (with details)', 'deployment.call', () => ({ connectionId: eastId, op: 'tenant.create', input: { tenantId: 'fabrikam-eu' } })],
  ];
  for (const [what, op, input] of calls) {
    it(`${what} (${op}) is answered identically`, async () => {
      const viaHttp = await overHttp(op, input());
      const viaIpc = await overIpc(op, input());
      expect(timeless(viaIpc)).toEqual(timeless(viaHttp));
      expect(viaHttp).toHaveProperty('ok');
    });
  }

  it('refusals keep their code and details over IPC (they read INTERNAL when handlers threw)', async () => {
    const unknownTenant = (await overIpc('deployment.call', { connectionId: eastId, op: 'tenant.get', input: { tenantId: 'no-such-tenant' } })) as {
      ok: false;
      error: { code: string; details?: Record<string, unknown> };
    };
    expect(unknownTenant.ok).toBe(false);
    expect(unknownTenant.error.code).toBe('TENANT_NOT_FOUND');
    const exists = (await overIpc('deployment.call', { connectionId: eastId, op: 'tenant.create', input: { tenantId: 'fabrikam-eu' } })) as {
      ok: false;
      error: { code: string; details?: Record<string, unknown> };
    };
    expect(exists.error.code).toBe('TENANT_EXISTS');
  });

  it('every refusal carries the id of its log line, a different one per call, over both transports', async () => {
    const input = { connectionId: eastId, op: 'tenant.get', input: { tenantId: 'no-such-tenant' } };
    const refs = await Promise.all([overIpc('deployment.call', input), overHttp('deployment.call', input), overIpc('deployment.call', input)]);
    const ids = refs.map((r) => (r as { error: { ref?: string } }).error.ref);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
  });
});

describe("the preload's reading of a thrown IPC error", () => {
  it('reads the code from the exact string Electron builds', () => {
    const thrown = new Error(`Error invoking remote method 'tenantry:jobs.get': IpcRefusal: NOT_FOUND: no job with id "none"`);
    expect(errorInfoFromIpcThrow(thrown)).toEqual({ code: 'NOT_FOUND', message: 'no job with id "none"' });
    expect(errorInfoFromIpcThrow(new Error(`Error invoking remote method 'tenantry:x': Error: BAD_INPUT: x: bad`))).toEqual({
      code: 'BAD_INPUT',
      message: 'x: bad',
    });
  });

  it('an error without a known code is INTERNAL, with the message a person can read', () => {
    expect(errorInfoFromIpcThrow(new Error(`Error invoking remote method 'tenantry:x': TypeError: Cannot read properties of undefined`))).toEqual({
      code: 'INTERNAL',
      message: 'TypeError: Cannot read properties of undefined',
    });
    expect(errorInfoFromIpcThrow(new Error(`Error invoking remote method 'tenantry:x': Error: NOT_A_CODE: y`)).code).toBe('INTERNAL');
  });

  it('a handler that throws anyway still reaches the renderer as an envelope with its code', async () => {
    const h = new IpcHarness({ sender: { id: 7 }, senderFrame: { url: 'app://console/index.html' } });
    h.handle('tenantry:boom', () => Promise.reject(Object.assign(new Error('UNAVAILABLE: the engine is gone'), { name: 'IpcRefusal' })));
    expect(await callOverIpc((c, i) => h.invoke(c, i), 'tenantry:boom', {})).toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'the engine is gone' },
    });
  });
});
