// `npm run bench [-- <scenario>...] [--quick]`: runs the scenarios of quality.md's performance table.
// Full sizes by default (the documented figures); --quick shrinks every size for a smoke run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildResult, formatResult, writeResult } from './lib/harness.js';
import { SCENARIOS } from './scenarios/index.js';

export async function runBench(argv: string[], out: (line: string) => void = console.log, resultsDir?: string): Promise<number> {
  const quick = argv.includes('--quick');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    out(`unknown scenario: ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const chosen = names.length > 0 ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS;
  let failed = 0;
  for (const s of chosen) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `tenantry-bench-${s.name}-`));
    out(`== ${s.name}: ${s.title}${quick ? ' (quick)' : ''}`);
    try {
      const measured = await s.run({ quick, tmp, log: (l) => out(`  ${l}`) });
      const result = buildResult(s, measured, quick, os.cpus().length);
      const file = writeResult(result, resultsDir);
      out(`  ${formatResult(result)}`);
      out(`  -> ${path.relative(process.cwd(), file)}`);
    } catch (e) {
      failed++;
      out(`  FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void runBench(process.argv.slice(2)).then((code) => process.exit(code));
}
