// Install an extension of 10 tables (with table data) into 1,000 tenants, each tenant its own transaction with its log
// row, conflict and dependency checks, permission sets and subscribers. Baseline: the same DDL and inserts as a plain
// SQL script, run against 1,000 plain SQLite files with the same pragmas (one transaction each).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyPragmas } from '../../platform/engine/db/open-database.js';
import { benchApp, benchDeployment, packageOf, tenantIds } from '../lib/fleet.js';
import { interleave, summarize, time, type Scenario } from '../lib/harness.js';
import { tenantDatabase } from '../../platform/engine/internals.js';

export const installFleetScenario: Scenario = {
  name: 'install-fleet',
  title: 'Install an extension of 10 tables into 1,000 tenants',
  baseline: 'the same DDL and inserts as a plain SQL script over 1,000 plain SQLite files',
  async run(ctx) {
    const tenants = ctx.quick ? 20 : 1000;
    const runs = ctx.quick ? 2 : 3;
    const app = benchApp({ index: 7, tables: 10, fieldsPerTable: 5, customerFields: 2, dataRows: 10 });
    const appId = app.manifest.id;
    const ids = tenantIds(tenants);
    const gen = time(() => benchDeployment(path.join(ctx.tmp, 'dep'), tenants));
    const d = gen.value;
    ctx.log(`${tenants} tenants created in ${gen.ms.toFixed(0)} ms`);
    d.publish(packageOf(app), { skipVerification: true });

    // The plain script: exactly the DDL our install produced in one tenant, and the table data rows.
    d.install([ids[0]!], appId);
    const db0 = tenantDatabase(d, ids[0]!);
    const ddl = (
      db0
        .prepare(
          `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND (name LIKE 'c%\\_t7000%' ESCAPE '\\' OR tbl_name LIKE 'c%\\_t7000%' ESCAPE '\\' OR tbl_name LIKE 'c%\\_x%' ESCAPE '\\') ORDER BY type DESC, name`,
        )
        .all() as { sql: string }[]
    ).map((r) => r.sql);
    const tables = (db0.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c%\\_t7000%' ESCAPE '\\'`).all() as { name: string }[]).map(
      (r) => r.name,
    );
    const rows = tables.map((t) => ({ t, rows: db0.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[][] }));
    d.uninstall(ids[0]!, appId, { doNotSaveData: true, acknowledge: true });
    if (ddl.length < 10) throw new Error(`bench: expected the DDL of at least 10 tables, found ${ddl.length} statements`);

    const plainDir = path.join(ctx.tmp, 'plain');
    fs.mkdirSync(plainDir);
    const plainFiles = ids.map((id) => path.join(plainDir, `${id}.sqlite`));
    const result = await interleave(
      runs,
      () => {
        const t = time(() => d.install(ids, appId));
        const failed = t.value.filter((r) => !r.ok);
        if (failed.length > 0) throw new Error(`bench: ${failed.length} tenants failed: ${JSON.stringify(failed[0])}`);
        for (const id of ids) d.uninstall(id, appId, { doNotSaveData: true, acknowledge: true });
        return { ms: t.ms };
      },
      () => {
        for (const f of plainFiles) fs.rmSync(f, { force: true });
        for (const f of plainFiles) {
          const db = new Database(f);
          applyPragmas(db);
          db.close();
        }
        const t = time(() => {
          for (const f of plainFiles) {
            const db = new Database(f);
            applyPragmas(db);
            db.transaction(() => {
              for (const s of ddl) db.exec(s);
              for (const r of rows) {
                if (r.rows.length === 0) continue;
                const ins = db.prepare(`INSERT INTO "${r.t}" VALUES (${r.rows[0]!.map(() => '?').join(',')})`);
                for (const row of r.rows) ins.run(row);
              }
            })();
            db.close();
          }
        });
        return { ms: t.ms };
      },
    );
    d.close();
    const ratio = summarize(result.ours).median / summarize(result.baseline).median;
    return {
      ...result,
      figures: { tenants, tables: 10, statements: ddl.length, rowsPerTenant: rows.reduce((n, r) => n + r.rows.length, 0) },
      target: { description: 'at most 1.5x the plain SQL script', met: ratio <= 1.5, detail: `ratio ${ratio.toFixed(2)}` },
    };
  },
};
