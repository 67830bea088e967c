// Install, uninstall (archive by rename), reinstall (restore), upgrade with upgrade steps and tags, and each
// refusal of platform.md's operation table, on real tenant databases.
import { afterEach, describe, expect, it } from 'vitest';
import { quoted } from './db/identifiers.js';
import { COMPANIES, IDS, coreV1, coreV2, coreV3Destructive, loyaltyV1, notesV1, pkg, rivalV1, testDeployment } from './test-support/fixtures.js';
import { tenantDatabase } from './internals.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function setup(opts: Parameters<typeof testDeployment>[0] = {}) {
  const t = testDeployment(opts);
  cleanups.push(t.cleanup);
  return t;
}

const [C1, C2] = COMPANIES as [string, string];

function tables(t: ReturnType<typeof setup>, tenant: string): string[] {
  return (
    tenantDatabase(t.d, tenant)
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'c%\\_t%' ESCAPE '\\' OR name LIKE 'archive\\_%' ESCAPE '\\') ORDER BY name")
      .all() as { name: string }[]
  ).map((r) => r.name);
}

describe('install', () => {
  it('creates schema in every company, loads table data and runs install steps, grants permissions, registers subscribers', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    const [r] = t.d.install(['t1'], IDS.core);
    expect(r).toMatchObject({ ok: true, action: 'installed', installed: [{ name: 'Contoso Core', version: '1.0.0.0' }] });
    for (const c of COMPANIES) {
      const tiers = t.d.readPage('t1', c, 'Loyalty Tier');
      expect(tiers.rows.map((x) => x['Code'])).toEqual(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']);
      expect(tiers.total).toBe(4);
    }
    expect(t.d.permissionSets('t1').permissionSets.map((p) => [p.name, p.appName])).toEqual([['CORE-ALL', 'Contoso Core']]);
    expect(t.d.subscribers('t1').subscribers.map((s) => `${s.stage}:${s.name}`)).toEqual(['pre-validation:NeedName', 'pre-operation:DefaultTier']);
    const apps = t.d.tenantApps('t1');
    expect(apps).toEqual([
      expect.objectContaining({ name: 'Contoso Core', version: '1.0.0.0', dataVersion: '1.0.0.0', syncState: 'synced', upgradeAvailable: null }),
    ]);
    const objs = t.d.mergedView('t1');
    expect(objs.objects.find((o) => o.name === 'Loyalty Tier')).toMatchObject({ ownerAppId: IDS.core, ownerAppName: 'Contoso Core' });
    const cust = objs.tables.find((x) => x.name === 'Customer');
    expect(cust?.fields.find((f) => f.name === 'Loyalty Points')?.ownerAppId).toBe(IDS.core);
    expect(cust?.fields.find((f) => f.name === 'Name')?.ownerAppId).toBe('');
    expect(t.d.tenantLog('t1', 1)[0]).toMatchObject({ operation: 'tenant.install', result: 'succeeded' });
  });

  it('records fire subscribers in stage order and hold extension fields', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core);
    expect(() => t.d.insertRecord('t1', C1, 'Customer', { 'No.': 'C1' })).toThrow(
      expect.objectContaining({
        code: 'RECORD_INVALID',
        message: expect.stringContaining('a customer needs a name (subscriber "NeedName" of codeunit "Core Events" in "Contoso Core")'),
      }),
    );
    const r = t.d.insertRecord('t1', C1, 'Customer', { 'No.': 'c1', Name: 'Adatum', 'Loyalty Points': 40 });
    expect(r.record).toMatchObject({ 'No.': 'C1', Name: 'Adatum', 'Loyalty Points': 40, 'Tier Code': 'BRONZE' });
  });

  it('refuses a missing dependency (listing it) unless asked to install dependencies', () => {
    const t = setup({ apps: [coreV1(), loyaltyV1()], tenants: ['t1'] });
    const [r] = t.d.install(['t1'], IDS.loyalty);
    expect(r).toMatchObject({ ok: false, error: { code: 'DEPENDENCY_MISSING', message: expect.stringContaining('"Contoso Core" by Contoso 1.0.0.0') } });
    expect(t.d.tenantApps('t1')).toEqual([]);
    const [ok] = t.d.install(['t1'], 'Contoso Loyalty', { installDependencies: true });
    expect(ok?.installed.map((a) => a.name)).toEqual(['Contoso Core', 'Contoso Loyalty']);
  });

  it('refuses a second version: use upgrade', () => {
    const t = setup({ apps: [coreV1(), coreV2()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core, { version: '1.0.0.0' });
    expect(() => t.d.installOne('t1', IDS.core, { version: '2.0.0.0' })).toThrow(
      expect.objectContaining({ code: 'ALREADY_INSTALLED', message: expect.stringContaining('use upgrade') }),
    );
  });

  it('refuses a conflict, naming both extensions, the object and the property, and changes nothing', () => {
    const t = setup({ apps: [notesV1(), rivalV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.notes);
    const before = tables(t, 't1');
    let err: unknown;
    try {
      t.d.installOne('t1', IDS.rival);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CONFLICT' });
    const msg = (err as Error).message;
    expect(msg).toContain('Tailspin Notes');
    expect(msg).toContain('Fabrikam Rewards');
    expect(msg).toMatch(/caption/);
    expect(msg).toMatch(/Name/);
    expect(msg).toMatch(/Customer/);
    expect(tables(t, 't1')).toEqual(before);
    expect(t.d.tenantLog('t1', 1)[0]).toMatchObject({ operation: 'tenant.install', result: 'failed', errorCode: 'CONFLICT' });
  });

  it('installs into many tenants with a result per tenant', () => {
    const t = setup({ apps: [notesV1()], tenants: ['a', 'b'] });
    const r = t.d.install(['a', 'b', 'nope'], IDS.notes);
    expect(r.map((x) => [x.tenantId, x.ok, x.error?.code])).toEqual([
      ['a', true, undefined],
      ['b', true, undefined],
      ['nope', false, 'TENANT_NOT_FOUND'],
    ]);
  });

  it('a fleet install (batched bookkeeping) logs, registers and feeds each tenant as single installs do', () => {
    const t = setup({ apps: [coreV1()], tenants: ['a', 'b', 'c'] });
    t.d.installOne('b', IDS.core);
    const seq = t.d.changeSeq;
    // 'A' and 'a' are one tenant: its second install sees the first and is refused.
    const r = t.d.install(['A', 'b', 'c', 'a'], IDS.core);
    expect(r.map((x) => [x.tenantId, x.ok, x.error?.code])).toEqual([
      ['a', true, undefined],
      ['b', false, 'ALREADY_INSTALLED'],
      ['c', true, undefined],
      ['a', false, 'ALREADY_INSTALLED'],
    ]);
    for (const id of ['a', 'c']) {
      expect(t.d.tenantApps(id).map((a) => a.version)).toEqual(['1.0.0.0']);
      expect(
        t.d
          .log({ tenantId: id })
          .filter((l) => l.operation === 'tenant.install')
          .map((l) => l.result),
      ).toEqual(id === 'a' ? ['failed', 'succeeded'] : ['succeeded']);
      expect(
        t.d
          .tenantLog(id, 5)
          .filter((l) => l.operation === 'tenant.install')
          .map((l) => l.result),
      ).toEqual(id === 'a' ? ['failed', 'succeeded'] : ['succeeded']);
    }
    expect(t.d.appTenants(IDS.core).tenants.map((x) => x.tenantId)).toEqual(['a', 'b', 'c']);
    expect(t.d.log({ limit: 1000 }).filter((l) => l.result === 'running')).toEqual([]);
    const changes = t.d.changesSince(seq, 1000).changes;
    expect(changes.filter((c) => c.kind === 'tenant.upserted').map((c) => c.tenantId)).toEqual(['a', 'c']);
    // Every log row started and finished appears in the feed.
    expect(changes.filter((c) => c.kind === 'log.upserted').length).toBe(8);
  });

  it('loads table data as the record API would: validated, existing keys skipped, counters exact, extension fields kept', () => {
    const def = coreV1();
    def.tableData = [
      {
        table: 'Loyalty Tier',
        rows: [
          { Code: 'bronze', Description: 'Bronze', 'Min Points': 0 },
          { Code: 'BRONZE', Description: 'again' },
          { Code: 'silver', 'Min Points': 1000 },
        ],
      },
      {
        table: 'Customer',
        rows: [
          { 'No.': 'c1', Name: 'Adatum', 'Loyalty Points': 7 },
          { 'No.': 'c2', Name: 'Contoso' },
        ],
      },
    ];
    const t = setup({ apps: [def], tenants: ['t1'] });
    expect(t.d.install(['t1'], IDS.core)[0]).toMatchObject({ ok: true });
    for (const c of COMPANIES) {
      const tiers = t.d.readPage('t1', c, 'Loyalty Tier');
      expect(tiers.rows.map((x) => [x['Code'], x['Description']])).toEqual([
        ['BRONZE', 'Bronze'],
        ['SILVER', ''],
        ['PLATINUM', 'Platinum'],
      ]);
      const customers = t.d.readPage('t1', c, 'Customer');
      expect(customers.rows.map((x) => [x['No.'], x['Loyalty Points']])).toEqual([
        ['C1', 7],
        ['C2', 0],
      ]);
    }
    // The registry's row counters match the rows (readPage's total comes from them).
    const db = tenantDatabase(t.d, 't1');
    for (const r of db.prepare("SELECT physical, row_count FROM schema_tables WHERE physical LIKE 'c%'").all() as { physical: string; row_count: number }[]) {
      expect(r.row_count, r.physical).toBe((db.prepare(`SELECT COUNT(*) AS n FROM ${quoted(r.physical)}`).get() as { n: number }).n);
    }

    const bad = coreV1();
    bad.tableData = [
      {
        table: 'Loyalty Tier',
        rows: [
          { Code: 'OK', 'Min Points': 1 },
          { Code: 'X', 'Min Points': 'many' },
        ],
      },
    ];
    const t2 = setup({ apps: [bad], tenants: ['t1'] });
    const [r] = t2.d.install(['t1'], IDS.core);
    expect(r?.error).toMatchObject({
      code: 'RECORD_INVALID',
      message: expect.stringContaining('table "Loyalty Tier" in company "CRONUS": field "Min Points" must be a whole number'),
    });
    expect(tables(t2, 't1')).toEqual(tables(setup({ tenants: ['t1'] }), 't1'));
    expect(t2.d.tenantApps('t1')).toEqual([]);
  });
});

describe('uninstall and reinstall', () => {
  it('round trip: rows (incl. extension fields) are archived by rename and come back on reinstall', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core);
    for (const c of COMPANIES) {
      t.d.insertMany('t1', c, 'Customer', [
        { 'No.': 'C1', Name: `Adatum ${c}`, 'Loyalty Points': 10 },
        { 'No.': 'C2', Name: 'Bellows', 'Loyalty Points': 20, 'Tier Code': 'GOLD' },
      ]);
    }
    const before = t.d.readPage('t1', C2, 'Customer');
    const tiersBefore = t.d.readPage('t1', C1, 'Loyalty Tier');
    const physicalBefore = tables(t, 't1');
    const companion = physicalBefore.find((n) => n.startsWith('c2_t18_x'));
    expect(companion).toBeDefined();
    const companionRows = tenantDatabase(t.d, 't1')
      .prepare(`SELECT * FROM ${quoted(companion!)} ORDER BY _rid`)
      .all();

    const u = t.d.uninstall('t1', IDS.core);
    expect(u.uninstalled.map((a) => a.name)).toEqual(['Contoso Core']);
    // 2 companies x (own table + companion on Customer)
    expect(u.archives).toHaveLength(4);
    const archived = t.d.archiveList('t1');
    expect(archived.map((a) => [a.company, a.table, a.kind, a.rows]).sort()).toEqual(
      [
        [C1, 'Customer', 'fields', 2],
        [C1, 'Loyalty Tier', 'table', 4],
        [C2, 'Customer', 'fields', 2],
        [C2, 'Loyalty Tier', 'table', 4],
      ].sort(),
    );
    // Archive is a rename: the companion table is gone under its name and its rows sit unchanged under the archive name.
    const after = tables(t, 't1');
    expect(after).not.toContain(companion);
    const arch = archived.find((a) => a.company === C2 && a.table === 'Customer');
    expect(after).toContain(`archive_${arch!.archiveId}`);
    expect(
      tenantDatabase(t.d, 't1')
        .prepare(`SELECT * FROM ${quoted({ kind: 'archive', archiveId: arch!.archiveId })} ORDER BY _rid`)
        .all(),
    ).toEqual(companionRows);
    expect(t.d.archiveRows('t1', arch!.archiveId).rows.map((r) => r['Loyalty Points'])).toEqual([10, 20]);
    // The base rows stay, without the extension's fields.
    const base = t.d.readPage('t1', C2, 'Customer');
    expect(base.columns.map((c) => c.name)).not.toContain('Loyalty Points');
    expect(base.rows.map((r) => r['Name'])).toEqual(['Adatum Fabrikam Ltd', 'Bellows']);
    expect(t.d.permissionSets('t1').permissionSets).toEqual([]);
    expect(t.d.subscribers('t1').subscribers).toEqual([]);
    expect(t.d.tenantApps('t1')).toEqual([]);

    const [re] = t.d.install(['t1'], IDS.core);
    expect(re).toMatchObject({ ok: true, action: 'restored' });
    expect(t.d.archiveList('t1')).toEqual([]);
    expect(t.d.readPage('t1', C2, 'Customer')).toEqual(before);
    expect(t.d.readPage('t1', C1, 'Loyalty Tier')).toEqual(tiersBefore);
    expect(tables(t, 't1')).toEqual(physicalBefore);
  });

  it('the archive step reads no rows: its plan is a rename, whatever the row count', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ 'No.': `C${i}`, Name: `Customer ${i}`, 'Loyalty Points': i }));
    t.d.insertMany('t1', C1, 'Customer', rows);
    const db = tenantDatabase(t.d, 't1');
    // total_changes() counts every row inserted, updated or deleted: a copy of the archived rows would add 3000+.
    const changesBefore = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    t.d.uninstall('t1', IDS.core);
    const changesAfter = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    // Only registry bookkeeping rows change, never the 3000 customer rows.
    expect(changesAfter - changesBefore).toBeLessThan(50);
    const a = t.d.archiveList('t1').find((x) => x.company === C1 && x.table === 'Customer');
    expect(a?.rows).toBe(3000);
  });

  it('refuses to uninstall an app others depend on, unless dependents go too (in reverse order, one transaction)', () => {
    const t = setup({ apps: [coreV1(), loyaltyV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.loyalty, { installDependencies: true });
    expect(() => t.d.uninstall('t1', IDS.core)).toThrow(
      expect.objectContaining({ code: 'HAS_DEPENDENTS', message: expect.stringContaining('Contoso Loyalty') }),
    );
    const r = t.d.uninstall('t1', IDS.core, { uninstallDependents: true });
    expect(r.uninstalled.map((a) => a.name)).toEqual(['Contoso Loyalty', 'Contoso Core']);
    expect(t.d.tenantApps('t1')).toEqual([]);
  });

  it('without saving data: needs acknowledgement stating the rows lost, then drops', () => {
    const t = setup({ apps: [coreV1()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core);
    expect(() => t.d.uninstall('t1', IDS.core, { doNotSaveData: true })).toThrow(
      expect.objectContaining({ code: 'ACK_REQUIRED', message: expect.stringContaining('deletes 8 rows') }),
    );
    expect(t.d.tenantApps('t1')).toHaveLength(1);
    const r = t.d.uninstall('t1', IDS.core, { doNotSaveData: true, acknowledge: true });
    expect(r).toMatchObject({ rowsDiscarded: 8, archives: [] });
    expect(t.d.archiveList('t1')).toEqual([]);
    expect(tables(t, 't1').some((n) => n.includes('t50100'))).toBe(false);
    // A fresh install loads the data again.
    expect(t.d.installOne('t1', IDS.core).action).toBe('installed');
  });
});

describe('upgrade', () => {
  function seeded() {
    const t = setup({ apps: [coreV1(), coreV2()], tenants: ['t1'] });
    t.d.installOne('t1', IDS.core, { version: '1.0.0.0' });
    for (const c of COMPANIES) {
      t.d.insertMany('t1', c, 'Customer', [
        { 'No.': 'C1', Name: 'Adatum', 'Loyalty Points': 10 },
        { 'No.': 'C2', Name: 'Bellows', 'Loyalty Points': 25 },
      ]);
    }
    return t;
  }

  it('v1 -> v2 syncs schema and runs upgrade steps in EVERY company; a second run does nothing (tags)', () => {
    const t = seeded();
    const [r] = t.d.upgrade(['t1'], IDS.core);
    expect(r).toMatchObject({ ok: true, from: '1.0.0.0', to: '2.0.0.0', action: 'upgraded' });
    expect(r?.stepsRun.sort()).toEqual([`${C1}: core-2.0-lifetime`, `${C2}: core-2.0-lifetime`].sort());
    for (const c of COMPANIES) {
      const rows = t.d.readPage('t1', c, 'Customer').rows;
      expect(rows.map((x) => [x['No.'], x['Lifetime Points'], x['Member Since']])).toEqual([
        ['C1', 10, '2020-01-01'],
        ['C2', 25, '2020-01-01'],
      ]);
    }
    expect(t.d.tenantApps('t1')[0]).toMatchObject({ version: '2.0.0.0', dataVersion: '2.0.0.0' });
    const again = t.d.upgradeOne('t1', IDS.core);
    expect(again).toMatchObject({ action: 'up-to-date', stepsRun: [] });
  });

  it('restoring an archive of the installed version runs no upgrade step again (data kept as it was)', () => {
    const t = seeded();
    t.d.upgradeOne('t1', IDS.core);
    t.d.modifyRecord('t1', C1, 'Customer', { 'No.': 'C1' }, { 'Lifetime Points': 99 });
    t.d.uninstall('t1', IDS.core);
    const r = t.d.installOne('t1', IDS.core);
    expect(r.action).toBe('restored');
    expect(t.d.readPage('t1', C1, 'Customer').rows[0]).toMatchObject({ 'Lifetime Points': 99 });
  });

  it('not installed but archived from an older version: install restores and upgrades (one action)', () => {
    const t = seeded();
    t.d.uninstall('t1', IDS.core);
    const [r] = t.d.upgrade(['t1'], IDS.core);
    expect(r).toMatchObject({ ok: true, action: 'restored-and-upgraded', from: '1.0.0.0', to: '2.0.0.0' });
    expect(t.d.readPage('t1', C2, 'Customer').rows.map((x) => x['Lifetime Points'])).toEqual([10, 25]);
  });

  it('refuses a downgrade, from installed and from archived data', () => {
    const t = seeded();
    t.d.upgradeOne('t1', IDS.core);
    expect(() => t.d.upgradeOne('t1', IDS.core, { version: '1.0.0.0' })).toThrow(expect.objectContaining({ code: 'DOWNGRADE' }));
    t.d.uninstall('t1', IDS.core);
    expect(() => t.d.installOne('t1', IDS.core, { version: '1.0.0.0' })).toThrow(
      expect.objectContaining({ code: 'DOWNGRADE', message: expect.stringContaining('2.0.0.0') }),
    );
    expect(t.d.archiveList('t1').length).toBe(4);
  });

  it('refuses a destructive schema change (a removed field), naming table and field; changes nothing', () => {
    const t = seeded();
    t.d.publish(pkg(coreV3Destructive()), { skipVerification: true });
    t.d.upgradeOne('t1', IDS.core, { version: '2.0.0.0' });
    const before = t.d.readPage('t1', C1, 'Customer');
    expect(() => t.d.upgradeOne('t1', IDS.core, { version: '3.0.0.0' })).toThrow(
      expect.objectContaining({ code: 'SYNC_DESTRUCTIVE', message: expect.stringMatching(/"Tier Code".*"Customer"/) }),
    );
    expect(t.d.readPage('t1', C1, 'Customer')).toEqual(before);
    expect(t.d.tenantApps('t1')[0]?.version).toBe('2.0.0.0');
  });
});
