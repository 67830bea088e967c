// Tenant states and the operations each allows; the engine asks before every tenant operation.
//
// - operational: everything except mount (it is mounted) and remove-apps (that is for a tenant that
//   cannot be mounted).
// - sync-pending (schema behind the installed extensions, e.g. after an application upgrade): sync it,
//   or uninstall what does not sync; reads, info, archive reading and discarding, dismount.
// - data-upgrade-pending (new schema synced, upgrade steps not yet run): run the upgrade or uninstall;
//   reads, info, archive reading, dismount. No writes: rows are not yet in the new version's shape.
// - dismounted: mount it, move it, or remove its apps (Remove-NAVAppsForTenant); info.
// - failed (an operation failed outside its transaction, e.g. a move that could not mount back): what a
//   BC admin reaches for: repair, sync, rerun the upgrade, uninstall the culprit, read, info, dismount.
//   No installs or record writes until it is healthy.
import { TenantryError } from '../api/errors.js';

export const TENANT_STATES = ['operational', 'sync-pending', 'data-upgrade-pending', 'dismounted', 'failed'] as const;
export type TenantState = (typeof TENANT_STATES)[number];

/** How people name each state (the console's pills and filters, the CLI's tables). */
export const TENANT_STATE_LABELS: Record<TenantState, string> = {
  operational: 'Operational',
  'sync-pending': 'Sync pending',
  'data-upgrade-pending': 'Data upgrade pending',
  dismounted: 'Dismounted',
  failed: 'Failed',
};

/** The states worst first: the order in which an administrator wants to see tenants that need attention. */
export const TENANT_STATES_BY_SEVERITY: readonly TenantState[] = ['failed', 'sync-pending', 'data-upgrade-pending', 'dismounted', 'operational'];
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

export const TENANT_OPERATIONS: readonly TenantOperation[] = [
  'install',
  'uninstall',
  'upgrade',
  'sync',
  'repair',
  'record-write',
  'record-read',
  'archive-read',
  'archive-discard',
  'mount',
  'dismount',
  'move',
  'remove-apps',
  'info',
];

export const ALLOWED_OPERATIONS: Record<TenantState, readonly TenantOperation[]> = {
  operational: TENANT_OPERATIONS.filter((op) => op !== 'mount' && op !== 'remove-apps'),
  'sync-pending': ['sync', 'uninstall', 'info', 'record-read', 'archive-read', 'archive-discard', 'dismount'],
  'data-upgrade-pending': ['upgrade', 'uninstall', 'info', 'record-read', 'archive-read', 'dismount'],
  dismounted: ['mount', 'move', 'remove-apps', 'info'],
  failed: ['repair', 'sync', 'upgrade', 'uninstall', 'info', 'record-read', 'archive-read', 'dismount'],
};

// Reads are always possible where allowed; the "next steps" in a refusal are the actions that change things.
const PASSIVE: readonly TenantOperation[] = ['info', 'record-read', 'archive-read'];

export function isAllowed(state: TenantState, op: TenantOperation): boolean {
  return ALLOWED_OPERATIONS[state].includes(op);
}

/** The operations that move a tenant in `state` forward (reads and info left out). */
export function nextSteps(state: TenantState): TenantOperation[] {
  return ALLOWED_OPERATIONS[state].filter((op) => !PASSIVE.includes(op));
}

/** Throws TENANT_STATE, naming the tenant, its state and the allowed next steps, unless `op` is allowed. */
export function checkAllowed(state: TenantState, op: TenantOperation, tenantId: string): void {
  if (isAllowed(state, op)) return;
  const allowed = [...ALLOWED_OPERATIONS[state]];
  throw new TenantryError('TENANT_STATE', `tenant "${tenantId}" is ${state}: ${op} is not allowed; allowed next steps: ${nextSteps(state).join(', ')}`, {
    tenantId,
    state,
    operation: op,
    allowed,
  });
}
