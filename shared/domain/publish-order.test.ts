// Publishing a generated catalog with the shape of Microsoft's (System Application -> Base Application -> many
// apps, test apps on absent test libraries): the published set, the order, and every refusal message.
import { describe, expect, it } from 'vitest';
import { planPublish, type PublishCandidate } from './publish-order.js';

const guid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const SYSTEM = '63ca2fa4-4f03-4f2b-a480-172fef340d3f';
const BASE = '437dbf0e-84ff-417a-965d-ed2bb9650972';
const TEST_LIB = guid(999_999);

function app(name: string, id: string, deps: { id: string; name: string; version: string }[], version = '29.0.0.0'): PublishCandidate {
  return {
    source: `${name}.app`,
    sha256: `sha-${id}-${version}`,
    manifest: { id, name, publisher: 'Microsoft', version, dependencies: deps.map((d) => ({ ...d, publisher: 'Microsoft' })) },
  };
}

function catalog(): PublishCandidate[] {
  const out: PublishCandidate[] = [];
  // Listed in reverse dependency order on purpose: the plan must sort them.
  for (let i = 0; i < 250; i++)
    out.push(
      app(`App ${i}`, guid(1000 + i), [
        { id: BASE, name: 'Base Application', version: '29.0.0.0' },
        ...(i % 10 === 9 ? [{ id: guid(1000 + i - 1), name: `App ${i - 1}`, version: '29.0.0.0' }] : []),
      ]),
    );
  for (let i = 0; i < 50; i++) {
    out.push(
      app(`Tests ${i}`, guid(5000 + i), [
        { id: guid(1000 + i), name: `App ${i}`, version: '29.0.0.0' },
        { id: TEST_LIB, name: 'Library Assert', version: '29.0.0.0' },
      ]),
    );
  }
  // A test helper depending on Tests 0 (blocked transitively).
  out.push(app('Tests Helper', guid(6000), [{ id: guid(5000), name: 'Tests 0', version: '29.0.0.0' }]));
  out.push(app('Base Application', BASE, [{ id: SYSTEM, name: 'System Application', version: '29.0.0.0' }]));
  out.push(app('System Application', SYSTEM, []));
  return out;
}

describe('planPublish on a Microsoft-shaped catalog', () => {
  it('publishes every package whose dependencies are there, in dependency order, and names each missing dependency', () => {
    const cands = catalog();
    expect(cands.length).toBeGreaterThanOrEqual(300);
    const plan = planPublish(cands, []);
    expect(plan.order.length).toBe(252);
    const pos = new Map(plan.order.map((c, i) => [c.manifest.id, i]));
    expect(pos.get(SYSTEM)).toBeLessThan(pos.get(BASE)!);
    for (const c of plan.order)
      for (const d of c.manifest.dependencies) expect(pos.get(d.id), `${c.source} after ${d.name}`).toBeLessThan(pos.get(c.manifest.id)!);
    expect(plan.refused.length).toBe(51);
    for (let i = 0; i < 50; i++) {
      const r = plan.refused.find((x) => x.candidate.source === `Tests ${i}.app`)!;
      expect(r.code).toBe('DEPENDENCY_MISSING');
      expect(r.missing?.id).toBe(TEST_LIB);
      expect(r.message).toBe(
        `Tests ${i}.app: "Tests ${i}" by Microsoft 29.0.0.0 depends on "Library Assert" by Microsoft 29.0.0.0 (${TEST_LIB}), which is neither published nor in this set at version 29.0.0.0 or higher` +
          (i === 0 ? '; it blocks Tests Helper.app' : ''),
      );
    }
    const helper = plan.refused.find((x) => x.candidate.source === 'Tests Helper.app')!;
    expect(helper.message).toBe(
      'Tests Helper.app: "Tests Helper" by Microsoft 29.0.0.0 depends on "Tests 0" by Microsoft 29.0.0.0 (Tests 0.app), which is refused',
    );
    expect(helper.blockedBy).toBe('Tests 0.app');
  });

  it('resolves by id and minimum version (all four parts), against the catalog as well', () => {
    const lib = app('Lib', guid(1), [], '29.0.10.0');
    const needsNewer = app('Needs Newer', guid(2), [{ id: guid(1), name: 'Other Name', version: '29.0.11.0' }]);
    const needsOlder = app('Needs Older', guid(3), [{ id: guid(1), name: 'Other Name', version: '29.0.9.5' }]);
    const plan = planPublish([needsNewer, needsOlder, lib], []);
    expect(plan.order.map((c) => c.source)).toEqual(['Lib.app', 'Needs Older.app']);
    expect(plan.refused[0]?.message).toContain('(available: 29.0.10.0)');
    const againstCatalog = planPublish([needsOlder], [{ manifest: lib.manifest, sha256: lib.sha256 }]);
    expect(againstCatalog.order.map((c) => c.source)).toEqual(['Needs Older.app']);
  });

  it('same id and version: identical bytes is a no-op, different bytes refused', () => {
    const lib = app('Lib', guid(1), []);
    const changed = { ...lib, sha256: 'other' };
    const plan = planPublish([lib, changed], [{ manifest: lib.manifest, sha256: lib.sha256 }]);
    expect(plan.unchanged).toEqual([lib]);
    expect(plan.refused.map((r) => [r.code, r.message])).toEqual([
      ['ALREADY_PUBLISHED', `Lib.app: "Lib" by Microsoft 29.0.0.0 (${guid(1)}) is already in the catalog with different bytes; publish a new version`],
    ]);
  });

  it('refuses a cycle and publishes the rest', () => {
    const a = app('A', guid(1), [{ id: guid(2), name: 'B', version: '1.0.0.0' }]);
    const b = app('B', guid(2), [{ id: guid(1), name: 'A', version: '1.0.0.0' }]);
    const c = app('C', guid(3), []);
    const plan = planPublish([a, b, c], []);
    expect(plan.order.map((x) => x.source)).toEqual(['C.app']);
    expect(plan.refused.map((r) => r.code)).toEqual(['DEPENDENCY_CYCLE', 'DEPENDENCY_CYCLE']);
  });
});
