// The offline cache: the last reads per connection with their time, and the mirror of a remote deployment's
// change feed stored as rows (replaced by a snapshot, rewritten row by row by deltas, read back in order).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogMirrorEntry, Snapshot, TenantMirror } from '../../shared/api/changes.js';
import { MirrorCache, SnapshotCache } from './cache.js';
import { ConnectionsRepository } from './connections-repository.js';
import { openConsoleDb } from './db.js';
import { fileKeySecretBox } from './secret-box.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe('snapshot cache', () => {
  it('keeps the last value per connection and key with its time, survives reopen, goes with the connection', () => {
    const file = path.join(tmp.dir, 'console.sqlite');
    const db = openConsoleDb(file);
    const conns = new ConnectionsRepository(db, fileKeySecretBox(tmp.dir));
    const c = conns.add({ kind: 'local', name: 'East', folder: '/e' });
    const cache = new SnapshotCache(db);
    expect(cache.get(c.id, 'fleet')).toBeUndefined();
    cache.put(c.id, 'fleet', { tenants: 1 }, '2025-01-01T00:00:00.000Z');
    cache.put(c.id, 'fleet', { tenants: 2 }, '2025-01-02T00:00:00.000Z');
    db.close();

    const db2 = openConsoleDb(file);
    const cache2 = new SnapshotCache(db2);
    expect(cache2.get(c.id, 'fleet')).toEqual({ takenAt: '2025-01-02T00:00:00.000Z', value: { tenants: 2 } });
    new ConnectionsRepository(db2, fileKeySecretBox(tmp.dir)).remove(c.id);
    expect(cache2.get(c.id, 'fleet')).toBeUndefined();
    db2.close();
  });
});

describe('mirror cache', () => {
  const deployment = { name: 'north', application: { name: 'Base', publisher: 'Tenantry', version: '1.0.0.0' } };
  const tenant = (id: string, version = 1): TenantMirror => ({
    id,
    alternateIds: [],
    state: 'operational',
    failedOperation: null,
    applicationVersion: '1.0.0.0',
    companies: ['CRONUS'],
    createdAt: '2025-01-01T00:00:00.000Z',
    mountedAt: '2025-01-01T00:00:00.000Z',
    version,
    apps: [],
    archives: [],
  });
  const app = (id: string, name: string, version: string): CatalogMirrorEntry => ({
    id,
    name,
    publisher: 'Contoso',
    version,
    sha256: '0'.repeat(64),
    size: 1,
    signed: false,
    skippedVerification: true,
    signerKeyId: null,
    publishedAt: '2025-01-01T00:00:00.000Z',
    publishedBy: 'ada',
    dependencies: [],
    problems: [],
  });

  it('stores a snapshot as rows, reads it back in the canonical order, applies deltas, and goes with the connection', () => {
    const file = path.join(tmp.dir, 'mirror.sqlite');
    const db = openConsoleDb(file);
    const conns = new ConnectionsRepository(db, fileKeySecretBox(tmp.dir));
    const c = conns.add({ kind: 'remote', name: 'North', url: 'https://north.example', token: 't', allowInsecure: false });
    const other = conns.add({ kind: 'remote', name: 'South', url: 'https://south.example', token: 't', allowInsecure: false });
    const m = new MirrorCache(db);
    expect(m.meta(c.id)).toBeUndefined();
    expect(m.load(c.id)).toBeUndefined();
    const snap: Snapshot = {
      seq: 7,
      deployment,
      catalog: [app('b', 'Beta', '1.0.0.0'), app('a', 'alpha', '2.0.0.0'), app('a', 'alpha', '10.0.0.0')],
      tenants: [tenant('t2'), tenant('t1'), tenant('t10')],
      log: [],
    };
    m.replace(c.id, snap, '2025-01-02T00:00:00.000Z');
    m.replace(other.id, { ...snap, seq: 99, tenants: [tenant('elsewhere')] }, '2025-01-02T00:00:00.000Z');
    const loaded = m.load(c.id)!;
    expect(loaded.seq).toBe(7);
    expect(loaded.tenants.map((t) => t.id)).toEqual(['t1', 't10', 't2']);
    expect(loaded.catalog.map((a) => `${a.name} ${a.version}`)).toEqual(['alpha 2.0.0.0', 'alpha 10.0.0.0', 'Beta 1.0.0.0']);
    expect(m.meta(c.id)).toEqual({ seq: 7, deployment, syncedAt: '2025-01-02T00:00:00.000Z' });

    m.apply(
      c.id,
      { seq: 9, upsertTenants: [tenant('t1', 2), tenant('t3')], removeTenants: ['t2'], upsertApps: [], removeApps: [{ id: 'b', version: '1.0.0.0' }], log: [] },
      '2025-01-03T00:00:00.000Z',
    );
    const after = m.load(c.id)!;
    expect(after.seq).toBe(9);
    expect(after.tenants.map((t) => [t.id, t.version])).toEqual([
      ['t1', 2],
      ['t10', 1],
      ['t3', 1],
    ]);
    expect(after.catalog.map((a) => a.id)).toEqual(['a', 'a']);
    expect(m.tenants(c.id, ['t3', 'nobody']).map((t) => t.id)).toEqual(['t3']);
    m.touch(c.id, '2025-01-04T00:00:00.000Z');
    expect(m.meta(c.id)?.syncedAt).toBe('2025-01-04T00:00:00.000Z');
    // the other connection's mirror is its own
    expect(m.load(other.id)!.tenants.map((t) => t.id)).toEqual(['elsewhere']);

    // the range reads of the mirror use the primary key, not a scan of the cache
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT body FROM cache WHERE connection_id = ? AND key >= ? AND key < ? ORDER BY key')
      .all('x', 'mirror/t/', 'mirror/t0') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/SEARCH cache USING PRIMARY KEY \(connection_id=\? AND key>\? AND key<\?\)/);

    m.clear(c.id);
    expect(m.load(c.id)).toBeUndefined();
    expect(m.load(other.id)).toBeDefined();
    conns.remove(other.id);
    expect(m.load(other.id)).toBeUndefined();
    expect(() => m.apply(c.id, { seq: 1, upsertTenants: [], removeTenants: [], upsertApps: [], removeApps: [] }, 'x')).toThrow(/snapshot first/);
    db.close();
  });
});
