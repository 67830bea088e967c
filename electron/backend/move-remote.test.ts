// Tenant moves with a remote side through the console's move job: a local deployment folder (its worker stopped
// while the folder is opened for the move) and a real deployment server (platform/server, in this process, on
// 127.0.0.1), both on real SQLite files. A tenant moves to the server and back, each time read back on both sides;
// a move the server refuses at the last step is undone, with the tenant read back whole on the source.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail } from '../../shared/api/console.js';
import type { OperationOutput } from '../../shared/api/operations.js';
import { IDS, coreV1, loyaltyV1 } from '../../platform/engine/test-support/fixtures.js';
import { makeDeployment, startTestServer, type TestServer } from '../../platform/server/test-support/servers.js';
import { ConsoleServices } from './console-services.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
let server: TestServer;
let services: ConsoleServices;
let local = '';
let remote = '';

beforeAll(async () => {
  const made = makeDeployment({ name: 'north', apps: [coreV1(), loyaltyV1()], tenants: ['t1', 't2'], dir: tmp.dir });
  made.d.install(['t1', 't2'], IDS.loyalty, { installDependencies: true });
  made.d.close();
  server = await startTestServer({ name: 'south', apps: [coreV1(), loyaltyV1()], tenants: ['s1'] });
  services = new ConsoleServices({ dataDir: path.join(tmp.dir, 'console'), host: 'browser', actor: 'ada@test' });
  local = (await services.call('connections.add', { kind: 'local', name: 'North', folder: made.folder })).id;
  remote = (await services.call('connections.add', { kind: 'remote', name: 'South', url: server.url, token: server.admin })).id;
});
afterAll(async () => {
  await services?.close();
  await server?.stop();
  tmp.cleanup();
});

const call = <T>(connectionId: string, op: string, input: unknown): Promise<T> => services.call('deployment.call', { connectionId, op, input }) as Promise<T>;
type Tenant = OperationOutput<'tenant.get'>;
const code = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'found',
    (e: unknown) => (e as { code?: string }).code ?? String(e),
  );

async function move(sourceId: string, destinationId: string, tenantId: string): Promise<JobDetail['items'][number]> {
  const pre = await services.call('moves.precheck', { sourceId, destinationId, tenantIds: [tenantId] });
  expect(pre.supported).toBe(true);
  expect(pre.ok, JSON.stringify(pre.tenants[0]?.report?.problems)).toBe(true);
  const { jobId } = await services.call('moves.start', { sourceId, destinationId, tenantIds: [tenantId] });
  const job = await services.jobs.settled(jobId);
  return job.items[0]!;
}

const stepStates = (item: JobDetail['items'][number]): Record<string, string> => Object.fromEntries((item.steps ?? []).map((s) => [s.name, s.state]));

describe('moves with a remote side', () => {
  it('moves a tenant from a local folder to a server, then back; each step reported and read back', async () => {
    const before = await call<Tenant>(local, 'tenant.get', { tenantId: 't1' });
    const out = await move(local, remote, 't1');
    expect(out.state, out.message).toBe('succeeded');
    expect(stepStates(out)).toEqual({
      precheck: 'succeeded',
      dismount: 'succeeded',
      transfer: 'succeeded',
      'verify-copy': 'succeeded',
      mount: 'succeeded',
      'verify-mount': 'succeeded',
      finish: 'succeeded',
    });
    const transfer = (out.steps ?? []).find((s) => s.name === 'transfer')!;
    expect(transfer.bytes).toBeGreaterThan(0);
    expect(transfer.bytes).toBe(transfer.totalBytes);
    expect(out.proof?.ok).toBe(true);

    // read back on the server itself, and through the console's connections
    const there = await server.client().invoke('tenant.get', { tenantId: 't1' });
    expect(there.state).toBe('operational');
    expect(there.apps.map((a) => a.id).sort()).toEqual(before.apps.map((a) => a.id).sort());
    expect(await code(call(local, 'tenant.get', { tenantId: 't1' }))).toBe('TENANT_NOT_FOUND');
    // the local connection works again after the move (its worker restarted)
    expect((await call<{ tenants: { id: string }[] }>(local, 'tenant.list', {})).tenants.map((t) => t.id)).toEqual(['t2']);

    const back = await move(remote, local, 't1');
    expect(back.state, back.message).toBe('succeeded');
    expect((await call<Tenant>(local, 'tenant.get', { tenantId: 't1' })).apps.map((a) => a.id).sort()).toEqual(before.apps.map((a) => a.id).sort());
    expect(await code(server.client().invoke('tenant.get', { tenantId: 't1' }))).toBe('TENANT_NOT_FOUND');
  });

  it('undoes a move the server refuses while staging the copy, and proves the tenant whole on the source', async () => {
    const before = await call<Tenant>(local, 'tenant.get', { tenantId: 't2' });
    // The server cannot mount a tenant whose database file cannot be renamed into place: a file of the tenant's
    // name already there (a leftover of an earlier attempt) makes the staging fail after the transfer.
    const stray = path.join(server.folder, 'tenants', 't2.sqlite');
    fs.writeFileSync(stray, 'a copy left over by an earlier attempt');
    let out;
    try {
      out = await move(local, remote, 't2');
    } finally {
      fs.rmSync(stray, { force: true });
    }
    expect(out.state).toBe('failed');
    expect(out.message).toMatch(/undone: .*t2\.sqlite exists already/);
    const states = stepStates(out);
    expect(states['transfer']).toBe('failed');
    expect(states['mount']).toBe('skipped');
    expect(states['rollback']).toBe('succeeded');
    expect(out.proof?.ok).toBe(true);
    expect(out.proof?.facts.find((f) => f.label === 'On South')?.value).toBe('not present');
    const now = await call<Tenant>(local, 'tenant.get', { tenantId: 't2' });
    expect(now.state).toBe(before.state);
    expect(now.apps).toEqual(before.apps);
    expect(await code(server.client().invoke('tenant.get', { tenantId: 't2' }))).toBe('TENANT_NOT_FOUND');
  });
});
