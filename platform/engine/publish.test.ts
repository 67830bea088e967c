// Publishing and the catalog: verification, idempotence, refusal of different bytes, compile problems,
// dependency order and cycles for several packages at once, unpublish refusals, repair and application upgrade.
import { afterEach, describe, expect, it } from 'vitest';
import { generateSigningKey, writePackage } from '../package/index.js';
import { COMPANIES, IDS, coreV1, coreV2, loyaltyV1, notesV1, orphanV1, pkg, testApplication, testDeployment } from './test-support/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function setup(opts: Parameters<typeof testDeployment>[0] = {}) {
  const t = testDeployment(opts);
  cleanups.push(t.cleanup);
  return t;
}

describe('publish', () => {
  it('refuses an unsigned package unless verification is skipped, and logs the skip', () => {
    const { d } = setup();
    expect(() => d.publish(pkg(coreV1()))).toThrow(expect.objectContaining({ code: 'SIGNATURE_MISSING' }));
    const r = d.publish(pkg(coreV1()), { skipVerification: true, actor: 'alice' });
    expect(r).toMatchObject({ status: 'published', skippedVerification: true, app: { id: IDS.core, version: '1.0.0.0' } });
    const log = d.log({ limit: 5 });
    expect(log[0]).toMatchObject({
      operation: 'app.publish',
      actor: 'alice',
      result: 'succeeded',
      params: expect.objectContaining({ skipVerification: true }),
    });
    expect(log[1]).toMatchObject({ operation: 'app.publish', result: 'failed', errorCode: 'SIGNATURE_MISSING' });
    expect(d.catalog()[0]).toMatchObject({ skippedVerification: true, signed: false });
  });

  it('accepts a signed package without skipping', () => {
    const { d } = setup();
    const key = generateSigningKey();
    const r = d.publish(writePackage(coreV1(), { signingKey: key }));
    expect(r.skippedVerification).toBe(false);
    expect(d.catalog()[0]).toMatchObject({ signed: true, signerKeyId: key.keyId });
  });

  it('is a no-op for identical bytes and refuses other bytes under the same id and version', () => {
    const { d } = setup({ apps: [coreV1()] });
    expect(d.publish(pkg(coreV1()), { skipVerification: true }).status).toBe('unchanged');
    const changed = coreV1();
    changed.manifest = { ...changed.manifest, brief: 'something else' };
    expect(() => d.publish(pkg(changed), { skipVerification: true, fileName: 'core.app' })).toThrow(
      expect.objectContaining({
        code: 'ALREADY_PUBLISHED',
        message: expect.stringMatching(/core\.app: "Contoso Core" by Contoso 1\.0\.0\.0 is already published/),
      }),
    );
    expect(d.catalog()).toHaveLength(1);
  });

  it('refuses a package whose dependency is not published, naming it, and changes nothing', () => {
    const { d } = setup();
    expect(() => d.publish(pkg(orphanV1()), { skipVerification: true })).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_MISSING', message: expect.stringContaining('Ghost') }),
    );
    expect(d.catalog()).toEqual([]);
  });

  it('publishes many packages in dependency order, all or nothing; a cycle is named', () => {
    const { d } = setup();
    const r = d.publishMany(
      [
        { bytes: pkg(loyaltyV1()), fileName: 'loyalty.app' },
        { bytes: pkg(coreV2()), fileName: 'core2.app' },
        { bytes: pkg(coreV1()), fileName: 'core1.app' },
      ],
      { skipVerification: true },
    );
    expect(r.results.map((x) => x.fileName)).toEqual(['core2.app', 'core1.app', 'loyalty.app']);
    expect(d.catalog().map((c) => `${c.name} ${c.version}`)).toEqual(['Contoso Core 1.0.0.0', 'Contoso Core 2.0.0.0', 'Contoso Loyalty 1.0.0.0']);

    const { d: d2 } = setup();
    const a = coreV1();
    a.manifest = { ...a.manifest, dependencies: [{ id: IDS.loyalty, name: 'Contoso Loyalty', publisher: 'Contoso', version: '1.0.0.0' }] };
    expect(() => d2.publishMany([{ bytes: pkg(a) }, { bytes: pkg(loyaltyV1()) }, { bytes: pkg(notesV1()) }], { skipVerification: true })).toThrow(
      expect.objectContaining({ code: 'DEPENDENCY_CYCLE', message: expect.stringMatching(/Contoso (Core|Loyalty).*->.*Contoso (Core|Loyalty)/) }),
    );
    expect(d2.catalog()).toEqual([]);
  });
});

