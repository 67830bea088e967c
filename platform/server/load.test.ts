// A bounded load test on loopback: 50 concurrent clients, each with its own connection pool, for 3 seconds, mixing
// record writes and reads against the server. No request may fail, no insert may be lost or doubled, and a client
// following the change feed during the load ends with exactly the server's snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPage, type Snapshot } from '../../shared/api/changes.js';
import { COMPANIES, IDS, coreV1, notesV1 } from '../engine/test-support/fixtures.js';
import { runLoad } from './load-driver.js';
import { startTestServer, type TestServer } from './test-support/servers.js';

const TENANTS = Array.from({ length: 10 }, (_, i) => `load-${i}`);
const [C1] = COMPANIES as [string, string];
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ apps: [coreV1(), notesV1()], tenants: TENANTS });
  s.d.install(TENANTS, IDS.notes);
});
afterAll(() => s.stop());

describe('load', () => {
  it('50 clients for 3 s: no failed request, nothing lost, and the feed agrees with the snapshot', async () => {
    const follower = s.client(s.reader);
    let mirror: Snapshot = await follower.snapshot();
    let following = true;
    const follow = (async () => {
      while (following) {
        const page = await follower.changes(mirror.seq, 200);
        mirror = applyPage(mirror, page, 200).state;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const result = await runLoad({ clients: 50, durationMs: 3000, tenants: TENANTS, company: C1, invokerFor: () => s.client() });
    following = false;
    await follow;
    expect(result.failures).toEqual([]);
    expect(result.requests).toBeGreaterThan(200);
    expect(result.byOp['record.insert']).toBeGreaterThan(50);
    const c = s.client();
    for (const t of TENANTS) {
      const page = await c.invoke('record.page', { tenantId: t, company: C1, table: 'Customer', limit: 1 });
      expect({ tenant: t, rows: page.total }).toEqual({ tenant: t, rows: result.inserted[t] });
      expect((await c.invoke('tenant.get', { tenantId: t })).state).toBe('operational');
    }
    for (;;) {
      const r = applyPage(mirror, await follower.changes(mirror.seq, 1000), 1000);
      mirror = r.state;
      if (r.caughtUp) break;
    }
    expect(mirror).toEqual(await c.snapshot());
  });
});
