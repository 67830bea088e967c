// Moves between servers (and between a server and a folder): the tenant arrives intact (same rows, same archive),
// a move whose pre-check fails changes nothing on either side, and killing the destination server halfway through
// the transfer leaves the tenant mounted and whole on the source.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../shared/api/changes.js';
import { COMPANIES, IDS, coreV1, notesV1 } from '../engine/test-support/fixtures.js';
import { RemoteClient } from '../remote/client.js';
import { localSide } from '../remote/local-side.js';
import { moveTenantBetween } from '../remote/move.js';
import { remoteSide } from '../remote/remote-side.js';
import { makeDeployment, spawnServer, startTestServer, type TestServer } from './test-support/servers.js';
import { tenantDatabase } from '../engine/internals.js';

const [C1, C2] = COMPANIES as [string, string];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function server(name: string, apps = [coreV1(), notesV1()], tenants: string[] = []): Promise<TestServer> {
  const s = await startTestServer({ name, apps, tenants });
  cleanups.push(() => s.stop());
  return s;
}

/** Everything a tenant holds that a move must carry: apps, rows of every table in every company, the archive. */
async function contents(c: RemoteClient, tenantId: string) {
  const tables = ['Customer', 'Loyalty Tier', 'Item'];
  const rows: Record<string, unknown> = {};
  for (const company of COMPANIES) {
    for (const table of tables) {
      const page = await c.invoke('record.page', { tenantId, company, table, limit: 1000 });
      rows[`${company}/${table}`] = { total: page.total, rows: page.rows, columns: page.columns };
    }
  }
  const archive = (await c.invoke('archive.list', { tenantId })).archives;
  const archived: Record<number, unknown> = {};
  for (const a of archive) archived[a.archiveId] = (await c.invoke('archive.rows', { tenantId, archiveId: a.archiveId, limit: 1000 })).rows;
  const t = await c.invoke('tenant.get', { tenantId });
  return { apps: t.apps.map(({ installedAt: _i, upgradeAvailable: _u, ...a }) => a), companies: t.companies, state: t.state, rows, archive, archived };
}

async function fill(c: RemoteClient, tenantId: string): Promise<void> {
  await c.invoke('tenant.install', { tenantIds: [tenantId], appId: IDS.core });
  await c.invoke('tenant.install', { tenantIds: [tenantId], appId: IDS.notes });
  for (const [company, n] of [
    [C1, 12],
    [C2, 5],
  ] as const) {
    await c.invoke('record.insertMany', {
      tenantId,
      company,
      table: 'Customer',
      rows: Array.from({ length: n }, (_, i) => ({ 'No.': `C${i}`, Name: `Customer ${i} of ${company}`, 'Loyalty Points': i * 10, Note: `note ${i}` })),
    });
  }
  // uninstalling Notes archives its field on Customer: the archive must travel too
  await c.invoke('tenant.uninstall', { tenantId, appId: IDS.notes });
  await c.invoke('record.modify', { tenantId, company: C1, table: 'Customer', key: { 'No.': 'C3' }, changes: { City: 'Oslo' } });
}

