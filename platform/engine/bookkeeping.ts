// The deployment's bookkeeping of operations: the operation log (a 'running' row before, the result after), the
// wrappers every operation runs in (deploymentOp; tenantOp and tenantOpBatch: ONE tenant transaction holding the
// work and the tenant log row, then the registry reconciled from the tenant), tenant versions (STALE_VERSION) and
// the recovery of operations a crash left 'running'.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isTenantryError, TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { LogEntry } from '../../shared/api/operations.js';
import { checkAllowed, type TenantOperation, type TenantState } from '../../shared/domain/tenant-state.js';
import { logChange, track } from './change-feed.js';
import { type DeploymentCore, normalizeTenantId, SYSTEM_ACTOR } from './deployment-core.js';
import { faultPoint } from './fault.js';
import { logEntry, type LogRow } from './repositories/log-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import type { TenantAppRow, TenantRow } from './repositories/tenant-registry-repository.js';
import { archiveIndexOf, TenantRepository } from './repositories/tenant-repository.js';
import type { CatalogAccess, OpContext } from './tenant-ops.js';

/** What the deployment's registry mirrors of a tenant, read from the tenant database (the truth). */
export interface TenantFacts {
  companies: string[];
  apps: Omit<TenantAppRow, 'tenant_id'>[];
  /** JSON ArchiveIndexEntry[] */
  archives: string;
}

export function tenantFacts(repo: TenantRepository): TenantFacts {
  return {
    companies: repo.companies().map((c) => c.name),
    apps: repo.installedVersions(),
    archives: JSON.stringify(archiveIndexOf(repo)),
  };
}

export interface StartedLog {
  opId: string;
  operation: string;
  at: string;
  actor: string;
}

export interface TenantOpParams {
  operation: string;
  stateOp: TenantOperation;
  faultOp: string;
  tenantId: string;
  actor: string | undefined;
  params: Record<string, unknown>;
  /** false: the operation works without the catalog (a dismounted tenant's own definitions). */
  catalog?: boolean;
}

export interface TenantOpFailure {
  ok: false;
  error: TenantryError;
  /** Not a refusal: the tenant goes to the 'failed' state. */
  unexpected: boolean;
}

export type TenantOpOutcome<T> = { ok: true; value: T; facts: TenantFacts } | TenantOpFailure;

export function startLog(
  c: DeploymentCore,
  operation: string,
  tenantId: string | null,
  params: Record<string, unknown>,
  actor: string | undefined,
): StartedLog {
  return c.db.transaction(() => insertLogStart(c, operation, tenantId, JSON.stringify(params), actor))();
}

/** A 'running' log row and its change; call inside a deployment transaction. */
export function insertLogStart(c: DeploymentCore, operation: string, tenantId: string | null, params: string, actor: string | undefined): StartedLog {
  const opId = crypto.randomUUID();
  const at = nowIso();
  const who = actor ?? SYSTEM_ACTOR;
  c.opLog.start({ op_id: opId, actor: who, operation, tenant_id: tenantId, params, started_at: at });
  logChange(c, opId);
  return { opId, operation, at, actor: who };
}

export function finishLog(c: DeploymentCore, opId: string, e?: unknown): void {
  if (e === undefined) finishLogRow(c, opId, 'succeeded');
  else finishLogRow(c, opId, 'failed', toErrorInfo(e));
}

/** Finishes a log row and puts it in the change feed, in one transaction. */
export function finishLogRow(c: DeploymentCore, opId: string, result: 'succeeded' | 'failed', error?: { code: string; message: string }): void {
  c.db.transaction(() => {
    c.opLog.finish(opId, nowIso(), result, error);
    logChange(c, opId);
  })();
}

/** A deployment-level operation (no tenant transaction): logged, errors normalised. */
export function deploymentOp<T>(
  c: DeploymentCore,
  operation: string,
  params: Record<string, unknown>,
  actor: string | undefined,
  body: (opId: string) => T,
): T {
  const log = startLog(c, operation, null, params, actor);
  try {
    const r = body(log.opId);
    finishLog(c, log.opId);
    return r;
  } catch (e) {
    finishLog(c, log.opId, e);
    throw isTenantryError(e) ? e : new TenantryError('INTERNAL', `${operation} failed: ${(e as Error).message}`);
  }
}

/** Copies the tenant's installed apps into the deployment registry (the tenant database is the truth). */
export function reconcileRegistry(c: DeploymentCore, tenantId: string): void {
  const row = c.registry.get(tenantId);
  if (!row) return;
  applyTenantFacts(c, tenantId, tenantFacts(c.tenantRepo(row)));
}

/** Writes what the registry mirrors of a tenant, as read from its database (tenantFacts). */
export function applyTenantFacts(c: DeploymentCore, tenantId: string, facts: TenantFacts): void {
  c.registry.setCompanies(tenantId, facts.companies);
  c.registry.replaceApps(tenantId, facts.apps);
  c.registry.setArchives(tenantId, facts.archives);
}

