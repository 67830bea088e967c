// The snapshot's JSON text (tenants written by SQLite's JSON functions) against snapshot(), the reference built as
// JavaScript objects: the same value for a deployment whose tenants differ in every field the mirror carries
// (several apps, archives, alternate ids, a dismounted tenant, special characters in companies), whole and scoped.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Deployment } from './deployment.js';
import { TENANT_MIRROR_SQL } from './snapshot-json.js';
import { IDS, coreV1, loyaltyV1, notesV1, testDeployment } from './test-support/fixtures.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

describe('snapshotJson', () => {
  it('parses to exactly what snapshot() returns, whole and for a tenant-scoped reader', () => {
    const t = testDeployment({ apps: [coreV1(), loyaltyV1(), notesV1()], tenants: ['t1', 't2', 't3'] });
    cleanups.push(t.cleanup);
    const { d } = t;
    d.createTenant('t0-quote', { companies: ['Quote " and \\ back', 'Tab\there', 'Ünïcødé ✓'], alternateIds: ['t0.example.com', 'alt-0'] });
    d.install(['t1', 't2'], IDS.core);
    d.install(['t1'], IDS.loyalty, { installDependencies: true });
    d.install(['t2'], IDS.notes, { installDependencies: true });
    d.uninstall('t2', IDS.notes);
    d.dismount('t3');
    const reference = d.snapshot();
    expect(reference.tenants.some((x) => x.archives.length > 0)).toBe(true);
    expect(reference.tenants.some((x) => x.apps.length > 1)).toBe(true);
    expect(reference.tenants.some((x) => x.mountedAt === null)).toBe(true);
    const text = d.snapshotJson();
    expect(JSON.parse(text)).toEqual(reference);
    // the same text as serializing the reference (key order included), so a client's hash of it is stable
    expect(text).toBe(JSON.stringify(reference));

    const scope = { tenants: new Set(['t2', 't0-quote', 'no-such-tenant']) };
    expect(JSON.parse(d.snapshotJson(scope))).toEqual(d.snapshot(scope));
    expect(JSON.parse(d.snapshotJson({ tenants: new Set() }))).toEqual(d.snapshot({ tenants: new Set() }));
  });

  it('a tenant whose stored mirror is missing (a deployment from before the column) is written from the registry', () => {
    const t = testDeployment({ apps: [coreV1(), loyaltyV1()], tenants: ['t1', 't2'] });
    cleanups.push(t.cleanup);
    t.d.install(['t1'], IDS.loyalty, { installDependencies: true });
    t.d.uninstall('t1', IDS.loyalty);
    const reference = JSON.stringify(t.d.snapshot());
    t.d.close();
    const db = new Database(path.join(t.folder, 'deployment.sqlite'));
    db.prepare("UPDATE tenants SET mirror = NULL WHERE tenant_id = 't1'").run();
    db.close();
    let d = Deployment.open(t.folder);
    expect(d.snapshotJson()).toBe(reference);
    d.close();
    // the migration's fill gives the same text
    const db2 = new Database(path.join(t.folder, 'deployment.sqlite'));
    db2.exec(`UPDATE tenants AS t SET mirror = ${TENANT_MIRROR_SQL}`);
    db2.close();
    d = Deployment.open(t.folder);
    t.d = d;
    expect(d.snapshotJson()).toBe(reference);
  });
});
