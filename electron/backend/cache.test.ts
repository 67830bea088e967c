import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnapshotCache } from './cache.js';
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
