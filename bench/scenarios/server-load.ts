// Server load: 50 concurrent clients on loopback for 20 s (1 s in quick mode), each with its own connection pool,
// mixing record writes and reads on ten tenants (platform/server/load-driver.ts). Baseline: the same operations,
// same clients and mix, through the local engine in this process (no HTTP, no JSON, no auth). Reported: ms per
// 1,000 requests, ours / baseline; the target is quality.md's "no failed request and nothing lost".
import path from 'node:path';
import { Deployment } from '../../platform/engine/deployment.js';
import { DEFAULT_COMPANIES } from '../../platform/engine/default-application.js';
import { RemoteClient } from '../../platform/remote/client.js';
import { percentile, runLoad, type LoadResult } from '../../platform/server/load-driver.js';
import { createServer } from '../../platform/server/server.js';
import { interleave, type Scenario } from '../lib/harness.js';

const CLIENTS = 50;
const TENANTS = Array.from({ length: 10 }, (_, i) => `load-${i}`);

function prepare(folder: string): Deployment {
  const d = Deployment.create(folder, { name: path.basename(folder) });
  for (const t of TENANTS) d.createTenant(t);
  return d;
}

/** Every insert landed once: each tenant holds exactly the rows its clients inserted (across runs). */
function consistent(d: Deployment, inserted: Record<string, number>, company: string): boolean {
  return TENANTS.every((t) => d.readPage(t, company, 'Customer', { limit: 1 }).total === (inserted[t] ?? 0));
}

export const serverLoadScenario: Scenario = {
  name: 'server-load',
  title: `${CLIENTS} concurrent clients against a server on loopback`,
  baseline: 'the same clients and operations through the local engine in-process',
  async run(ctx) {
    const durationMs = ctx.quick ? 1000 : 20_000;
    const company = DEFAULT_COMPANIES[0]!;
    const served = prepare(path.join(ctx.tmp, 'served'));
    const local = prepare(path.join(ctx.tmp, 'local'));
    const token = served.tokens.create({ scope: 'admin', name: 'bench' }).token;
    const app = await createServer({ deployment: served });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const totals = { served: {} as Record<string, number>, local: {} as Record<string, number> };
    const add = (into: Record<string, number>, r: LoadResult) => {
      for (const [t, n] of Object.entries(r.inserted)) into[t] = (into[t] ?? 0) + n;
    };
    const runs: { ours: LoadResult[]; baseline: LoadResult[] } = { ours: [], baseline: [] };
    try {
      const result = await interleave(
        1,
        async () => {
          const clients = Array.from({ length: CLIENTS }, () => new RemoteClient({ url, token }));
          try {
            const r = await runLoad({ clients: CLIENTS, durationMs, tenants: TENANTS, company, invokerFor: (i) => clients[i]!, seed: 1 });
            runs.ours.push(r);
            add(totals.served, r);
            ctx.log(
              `server: ${r.requests} requests, ${r.failures.length} failed, p50 ${percentile(r.latencies, 0.5).toFixed(1)} ms, p99 ${percentile(r.latencies, 0.99).toFixed(1)} ms`,
            );
            return { ms: (r.elapsedMs / r.requests) * 1000, extra: { requests: r.requests, failures: r.failures.length } };
          } finally {
            for (const c of clients) c.close();
          }
        },
        async () => {
          const r = await runLoad({ clients: CLIENTS, durationMs, tenants: TENANTS, company, invokerFor: () => local, seed: 1 });
          runs.baseline.push(r);
          add(totals.local, r);
          ctx.log(`in-process: ${r.requests} requests, ${r.failures.length} failed`);
          return { ms: (r.elapsedMs / r.requests) * 1000, extra: { requests: r.requests, failures: r.failures.length } };
        },
      );
      const failures = runs.ours.reduce((n, r) => n + r.failures.length, 0);
      const ok = consistent(served, totals.served, company) && consistent(local, totals.local, company);
      const all = runs.ours.flatMap((r) => r.latencies).sort((a, b) => a - b);
      return {
        ...result,
        figures: {
          clients: CLIENTS,
          durationMs,
          requests: runs.ours.reduce((n, r) => n + r.requests, 0),
          requestsPerSecond: runs.ours.reduce((n, r) => n + r.requests / (r.elapsedMs / 1000), 0) / runs.ours.length,
          p50ms: percentile(all, 0.5),
          p99ms: percentile(all, 0.99),
          failures,
          firstFailure: runs.ours.flatMap((r) => r.failures)[0] ?? null,
        },
        target: {
          description: 'no failed request, every insert stored once (ms per 1,000 requests, ours / in-process)',
          met: failures === 0 && ok,
          detail: `${failures} failed requests; rows ${ok ? 'consistent' : 'NOT consistent'}`,
        },
      };
    } finally {
      await app.close();
      served.close();
      local.close();
    }
  },
};
