// The console's log, read from its rotating file in the data folder: one line per operation with the id that a
// refusal carries as `ref`, one line per tenant a job finishes and one when the job ends; tokens never written.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS, coreV1, testDeployment, type TestDeployment } from '../../platform/engine/test-support/fixtures.js';
import { CONSOLE_LOG_FOLDER, openConsoleLog } from './console-log.js';
import { ConsoleServices } from './console-services.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
const data = path.join(tmp.dir, 'console');
let dep: TestDeployment;
let log: Logger;
let services: ConsoleServices;

beforeAll(async () => {
  dep = testDeployment({ apps: [coreV1()], tenants: ['t1', 't2'] });
  dep.d.close();
  log = await openConsoleLog(data);
  services = new ConsoleServices({ dataDir: data, host: 'browser', actor: 'ada@test', log });
});
afterAll(async () => {
  await services?.close();
  dep?.cleanup();
  tmp.cleanup();
});

type Line = Record<string, unknown>;
/** Everything the console's log files hold, after the logger has written what it has. */
async function logText(): Promise<string> {
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  const folder = path.join(data, CONSOLE_LOG_FOLDER);
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.log'))
    .map((f) => fs.readFileSync(path.join(folder, f), 'utf8'))
    .join('');
}
async function lines(): Promise<Line[]> {
  return (await logText())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe('console log', () => {
  it('writes one line per operation; a refusal carries the id of its line as ref', async () => {
    const added = await services.handle('connections.add', { kind: 'local', name: 'Dep', folder: dep.folder });
    expect(added.ok).toBe(true);
    const connectionId = (added as { value: { id: string } }).value.id;
    const refused = await services.handle('deployment.call', { connectionId, op: 'tenant.get', input: { tenantId: 'nobody' } });
    expect(refused.ok).toBe(false);
    const ref = (refused as { error: { ref?: string } }).error.ref;
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);

    const all = await lines();
    expect(all.filter((l) => l['op'] === 'connections.add')).toHaveLength(1);
    expect(all.find((l) => l['op'] === 'connections.add')).toMatchObject({ name: 'tenantry-console', level: 30, outcome: 'ok' });
    const line = all.find((l) => l['opId'] === ref);
    expect(line).toMatchObject({ op: 'deployment.call', connectionId, outcome: 'TENANT_NOT_FOUND', level: 40 });
    expect(typeof line?.['durationMs']).toBe('number');
    expect(String(line?.['message'])).toContain('nobody');
  });

  it('logs each tenant a job finishes and the job end, with the job id', async () => {
    const connectionId = (await services.call('connections.list', {}))[0]!.id;
    const { jobId } = await services.call('jobs.start', {
      action: 'install',
      targets: ['t1', 't2'].map((tenantId) => ({ connectionId, tenantId, appId: IDS.core })),
    });
    const job = await services.jobs.settled(jobId);
    const all = (await lines()).filter((l) => l['jobId'] === jobId);
    const items = all.filter((l) => typeof l['tenant'] === 'string');
    expect(items.map((l) => l['tenant']).sort()).toEqual(['t1', 't2']);
    expect(items.map((l) => l['outcome'])).toEqual(['succeeded', 'succeeded']);
    expect(job.state).toBe('succeeded');
    expect(all.filter((l) => l['state'] === 'succeeded' && l['tenant'] === undefined)).toHaveLength(1);
  });

  it('never writes a token, even of a connection it saves', async () => {
    const secret = 'tnt_' + 'S3cr3t'.repeat(6);
    await services.handle('connections.add', { kind: 'remote', name: 'Far', url: 'http://127.0.0.1:9', token: secret });
    log.info({ input: { token: secret }, headers: { authorization: `Bearer ${secret}` } }, 'a line that carries a token');
    const text = await logText();
    expect(text).toContain('a line that carries a token');
    expect(text).not.toContain('S3cr3t');
  });
});
