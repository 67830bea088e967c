// The matrix model: rows grouped by deployment, filters, search and sort, and how a cell is put into words.
import { describe, expect, it } from 'vitest';
import type { DeploymentSnapshot, FleetSnapshot } from '../../../../shared/api/console.js';
import type { MatrixFilters } from '../../app/store.js';
import { buildMatrix, describeCell } from './matrix-model.js';

const NONE: MatrixFilters = { deployment: 'all', state: 'all', extension: 'all', publisher: 'all', hasUpgrade: false, failed: false, search: '' };

function deployment(id: string, tenants: [string, string][], cells: DeploymentSnapshot['cells']): DeploymentSnapshot {
  return {
    connectionId: id,
    name: id.toUpperCase(),
    kind: 'local',
    asOf: '2025-01-01T00:00:00.000Z',
    live: true,
    application: { name: 'Base', version: '1.0.0.0' },
    tenants: tenants.map(([t, state]) => ({ key: `${id}/${t}`, connectionId: id, tenantId: t, state: state as 'operational', companies: [`${t} Ltd.`] })),
    published: [],
    cells,
  };
}

const fleet: FleetSnapshot = {
  asOf: '2025-01-01T00:00:00.000Z',
  live: true,
  extensions: [
    { id: 'a', name: 'Alpha', publisher: 'Contoso', versions: ['1.0.0.0', '2.0.0.0'], latest: '2.0.0.0', dependencies: [], publishedOn: ['e'] },
    { id: 'b', name: 'Beta', publisher: 'Fabrikam', versions: ['1.0.0.0'], latest: '1.0.0.0', dependencies: [], publishedOn: ['e', 'w'] },
  ],
  deployments: [
    deployment(
      'e',
      [
        ['zeta', 'operational'],
        ['alpha', 'sync-pending'],
        ['mid', 'failed'],
      ],
      [
        { tenantKey: 'e/zeta', appId: 'a', installed: '1.0.0.0', upgradeTo: '2.0.0.0', syncPending: false, archived: [] },
        { tenantKey: 'e/zeta', appId: 'b', installed: '1.0.0.0', syncPending: false, archived: [] },
        { tenantKey: 'e/alpha', appId: 'a', syncPending: false, archived: ['1.0.0.0'], lastFailed: { operation: 'install', message: 'CONFLICT', at: 'x' } },
      ],
    ),
    deployment('w', [['west-one', 'operational']], [{ tenantKey: 'w/west-one', appId: 'b', installed: '1.0.0.0', syncPending: true, archived: [] }]),
  ],
};

const tenantsOf = (m: ReturnType<typeof buildMatrix>) => m.rows.map((r) => (r.kind === 'group' ? `[${r.deployment.name}]` : r.tenant.tenantId));

