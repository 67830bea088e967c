import { describe, expect, it } from 'vitest';
import { TenantryError } from '../api/errors.js';
import {
  ALLOWED_OPERATIONS,
  checkAllowed,
  isAllowed,
  nextSteps,
  TENANT_OPERATIONS,
  TENANT_STATES,
  type TenantOperation,
  type TenantState,
} from './tenant-state.js';

// The whole matrix, written out so that a change to it is a visible decision.
const MATRIX: Record<TenantState, string> = {
  //                     install uninst upgrade sync repair rwrite rread aread adiscard mount dismount move remove info
  operational: '          1 1 1 1 1 1 1 1 1 0 1 1 0 1',
  'sync-pending': '       0 1 0 1 0 0 1 1 1 0 1 0 0 1',
  'data-upgrade-pending': '0 1 1 0 0 0 1 1 0 0 1 0 0 1',
  dismounted: '           0 0 0 0 0 0 0 0 0 1 0 1 1 1',
  failed: '               0 1 1 1 1 0 1 1 0 0 1 0 0 1',
};

describe('tenant states', () => {
  it('allow exactly the operations of the matrix', () => {
    for (const state of TENANT_STATES) {
      const flags = MATRIX[state].trim().split(/\s+/);
      expect(flags).toHaveLength(TENANT_OPERATIONS.length);
      TENANT_OPERATIONS.forEach((op, i) => {
        expect([state, op, isAllowed(state, op)]).toEqual([state, op, flags[i] === '1']);
        if (flags[i] === '1') expect(() => checkAllowed(state, op, 't1')).not.toThrow();
        else expect(() => checkAllowed(state, op, 't1')).toThrow(TenantryError);
      });
    }
  });

  it('refuses with TENANT_STATE naming the tenant, the state, the operation and the allowed next steps', () => {
    let caught: unknown;
    try {
      checkAllowed('dismounted', 'install', 't1');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TenantryError);
    const err = caught as TenantryError;
    expect(err.code).toBe('TENANT_STATE');
    expect(err.message).toBe('tenant "t1" is dismounted: install is not allowed; allowed next steps: mount, move, remove-apps');
    expect(err.details).toEqual({ tenantId: 't1', state: 'dismounted', operation: 'install', allowed: ['mount', 'move', 'remove-apps', 'info'] });
  });

  it('names the next steps of every state without the read-only operations', () => {
    expect(nextSteps('data-upgrade-pending')).toEqual(['upgrade', 'uninstall', 'dismount']);
    expect(nextSteps('failed')).toEqual(['repair', 'sync', 'upgrade', 'uninstall', 'dismount']);
    expect(() => checkAllowed('sync-pending', 'record-write' as TenantOperation, 'acme')).toThrow(
      'tenant "acme" is sync-pending: record-write is not allowed; allowed next steps: sync, uninstall, archive-discard, dismount',
    );
  });

  it('let every state give information', () => {
    for (const s of TENANT_STATES) expect(ALLOWED_OPERATIONS[s]).toContain('info');
  });
});
