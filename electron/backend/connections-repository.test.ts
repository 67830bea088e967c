import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TenantryError } from '../../shared/api/errors.js';
import { ConnectionsRepository } from './connections-repository.js';
import { openConsoleDb } from './db.js';
import { fileKeySecretBox } from './secret-box.js';
import { makeTempDir } from './test-support/temp-dir.js';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

function setup(name: string) {
  const dir = path.join(tmp.dir, name);
  fs.mkdirSync(dir);
  const db = openConsoleDb(path.join(dir, 'console.sqlite'));
  return { db, dir, repo: new ConnectionsRepository(db, fileKeySecretBox(dir)) };
}

describe('connections', () => {
  it('adds, lists, updates and removes local and remote connections, persisted across reopen', () => {
    const { db, dir, repo } = setup('crud');
    const east = repo.add({ kind: 'local', name: 'East', folder: '/srv/east' });
    const remote = repo.add({ kind: 'remote', name: 'Prod', url: 'https://erp.example.com', token: 's3cret-token', allowInsecure: false });
    expect(repo.list().map((c) => c.name)).toEqual(['East', 'Prod']);
    expect(remote.hasToken).toBe(true);
    expect(JSON.stringify(repo.list())).not.toContain('s3cret-token');
    expect(repo.token(remote.id)).toBe('s3cret-token');

    repo.update(east.id, { name: 'East DC', folder: '/srv/east2' });
    repo.update(remote.id, { token: 'rotated' });
    db.close();

    const db2 = openConsoleDb(path.join(dir, 'console.sqlite'));
    const repo2 = new ConnectionsRepository(db2, fileKeySecretBox(dir));
    expect(repo2.get(east.id)).toMatchObject({ name: 'East DC', folder: '/srv/east2', kind: 'local' });
    expect(repo2.token(remote.id)).toBe('rotated');
    expect(repo2.remove(east.id)).toBe(true);
    expect(repo2.list().map((c) => c.name)).toEqual(['Prod']);
    db2.close();
  });

  it('stores tokens sealed, never in clear, in the database file', () => {
    const { db, dir, repo } = setup('sealed');
    repo.add({ kind: 'remote', name: 'R', url: 'https://r.example.com', token: 'plain-text-token-xyz', allowInsecure: false });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(path.join(dir, 'console.sqlite'));
    expect(bytes.includes(Buffer.from('plain-text-token-xyz'))).toBe(false);
    expect(fs.statSync(path.join(dir, 'console.key')).mode & 0o077).toBe(0);
  });

  it('refuses a duplicate name (case-insensitive), a folder on a remote, an unknown id; nothing changes', () => {
    const { db, repo } = setup('refusals');
    const a = repo.add({ kind: 'local', name: 'East', folder: '/x' });
    const r = repo.add({ kind: 'remote', name: 'Remote', url: 'https://r', token: 't', allowInsecure: false });
    expect(() => repo.add({ kind: 'local', name: 'east', folder: '/y' })).toThrow(/"east" already exists/);
    expect(() => repo.update(r.id, { folder: '/z' })).toThrow(/remote deployment: it has no folder/);
    expect(() => repo.update(a.id, { token: 't' })).toThrow(/local folder: it has no URL or token/);
    try {
      repo.get('nope');
      expect.unreachable();
    } catch (e) {
      expect((e as TenantryError).code).toBe('NOT_FOUND');
      expect((e as TenantryError).message).toContain('nope');
    }
    expect(repo.list()).toHaveLength(2);
    expect(repo.get(a.id).folder).toBe('/x');
    db.close();
  });
});
