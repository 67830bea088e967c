// Console cache: the console follows a remote deployment of 10,000 tenants (200 in quick mode) served on loopback.
// Full sync: an empty cache takes the server's snapshot (GET snapshot over HTTP, checked against the contract) and
// stores it, one row per tenant and per catalog entry (electron/backend remote-sync.ts + cache.ts). Baseline in the
// same run, interleaved: a plain prepared INSERT of the same rows (the same keys and JSON bodies) into a table of
// the same definition in the same console database, in one transaction. Delta sync: after 100 or more changes on
// the server (installs and uninstalls, each a tenant change and log entries), GET changes since the cache's seq and
// apply them to the rows they touch. Targets (quality.md): full sync at most 2x the baseline; delta sync under 20 ms.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Snapshot } from '../../shared/api/changes.js';
import { Deployment } from '../../platform/engine/deployment.js';
import { DEFAULT_APPLICATION } from '../../platform/engine/default-application.js';
import { createServer } from '../../platform/server/server.js';
import { MirrorCache } from '../../electron/backend/cache.js';
import { ConnectionsRepository } from '../../electron/backend/connections-repository.js';
import { openConsoleDb } from '../../electron/backend/db.js';
import { RemoteDriver } from '../../electron/backend/drivers/remote-driver.js';
import { RemoteSync } from '../../electron/backend/remote-sync.js';
import { fileKeySecretBox } from '../../electron/backend/secret-box.js';
import { benchApp, packageOf, tenantIds } from '../lib/fleet.js';
import { interleave, summarize, time, timeAsync, type Scenario } from '../lib/harness.js';
import { addTenantCopies, scratchDir } from '../lib/tenant-copies.js';

const APPS = [0, 1, 2, 3].map((i) => benchApp({ index: 900 + i, tables: 2, dependencies: i === 3 ? [{ index: 900 }] : [] }));

/** A deployment of `count` tenants: four templates with different extensions installed, and copies of them. */
function buildDeployment(folder: string, count: number): Deployment {
  const d = Deployment.create(folder, { application: DEFAULT_APPLICATION, name: 'cache-bench' });
  for (const a of APPS) d.publish(packageOf(a), { skipVerification: true });
  const ids = tenantIds(count);
  const templates = ids.slice(0, 4);
  templates.forEach((id, i) => {
    d.createTenant(id, { companies: ['CRONUS', 'CRONUS Canada'] });
    for (const a of APPS.slice(0, i + 1)) d.install([id], a.manifest.id);
  });
  addTenantCopies(
    d,
    templates.map((tenantId) => ({ tenantId })),
    ids.slice(4),
    path.join(path.dirname(folder), 'stage'),
  );
  return d;
}

/** The rows the cache writes for a snapshot, as the baseline inserts them. */
function rowsOf(s: Snapshot): [string, string][] {
  return [
    ...s.tenants.map((t): [string, string] => [`mirror/t/${t.id}`, JSON.stringify(t)]),
    ...s.catalog.map((a): [string, string] => [`mirror/a/${a.id}/${a.version}`, JSON.stringify(a)]),
    ['mirror/log', JSON.stringify(s.log)],
    ['mirror/meta', JSON.stringify({ seq: s.seq, deployment: s.deployment })],
  ];
}

