// The matrix benchmarks' synthetic fleet: the same on every run, shaped as the console lists a fleet.
import { describe, expect, it } from 'vitest';
import { generateFleet } from './fleet-fixture.js';

describe('bench fleet fixture', () => {
  it('is deterministic and has the size asked for', () => {
    const a = generateFleet({ tenants: 400, extensions: 60 });
    const b = generateFleet({ tenants: 400, extensions: 60 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.fleet.extensions).toHaveLength(60);
    expect(a.fleet.deployments.reduce((n, d) => n + d.tenants.length, 0)).toBe(400);
    expect(a.fleet.deployments.reduce((n, d) => n + d.cells.length, 0)).toBe(a.cells);
    expect(JSON.stringify(generateFleet({ tenants: 400, extensions: 60, seed: 7 }))).not.toBe(JSON.stringify(a));
  });

  it('lists tenants sorted, each tenant’s cells together, with dependencies installed and pointing backwards', () => {
    const { fleet } = generateFleet({ tenants: 300, extensions: 80 });
    const index = new Map(fleet.extensions.map((e, i) => [e.id, i]));
    for (const [i, e] of fleet.extensions.entries()) for (const dep of e.dependencies) expect(index.get(dep.id)).toBeLessThan(i);
    for (const d of fleet.deployments) {
      const ids = d.tenants.map((t) => t.tenantId);
      expect(ids).toEqual([...ids].sort());
      const seen = new Set<string>();
      let prev = '';
      for (const c of d.cells) {
        if (c.tenantKey !== prev) {
          expect(seen.has(c.tenantKey)).toBe(false);
          seen.add(c.tenantKey);
          prev = c.tenantKey;
        }
      }
      const installed = new Map<string, Set<string>>();
      for (const c of d.cells) if (c.installed) installed.set(c.tenantKey, (installed.get(c.tenantKey) ?? new Set()).add(c.appId));
      for (const apps of installed.values()) {
        for (const app of apps) for (const dep of fleet.extensions[index.get(app)!]!.dependencies) expect(apps.has(dep.id)).toBe(true);
      }
    }
  });
});
