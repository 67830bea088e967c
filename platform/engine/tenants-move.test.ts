// Tenants: create, states, dismount/mount (application and app checks), remove-apps for a dismounted tenant,
// and moving a tenant between two deployments (pre-check, success, failure undone).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Deployment } from './deployment.js';
import { COMPANIES, IDS, coreV1, loyaltyV1, notesV1, testApplication, testDeployment } from './test-support/fixtures.js';
import { openTenantConnections, tenantDatabase } from './internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

const [C1] = COMPANIES as [string, string];

function setup(opts: Parameters<typeof testDeployment>[0] = {}) {
  const t = testDeployment(opts);
  cleanups.push(t.cleanup);
  return t;
}

describe('tenants', () => {
  it('validates ids (case-insensitive), refuses duplicates, lists and gets tenants', () => {
    const { d } = setup();
    for (const bad of ['', '-x', 'a b', 'x'.repeat(64), 'ümlaut', '../t']) {
      expect(() => d.createTenant(bad)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    }
    const t = d.createTenant('Contoso-1', { companies: ['A', 'B'], alternateIds: ['contoso.example.com'] });
    expect(t).toMatchObject({
      id: 'contoso-1',
      state: 'operational',
      companies: ['A', 'B'],
      alternateIds: ['contoso.example.com'],
      applicationVersion: '1.0.0.0',
    });
    expect(() => d.createTenant('CONTOSO-1')).toThrow(expect.objectContaining({ code: 'TENANT_EXISTS' }));
    expect(d.listTenants().map((x) => x.id)).toEqual(['contoso-1']);
    expect(d.getTenant('contoso-1').apps).toEqual([]);
    expect(() => d.getTenant('nobody')).toThrow(expect.objectContaining({ code: 'TENANT_NOT_FOUND', message: expect.stringContaining('"nobody"') }));
  });

  it('dismount leaves a complete file (no WAL), refuses other operations naming the state, and mounts back', () => {
    const { d } = setup({ apps: [notesV1()], tenants: ['t1'] });
    d.installOne('t1', IDS.notes);
    d.insertRecord('t1', C1, 'Customer', { 'No.': 'C1', Note: 'hello' });
    const r = d.dismount('t1');
    expect(r.state).toBe('dismounted');
    const wal = `${r.file}-wal`;
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
    expect(() => d.installOne('t1', IDS.notes)).toThrow(
      expect.objectContaining({ code: 'TENANT_STATE', message: expect.stringMatching(/dismounted.*allowed next steps: .*mount/) }),
    );
    expect(() => d.readPage('t1', C1, 'Customer')).toThrow(expect.objectContaining({ code: 'TENANT_STATE' }));
    const m = d.mount({ tenantId: 't1' });
    expect(m.state).toBe('operational');
    expect(d.readPage('t1', C1, 'Customer').rows[0]).toMatchObject({ 'No.': 'C1', Note: 'hello' });
  });

  it('mount refuses another application version and lists missing extensions', () => {
    const src = setup({ apps: [coreV1(), notesV1()], tenants: ['t1'], name: 'src' });
    src.d.installOne('t1', IDS.core);
    src.d.installOne('t1', IDS.notes);
    const file = src.d.exportTenantFile('t1').path;

    const bare = setup({ name: 'bare' });
    let err: unknown;
    try {
      bare.d.mount({ file });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'MOUNT_MISSING_APPS' });
    expect((err as Error).message).toContain('"Contoso Core" by Contoso 1.0.0.0');
    expect((err as Error).message).toContain('"Tailspin Notes" by Tailspin 1.0.0.0');
    expect(bare.d.listTenants()).toEqual([]);
    expect(fs.readdirSync(path.join(bare.folder, 'tenants'))).toEqual([]);

    const other = setup({ name: 'other', application: testApplication('2.0.0.0'), apps: [] });
    expect(() => other.d.mount({ file })).toThrow(
      expect.objectContaining({ code: 'APPLICATION_MISMATCH', message: expect.stringMatching(/1\.0\.0\.0.*2\.0\.0\.0/) }),
    );
  });

  it('remove-apps archives every app of a dismounted tenant using its own definitions; then it mounts anywhere', () => {
    const src = setup({ apps: [coreV1(), loyaltyV1()], tenants: ['t1'], name: 'src' });
    src.d.installOne('t1', IDS.loyalty, { installDependencies: true });
    src.d.dismount('t1');
    expect(() => src.d.removeAppsForTenant('t1', { doNotSaveData: true })).toThrow(expect.objectContaining({ code: 'ACK_REQUIRED' }));
    const r = src.d.removeAppsForTenant('t1');
    expect(r.removed.map((a) => a.name)).toEqual(['Contoso Loyalty', 'Contoso Core']);
    expect(r.archives.length).toBeGreaterThan(0);
    expect(src.d.getTenant('t1').state).toBe('dismounted');
    const file = src.d.exportTenantFile('t1').path;
    const bare = setup({ name: 'bare' });
    expect(bare.d.mount({ file })).toMatchObject({ id: 't1', state: 'operational', installedApps: 0 });
    expect(
      bare.d
        .archiveList('t1')
        .map((a) => a.appName)
        .sort(),
    ).toEqual(['Contoso Core', 'Contoso Core', 'Contoso Core', 'Contoso Core', 'Contoso Loyalty', 'Contoso Loyalty']);
  });
});