/**
 * One tenant operation: state check, deployment log row, ONE tenant transaction holding the work and the tenant
 * log row, then the registry reconciled. A refusal changes nothing (the transaction rolls back) and is logged
 * as failed in both logs; an unexpected error also puts the tenant in the 'failed' state.
 */
export function tenantOp<T>(c: DeploymentCore, p: TenantOpParams, body: (ctx: OpContext) => T): { value: T; opId: string } {
  const row = c.tenantRow(p.tenantId);
  checkAllowed(row.state as TenantState, p.stateOp, row.tenant_id);
  const log = startLog(c, p.operation, row.tenant_id, p.params, p.actor);
  let outcome = runInTenant(c, row, p, log, body);
  if (outcome.ok) {
    try {
      const ok = outcome;
      track(c, [row.tenant_id], () => settleTenantOp(c, row, log, ok));
      return { value: ok.value, opId: log.opId };
    } catch (e) {
      outcome = tenantOpFailed(c, row, p, log, e);
    }
  }
  const failed = outcome;
  track(c, [row.tenant_id], () => settleTenantOp(c, row, log, failed));
  throw failed.error;
}

/**
 * The tenant part of a tenant operation: ONE transaction of the tenant database holding the work and the tenant
 * log row; then what the registry mirrors of the tenant is read back. Never throws: a failure is returned (and
 * logged in the tenant, best effort) for the deployment's bookkeeping.
 */
export function runInTenant<T>(
  c: DeploymentCore,
  row: TenantRow,
  p: TenantOpParams,
  log: StartedLog,
  body: (ctx: OpContext) => T,
  catalog?: CatalogAccess,
): TenantOpOutcome<T> {
  let repo: TenantRepository | undefined;
  try {
    repo = c.tenantRepo(row);
    const ctx: OpContext = {
      tenantId: row.tenant_id,
      opId: log.opId,
      actor: log.actor,
      at: log.at,
      op: p.faultOp,
      repo,
      application: c.app,
      catalog: p.catalog === false ? null : (catalog ?? c.catalogAccess()),
    };
    const r = repo;
    const value = repo.db.transaction(() => {
      const v = body(ctx);
      r.log({
        op_id: log.opId,
        actor: log.actor,
        operation: p.operation,
        params: JSON.stringify(p.params),
        started_at: log.at,
        ended_at: nowIso(),
        result: 'succeeded',
        error_code: null,
        error_message: null,
      });
      faultPoint(p.faultOp, 'before-commit');
      return v;
    })();
    faultPoint(p.faultOp, 'after-commit');
    c.stores.delete(row.tenant_id);
    return { ok: true, value, facts: tenantFacts(repo) };
  } catch (e) {
    return tenantOpFailed(c, row, p, log, e, repo);
  }
}

export function tenantOpFailed(
  c: DeploymentCore,
  row: TenantRow,
  p: TenantOpParams,
  log: StartedLog,
  e: unknown,
  repo = c.tenantDbs.get(row.tenant_id),
): TenantOpFailure {
  c.stores.delete(row.tenant_id);
  const error = isTenantryError(e)
    ? e
    : new TenantryError('INTERNAL', `${p.operation} failed in tenant "${row.tenant_id}": ${(e as Error).message}`, { tenantId: row.tenant_id });
  const info = error.toInfo();
  if (repo) {
    try {
      repo.log({
        op_id: log.opId,
        actor: log.actor,
        operation: p.operation,
        params: JSON.stringify(p.params),
        started_at: log.at,
        ended_at: nowIso(),
        result: 'failed',
        error_code: info.code,
        error_message: info.message,
      });
    } catch {
      // the tenant log is best effort after a failure; the deployment log still records it
    }
  }
  return { ok: false, error, unexpected: !isTenantryError(e) };
}

/** The deployment's side of a finished tenant operation; call inside track() for the tenant. */
export function settleTenantOp(c: DeploymentCore, row: TenantRow, log: StartedLog, outcome: TenantOpOutcome<unknown>): void {
  if (outcome.ok) {
    applyTenantFacts(c, row.tenant_id, outcome.facts);
    if (row.state === 'failed') c.registry.setState(row.tenant_id, 'operational');
    finishLog(c, log.opId);
  } else {
    if (outcome.unexpected) c.registry.setState(row.tenant_id, 'failed', { operation: log.operation, error: outcome.error.message });
    finishLog(c, log.opId, outcome.error);
  }
}

/**
 * Tenant operations on several tenants (their states already checked) with batched deployment bookkeeping: one
 * deployment transaction starts every log row, each tenant runs its own transaction (runInTenant), one deployment
 * transaction settles them all (registry, states, log rows, change feed).
 */
