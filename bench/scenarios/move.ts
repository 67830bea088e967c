// Tenant move of a 1 GB tenant between two servers on loopback: pre-check, dismount, stream with SHA-256, verify
// (integrity check), mount, remove from the source. The two servers are real `tenantry serve` processes; the move is
// driven by this process as the CLI drives it. Baseline in the same run: `cp` of the same file plus `sha256sum` of
// the copy. The folder-to-folder move (no HTTP) is measured in the same run too, as a figure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openTokenStore } from '../../platform/engine/token-store.js';
import { RemoteClient } from '../../platform/remote/client.js';
import { moveTenantBetween } from '../../platform/remote/move.js';
import { remoteSide } from '../../platform/remote/remote-side.js';
import { spawnServer, type SpawnedServer } from '../../platform/server/test-support/servers.js';
import { benchApp, benchDeployment, packageOf } from '../lib/fleet.js';
import { interleave, summarize, time, timeAsync, type Sample, type Scenario } from '../lib/harness.js';
import { tenantDatabase } from '../../platform/engine/internals.js';

const TENANT = 'tenant-00000';

export const moveScenario: Scenario = {
  name: 'move',
  title: 'Tenant move of a 1 GB tenant between two servers on loopback',
  baseline: 'cp of the tenant file plus sha256sum of the copy',
  async run(ctx) {
    const targetBytes = ctx.quick ? 20 * 1024 * 1024 : 1024 * 1024 * 1024;
    const runs = ctx.quick ? 2 : 3;
    const app = benchApp({ index: 3, tables: 1, fieldsPerTable: 5 });
    const folders = { east: path.join(ctx.tmp, 'east'), west: path.join(ctx.tmp, 'west') };
    const east = benchDeployment(folders.east, 1);
    const west = benchDeployment(folders.west, 0);
    for (const d of [east, west]) d.publish(packageOf(app), { skipVerification: true });
    east.install([TENANT], app.manifest.id);
    // Bulk rows straight into the extension's table (about 1 KiB each): generating 1 GB through the record API would
    // make the benchmark spend its time generating. A move copies the file whatever its rows are.
    const db = tenantDatabase(east, TENANT);
    const physical = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c%_t70003000'`).get() as { name: string }).name;
    const rows = Math.ceil(targetBytes / 1100);
    const gen = time(() => {
      const chunk = 200_000;
      for (let s = 0; s < rows; s += chunk) {
        const n = Math.min(chunk, rows - s);
        db.exec(
          `WITH RECURSIVE c(x) AS (SELECT ${s + 1} UNION ALL SELECT x + 1 FROM c LIMIT ${n}) INSERT INTO "${physical}" (f1, f70003100) SELECT x, hex(randomblob(40)) || printf('%.900c', 'x') FROM c`,
        );
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
    const fileOf = (side: 'east' | 'west'): string => path.join(folders[side], 'tenants', `${TENANT}.sqlite`);
    const size = fs.statSync(fileOf('east')).size;
    ctx.log(`tenant of ${(size / 1024 / 1024).toFixed(0)} MiB generated in ${gen.ms.toFixed(0)} ms`);

    // Folder to folder (the engine's own move), once each way, before the servers take the folders.
    const local: Sample[] = [];
    local.push({ ms: time(() => east.moveTenant(TENANT, west)).ms });
    local.push({ ms: time(() => west.moveTenant(TENANT, east)).ms });
    east.close();
    west.close();

    const tokens = { east: '', west: '' };
    for (const side of ['east', 'west'] as const) {
      const t = openTokenStore(folders[side]);
      tokens[side] = t.store.create({ scope: 'admin', name: 'bench' }).token;
      t.close();
    }
    const servers: Record<'east' | 'west', SpawnedServer> = { east: await spawnServer(folders.east), west: await spawnServer(folders.west) };
    const clients = {
      east: new RemoteClient({ url: servers.east.url, token: tokens.east }),
      west: new RemoteClient({ url: servers.west.url, token: tokens.west }),
    };
    let here: 'east' | 'west' = 'east';
    const copyDir = path.join(ctx.tmp, 'copy');
    fs.mkdirSync(copyDir);
    try {
      const result = await interleave(
        runs,
        async () => {
          const there = here === 'east' ? 'west' : 'east';
          const t = await timeAsync(() => moveTenantBetween(remoteSide(clients[here]), remoteSide(clients[there]), TENANT, { actor: 'bench' }));
          here = there;
          return { ms: t.ms, extra: { bytes: t.value.size } };
        },
        () => {
          const dst = path.join(copyDir, 'copy.sqlite');
          const t = time(() => {
            execFileSync('cp', [fileOf(here), dst]);
            execFileSync('sha256sum', [dst]);
          });
          fs.rmSync(dst);
          return { ms: t.ms };
        },
      );
      const ours = summarize(result.ours);
      const ratio = ours.median / summarize(result.baseline).median;
      return {
        ...result,
        figures: {
          bytes: size,
          mibPerSecond: size / 1024 / 1024 / (ours.median / 1000),
          folderToFolder: summarize(local),
          folderToFolderRatio: summarize(local).median / summarize(result.baseline).median,
        },
        target: {
          description: 'at most 1.5x cp + sha256sum',
          met: ratio <= 1.5,
          detail: `ratio ${ratio.toFixed(2)} for ${(size / 1024 / 1024).toFixed(0)} MiB between two servers (folder to folder: ${(summarize(local).median / summarize(result.baseline).median).toFixed(2)})`,
        },
      };
    } finally {
      clients.east.close();
      clients.west.close();
      await servers.east.stop();
      await servers.west.stop();
    }
  },
};
