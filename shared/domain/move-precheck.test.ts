import { describe, expect, it } from 'vitest';
import type { AppRef } from './conflicts.js';
import { movePrecheck, type MovePrecheckInput } from './move-precheck.js';

const loyalty: AppRef = { id: '11111111-1111-4111-8111-111111111111', name: 'Loyalty', publisher: 'Contoso', version: '1.0.0.0' };
const rewards: AppRef = { id: '22222222-2222-4222-8222-222222222222', name: 'Rewards', publisher: 'Fabrikam', version: '2.0.0.0' };
const shipping: AppRef = { id: '33333333-3333-4333-8333-333333333333', name: 'Shipping', publisher: 'Litware', version: '1.0.0.0' };
const base = { name: 'Base Application', version: '11.0.0.0' };

const input = (over: Partial<MovePrecheckInput['destination']> = {}, installed: AppRef[] = [loyalty, rewards]): MovePrecheckInput => ({
  tenantId: 'acme',
  source: { name: 'east', application: base },
  destination: { name: 'west', application: base, catalog: [loyalty, rewards, shipping], tenantIds: ['globex'], ...over },
  installed,
  sizeBytes: 4096,
});

describe('movePrecheck', () => {
  it('passes when the application matches, every app is published at its version and the id is free', () => {
    const r = movePrecheck(input());
    expect(r).toEqual({
      ok: true,
      tenantId: 'acme',
      application: { source: 'Base Application 11.0.0.0', destination: 'Base Application 11.0.0.0', same: true },
      apps: [
        { ...loyalty, status: 'present', destinationVersions: ['1.0.0.0'] },
        { ...rewards, status: 'present', destinationVersions: ['2.0.0.0'] },
      ],
      tenantIdFree: true,
      sizeBytes: 4096,
      problems: [],
      waysOut: [],
    });
  });

  it('reports a different application version', () => {
    const r = movePrecheck(input({ application: { name: 'Base Application', version: '12.0.0.0' } }));
    expect(r.ok).toBe(false);
    expect(r.application).toEqual({ source: 'Base Application 11.0.0.0', destination: 'Base Application 12.0.0.0', same: false });
    expect(r.problems).toEqual(['the application differs: Base Application 11.0.0.0 on "east", Base Application 12.0.0.0 on "west"']);
    expect(r.waysOut).toEqual([]);
  });

  it('reports missing apps and apps published only at other versions, with both ways out', () => {
    const rewards1: AppRef = { ...rewards, version: '1.0.0.0' };
    const rewards3: AppRef = { ...rewards, version: '3.0.0.0' };
    const r = movePrecheck(input({ catalog: [rewards1, rewards3, shipping] }));
    expect(r.ok).toBe(false);
    expect(r.apps).toEqual([
      { ...loyalty, status: 'missing', destinationVersions: [] },
      { ...rewards, status: 'other-version', destinationVersions: ['3.0.0.0', '1.0.0.0'] },
    ]);
    expect(r.problems).toEqual([
      '"Loyalty" by Contoso 1.0.0.0 is installed in tenant "acme" but not published on "west"',
      '"Rewards" by Fabrikam 2.0.0.0 is installed in tenant "acme" but "west" has only version 3.0.0.0, 1.0.0.0',
    ]);
    expect(r.waysOut).toEqual([
      {
        kind: 'publish-missing',
        apps: [loyalty, rewards],
        description: 'publish "Loyalty" by Contoso 1.0.0.0, "Rewards" by Fabrikam 2.0.0.0 on "west" from the catalog of "east", then move',
      },
      {
        kind: 'uninstall-first',
        apps: [loyalty, rewards],
        description:
          'uninstall "Loyalty" by Contoso 1.0.0.0, "Rewards" by Fabrikam 2.0.0.0 (and anything that depends on them) from tenant "acme" on "east" before the move; their data stays archived in the tenant until they are installed again',
      },
    ]);
  });

  it('reports a tenant id already used on the destination, whatever its case', () => {
    const r = movePrecheck(input({ tenantIds: ['globex', 'ACME'] }));
    expect(r.ok).toBe(false);
    expect(r.tenantIdFree).toBe(false);
    expect(r.problems).toEqual(['tenant id "acme" is already used on "west"']);
  });

  it('matches app ids without regard to case, and passes a tenant with no apps', () => {
    expect(movePrecheck(input({ catalog: [{ ...loyalty, id: loyalty.id.toUpperCase() }] }, [loyalty])).ok).toBe(true);
    const empty = movePrecheck(input({ catalog: [] }, []));
    expect(empty.ok).toBe(true);
    expect(empty.apps).toEqual([]);
  });

  it('lists every problem at once', () => {
    const r = movePrecheck(input({ application: { name: 'Other App', version: '11.0.0.0' }, catalog: [], tenantIds: ['acme'] }));
    expect(r.problems).toHaveLength(4);
    expect(r.application.same).toBe(false);
  });
});
