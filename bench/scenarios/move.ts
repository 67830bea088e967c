// Tenant move of a 1 GB tenant: pre-check, dismount, transfer with SHA-256, verify (integrity check), mount, verify,
// remove from the source. Baseline: `cp` of the same file plus `sha256sum` of the copy, in the same run.
// (Between two local deployments until the server issue lands; then between two servers on loopback.)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchApp, benchDeployment, packageOf } from '../lib/fleet.js';
import { interleave, summarize, time, type Scenario } from '../lib/harness.js';

const TENANT = 'tenant-00000';

export const moveScenario: Scenario = {
  name: 'move',
  title: 'Tenant move of a 1 GB tenant between two deployments',
  baseline: 'cp of the tenant file plus sha256sum of the copy',
  async run(ctx) {
    const targetBytes = ctx.quick ? 20 * 1024 * 1024 : 1024 * 1024 * 1024;
    const runs = ctx.quick ? 2 : 3;
    const app = benchApp({ index: 3, tables: 1, fieldsPerTable: 5 });
    const east = benchDeployment(path.join(ctx.tmp, 'east'), 1);
    const west = benchDeployment(path.join(ctx.tmp, 'west'), 0);
    for (const d of [east, west]) d.publish(packageOf(app), { skipVerification: true });
    east.install([TENANT], app.manifest.id);
    // Bulk rows straight into the extension's table (1 KiB each): generating 1 GB through the record API would make
    // the benchmark spend its time generating. The move copies the file whatever its rows are.
    const db = east.tenantDatabase(TENANT);
    const physical = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c%_t70003000'`).get() as { name: string }).name;
    const rows = Math.ceil(targetBytes / 1100);
    const gen = time(() => {
      const chunk = 200_000;
      for (let s = 0; s < rows; s += chunk) {
        const n = Math.min(chunk, rows - s);
        db.exec(`WITH RECURSIVE c(x) AS (SELECT ${s + 1} UNION ALL SELECT x + 1 FROM c LIMIT ${n}) INSERT INTO "${physical}" (f1, f70003100) SELECT x, hex(randomblob(40)) || printf('%.900c', 'x') FROM c`);
      }
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
    const file = path.join(ctx.tmp, 'east', 'tenants', `${TENANT}.sqlite`);
    const size = fs.statSync(file).size;
    ctx.log(`tenant of ${(size / 1024 / 1024).toFixed(0)} MiB generated in ${gen.ms.toFixed(0)} ms`);

    const copyDir = path.join(ctx.tmp, 'copy');
    fs.mkdirSync(copyDir);
    let here = east;
    let there = west;
    const result = await interleave(
      runs,
      () => {
        const t = time(() => here.moveTenant(TENANT, there));
        [here, there] = [there, here];
        return { ms: t.ms, extra: { bytes: t.value.size } };
      },
      () => {
        const src = path.join(ctx.tmp, here === east ? 'east' : 'west', 'tenants', `${TENANT}.sqlite`);
        const dst = path.join(copyDir, 'copy.sqlite');
        const t = time(() => {
          execFileSync('cp', [src, dst]);
          execFileSync('sha256sum', [dst]);
        });
        fs.rmSync(dst);
        return { ms: t.ms };
      },
    );
    east.close();
    west.close();
    const ratio = summarize(result.ours).median / summarize(result.baseline).median;
    return {
      ...result,
      figures: { bytes: size, mibPerSecond: size / 1024 / 1024 / (summarize(result.ours).median / 1000) },
      target: { description: 'at most 1.5x cp + sha256sum', met: ratio <= 1.5, detail: `ratio ${ratio.toFixed(2)} for ${(size / 1024 / 1024).toFixed(0)} MiB` },
    };
  },
};