export const consoleCacheScenario: Scenario = {
  name: 'console-cache',
  title: 'Console cache: full sync of a 10,000-tenant deployment; delta sync of 100 changes',
  baseline: 'a plain prepared INSERT of the same rows into SQLite, one transaction',
  async run(ctx) {
    const count = ctx.quick ? 200 : 10_000;
    const runs = ctx.quick ? 2 : 5;
    const deltaRuns = ctx.quick ? 3 : 9;
    const scratch = scratchDir(ctx.tmp);
    let app: FastifyInstance | undefined;
    let d: Deployment | undefined;
    const consoleDb = openConsoleDb(path.join(ctx.tmp, 'console.sqlite'));
    let driver: RemoteDriver | undefined;
    try {
      const gen = time(() => buildDeployment(path.join(scratch.dir, 'dep'), count));
      d = gen.value;
      ctx.log(`${count} tenants made in ${(gen.ms / 1000).toFixed(1)} s (templates copied, mounted by the engine)`);
      const token = d.tokens.create({ scope: 'admin', name: 'bench' }).token;
      app = await createServer({ deployment: d });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

      const conn = new ConnectionsRepository(consoleDb, fileKeySecretBox(ctx.tmp)).add({ kind: 'remote', name: 'bench', url, token, allowInsecure: false });
      const mirrors = new MirrorCache(consoleDb);
      driver = new RemoteDriver({ url, token });
      const feed = driver;
      const sync = new RemoteSync(mirrors, conn.id, () => feed);

      // The baseline's table: the cache's own definition, in the same database.
      consoleDb.exec(`CREATE TABLE bench_rows (
        connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
        key TEXT NOT NULL, taken_at TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (connection_id, key)) STRICT, WITHOUT ROWID`);
      const insert = consoleDb.prepare<[string, string, string, string]>('INSERT INTO bench_rows (connection_id, key, taken_at, body) VALUES (?, ?, ?, ?)');
      const rows = rowsOf(await feed.snapshot());
      const bytes = rows.reduce((n, [, b]) => n + b.length, 0);
      ctx.log(`snapshot: ${rows.length} rows, ${(bytes / 1e6).toFixed(1)} MB of JSON`);

      const parts = { fetch: [] as number[], store: [] as number[] };
      const full = await interleave(
        runs,
        async () => {
          mirrors.clear(conn.id);
          const t = await timeAsync(() => sync.sync());
          if (t.value.mode !== 'snapshot' || sync.mirror()?.tenants.length !== count)
            throw new Error(`bench: the full sync did not store ${count} tenants (${t.value.mode})`);
          // where the time goes, measured apart once per run: the HTTP fetch (with its check) and the store
          const f = await timeAsync(() => feed.snapshot());
          parts.fetch.push(f.ms);
          mirrors.clear(conn.id);
          parts.store.push(time(() => mirrors.replace(conn.id, f.value, new Date().toISOString())).ms);
          return { ms: t.ms };
        },
        () => {
          consoleDb.exec('DELETE FROM bench_rows');
          const at = new Date().toISOString();
          return {
            ms: time(() =>
              consoleDb.transaction(() => {
                for (const [k, b] of rows) insert.run(conn.id, k, at, b);
              })(),
            ).ms,
          };
        },
      );

      // Delta: the cache is current; each run makes 100+ changes on the server (not timed), then syncs.
      await sync.sync();
      const ids = tenantIds(count);
      const appId = APPS[1]!.manifest.id;
      let next = 0;
      const deltas: { ms: number; changes: number }[] = [];
      for (let r = 0; r < deltaRuns; r++) {
        const from = d.changeSeq;
        while (d.changeSeq - from < 100) {
          const id = ids[4 + (next++ % (count - 4))]!;
          const has = d.getTenant(id).apps.some((a) => a.id === appId);
          if (has) d.uninstall(id, appId, { doNotSaveData: true, acknowledge: true });
          else d.install([id], appId);
        }
        const t = await timeAsync(() => sync.sync());
        if (t.value.mode !== 'delta' || !t.value.caughtUp) throw new Error(`bench: expected a delta sync, got ${JSON.stringify(t.value)}`);
        deltas.push({ ms: t.ms, changes: t.value.changes });
      }
      const exact = JSON.stringify(sync.mirror()) === JSON.stringify(await feed.snapshot());
      if (!exact) throw new Error('bench: after the delta syncs the cache differs from the server snapshot');

      const fullMedian = summarize(full.ours).median;
      const baseMedian = summarize(full.baseline).median;
      const ratio = fullMedian / baseMedian;
      const delta = summarize(deltas.map((x) => ({ ms: x.ms })));
      const fetchMedian = summarize(parts.fetch.map((ms) => ({ ms }))).median;
      const storeMedian = summarize(parts.store.map((ms) => ({ ms }))).median;
      const storeRatio = storeMedian / baseMedian;
      return {
        ...full,
        figures: {
          tenants: count,
          rows: rows.length,
          snapshotBytes: bytes,
          fullSyncMedianMs: fullMedian,
          fullSyncFetchMedianMs: fetchMedian,
          fullSyncStoreMedianMs: storeMedian,
          storeOverBaseline: storeRatio,
          deltaSyncMedianMs: delta.median,
          deltaSyncMaxMs: delta.max,
          deltaChangesPerSync: deltas.map((x) => x.changes),
          deltaSamplesMs: deltas.map((x) => Number(x.ms.toFixed(2))),
          cacheEqualsServer: exact,
        },
        target: {
          description: 'full sync at most 2x a plain bulk insert of the same rows; delta sync of 100 changes under 20 ms',
          met: ratio <= 2 && delta.median < 20,
          detail:
            `full sync ${fullMedian.toFixed(0)} ms = ${ratio.toFixed(2)}x the insert (${baseMedian.toFixed(0)} ms): fetching the snapshot (server's snapshot, HTTP, contract check) ` +
            `${fetchMedian.toFixed(0)} ms, storing it ${storeMedian.toFixed(0)} ms = ${storeRatio.toFixed(2)}x the insert; delta median ${delta.median.toFixed(1)} ms (max ${delta.max.toFixed(1)}) for ${Math.min(...deltas.map((x) => x.changes))}+ changes`,
        },
      };
    } finally {
      await driver?.close();
      await app?.close();
      d?.close();
      consoleDb.close();
      scratch.cleanup();
    }
  },
};