describe('tenant states and connections', () => {
  it('an unexpected failure puts the tenant in the failed state naming the operation; a successful repair step clears it', () => {
    const { d } = setup({ apps: [notesV1()], tenants: ['t1'] });
    d.installOne('t1', IDS.notes);
    // Break the tenant behind the engine's back: its companion table disappears.
    const db = tenantDatabase(d, 't1');
    const companion = (db.prepare("SELECT physical FROM schema_tables WHERE kind = 'fields' LIMIT 1").get() as { physical: string }).physical;
    db.exec(`DROP TABLE "${companion}"`);
    expect(() => d.uninstall('t1', IDS.notes)).toThrow(expect.objectContaining({ code: 'INTERNAL', message: expect.stringContaining('tenant "t1"') }));
    expect(d.getTenant('t1')).toMatchObject({ state: 'failed', failedOperation: 'tenant.uninstall' });
    expect(d.tenantApps('t1')).toHaveLength(1);
    expect(() => d.insertRecord('t1', C1, 'Customer', { 'No.': 'X' })).toThrow(
      expect.objectContaining({ code: 'TENANT_STATE', message: expect.stringContaining('failed') }),
    );
    // Uninstall without saving data drops what is left and clears the state.
    d.uninstall('t1', IDS.notes, { doNotSaveData: true, acknowledge: true });
    expect(d.getTenant('t1').state).toBe('operational');
  });

  it('keeps a bounded number of tenant connections open', () => {
    const { d } = setup({ apps: [notesV1()] });
    const ids = Array.from({ length: 70 }, (_, i) => `tenant-${i}`);
    for (const id of ids) d.createTenant(id);
    const r = d.install(ids, IDS.notes);
    expect(r.every((x) => x.ok)).toBe(true);
    expect(openTenantConnections(d)).toBeLessThanOrEqual(64);
    expect(d.tenantApps('tenant-0')).toHaveLength(1);
    expect(d.listTenants()).toHaveLength(70);
  });
});