describe('unpublish', () => {
  it('is refused while installed in a tenant (naming it) or needed by another published version', () => {
    const { d } = setup({ apps: [coreV1(), loyaltyV1(), notesV1()], tenants: ['t1'] });
    d.installOne('t1', IDS.notes);
    expect(() => d.unpublish(IDS.notes, '1.0.0.0')).toThrow(expect.objectContaining({ code: 'APP_IN_USE', message: expect.stringContaining('t1') }));
    expect(() => d.unpublish('Contoso Core', '1.0.0.0')).toThrow(
      expect.objectContaining({ code: 'APP_IN_USE', message: expect.stringContaining('Contoso Loyalty') }),
    );
    d.unpublish('contoso loyalty', '1.0.0.0');
    d.unpublish(IDS.core, '1.0.0.0');
    expect(d.catalog().map((c) => c.name)).toEqual(['Tailspin Notes']);
    expect(() => d.unpublish(IDS.notes, '9.0.0.0')).toThrow(expect.objectContaining({ code: 'NOT_PUBLISHED' }));
  });
});

describe('catalog, info, repair, application upgrade', () => {
  it('lists versions with tenant counts and reads a package manifest', () => {
    const { d } = setup({ apps: [coreV1(), coreV2()], tenants: ['t1', 't2'] });
    d.install(['t1', 't2'], IDS.core, { version: '1.0.0.0' });
    const cat = d.catalog();
    expect(cat.map((c) => [c.version, c.tenantCount])).toEqual([
      ['1.0.0.0', 2],
      ['2.0.0.0', 0],
    ]);
    const info = d.packageInfo(pkg(loyaltyV1()), 'loyalty.app');
    expect(info).toMatchObject({ manifest: { name: 'Contoso Loyalty' }, signed: false, publishedVersions: [] });
    expect(d.appTenants('Contoso Core').tenants.map((t) => t.tenantId)).toEqual(['t1', 't2']);
  });

  it('repair reports what no longer compiles after the application changed; tenants need a sync', () => {
    const { d } = setup({ apps: [coreV1()], tenants: ['t1'] });
    const app2 = testApplication('1.1.0.0');
    // The new application drops the Customer table's "City" field and renames nothing; Core still compiles.
    const withoutCustomer = { ...app2, objects: app2.objects.filter((o) => !(o.type === 'table' && o.name === 'Customer') && o.type !== 'page') };
    const r = d.setApplication(withoutCustomer);
    expect(r.tenantsSyncPending).toEqual(['t1']);
    expect(r.repaired[0]?.ok).toBe(false);
    expect(r.repaired[0]?.problems.map((p) => p.message).join(' ')).toContain('Customer');
    expect(d.getTenant('t1').state).toBe('sync-pending');
    expect(d.catalog()[0]?.problems.length).toBeGreaterThan(0);
  });

  it('application upgrade adding a field: tenants sync-pending until synced, then the field is usable', () => {
    const { d } = setup({ tenants: ['t1'] });
    d.insertRecord('t1', COMPANIES[0]!, 'Item', { 'No.': 'I1', Description: 'Bolt' });
    const app2 = testApplication('1.1.0.0');
    const item = app2.objects.find((o) => o.type === 'table' && o.name === 'Item');
    if (item?.type === 'table') item.fields.push({ id: 4, name: 'Weight', type: 'Decimal' });
    d.setApplication(app2);
    expect(() => d.insertRecord('t1', COMPANIES[0]!, 'Item', { 'No.': 'I2' })).toThrow(expect.objectContaining({ code: 'TENANT_STATE' }));
    const check = d.sync('t1', undefined, { mode: 'check-only' });
    expect(check.applied).toBe(false);
    expect(check.changes.map((c) => c.kind)).toEqual(['field-added', 'field-added']);
    const s = d.sync('t1', undefined, { mode: 'add' });
    expect(s).toMatchObject({ applied: true, state: 'operational' });
    d.insertRecord('t1', COMPANIES[0]!, 'Item', { 'No.': 'I2', Weight: 2.5 });
    const page = d.readPage('t1', COMPANIES[0]!, 'Item');
    expect(page.rows.map((r) => [r['No.'], r['Weight']])).toEqual([
      ['I1', 0],
      ['I2', 2.5],
    ]);
  });
});