describe('moves between servers', () => {
  it('moves a tenant with extensions, rows and an archive intact, server to server', async () => {
    const east = await server('east', [coreV1(), notesV1()], ['m1']);
    const west = await server('west');
    const e = east.client();
    const w = west.client();
    await fill(e, 'm1');
    const before = await contents(e, 'm1');
    expect(before.archive.length).toBeGreaterThan(0);
    const version = (await e.invoke('tenant.get', { tenantId: 'm1' })).version!;
    const lines: string[] = [];
    const result = await moveTenantBetween(remoteSide(e), remoteSide(w), 'm1', { actor: 'move-test', progress: (l) => lines.push(l) });
    expect(result).toMatchObject({ tenantId: 'm1', report: { ok: true } });
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.some((l) => l.startsWith('mounted on'))).toBe(true);
    expect(await contents(w, 'm1')).toEqual(before);
    await expect(e.invoke('tenant.get', { tenantId: 'm1' })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    expect(fs.existsSync(path.join(east.folder, 'tenants', 'm1.sqlite'))).toBe(false);
    // the version travels with the tenant and goes on from there
    expect((await w.invoke('tenant.get', { tenantId: 'm1' })).version!).toBeGreaterThan(version);
    // both feeds tell it; the source's log has the move as succeeded
    expect((await e.changes(0, 10_000)).changes.some((c) => c.kind === 'tenant.removed' && c.tenantId === 'm1')).toBe(true);
    const moveLog = (await e.invoke('log.list', { limit: 50 })).entries.find((l) => l.operation === 'tenant.move');
    expect(moveLog).toMatchObject({ result: 'succeeded', tenantId: 'm1' });
    // and it works there: a write, then back again
    await w.invoke('record.insert', { tenantId: 'm1', company: C1, table: 'Customer', values: { 'No.': 'W1', Name: 'Written in the west' } });
    await moveTenantBetween(remoteSide(w), remoteSide(e), 'm1');
    expect((await e.invoke('record.page', { tenantId: 'm1', company: C1, table: 'Customer', limit: 1000 })).total).toBe(13);
  });

  it('a move whose pre-check fails changes nothing on either side', async () => {
    const east = await server('east', [coreV1(), notesV1()], ['p1']);
    const west = await server('west', [notesV1()]);
    const e = east.client();
    const w = west.client();
    await e.invoke('tenant.install', { tenantIds: ['p1'], appId: IDS.core });
    const snap = async (): Promise<[Snapshot, Snapshot]> => [await e.snapshot(), await w.snapshot()];
    const before = await snap();
    const err = await moveTenantBetween(remoteSide(e), remoteSide(w), 'p1').catch((x: unknown) => x);
    expect(err).toMatchObject({ code: 'MOVE_PRECHECK_FAILED', message: expect.stringContaining('Contoso Core') });
    expect((err as { details: { report: { waysOut: unknown[] } } }).details.report.waysOut.length).toBeGreaterThan(0);
    expect(await snap()).toEqual(before);
    // an id taken on the destination also stops it before anything happens
    await w.invoke('tenant.create', { tenantId: 'p1' });
    const taken = await snap();
    await expect(moveTenantBetween(remoteSide(e), remoteSide(w), 'p1')).rejects.toMatchObject({ code: 'MOVE_PRECHECK_FAILED' });
    expect(await snap()).toEqual(taken);
  });

  it('killing the destination server halfway through leaves the tenant mounted and whole on the source', async () => {
    const east = await server('east', [coreV1()], ['big']);
    const e = east.client();
    await e.invoke('tenant.install', { tenantIds: ['big'], appId: IDS.core });
    // ~16 MB of rows written straight into the tenant's Customer table, so the transfer takes many chunks
    const db = tenantDatabase(east.d, 'big');
    const physical = (
      db.prepare("SELECT physical FROM schema_tables WHERE table_name = 'Customer' AND kind = 'table' ORDER BY company_id LIMIT 1").get() as {
        physical: string;
      }
    ).physical;
    db.exec(
      `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 15000) INSERT INTO "${physical}" (f1, f2) SELECT 'K' || x, hex(randomblob(40)) || printf('%.1000c', 'x') FROM c`,
    );
    const countBefore = (db.prepare(`SELECT COUNT(*) AS n FROM "${physical}"`).get() as { n: number }).n;
    const before = await contents(e, 'big');

    const { d: westD, folder: westFolder, dir } = makeDeployment({ name: 'west', apps: [coreV1()] });
    const westToken = westD.tokens.create({ scope: 'admin' }).token;
    westD.close();
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const west = await spawnServer(westFolder);
    cleanups.push(() => west.stop());
    const w = new RemoteClient({ url: west.url, token: westToken, attempts: 2, baseDelayMs: 10, maxDelayMs: 20 });
    cleanups.push(() => w.close());

    let killedAt = 0;
    let total = 0;
    const err = await moveTenantBetween(remoteSide(e), remoteSide(w), 'big', {
      onBytes: async (sent, size) => {
        total = size;
        if (killedAt === 0 && sent >= size / 2) {
          killedAt = sent;
          west.child.kill('SIGKILL');
          await west.exited;
        }
      },
    }).catch((x: unknown) => x);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(total);
    expect(err).toMatchObject({ code: 'MOVE_FAILED', message: expect.stringContaining('undone') });
    // on the source: mounted, operational, every row there, the database sound
    const t = await e.invoke('tenant.get', { tenantId: 'big' });
    expect(t.state).toBe('operational');
    expect(await contents(e, 'big')).toEqual(before);
    const again = tenantDatabase(east.d, 'big');
    expect((again.prepare(`SELECT COUNT(*) AS n FROM "${physical}"`).get() as { n: number }).n).toBe(countBefore);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((await e.invoke('log.list', { limit: 20 })).entries.find((l) => l.operation === 'tenant.move')).toMatchObject({
      result: 'failed',
      errorCode: 'MOVE_FAILED',
    });
    // the destination, restarted, has no trace of it
    const west2 = await spawnServer(westFolder);
    cleanups.push(() => west2.stop());
    const w2 = new RemoteClient({ url: west2.url, token: westToken });
    cleanups.push(() => w2.close());
    expect((await w2.invoke('tenant.list', {})).tenants).toEqual([]);
    expect(fs.readdirSync(path.join(westFolder, 'tenants'))).toEqual([]);
    // and the move goes through once the destination is back
    await moveTenantBetween(remoteSide(e), remoteSide(w2), 'big');
    expect((await w2.invoke('record.page', { tenantId: 'big', company: C1, table: 'Customer', limit: 1 })).total).toBe(
      (before.rows[`${C1}/Customer`] as { total: number }).total,
    );
  });

  it('moves between a folder and a server, both ways', async () => {
    const west = await server('west');
    const w = west.client();
    const { d, dir } = makeDeployment({ name: 'east', apps: [coreV1(), notesV1()], tenants: ['f1'] });
    cleanups.push(() => {
      d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const local = localSide(d, { actor: 'folder-test' });
    await local.invoke('tenant.install', { tenantIds: ['f1'], appId: IDS.notes });
    await local.invoke('record.insert', { tenantId: 'f1', company: C1, table: 'Customer', values: { 'No.': 'F1', Name: 'From a folder', Note: 'hi' } });
    const rows = (await local.invoke('record.page', { tenantId: 'f1', company: C1, table: 'Customer' })).rows;
    await moveTenantBetween(local, remoteSide(w), 'f1');
    expect(d.hasTenant('f1')).toBe(false);
    expect((await w.invoke('record.page', { tenantId: 'f1', company: C1, table: 'Customer' })).rows).toEqual(rows);
    await moveTenantBetween(remoteSide(w), local, 'f1');
    expect((await w.invoke('tenant.list', {})).tenants).toEqual([]);
    expect((await local.invoke('tenant.get', { tenantId: 'f1' })).state).toBe('operational');
    expect((await local.invoke('record.page', { tenantId: 'f1', company: C1, table: 'Customer' })).rows).toEqual(rows);
  });
});