describe('matrix model', () => {
  it('groups tenants by deployment, sorted by id, with every extension as a column', () => {
    const m = buildMatrix(fleet, NONE, 'tenant-asc');
    expect(tenantsOf(m)).toEqual(['[E]', 'alpha', 'mid', 'zeta', '[W]', 'west-one']);
    expect(m.columns.map((c) => c.id)).toEqual(['a', 'b']);
    expect(m.cells.get('e/zeta')?.get('a')?.upgradeTo).toBe('2.0.0.0');
    expect(m.tenantCount).toBe(4);
    expect(m.publishers).toEqual(['Contoso', 'Fabrikam']);
  });

  it('sorts by most extensions and by state', () => {
    expect(tenantsOf(buildMatrix(fleet, NONE, 'installed-desc')).slice(0, 4)).toEqual(['[E]', 'zeta', 'alpha', 'mid']);
    expect(tenantsOf(buildMatrix(fleet, NONE, 'state')).slice(0, 4)).toEqual(['[E]', 'mid', 'alpha', 'zeta']);
    expect(tenantsOf(buildMatrix(fleet, NONE, 'tenant-desc')).slice(0, 4)).toEqual(['[E]', 'zeta', 'mid', 'alpha']);
  });

  it('filters by deployment, state, search (tenant or company), upgrade and failure', () => {
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, deployment: 'w' }, 'tenant-asc'))).toEqual(['[W]', 'west-one']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, state: 'sync-pending' }, 'tenant-asc'))).toEqual(['[E]', 'alpha']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, search: 'ZET' }, 'tenant-asc'))).toEqual(['[E]', 'zeta']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, search: 'west-one ltd' }, 'tenant-asc'))).toEqual(['[W]', 'west-one']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, hasUpgrade: true }, 'tenant-asc'))).toEqual(['[E]', 'zeta']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, failed: true }, 'tenant-asc'))).toEqual(['[E]', 'alpha', 'mid']);
  });

  it('filters columns by extension and publisher; row filters then look at those columns only', () => {
    expect(buildMatrix(fleet, { ...NONE, publisher: 'Fabrikam' }, 'tenant-asc').columns.map((c) => c.id)).toEqual(['b']);
    expect(buildMatrix(fleet, { ...NONE, extension: 'a' }, 'tenant-asc').columns.map((c) => c.id)).toEqual(['a']);
    expect(tenantsOf(buildMatrix(fleet, { ...NONE, publisher: 'Fabrikam', hasUpgrade: true }, 'tenant-asc'))).toEqual([]);
  });

  it('puts a cell into words for screen readers', () => {
    const ext = fleet.extensions[0]!;
    expect(describeCell('zeta', ext, fleet.deployments[0]!.cells[0])).toBe('zeta: Alpha 1.0.0.0 installed; upgrade to 2.0.0.0 available');
    expect(describeCell('alpha', ext, fleet.deployments[0]!.cells[2])).toBe(
      'alpha: Alpha not installed; archived data of 1.0.0.0; last install failed: CONFLICT',
    );
    expect(describeCell('x', ext, undefined)).toBe('x: Alpha not installed');
  });

  it('finds every cell of a tenant, also when its cells are not listed together, and none of an unknown tenant', () => {
    const scattered = deployment(
      's',
      [
        ['one', 'operational'],
        ['two', 'operational'],
      ],
      [
        { tenantKey: 's/one', appId: 'a', installed: '1.0.0.0', syncPending: false, archived: [] },
        { tenantKey: 's/two', appId: 'a', installed: '2.0.0.0', syncPending: false, archived: [] },
        { tenantKey: 's/one', appId: 'b', syncPending: false, archived: ['1.0.0.0'] },
      ],
    );
    const m = buildMatrix({ ...fleet, deployments: [...fleet.deployments, scattered] }, NONE, 'tenant-asc');
    expect([...(m.cells.get('s/one')?.keys() ?? [])].sort()).toEqual(['a', 'b']);
    expect(m.cells.get('s/two')?.get('a')?.installed).toBe('2.0.0.0');
    expect(m.cells.get('w/west-one')?.get('b')?.syncPending).toBe(true);
    expect(m.cells.get('e/mid')).toBeUndefined();
    expect(m.cells.get('nowhere/zeta')).toBeUndefined();
    // the same map on every lookup: rows keep their identity for memoized rendering
    expect(m.cells.get('s/one')).toBe(m.cells.get('s/one'));
  });

  it('sorts tenant ids by code unit, which is their collation order', () => {
    const ids = ['ab', 'a1', 'a-b', 'a', 'b-2', 'b10', 'b2'];
    const d = deployment(
      'x',
      ids.map((t) => [t, 'operational'] as [string, string]),
      [],
    );
    const sorted = tenantsOf(buildMatrix({ ...fleet, deployments: [d] }, NONE, 'tenant-asc')).slice(1);
    expect(sorted).toEqual(['a', 'a-b', 'a1', 'ab', 'b-2', 'b10', 'b2']);
    expect(sorted).toEqual([...ids].sort((p, q) => p.localeCompare(q)));
    // the snapshot's own list is left as it was: without filters the model uses it as is when it is already in
    // order, and sorts a copy when it is not
    expect(d.tenants.map((t) => t.tenantId)).toEqual(ids);
    expect(tenantsOf(buildMatrix({ ...fleet, deployments: [d] }, NONE, 'tenant-desc')).slice(1)).toEqual([...sorted].reverse());
    expect(d.tenants.map((t) => t.tenantId)).toEqual(ids);
  });

  it('models a 10,000 x 300 fleet', () => {
    const extensions = Array.from({ length: 300 }, (_, i) => ({
      id: `x${i}`,
      name: `Ext ${i}`,
      publisher: `P${i % 12}`,
      versions: ['1.0.0.0'],
      latest: '1.0.0.0',
      dependencies: [],
      publishedOn: ['big'],
    }));
    const tenants: [string, string][] = Array.from({ length: 10_000 }, (_, i) => [`t${String(i).padStart(5, '0')}`, 'operational']);
    const cells = tenants.flatMap(([t], i) =>
      Array.from({ length: 8 }, (_, k) => ({
        tenantKey: `big/${t}`,
        appId: `x${(i * 7 + k * 31) % 300}`,
        installed: '1.0.0.0',
        syncPending: false,
        archived: [],
      })),
    );
    const big: FleetSnapshot = { asOf: null, live: true, extensions, deployments: [deployment('big', tenants, cells)] };
    const m = buildMatrix(big, { ...NONE, search: 't09' }, 'installed-desc');
    expect(m.columns).toHaveLength(300);
    expect(m.tenantCount).toBe(1000);
    expect(buildMatrix(big, NONE, 'tenant-asc').rows).toHaveLength(10_001);
  });
});
