// Tenant states and the operations each allows.
import { TenantryError } from '../api/errors.js';

export const TENANT_STATES = ['operational', 'sync-pending', 'data-upgrade-pending', 'dismounted', 'failed'] as const;
export type TenantState = (typeof TENANT_STATES)[number];
export type TenantOperation =
  | 'install'
  | 'uninstall'
  | 'upgrade'
  | 'sync'
  | 'repair'
  | 'record-write'
  | 'record-read'
  | 'archive-read'
  | 'archive-discard'
  | 'mount'
  | 'dismount'
  | 'move'
  | 'remove-apps'
  | 'info';

export const ALLOWED_OPERATIONS: Record<TenantState, readonly TenantOperation[]> = {
  operational: [],
  'sync-pending': [],
  'data-upgrade-pending': [],
  dismounted: [],
  failed: [],
};

export function checkAllowed(state: TenantState, op: TenantOperation, tenantId: string): void {
  const allowed = ALLOWED_OPERATIONS[state];
  if (!allowed.includes(op)) {
    throw new TenantryError('TENANT_STATE', `tenant "${tenantId}" is ${state}: ${op} is not allowed; allowed next steps: ${allowed.join(', ')}`, { state, allowed });
  }
}
