// How fast the `tenantry` command starts: `tenantry --help` and `tenantry info` (without a deployment: the usage
// error, which is what a typo costs) as a person runs them (node bin/tenantry.mjs, a new process each time), against
// a bare `node -e 0` in the same run, interleaved. Target (issue 12): within 2x. `info` on a real deployment is
// reported beside it for scale: it loads the engine and opens SQLite, and has no target.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleave, summarize, type Scenario } from '../lib/harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'bin', 'tenantry.mjs');

function wall(args: string[], expectCode: number): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TENANTRY_DEPLOYMENT: '' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== expectCode) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return ms;
}

export const cliStartScenario: Scenario = {
  name: 'cli-start',
  title: 'Start the tenantry command: --help and info',
  baseline: 'a bare `node -e 0` started the same way',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 30;
    wall([BIN, '--help'], 0); // builds dist/cli/ once if a source is newer, outside the measurement
    const help = await interleave(
      runs,
      () => ({ ms: wall([BIN, '--help'], 0) }),
      () => ({ ms: wall(['-e', '0'], 0) }),
    );
    const info = await interleave(
      runs,
      () => ({ ms: wall([BIN, 'info'], 2) }),
      () => ({ ms: wall(['-e', '0'], 0) }),
    );
    const demo = path.join(ctx.tmp, 'demo');
    wall([BIN, 'demo', demo], 0);
    const infoDeployment: number[] = [];
    for (let i = 0; i < Math.min(runs, 10); i++) infoDeployment.push(wall([BIN, 'info', '--deployment', path.join(demo, 'east')], 0));
    const node = summarize([...help.baseline, ...info.baseline]).median;
    const helpRatio = summarize(help.ours).median / node;
    const infoRatio = summarize(info.ours).median / node;
    const onDeployment = summarize(infoDeployment.map((ms) => ({ ms }))).median;
    return {
      ours: help.ours,
      baseline: help.baseline,
      figures: {
        helpMs: summarize(help.ours).median,
        infoMs: summarize(info.ours).median,
        nodeMs: node,
        helpRatio: Number(helpRatio.toFixed(2)),
        infoRatio: Number(infoRatio.toFixed(2)),
        infoOnDeploymentMs: onDeployment,
        infoOnDeploymentRatio: Number((onDeployment / node).toFixed(2)),
      },
      target: {
        description: '--help and info within 2x of node -e 0',
        met: helpRatio <= 2 && infoRatio <= 2,
        detail: `--help ${helpRatio.toFixed(2)}x, info ${infoRatio.toFixed(2)}x (node -e 0: ${node.toFixed(1)} ms); info on a deployment ${(onDeployment / node).toFixed(2)}x`,
      },
    };
  },
};
