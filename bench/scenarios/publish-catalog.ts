// Publish a catalog of 400 extensions with a realistic dependency graph, given in shuffled order: the deployment puts
// them in dependency order, validates and compiles each, and stores them. No baseline in quality.md (target: under 5 s);
// the figure beside it is reading and validating the same packages alone (readPackage), for scale.
import path from 'node:path';
import { readPackage } from '../../platform/package/index.js';
import { benchCatalog, benchDeployment, packageOf } from '../lib/fleet.js';
import { interleave, summarize, time, type Scenario } from '../lib/harness.js';

export const publishCatalogScenario: Scenario = {
  name: 'publish-catalog',
  title: 'Publish a catalog of 400 extensions in dependency order',
  baseline: 'reading and validating the same 400 packages (readPackage), without compiling or storing',
  async run(ctx) {
    const count = ctx.quick ? 40 : 400;
    const runs = ctx.quick ? 2 : 5;
    const files = benchCatalog(count).map((def) => ({ bytes: packageOf(def), fileName: `${def.manifest.name}.app` }));
    const result = await interleave(
      runs,
      (i) => {
        const d = benchDeployment(path.join(ctx.tmp, `dep-${i}`), 0);
        const t = time(() => d.publishMany(files, { skipVerification: true }));
        const published = d.catalog().length;
        d.close();
        if (published !== count) throw new Error(`bench: ${published} of ${count} extensions published`);
        return { ms: t.ms };
      },
      () => ({ ms: time(() => files.forEach((f) => readPackage(f.bytes, { verify: 'skip' }, f.fileName))).ms }),
    );
    const s = summarize(result.ours);
    return {
      ...result,
      figures: { extensions: count },
      target: { description: 'under 5 s', met: s.median < 5000, detail: `median ${(s.median / 1000).toFixed(2)} s for ${count} extensions` },
    };
  },
};