describe('move', () => {
  function pair(destApps = [coreV1(), notesV1()], destApplication = testApplication()) {
    const src = setup({ apps: [coreV1(), notesV1()], tenants: ['t1', 't2'], name: 'east' });
    const dst = setup({ apps: destApps, tenants: [], name: 'west', application: destApplication });
    src.d.installOne('t1', IDS.core);
    src.d.installOne('t1', IDS.notes);
    src.d.insertMany('t1', C1, 'Customer', [
      { 'No.': 'C1', Name: 'Adatum', 'Loyalty Points': 5, Note: 'vip' },
      { 'No.': 'C2', Name: 'Bellows' },
    ]);
    return { src, dst };
  }

  it('moves a tenant with its data and extensions; the source no longer has it', () => {
    const { src, dst } = pair();
    const before = src.d.readPage('t1', C1, 'Customer');
    const r = src.d.moveTenant('t1', dst.d);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(src.d.listTenants().map((t) => t.id)).toEqual(['t2']);
    expect(fs.existsSync(path.join(src.folder, 'tenants', 't1.sqlite'))).toBe(false);
    expect(dst.d.getTenant('t1')).toMatchObject({ state: 'operational', installedApps: 2 });
    expect(dst.d.readPage('t1', C1, 'Customer')).toEqual(before);
    expect(dst.d.appTenants(IDS.core).tenants.map((t) => t.tenantId)).toEqual(['t1']);
  });

  it('the pre-check refuses another application version (nothing changes) and reports the ways out for a missing app', () => {
    const { src, dst } = pair([coreV1(), notesV1()], testApplication('1.1.0.0'));
    let err: unknown;
    try {
      src.d.moveTenant('t1', dst.d);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: 'MOVE_PRECHECK_FAILED',
      details: { report: expect.objectContaining({ ok: false, application: expect.objectContaining({ same: false }) }) },
    });
    expect(src.d.getTenant('t1').state).toBe('operational');
    expect(dst.d.listTenants()).toEqual([]);

    const p2 = pair([coreV1()]);
    const report = p2.src.d.precheckMove('t1', p2.dst.d.destinationFacts());
    expect(report.ok).toBe(false);
    expect(report.apps.find((a) => a.name === 'Tailspin Notes')?.status).toBe('missing');
    expect(report.waysOut.map((w) => w.kind).sort()).toEqual(['publish-missing', 'uninstall-first']);
  });

  it('a failure after dismount is undone: the tenant is mounted back on the source as it was', () => {
    const { src, dst } = pair();
    // A stray unregistered file at the destination makes the import fail after the copy and checks.
    fs.writeFileSync(path.join(dst.folder, 'tenants', 't1.sqlite'), 'stray');
    const before = src.d.readPage('t1', C1, 'Customer');
    expect(() => src.d.moveTenant('t1', dst.d)).toThrow(expect.objectContaining({ code: 'MOVE_FAILED', message: expect.stringContaining('was undone') }));
    expect(src.d.getTenant('t1').state).toBe('operational');
    expect(src.d.readPage('t1', C1, 'Customer')).toEqual(before);
    expect(dst.d.listTenants()).toEqual([]);
    expect(fs.readdirSync(path.join(dst.folder, 'tenants')).filter((f) => f.startsWith('.import-'))).toEqual([]);
  });

  it('importTenantFile refuses a live database (non-empty WAL)', () => {
    const { src, dst } = pair();
    src.d.insertRecord('t1', C1, 'Item', { 'No.': 'I1' });
    const live = path.join(src.folder, 'tenants', 't1.sqlite');
    expect(fs.statSync(`${live}-wal`).size).toBeGreaterThan(0);
    expect(() => dst.d.importTenantFile(live)).toThrow(
      expect.objectContaining({ code: 'TENANT_STATE', message: expect.stringContaining('dismount it first') }),
    );
    expect(dst.d.listTenants()).toEqual([]);
  });

  it('importTenantFile verifies the checksum and leaves nothing behind on mismatch', () => {
    const { src, dst } = pair();
    const f = src.d.exportTenantFile('t1');
    expect(() => dst.d.importTenantFile(f.path, { expectedSha256: '0'.repeat(64) })).toThrow(
      expect.objectContaining({ code: 'MOVE_FAILED', message: expect.stringContaining('SHA-256') }),
    );
    expect(fs.readdirSync(path.join(dst.folder, 'tenants'))).toEqual([]);
    const imported = dst.d.importTenantFile(f.path, { expectedSha256: f.sha256 });
    expect(imported.id).toBe('t1');
  });

  it('reopening a deployment keeps everything (tenants, apps, rows)', () => {
    const { src } = pair();
    const folder = src.folder;
    const before = src.d.readPage('t1', C1, 'Customer');
    src.d.close();
    const again = Deployment.open(folder);
    try {
      expect(again.readPage('t1', C1, 'Customer')).toEqual(before);
      expect(
        again
          .tenantApps('t1')
          .map((a) => a.name)
          .sort(),
      ).toEqual(['Contoso Core', 'Tailspin Notes']);
    } finally {
      again.close();
    }
  });
});
