// Snapshot history and the operation-log copy, on a real console database file: a snapshot is kept only when
// something changed, the oldest go past the retention, two snapshots compare into installs, upgrades,
// uninstalls, archives and moves (a tenant that left for another deployment); the log copy updates a running
// operation when it finishes and searches with LIKE wildcards taken literally.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentSnapshot } from '../../shared/api/console.js';
import type { LogEntry } from '../../shared/api/operations.js';
import { openConsoleDb, type Db } from './db.js';
import type { DeploymentRead } from './fleet.js';
import { OpLogCache, SNAPSHOT_RETENTION, SnapshotHistory } from './history.js';
import { makeTempDir } from './test-support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function db(): Db {
  const tmp = makeTempDir();
  const d = openConsoleDb(path.join(tmp.dir, 'console.sqlite'));
  cleanups.push(() => {
    d.close();
    tmp.cleanup();
  });
  const add = d.prepare("INSERT INTO connections (id, name, kind, folder, created_at, updated_at) VALUES (?, ?, 'local', '/x', '', '')");
  add.run('e', 'East');
  add.run('w', 'West');
  return d;
}

type T = { id: string; state?: DeploymentSnapshot['tenants'][number]['state']; apps?: Record<string, string>; archived?: Record<string, string[]> };

function read(cid: string, tenants: T[], asOf: string): DeploymentRead {
  return {
    snapshot: {
      connectionId: cid,
      name: cid,
      kind: 'local',
      asOf,
      live: true,
      application: { name: 'Base', version: '1.0.0.0' },
      tenants: tenants.map((t) => ({ key: `${cid}/${t.id}`, connectionId: cid, tenantId: t.id, state: t.state ?? 'operational', companies: ['C'] })),
      published: [],
      cells: tenants.flatMap((t) => {
        const ids = new Set([...Object.keys(t.apps ?? {}), ...Object.keys(t.archived ?? {})]);
        return [...ids].map((appId) => ({
          tenantKey: `${cid}/${t.id}`,
          appId,
          ...(t.apps?.[appId] ? { installed: t.apps[appId] } : {}),
          syncPending: false,
          archived: t.archived?.[appId] ?? [],
        }));
      }),
    },
    catalog: [
      {
        id: 'x',
        name: 'Ext X',
        publisher: 'P',
        version: '2.0.0.0',
        sha256: '',
        size: 0,
        signed: false,
        skippedVerification: true,
        signerKeyId: null,
        publishedAt: '',
        publishedBy: '',
        dependencies: [],
        tenantCount: 0,
        problems: [],
      },
    ],
    archivedApps: [{ id: 'y', name: 'Ext Y', publisher: 'P', version: '1.0.0.0' }],
  };
}

