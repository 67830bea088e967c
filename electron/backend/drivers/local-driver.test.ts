// The local driver's worker against a real deployment folder: a write asked for after a burst of reads does not wait
// for the burst (the worker's write lane), and the answers are the engine's.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Deployment } from '../../../platform/engine/deployment.js';
import { DEFAULT_APPLICATION } from '../../../platform/engine/default-application.js';
import { makeTempDir } from '../test-support/temp-dir.js';
import { LocalDriver } from './local-driver.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('LocalDriver', () => {
  it('answers a write asked for after a burst of reads before the end of the burst, and the reads still all answer', async () => {
    const tmp = makeTempDir();
    cleanups.push(tmp.cleanup);
    const folder = path.join(tmp.dir, 'dep');
    Deployment.create(folder, { application: DEFAULT_APPLICATION, name: 'lanes' }).close();
    const driver = new LocalDriver(folder);
    cleanups.push(() => driver.close());
    await driver.invoke('deployment.info', {}); // opened

    const order: string[] = [];
    const reads = Array.from({ length: 40 }, (_, i) => driver.invoke('tenant.list', {}).then((v) => (order.push(`read-${i}`), v)));
    const write = driver.invoke('tenant.create', { tenantId: 'lane-test', companies: ['CRONUS'] }).then((v) => (order.push('write'), v));
    const [created, ...lists] = await Promise.all([write, ...reads]);
    expect(created.id).toBe('lane-test');
    expect(lists).toHaveLength(40);
    // the write went before the reads queued ahead of it (at most the read in hand when it arrived came first)
    expect(order.indexOf('write')).toBeLessThan(2);
    // every read after the write sees the tenant
    expect(lists.at(-1)?.tenants.some((t) => t.id === 'lane-test')).toBe(true);
  });
});
