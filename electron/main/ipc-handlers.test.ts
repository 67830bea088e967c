// Every IPC handler checks its sender, then parses its input with the contract schema, before the services act.
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
const fromWindow = { sender: { id: 1 }, senderFrame: { url: 'app://console/index.html' } };

describe('IPC handlers', () => {
  it('registers one channel per console operation, and nothing else', () => {
    const channels = ipcHandlers(services, ids).map(([c]) => c);
    expect(channels).toEqual(CONSOLE_OPERATION_NAMES.map((op) => `tenantry:${op}`));
  });

  it('refuses a call from another webContents or another origin, before acting', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    const draft = { kind: 'remote', name: 'R', url: 'https://r.example.com', token: 't' };
    await expect(add({ sender: { id: 2 }, senderFrame: { url: 'app://console/index.html' } }, draft)).rejects.toThrow(/^FORBIDDEN: connections.add refused/);
    await expect(add({ sender: { id: 1 }, senderFrame: { url: 'https://evil.example.com/' } }, draft)).rejects.toThrow(/^FORBIDDEN/);
    await expect(add({ sender: { id: 1 }, senderFrame: null }, draft)).rejects.toThrow(/^FORBIDDEN/);
    expect(await makeIpcHandler('connections.list', services, ids)(fromWindow, {})).toEqual([]);
  });

  it('refuses input that does not match the schema, naming the field', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    await expect(add(fromWindow, { kind: 'remote', name: 'R', url: 'ftp://x', token: 't' })).rejects.toThrow(/^BAD_INPUT: connections.add: .*url/);
    await expect(add(fromWindow, { kind: 'local', name: 'L', folder: '/x', extra: 1 })).rejects.toThrow(/^BAD_INPUT/);
    await expect(makeIpcHandler('deployment.call', services, ids)(fromWindow, { connectionId: 'c', op: 'fs.readFile', input: {} })).rejects.toThrow(/^BAD_INPUT: deployment.call: op/);
    await expect(makeIpcHandler('deployment.call', services, ids)(fromWindow, { connectionId: 'c', op: 'tenant.get', input: { tenantId: 'NOT VALID!' } })).rejects.toThrow(/^BAD_INPUT: deployment.call: input.tenantId/);
    expect(await makeIpcHandler('connections.list', services, ids)(fromWindow, {})).toEqual([]);
  });

  it('passes a valid call through and returns its value; a refusal keeps its code', async () => {
    const add = makeIpcHandler('connections.add', services, ids);
    const c = (await add(fromWindow, { kind: 'remote', name: 'Remote', url: 'https://r.example.com', token: 't' })) as { name: string; hasToken: boolean };
    expect(c).toMatchObject({ name: 'Remote', hasToken: true });
    await expect(makeIpcHandler('jobs.get', services, ids)(fromWindow, { jobId: 'none' })).rejects.toThrow(/^NOT_FOUND: no job with id "none"/);
  });
});
