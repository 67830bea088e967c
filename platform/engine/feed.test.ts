// The engine's change feed, tenant versions and staged moves: a change lands in the feed in the transaction that
// makes it, also when a crash between the tenant's commit and the registry leaves it to recovery; versioned writes
// refuse stale versions; a staged move that was not completed is undone when the deployment next opens.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyChanges } from '../../shared/api/changes.js';
import { Deployment } from './deployment.js';
import { COMPANIES, IDS, coreV1, notesV1, testDeployment } from './test-support/fixtures.js';
import { deploymentDatabase } from './internals.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(import.meta.dirname, 'test-support', 'crash-child.ts');
const [C1] = COMPANIES as [string, string];

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function setup(opts: Parameters<typeof testDeployment>[0] = {}) {
  const t = testDeployment(opts);
  cleanups.push(t.cleanup);
  // tests reopen the deployment: close whichever is open last
  cleanups.push(() => t.d.close());
  return t;
}

function child(folder: string, fault: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, 'install', folder], {
    cwd: ROOT,
    env: { ...process.env, TENANTRY_FAULT: fault },
    encoding: 'utf8',
  });
  return { status: r.status, stderr: r.stderr };
}

describe('change feed and versions in the engine', () => {
  it('a crash after the tenant committed and before the registry: recovery appends the change, and a follower catches up', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    const before = t.d.snapshot();
    const v = t.d.tenantVersion('t1');
    t.d.close();
    const points = child(t.folder, 'install:list')
      .stderr.split('\n')
      .filter((l) => l.startsWith('fault-point install'));
    const k = points.findIndex((l) => l.endsWith(' after-commit')) + 1;
    expect(k).toBeGreaterThan(0);
    // list mode ran the install for real: start again from a fresh copy of the state before it
    t.d = Deployment.open(t.folder);
    t.d.uninstall('t1', IDS.core, { doNotSaveData: true, acknowledge: true });
    const base = t.d.snapshot();
    const vBase = t.d.tenantVersion('t1');
    t.d.close();
    const r = child(t.folder, `install:${k}`);
    expect(r.status).not.toBe(0);
    t.d = Deployment.open(t.folder);
    const after = t.d.snapshot();
    expect(after.tenants.find((x) => x.id === 't1')?.apps.map((a) => a.id)).toEqual([IDS.core]);
    expect(t.d.tenantVersion('t1')).toBe(vBase + 1);
    const page = t.d.changesSince(base.seq, 1000);
    expect(page.snapshotRequired).toBe(false);
    expect(applyChanges(base, page.changes)).toEqual(after);
    expect(v).toBeLessThan(vBase);
    expect(before.seq).toBeLessThan(base.seq);
  });

  it('expectedVersion refuses a stale version before anything changes', async () => {
    const t = setup({ apps: [notesV1()], tenants: ['t1', 't2'] });
    const v = t.d.tenantVersion('t1');
    const seq = t.d.changeSeq;
    await expect(t.d.invoke('tenant.install', { tenantIds: ['t1'], appId: IDS.notes, expectedVersions: { t1: v + 7 } })).rejects.toMatchObject({
      code: 'STALE_VERSION',
      message: expect.stringContaining('"t1"'),
    });
    await expect(t.d.invoke('tenant.install', { tenantIds: ['t1'], appId: IDS.notes, expectedVersions: { t2: 1 } })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('t2'),
    });
    await expect(t.d.invoke('tenant.dismount', { tenantId: 't1', expectedVersion: v - 1 })).rejects.toMatchObject({ code: 'STALE_VERSION' });
    expect(t.d.changeSeq).toBe(seq);
    await t.d.invoke('tenant.dismount', { tenantId: 't1', expectedVersion: v });
    expect(t.d.tenantVersion('t1')).toBe(v + 1);
  });

  it('a staged move not completed is undone on the next open; complete then refuses, and the tenant moves again', async () => {
    const t = setup({ apps: [notesV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.notes);
    t.d.insertRecord('t1', C1, 'Customer', { 'No.': 'C1', Name: 'A', Note: 'kept' });
    const begun = t.d.beginMove('t1', 'https://west.example.com:7049');
    expect(t.d.getTenant('t1').state).toBe('dismounted');
    await expect(t.d.invoke('move.begin', { tenantId: 't1', destination: 'elsewhere' })).rejects.toMatchObject({
      code: 'TENANT_STATE',
      details: { moveId: begun.moveId },
    });
    t.d.close();
    t.d = Deployment.open(t.folder);
    expect(t.d.getTenant('t1').state).toBe('operational');
    expect(t.d.readPage('t1', C1, 'Customer').rows[0]).toMatchObject({ 'No.': 'C1', Note: 'kept' });
    await expect(t.d.invoke('move.complete', { tenantId: 't1', moveId: begun.moveId })).rejects.toMatchObject({ code: 'MOVE_FAILED' });
    expect(t.d.log({ limit: 20 }).find((l) => l.opId === begun.opId)).toMatchObject({ result: 'failed' });
    expect(t.d.hasTenant('t1')).toBe(true);
    // abort of an undone move is a no-op; a new move can start
    expect((await t.d.invoke('move.abort', { tenantId: 't1', moveId: begun.moveId })).state).toBe('operational');
    const again = await t.d.invoke('move.begin', { tenantId: 't1', destination: 'west' });
    await t.d.invoke('move.complete', { tenantId: 't1', moveId: again.moveId });
    expect(t.d.hasTenant('t1')).toBe(false);
    await expect(t.d.invoke('move.abort', { tenantId: 't1', moveId: again.moveId })).rejects.toMatchObject({ code: 'MOVE_FAILED' });
  });

  it('a deployment made before the feed gets its archive index mirrored on the next open', () => {
    const t = setup({ apps: [notesV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.notes);
    t.d.uninstall('t1', IDS.notes);
    const expected = t.d.snapshot().tenants[0]!.archives;
    expect(expected.length).toBeGreaterThan(0);
    deploymentDatabase(t.d).prepare("UPDATE tenants SET archives = '[]'").run();
    deploymentDatabase(t.d).prepare("DELETE FROM meta WHERE key = 'mirror'").run();
    t.d.close();
    t.d = Deployment.open(t.folder);
    expect(t.d.snapshot().tenants[0]!.archives).toEqual(expected);
    expect(fs.existsSync(t.folder)).toBe(true);
  });
});