export function tenantOpBatch<T>(
  c: DeploymentCore,
  ops: readonly { row: TenantRow; p: TenantOpParams }[],
  body: (ctx: OpContext) => T,
): ({ ok: true; value: T; opId: string } | TenantOpFailure)[] {
  const logs = c.db.transaction(() => ops.map((o) => insertLogStart(c, o.p.operation, o.row.tenant_id, JSON.stringify(o.p.params), o.p.actor)))();
  const catalog = c.catalogAccess();
  const outcomes = ops.map((o, i) => runInTenant(c, o.row, o.p, logs[i]!, body, catalog));
  try {
    track(
      c,
      ops.map((o) => o.row.tenant_id),
      () => ops.forEach((o, i) => settleTenantOp(c, o.row, logs[i]!, outcomes[i]!)),
    );
  } catch (e) {
    // The tenants are as their own databases say; their log rows stay 'running' until the next open settles them.
    const error = new TenantryError(
      'INTERNAL',
      `the deployment's bookkeeping of ${ops[0]?.p.operation ?? 'the operation'} failed: ${(e as Error).message}; reopen the deployment to reconcile it`,
    );
    return ops.map(() => ({ ok: false, error, unexpected: true }));
  }
  return outcomes.map((o, i) => (o.ok ? { ok: true, value: o.value, opId: logs[i]!.opId } : o));
}

/** Whether a tenant of this id is registered here (mounted or not). */
export function hasTenant(c: DeploymentCore, tenantId: string): boolean {
  return c.registry.get(String(tenantId).toLowerCase()) !== undefined;
}

/** The tenant's version (incremented on every change of its mirrored state). */
export function tenantVersion(c: DeploymentCore, tenantId: string): number {
  return c.tenantRow(tenantId).version ?? 0;
}

/** Versioned writes: STALE_VERSION unless the tenant is at the expected version. */
export function checkVersion(c: DeploymentCore, tenantId: string, expected: number): void {
  const row = c.tenantRow(tenantId);
  const version = row.version ?? 0;
  if (version !== expected) {
    throw new TenantryError(
      'STALE_VERSION',
      `tenant "${row.tenant_id}" is at version ${version}, not ${expected}: it changed since it was read; read it again and retry`,
      {
        tenantId: row.tenant_id,
        version,
        expectedVersion: expected,
      },
    );
  }
}

export function log(c: DeploymentCore, opts: { tenantId?: string; limit?: number } = {}): LogEntry[] {
  const rows: LogRow[] = c.opLog.list(opts.limit ?? 100, opts.tenantId === undefined ? undefined : normalizeTenantId(opts.tenantId));
  return rows.map(logEntry);
}

export function tenantLog(c: DeploymentCore, tenantId: string, limit = 100): LogEntry[] {
  const row = c.tenantRow(tenantId);
  if (row.state === 'dismounted') return log(c, { tenantId: row.tenant_id, limit });
  const repo = c.tenantRepo(row);
  return repo.logEntries(limit).map((r) => logEntry({ ...r, tenant_id: row.tenant_id }));
}

/**
 * Once, for a deployment made before the change feed: copy every mounted tenant's archive index (and apps) into
 * the registry, so the mirrored state is complete from here on.
 */
export function buildMirror(c: DeploymentCore): void {
  for (const row of c.registry.list()) {
    if (row.state === 'dismounted' || !fs.existsSync(row.file)) continue;
    try {
      track(c, [row.tenant_id], () => reconcileRegistry(c, row.tenant_id));
    } catch {
      // an unreadable tenant keeps its registry row as it was; its next operation reconciles it
    }
  }
  c.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('mirror', '1')").run();
}

/**
 * On open: removes temp files a crash left in tenants/, and settles the operations still 'running'. A tenant
 * operation whose tenant transaction committed has its row in the tenant's log: it is finished as the tenant says
 * (and the registry reconciled); the rest were interrupted and their tenant transactions rolled back.
 */
export function recoverOperations(c: DeploymentCore): void {
  for (const f of fs.readdirSync(c.tenantsDir)) {
    if (f.includes('.creating') || f.startsWith('.import-')) fs.rmSync(path.join(c.tenantsDir, f), { force: true });
  }
  for (const r of c.opLog.running()) {
    const row = r.tenant_id === null ? undefined : c.registry.get(r.tenant_id);
    let outcome: { result: 'succeeded' | 'failed'; code: string | null; message: string | null } | undefined;
    if (row && row.state !== 'dismounted' && fs.existsSync(row.file)) {
      const t = c.tenantRepo(row).logEntry(r.op_id);
      if (t) outcome = { result: t.result, code: t.error_code, message: t.error_message };
      track(c, [row.tenant_id], () => reconcileRegistry(c, row.tenant_id));
    }
    if (outcome?.result === 'succeeded') finishLogRow(c, r.op_id, 'succeeded');
    else if (outcome) finishLogRow(c, r.op_id, 'failed', { code: outcome.code ?? 'INTERNAL', message: outcome.message ?? '' });
  }
  c.db.transaction(() => {
    for (const r of c.opLog.running()) {
      finishLogRow(c, r.op_id, 'failed', {
        code: 'INTERNAL',
        message: 'interrupted: the process ended before the operation finished; its tenant transaction was rolled back',
      });
    }
  })();
}
