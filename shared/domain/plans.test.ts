import { describe, expect, it } from 'vitest';
import type { AppDefinition } from './app-definition.js';
import { planInstall, planUninstall } from './plans.js';
import { chainApps, diamondApps, FIXTURE_IDS, loyaltyApp, makeApp, shippingApp } from './test-fixtures.js';

const names = (refs: { name: string; version: string }[]): string[] => refs.map((r) => `${r.name} ${r.version}`);
const at = (def: AppDefinition, version = def.manifest.version): { id: string; version: string } => ({ id: def.manifest.id, version });

describe('planInstall', () => {
  it('installs a lone extension by itself', () => {
    expect(planInstall(shippingApp(), [shippingApp()], [])).toEqual({
      install: [{ id: FIXTURE_IDS.shipping, name: 'Shipping', publisher: 'Litware', version: '1.0.0.0' }],
      missing: [],
      alreadyInstalled: [],
    });
  });

  it('chain A <- B <- C: dependencies first, the target last', () => {
    const { a, b, c } = chainApps();
    expect(names(planInstall(c, [c, b, a], []).install)).toEqual(['Chain A 1.0.0.0', 'Chain B 1.0.0.0', 'Chain C 1.0.0.0']);
    const partly = planInstall(c, [a, b, c], [at(a)]);
    expect(names(partly.install)).toEqual(['Chain B 1.0.0.0', 'Chain C 1.0.0.0']);
    expect(names(partly.alreadyInstalled)).toEqual(['Chain A 1.0.0.0']);
  });

  it('diamond: the shared dependency once, before both branches', () => {
    const { d1, d2, d3, d4 } = diamondApps();
    const plan = planInstall(d4, [d4, d3, d2, d1], []);
    expect(names(plan.install)).toEqual(['Diamond 1 1.0.0.0', 'Diamond 2 1.0.0.0', 'Diamond 3 1.0.0.0', 'Diamond 4 1.0.0.0']);
    expect(plan.missing).toEqual([]);
    const withRoot = planInstall(d4, [d4, d3, d2, d1], [at(d1)]);
    expect(names(withRoot.install)).toEqual(['Diamond 2 1.0.0.0', 'Diamond 3 1.0.0.0', 'Diamond 4 1.0.0.0']);
    expect(names(withRoot.alreadyInstalled)).toEqual(['Diamond 1 1.0.0.0']);
  });

  it('takes the newest catalog version of a dependency', () => {
    const { a, b } = chainApps();
    const a3 = makeApp({ id: FIXTURE_IDS.chainA, name: 'Chain A', version: '3.0.0.0' });
    const a2 = makeApp({ id: FIXTURE_IDS.chainA, name: 'Chain A', version: '2.0.0.0' });
    expect(names(planInstall(b, [a, a3, a2, b], []).install)).toEqual(['Chain A 3.0.0.0', 'Chain B 1.0.0.0']);
  });

  it('lists dependencies missing from the catalog, or only below the minimum, or installed too old', () => {
    const { a, b, c } = chainApps();
    const plan = planInstall(c, [c], []);
    expect(plan.missing).toEqual([{ id: FIXTURE_IDS.chainB, name: 'Chain B', minVersion: '1.0.0.0', requiredBy: 'Chain C' }]);
    expect(names(plan.install)).toEqual(['Chain C 1.0.0.0']);

    const transitive = planInstall(c, [b, c], []);
    expect(transitive.missing).toEqual([{ id: FIXTURE_IDS.chainA, name: 'Chain A', minVersion: '1.0.0.0', requiredBy: 'Chain B' }]);

    const needs2 = makeApp({
      id: FIXTURE_IDS.chainB,
      name: 'Chain B',
      version: '2.0.0.0',
      dependencies: [{ id: FIXTURE_IDS.chainA, name: 'Chain A', publisher: 'Contoso', version: '2.0.0.0' }],
    });
    expect(planInstall(needs2, [a, needs2], []).missing).toEqual([{ id: FIXTURE_IDS.chainA, name: 'Chain A', minVersion: '2.0.0.0', requiredBy: 'Chain B' }]);
    const tooOld = planInstall(needs2, [a, needs2], [at(a)]);
    expect(tooOld.missing).toEqual([{ id: FIXTURE_IDS.chainA, name: 'Chain A', minVersion: '2.0.0.0', requiredBy: 'Chain B' }]);
    expect(tooOld.alreadyInstalled).toEqual([]);
  });

  it('lists the target as already installed and plans nothing when it is installed', () => {
    const plan = planInstall(loyaltyApp('2.0.0.0'), [loyaltyApp(), loyaltyApp('2.0.0.0')], [{ id: FIXTURE_IDS.loyalty.toUpperCase(), version: '1.0.0.0' }]);
    expect(plan).toEqual({
      install: [],
      missing: [],
      alreadyInstalled: [{ id: FIXTURE_IDS.loyalty, name: 'Loyalty', publisher: 'Contoso', version: '1.0.0.0' }],
    });
  });
});

describe('planUninstall', () => {
  it('uninstalls a lone extension', () => {
    expect(planUninstall(FIXTURE_IDS.shipping, [loyaltyApp(), shippingApp()], false)).toEqual({
      uninstall: [{ id: FIXTURE_IDS.shipping, name: 'Shipping', publisher: 'Litware', version: '1.0.0.0' }],
      blockedBy: [],
    });
  });

  it('chain: blocked by every dependent, or takes them with it, dependents first', () => {
    const { a, b, c } = chainApps();
    const blocked = planUninstall(FIXTURE_IDS.chainA, [a, b, c], false);
    expect(blocked.uninstall).toEqual([]);
    expect(names(blocked.blockedBy)).toEqual(['Chain B 1.0.0.0', 'Chain C 1.0.0.0']);
    expect(names(planUninstall(FIXTURE_IDS.chainA, [c, a, b], true).uninstall)).toEqual(['Chain C 1.0.0.0', 'Chain B 1.0.0.0', 'Chain A 1.0.0.0']);
    expect(names(planUninstall(FIXTURE_IDS.chainB.toUpperCase(), [a, b, c], true).uninstall)).toEqual(['Chain C 1.0.0.0', 'Chain B 1.0.0.0']);
    expect(names(planUninstall(FIXTURE_IDS.chainC, [a, b, c], false).uninstall)).toEqual(['Chain C 1.0.0.0']);
  });

  it('diamond: the tip first, the root last', () => {
    const { d1, d2, d3, d4 } = diamondApps();
    const plan = planUninstall(FIXTURE_IDS.diamond1, [d1, d2, d3, d4], true);
    expect(names(plan.uninstall)).toEqual(['Diamond 4 1.0.0.0', 'Diamond 3 1.0.0.0', 'Diamond 2 1.0.0.0', 'Diamond 1 1.0.0.0']);
    expect(names(planUninstall(FIXTURE_IDS.diamond2, [d1, d2, d3, d4], true).uninstall)).toEqual(['Diamond 4 1.0.0.0', 'Diamond 2 1.0.0.0']);
    expect(names(planUninstall(FIXTURE_IDS.diamond1, [d1, d2, d3, d4], false).blockedBy)).toEqual([
      'Diamond 2 1.0.0.0',
      'Diamond 3 1.0.0.0',
      'Diamond 4 1.0.0.0',
    ]);
  });

  it('plans nothing for an extension that is not installed', () => {
    expect(planUninstall(FIXTURE_IDS.rewards, [loyaltyApp()], true)).toEqual({ uninstall: [], blockedBy: [] });
  });
});
