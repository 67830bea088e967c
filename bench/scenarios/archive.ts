// Uninstall with archive: the extension's tables are renamed into the archive, not copied. Ours is timed at several
// row counts to show that archive time does not grow with the rows; the baseline is the copy we avoid,
// `INSERT INTO archive SELECT` of the same rows in a copy of the same tenant database, with the same pragmas.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas } from '../../platform/engine/db/open-database.js';
import { benchApp, benchDeployment, packageOf } from '../lib/fleet.js';
import { interleave, summarize, time, type Sample, type Scenario } from '../lib/harness.js';
import { tenantDatabase } from '../../platform/engine/internals.js';

const TENANT = 'tenant-00000';
const COMPANY = 'CRONUS';

export const archiveScenario: Scenario = {
  name: 'archive',
  title: 'Uninstall with archive of 1,000,000 rows',
  baseline: 'INSERT INTO archive SELECT of the same rows (same database, same pragmas)',
  async run(ctx) {
    const sizes = ctx.quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
    const runs = ctx.quick ? 3 : 5;
    const app = benchApp({ index: 1, tables: 1, fieldsPerTable: 5 });
    const table = (app.objects[0] as { name: string }).name;
    const appId = app.manifest.id;
    const perSize: Record<string, { ours: ReturnType<typeof summarize>; baseline: ReturnType<typeof summarize> }> = {};
    let last: { ours: Sample[]; baseline: Sample[] } = { ours: [], baseline: [] };

    for (const rows of sizes) {
      const folder = path.join(ctx.tmp, `dep-${rows}`);
      const d = benchDeployment(folder, 1, [COMPANY]);
      d.publish(packageOf(app), { skipVerification: true });
      d.install([TENANT], appId);
      const gen = time(() => {
        const chunk = 50_000;
        for (let start = 0; start < rows; start += chunk) {
          const n = Math.min(chunk, rows - start);
          d.insertMany(
            TENANT,
            COMPANY,
            table,
            Array.from({ length: n }, (_, i) => ({ 'Entry No.': start + i + 1, 'Value 1': `Entry ${start + i + 1}`, 'Value 2': (start + i) * 1.5 })),
          );
        }
      });
      ctx.log(`${rows} rows generated in ${gen.ms.toFixed(0)} ms`);

      // The baseline works on a copy of the same tenant database (checkpointed first: never copy a live WAL file).
      const tenantDb = tenantDatabase(d, TENANT);
      tenantDb.pragma('wal_checkpoint(TRUNCATE)');
      const physical = (
        tenantDb.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c%_t70001000' ORDER BY name LIMIT 1`).get() as
          { name: string } | undefined
      )?.name;
      if (!physical) throw new Error('bench: the extension table was not found');
      const copy = path.join(ctx.tmp, `baseline-${rows}.sqlite`);
      fs.copyFileSync(path.join(folder, 'tenants', `${TENANT}.sqlite`), copy);
      const base = new Database(copy);
      applyPragmas(base);
      const columns = (base.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).get(physical) as { sql: string }).sql.replace(
        /^CREATE TABLE "?[a-z0-9_]+"?/i,
        'CREATE TABLE "bench_archive"',
      );

      const result = await interleave(
        runs,
        () => {
          const t = time(() => d.uninstall(TENANT, appId));
          d.install([TENANT], appId); // restores the archive (a rename back), untimed
          return { ms: t.ms };
        },
        () => {
          const t = time(() =>
            base.transaction(() => {
              base.exec(columns);
              base.exec(`INSERT INTO "bench_archive" SELECT * FROM "${physical}"`);
            })(),
          );
          base.exec('DROP TABLE "bench_archive"');
          return { ms: t.ms };
        },
      );
      const archived = d.archiveList(TENANT);
      if (archived.length !== 0) throw new Error('bench: the archive was not restored between runs');
      const page = d.readPage(TENANT, COMPANY, table, { limit: 1 });
      if (page.total !== rows) throw new Error(`bench: expected ${rows} rows after the runs, found ${page.total}`);
      base.close();
      d.close();
      perSize[String(rows)] = { ours: summarize(result.ours), baseline: summarize(result.baseline) };
      ctx.log(`${rows} rows: ours ${perSize[String(rows)]!.ours.median.toFixed(2)} ms, baseline ${perSize[String(rows)]!.baseline.median.toFixed(2)} ms`);
      last = result;
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(copy, { force: true });
    }

    const small = perSize[String(sizes[0])]!;
    const large = perSize[String(sizes[sizes.length - 1])]!;
    const growth = large.ours.median / small.ours.median;
    const speedup = large.baseline.median / large.ours.median;
    return {
      ours: last.ours,
      baseline: last.baseline,
      figures: { perSize, growthSmallestToLargest: growth, speedupAtLargest: speedup },
      target: {
        description: 'archive time does not grow with the row count; at least 50x faster than the copy at the largest size',
        met: growth < 2 && speedup >= 50,
        detail: `ours grows ${growth.toFixed(2)}x from ${sizes[0]} to ${sizes[sizes.length - 1]} rows; baseline/ours = ${speedup.toFixed(1)}x`,
      },
    };
  },
};
