// Every IPC handler checks its sender, then parses its input with the contract schema, before the services act;
// every answer is the contract's envelope (a refusal is an answer, never a throw).
import { afterAll, describe, expect, it } from 'vitest';
import { CONSOLE_OPERATION_NAMES } from '../../shared/api/console-names.js';
import { ConsoleServices } from '../backend/console-services.js';
import { makeTempDir } from '../backend/test-support/temp-dir.js';
import { ipcHandlers, makeIpcHandler } from './ipc-handlers.js';

const tmp = makeTempDir();
const services = new ConsoleServices({ dataDir: tmp.dir, host: 'electron', actor: 'test@host' });
afterAll(async () => {
  await services.close();
  tmp.cleanup();
});

const ids = new Set([1]);
/** A refusal envelope with this code, and a message matching `message` when given. */
const refused = (code: string, message?: RegExp) => ({
  ok: false,
  error: { code, ...(message ? { message: expect.stringMatching(message) as unknown } : {}) },
});

const fromWindow = { sender: { id: 1 }, senderFrame: { url: 'app://console/index.html' } };

describe('IPC handlers', () => {
  it('registers one channel per console operation, and nothing else', () => {
    const channels = ipcHandlers(services, ids).map(([c]) => c);
    expect(channels).toEqual(CONSOLE_OPERATION_NAMES.map((op) => `tenantry:${op}`));
  });

  it('refuses a call from another webContents or another origin, before acting', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    const draft = { kind: 'remote', name: 'R', url: 'https://r.example.com', token: 't' };
    expect(await add({ sender: { id: 2 }, senderFrame: { url: 'app://console/index.html' } }, draft)).toMatchObject(
      refused('FORBIDDEN', /^connections.add refused/),
    );
    expect(await add({ sender: { id: 1 }, senderFrame: { url: 'https://evil.example.com/' } }, draft)).toMatchObject(refused('FORBIDDEN'));
    expect(await add({ sender: { id: 1 }, senderFrame: null }, draft)).toMatchObject(refused('FORBIDDEN'));
    expect(await makeIpcHandler('connections.list', services, ids)(fromWindow, {})).toEqual({ ok: true, value: [] });
  });

  it('refuses input that does not match the schema, naming the field', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    expect(await add(fromWindow, { kind: 'remote', name: 'R', url: 'ftp://x', token: 't' })).toMatchObject(refused('BAD_INPUT', /^connections.add: .*url/));
    expect(await add(fromWindow, { kind: 'local', name: 'L', folder: '/x', extra: 1 })).toMatchObject(refused('BAD_INPUT'));
    expect(await makeIpcHandler('deployment.call', services, ids)(fromWindow, { connectionId: 'c', op: 'fs.readFile', input: {} })).toMatchObject(
      refused('BAD_INPUT', /^deployment.call: op/),
    );
    expect(
      await makeIpcHandler('deployment.call', services, ids)(fromWindow, { connectionId: 'c', op: 'tenant.get', input: { tenantId: 'NOT VALID!' } }),
    ).toMatchObject(refused('BAD_INPUT', /^deployment.call: input.tenantId/));
    expect(await makeIpcHandler('connections.list', services, ids)(fromWindow, {})).toEqual({ ok: true, value: [] });
  });

  it('passes a valid call through and returns its value; a refusal keeps its code', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    const c = await add(fromWindow, { kind: 'remote', name: 'Remote', url: 'https://r.example.com', token: 't' });
    expect(c).toMatchObject({ ok: true, value: { name: 'Remote', hasToken: true } });
    expect(await makeIpcHandler('jobs.get', services, ids)(fromWindow, { jobId: 'none' })).toMatchObject(refused('NOT_FOUND', /^no job with id "none"/));
  });
});
