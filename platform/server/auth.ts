// Who may do what on the management server. Every /api route needs `Authorization: Bearer <token>` (401
// UNAUTHORIZED without a valid one). A read token calls read operations only (403 FORBIDDEN on a write). A token
// limited to tenants sees only those: a tenant-scoped operation naming another tenant answers 404
// TENANT_NOT_FOUND, exactly as for a tenant that does not exist (existence is not leaked); lists, the log, the
// change feed and the snapshot are filtered; deployment-wide writes (publish, set application ...) are 403.
import { TenantryError } from '../../shared/api/errors.js';
import { OPERATIONS, type OperationName, type OperationOutput } from '../../shared/api/operations.js';
import type { Deployment } from '../engine/deployment.js';
import type { TokenInfo } from '../engine/token-store.js';

export interface Principal {
  token: TokenInfo;
  /** null: every tenant. */
  tenants: ReadonlySet<string> | null;
}

/** The bearer token of an Authorization header, or null. */
export function bearerOf(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}

export function authenticate(d: Deployment, header: string | undefined): Principal {
  const presented = bearerOf(header);
  if (presented === null)
    throw new TenantryError('UNAUTHORIZED', 'a token is required: send "Authorization: Bearer <token>" (make one with "tenantry token new")');
  const token = d.tokens.verify(presented);
  if (!token) throw new TenantryError('UNAUTHORIZED', 'the token is not valid (unknown, revoked or mistyped)');
  return { token, tenants: token.tenants === null ? null : new Set(token.tenants) };
}

export function requireWrite(p: Principal, what: string): void {
  if (p.token.scope !== 'admin')
    throw new TenantryError('FORBIDDEN', `token "${p.token.name}" is read-only: ${what} changes the deployment`, { token: p.token.name });
}

export function notFound(d: Deployment, tenantId: string): TenantryError {
  return new TenantryError('TENANT_NOT_FOUND', `tenant "${tenantId}" does not exist in deployment "${d.name}"`, { tenantId });
}

/** A tenant the principal may not see answers exactly as a missing one. */
export function requireTenant(d: Deployment, p: Principal, tenantId: string): void {
  if (p.tenants !== null && !p.tenants.has(tenantId.toLowerCase())) throw notFound(d, tenantId.toLowerCase());
}

function tenantIdsOf(input: Record<string, unknown>): string[] {
  const ids: string[] = [];
  if (typeof input['tenantId'] === 'string') ids.push(input['tenantId']);
  if (Array.isArray(input['tenantIds'])) for (const t of input['tenantIds']) if (typeof t === 'string') ids.push(t);
  if (input['expectedVersions'] && typeof input['expectedVersions'] === 'object') ids.push(...Object.keys(input['expectedVersions']));
  return ids;
}

/** Checks one operation call (input already parsed by its schema) against the principal. */
export function authorizeOperation(d: Deployment, p: Principal, op: OperationName, input: Record<string, unknown>): void {
  const def = OPERATIONS[op];
  if (def.kind === 'write') requireWrite(p, op);
  if (op === 'tenant.mount' && input['file'] !== undefined) {
    throw new TenantryError(
      'BAD_INPUT',
      'tenant.mount: a file path is not accepted over HTTP (the server would read its own disk); upload the file with PUT /api/v1/tenants/<id>/file, then mount it by tenantId',
      {
        field: 'file',
      },
    );
  }
  if (p.tenants === null) return;
  if (def.tenantScoped) {
    for (const id of tenantIdsOf(input)) requireTenant(d, p, id);
  } else if (def.kind === 'write') {
    throw new TenantryError('FORBIDDEN', `token "${p.token.name}" is limited to tenants (${[...p.tenants].join(', ')}): ${op} changes the whole deployment`, {
      token: p.token.name,
    });
  } else if (op === 'log.list' && typeof input['tenantId'] === 'string') {
    requireTenant(d, p, input['tenantId']);
  }
}

/**
 * Removes what a tenant-limited principal may not see from the output of a deployment-wide read (tenant lists,
 * counts, the log, the tenants of an app, a destination's tenant ids).
 */
export function filterOutput(d: Deployment, p: Principal, op: OperationName, value: unknown): unknown {
  const tenants = p.tenants;
  if (tenants === null) return value;
  const visible = (id: string | null): boolean => id !== null && tenants.has(id);
  switch (op) {
    case 'deployment.info': {
      const v = value as OperationOutput<'deployment.info'>;
      return { ...v, tenants: d.listTenants().filter((t) => visible(t.id)).length };
    }
    case 'tenant.list': {
      const v = value as OperationOutput<'tenant.list'>;
      return { tenants: v.tenants.filter((t) => visible(t.id)) };
    }
    case 'app.catalog': {
      const v = value as OperationOutput<'app.catalog'>;
      const mine = d.snapshot({ tenants }).tenants;
      return { apps: v.apps.map((a) => ({ ...a, tenantCount: mine.filter((t) => t.apps.some((x) => x.id === a.id && x.version === a.version)).length })) };
    }
    case 'app.tenants': {
      const v = value as OperationOutput<'app.tenants'>;
      return { ...v, tenants: v.tenants.filter((t) => visible(t.tenantId)) };
    }
    case 'log.list': {
      const v = value as OperationOutput<'log.list'>;
      return { entries: v.entries.filter((e) => visible(e.tenantId)) };
    }
    case 'move.destinationFacts': {
      const v = value as OperationOutput<'move.destinationFacts'>;
      return { ...v, tenantIds: v.tenantIds.filter((t) => visible(t)) };
    }
    default:
      return value;
  }
}

/** Jobs: a tenant-limited token sees the jobs it started; any other token sees every job. */
export function canSeeJob(p: Principal, owner: { id: string; tenants: string[] | null }): boolean {
  return p.tenants === null || owner.id === p.token.id;
}