describe('snapshot history', () => {
  it('keeps a snapshot only when the state changed', () => {
    const h = new SnapshotHistory(db());
    const a = read('e', [{ id: 't1', apps: { x: '1.0.0.0' } }], '2025-01-01T00:00:00.000Z');
    expect(h.record('e', a)).not.toBeNull();
    expect(h.record('e', { ...a, snapshot: { ...a.snapshot, asOf: '2025-01-01T00:01:00.000Z' } })).toBeNull();
    expect(h.record('e', read('e', [{ id: 't1', apps: { x: '2.0.0.0' } }], '2025-01-01T00:02:00.000Z'))).not.toBeNull();
    expect(h.list('e').map((s) => s.takenAt)).toEqual(['2025-01-01T00:02:00.000Z', '2025-01-01T00:00:00.000Z']);
  });

  it('drops the oldest past the retention', () => {
    const h = new SnapshotHistory(db());
    for (let i = 0; i <= SNAPSHOT_RETENTION; i++) h.record('e', read('e', [{ id: `t${i}` }], new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString()));
    const list = h.list('e');
    expect(list).toHaveLength(SNAPSHOT_RETENTION);
    expect(list.at(-1)?.takenAt).toBe(new Date(Date.UTC(2025, 0, 1, 0, 0, 1)).toISOString());
  });

  it('compares two points: installs, upgrades, uninstalls, archives, state changes and a move to another deployment', () => {
    const h = new SnapshotHistory(db());
    const from = h.record(
      'e',
      read('e', [{ id: 't1', apps: { x: '1.0.0.0', y: '1.0.0.0' } }, { id: 't2', apps: { x: '1.0.0.0' } }, { id: 't3' }], '2025-01-01T00:00:00.000Z'),
    )!;
    h.record('w', read('w', [{ id: 'w1' }], '2025-01-01T00:00:00.000Z'));
    const to = h.record(
      'e',
      read(
        'e',
        [{ id: 't1', apps: { x: '2.0.0.0' }, archived: { y: ['1.0.0.0'] } }, { id: 't3', state: 'sync-pending', apps: { x: '2.0.0.0' } }, { id: 't4' }],
        '2025-01-02T00:00:00.000Z',
      ),
    )!;
    h.record('w', read('w', [{ id: 'w1' }, { id: 't2', apps: { x: '1.0.0.0' } }], '2025-01-02T00:00:01.000Z'));
    const names = (id: string): string => (id === 'e' ? 'East' : 'West');
    const cmp = h.compare('e', to, from, names);
    expect(cmp.from.id).toBe(from);
    expect(cmp.changes.map((c) => [c.tenantId, c.kind, c.appName ?? c.other ?? '', c.from ?? '', c.to ?? ''])).toEqual([
      ['t1', 'archive-added', 'Ext Y', '', '1.0.0.0'],
      ['t1', 'uninstalled', 'Ext Y', '1.0.0.0', ''],
      ['t1', 'upgraded', 'Ext X', '1.0.0.0', '2.0.0.0'],
      ['t2', 'moved-out', 'West', '', ''],
      ['t3', 'installed', 'Ext X', '', '2.0.0.0'],
      ['t3', 'state-changed', '', 'operational', 'sync-pending'],
      ['t4', 'tenant-added', '', '', 'operational'],
    ]);
    const back = h.compare('w', h.list('w').at(-1)!.id, h.list('w')[0]!.id, names);
    expect(back.changes).toEqual([expect.objectContaining({ kind: 'moved-in', tenantId: 't2', other: 'East' })]);
    expect(() => h.compare('w', from, to, names)).toThrow(/no snapshot/);
  });
});

const entry = (over: Partial<LogEntry>): LogEntry => ({
  opId: 'op1',
  actor: 'ada',
  operation: 'tenant.install',
  tenantId: 't1',
  params: { appId: 'x' },
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: null,
  result: 'running',
  errorCode: null,
  errorMessage: null,
  ...over,
});

describe('operation log copy', () => {
  it('updates a running operation once it is read finished, and searches it', () => {
    const c = new OpLogCache(db());
    const names = (id: string): string => id.toUpperCase();
    c.upsert('e', [entry({})]);
    c.upsert('e', [entry({ result: 'failed', endedAt: '2025-01-01T00:00:01.000Z', errorCode: 'CONFLICT', errorMessage: 'x and y both add field 100%_done' })]);
    c.upsert('w', [
      entry({
        opId: 'op2',
        operation: 'tenant.move',
        tenantId: null,
        params: { tenantId: 't9', destination: 'east' },
        result: 'succeeded',
        startedAt: '2025-01-02T00:00:00.000Z',
      }),
    ]);
    const all = c.search({ limit: 10 }, names);
    expect(all.matched).toBe(2);
    expect(all.entries.map((e) => [e.connectionName, e.operation, e.result])).toEqual([
      ['W', 'tenant.move', 'succeeded'],
      ['E', 'tenant.install', 'failed'],
    ]);
    expect(c.search({ limit: 10, query: '100%_' }, names).entries.map((e) => e.opId)).toEqual(['op1']);
    expect(c.search({ limit: 10, query: '1000' }, names).matched).toBe(0);
    expect(c.search({ limit: 10, query: '%' }, names).matched).toBe(1);
    expect(c.search({ limit: 10, tenantId: 'T9' }, names).entries.map((e) => e.opId)).toEqual(['op2']);
    expect(c.search({ limit: 10, connectionId: 'e', result: 'succeeded' }, names).matched).toBe(0);
  });
});
