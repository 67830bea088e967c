// A bounded load driver for the server's load test and the server-load benchmark: N concurrent clients, each over
// its own Invoker (a RemoteClient, or the local engine for the baseline), run a mix of reads and writes against
// their own tenant until a deadline; every failure is recorded, and the rows each client inserted are counted so the
// caller can check that nothing was lost or written twice. Not used by the server itself.
import { toErrorInfo } from '../../shared/api/errors.js';
import type { Invoker } from '../../shared/api/operations.js';

export interface LoadOptions {
  clients: number;
  durationMs: number;
  /** Tenants to spread the clients over (client i works on tenants[i % n]). */
  tenants: readonly string[];
  company: string;
  invokerFor(client: number): Invoker;
  seed?: number;
}

export interface LoadResult {
  requests: number;
  failures: { op: string; code: string; message: string }[];
  byOp: Record<string, number>;
  /** Rows inserted per tenant (successful inserts only). */
  inserted: Record<string, number>;
  /** Milliseconds per request, sorted. */
  latencies: number[];
  elapsedMs: number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, failures: [], byOp: {}, inserted: {}, latencies: [], elapsedMs: 0 };
  for (const t of o.tenants) result.inserted[t] = 0;
  const started = performance.now();
  const deadline = started + o.durationMs;
  const client = async (i: number): Promise<void> => {
    const inv = o.invokerFor(i);
    const tenantId = o.tenants[i % o.tenants.length]!;
    const rnd = rng((o.seed ?? 1) * 1000 + i);
    const mine: string[] = [];
    let k = 0;
    while (performance.now() < deadline) {
      const r = rnd();
      const t0 = performance.now();
      let op = '';
      try {
        if (r < 0.4) {
          op = 'record.insert';
          const no = `L${i}-${k++}`;
          await inv.invoke('record.insert', { tenantId, company: o.company, table: 'Customer', values: { 'No.': no, Name: `Load ${i}/${k}` } });
          mine.push(no);
          result.inserted[tenantId]!++;
        } else if (r < 0.45 && mine.length > 0) {
          op = 'record.modify';
          await inv.invoke('record.modify', {
            tenantId,
            company: o.company,
            table: 'Customer',
            key: { 'No.': mine[Math.floor(rnd() * mine.length)]! },
            changes: { City: `City ${k}` },
          });
        } else if (r < 0.7) {
          op = 'record.page';
          await inv.invoke('record.page', { tenantId, company: o.company, table: 'Customer', limit: 20, descending: true });
        } else if (r < 0.85) {
          op = 'tenant.get';
          await inv.invoke('tenant.get', { tenantId });
        } else if (r < 0.95) {
          op = 'tenant.apps';
          await inv.invoke('tenant.apps', { tenantId });
        } else {
          op = 'app.catalog';
          await inv.invoke('app.catalog', {});
        }
        result.byOp[op] = (result.byOp[op] ?? 0) + 1;
      } catch (e) {
        const info = toErrorInfo(e);
        result.failures.push({ op, code: info.code, message: info.message });
      }
      result.requests++;
      result.latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  result.elapsedMs = performance.now() - started;
  result.latencies.sort((a, b) => a - b);
  return result;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}
