// Moving a tenant to another deployment: pre-check, the journaled move between two deployments of this process
// (moveTenant), the staged move to another process (beginMove, completeMove, abortMove, discardIncoming,
// tenantFileForTransfer; the stream side is tenant-transfer.ts), and the recovery of a move a crash interrupted.
import fs from 'node:fs';
import path from 'node:path';
import { isTenantryError, TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { DestinationFacts, OperationOutput } from '../../shared/api/operations.js';
import type { AppRef } from '../../shared/domain/conflicts.js';
import { movePrecheck, type MovePrecheckReport } from '../../shared/domain/move-precheck.js';
import { checkAllowed, type TenantState } from '../../shared/domain/tenant-state.js';
import { deploymentOp, finishLog, startLog } from './bookkeeping.js';
import { track } from './change-feed.js';
import { type DeploymentCore, normalizeTenantId } from './deployment-core.js';
import { faultPoint } from './fault.js';
import type { MoveRow } from './repositories/move-journal-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import { databaseFileSize, sha256File } from './tenant-files.js';
import { discardUnregisteredCopy, exportTenantFile, forgetTenant, hasMountedTenant, importTenantFile, tenantApps } from './tenant-lifecycle.js';

/** A dismounted tenant's file, ready to be sent (the destination checks the SHA-256). */
export interface TransferFile {
  tenantId: string;
  path: string;
  size: number;
  sha256: string;
}

export function destinationFacts(c: DeploymentCore): DestinationFacts {
  return {
    name: c.name,
    application: { name: c.app.name, version: c.app.version },
    catalog: c.catalogRepo.list().map((r) => ({ id: r.app_id, name: r.name, publisher: r.publisher, version: r.version })),
    tenantIds: c.registry.ids(),
  };
}

export function precheckMove(c: DeploymentCore, tenantId: string, destination: DestinationFacts): MovePrecheckReport {
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'info', row.tenant_id);
  let installed: AppRef[];
  if (row.state === 'dismounted') {
    installed = c.registry
      .apps(row.tenant_id)
      .map((a) => ({ id: a.app_id, name: c.loadCatalog().get(`${a.app_id}@${a.version}`)?.row.name ?? a.app_id, publisher: '', version: a.version }));
  } else {
    installed = c
      .tenantRepo(row)
      .installed()
      .map((a) => ({ id: a.app_id, name: a.name, publisher: a.publisher, version: a.version }));
  }
  return movePrecheck({
    tenantId: row.tenant_id,
    source: { name: c.name, application: { name: c.app.name, version: c.app.version } },
    destination,
    installed,
    sizeBytes: databaseFileSize(row.file),
  });
}

/**
 * Phase 1 of a staged move, on the source: journal the move (mode 'staged'), dismount, compute the SHA-256. The
 * file is then sent (tenantFileForTransfer) and staged dismounted on the destination. completeMove (the decision:
 * the tenant leaves here) or abortMove (it is mounted back) ends it; so does the next open after a crash, by
 * undoing it: the destination mounts a staged copy only after completeMove, so undoing is always safe until then.
 */
export function beginMove(c: DeploymentCore, tenantId: string, destination: string, opts: { actor?: string } = {}): OperationOutput<'move.begin'> {
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'move', row.tenant_id);
  const open = c.moves.openForTenant(row.tenant_id);
  if (open) {
    throw new TenantryError(
      'TENANT_STATE',
      `tenant "${row.tenant_id}" has an unfinished move ${open.move_id} to ${open.destination}; complete it (move.complete) or undo it (move.abort) first`,
      { tenantId: row.tenant_id, moveId: open.move_id, destination: open.destination },
    );
  }
  const log = startLog(c, 'tenant.move', row.tenant_id, { destination, mode: 'staged' }, opts.actor);
  let journaled = false;
  try {
    c.moves.start({ move_id: log.opId, tenant_id: row.tenant_id, destination, prior_state: row.state, started_at: nowIso(), mode: 'staged' });
    journaled = true;
    faultPoint('move-out', 'after-journal');
    const exported = exportTenantFile(c, row.tenant_id, opts);
    c.moves.phase(log.opId, 'dismounted', nowIso(), { sha256: exported.sha256, size: exported.size });
    faultPoint('move-out', 'after-dismount');
    return { moveId: log.opId, tenantId: row.tenant_id, sha256: exported.sha256, size: exported.size, priorState: row.state, opId: log.opId };
  } catch (e) {
    remountAfterFailedMove(c, row.tenant_id, row.state);
    if (journaled) c.moves.finish(log.opId, 'rolled-back', nowIso(), (e as Error).message);
    finishLog(c, log.opId, e);
    throw isTenantryError(e)
      ? e
      : new TenantryError('INTERNAL', `moving tenant "${row.tenant_id}" could not start: ${(e as Error).message}`, { tenantId: row.tenant_id });
  }
}

export function stagedMove(c: DeploymentCore, tenantId: string, moveId: string): { id: string; m: MoveRow } {
  const id = normalizeTenantId(tenantId);
  const m = c.moves.get(moveId);
  if (!m || m.tenant_id !== id || m.mode !== 'staged')
    throw new TenantryError('NOT_FOUND', `deployment "${c.name}" has no move ${moveId} of tenant "${id}"`, { tenantId: id, moveId });
  return { id, m };
}

/** The decision of a staged move: the destination holds a verified copy, so the tenant leaves this deployment. */
export function completeMove(c: DeploymentCore, tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.complete'> {
  void opts;
  const { id, m } = stagedMove(c, tenantId, moveId);
  if (m.outcome === 'moved') return { moveId, tenantId: id, outcome: 'moved' };
  if (m.outcome === 'rolled-back') {
    throw new TenantryError(
      'MOVE_FAILED',
      `the move ${moveId} of tenant "${id}" was undone on deployment "${c.name}" (${m.error ?? 'undone'}); the tenant is mounted here again`,
      {
        tenantId: id,
        moveId,
      },
    );
  }
  if (m.phase !== 'dismounted')
    throw new TenantryError('MOVE_FAILED', `the move ${moveId} of tenant "${id}" did not get as far as sending the file (${m.phase})`, {
      tenantId: id,
      moveId,
      phase: m.phase,
    });
  faultPoint('move-out', 'before-complete');
  forgetTenant(c, id);
  c.moves.finish(moveId, 'moved', nowIso());
  finishLog(c, moveId);
  return { moveId, tenantId: id, outcome: 'moved' };
}

/** Undoes a staged move that was not completed: the tenant is mounted back here as it was. */
export function abortMove(c: DeploymentCore, tenantId: string, moveId: string, opts: { reason?: string; actor?: string } = {}): OperationOutput<'move.abort'> {
  const { id, m } = stagedMove(c, tenantId, moveId);
  if (m.outcome === 'moved') {
    throw new TenantryError('MOVE_FAILED', `the move ${moveId} of tenant "${id}" was completed: the tenant now lives on ${m.destination}`, {
      tenantId: id,
      moveId,
      destination: m.destination,
    });
  }
  if (m.outcome === null) {
    const reason = opts.reason ?? 'aborted';
    remountAfterFailedMove(c, id, m.prior_state);
    c.moves.finish(moveId, 'rolled-back', nowIso(), reason);
    finishLog(c, moveId, new TenantryError('MOVE_FAILED', `moving tenant "${id}" to ${m.destination} was undone: ${reason}`, { tenantId: id }));
  }
  return { moveId, tenantId: id, outcome: 'rolled-back', state: c.tenantRow(id).state };
}

/** On a destination: drops the copy a staged move put here if it was never mounted (a no-op otherwise). */
export function discardIncoming(c: DeploymentCore, tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.discardIncoming'> {
  const id = normalizeTenantId(tenantId);
  const row = c.registry.get(id);
  const pending = c.moves.pendingIncoming(id);
  if (!row || !pending || pending.move_id !== moveId || row.state !== 'dismounted') return { tenantId: id, moveId, discarded: false };
  deploymentOp(c, 'move.discardIncoming', { tenantId: id, moveId }, opts.actor, () => {
    forgetTenant(c, id);
    c.moves.finishIncoming(moveId, id, 'discarded', nowIso());
  });
  return { tenantId: id, moveId, discarded: true };
}

/**
 * A dismounted tenant's file to send (GET /tenants/:id/file). The SHA-256 comes from the open staged move when
 * there is one (computed while dismounting), otherwise it is computed now.
 */
export function tenantFileForTransfer(c: DeploymentCore, tenantId: string): TransferFile {
  const row = c.tenantRow(tenantId);
  if (row.state !== 'dismounted') {
    throw new TenantryError(
      'TENANT_STATE',
      `tenant "${row.tenant_id}" is ${row.state}: its file is sent only while it is dismounted (begin a move, or dismount it)`,
      {
        tenantId: row.tenant_id,
        state: row.state,
      },
    );
  }
  const wal = `${row.file}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
    throw new TenantryError('TENANT_STATE', `tenant "${row.tenant_id}" has a non-empty ${path.basename(wal)}; mount and dismount it again`, {
      tenantId: row.tenant_id,
    });
  }
  const open = c.moves.openForTenant(row.tenant_id);
  const size = fs.statSync(row.file).size;
  if (open?.mode === 'staged' && open.sha256 !== null && open.size === size) return { tenantId: row.tenant_id, path: row.file, size, sha256: open.sha256 };
  const h = sha256File(row.file);
  return { tenantId: row.tenant_id, path: row.file, size: h.size, sha256: h.sha256 };
}

/**
 * Moves a tenant to another deployment: pre-check (nothing changes if it fails) -> dismount -> copy with
 * SHA-256 -> verify -> mount on the destination -> verify -> remove here. The move journal makes it recoverable:
 * on failure, and on the next open after a crash, the tenant is mounted back here as it was, unless the
 * destination has it mounted and verified; then the removal here is finished.
 */
export function moveTenant(
  c: DeploymentCore,
  tenantId: string,
  dest: DeploymentCore,
  opts: { actor?: string } = {},
): { tenantId: string; report: MovePrecheckReport; sha256: string; size: number; opId: string } {
  const row = c.tenantRow(tenantId);
  checkAllowed(row.state as TenantState, 'move', row.tenant_id);
  if (path.resolve(dest.folder) === path.resolve(c.folder))
    throw new TenantryError('BAD_INPUT', 'the destination is this deployment', { destination: dest.folder });
  const report = precheckMove(c, row.tenant_id, destinationFacts(dest));
  if (!report.ok) {
    throw new TenantryError('MOVE_PRECHECK_FAILED', `tenant "${row.tenant_id}" cannot move to "${dest.name}": ${report.problems.join('; ')}`, { report });
  }
  let opId = '';
  return deploymentOp(c, 'tenant.move', { tenantId: row.tenant_id, destination: dest.folder }, opts.actor, (id) => {
    opId = id;
    faultPoint('move', 'after-precheck');
    c.moves.start({ move_id: id, tenant_id: row.tenant_id, destination: dest.folder, prior_state: row.state, started_at: nowIso() });
    faultPoint('move', 'after-journal');
    let phase: MoveRow['phase'] = 'started';
    try {
      const exported = exportTenantFile(c, row.tenant_id, opts);
      c.moves.phase(id, 'dismounted', nowIso(), { sha256: exported.sha256, size: exported.size });
      phase = 'dismounted';
      faultPoint('move', 'after-dismount');
      importTenantFile(dest, exported.path, { expectedSha256: exported.sha256, faultOp: 'move', ...(opts.actor !== undefined ? { actor: opts.actor } : {}) });
      if (!hasMountedTenant(dest, row.tenant_id))
        throw new TenantryError('MOVE_FAILED', `tenant "${row.tenant_id}" did not verify on "${dest.name}" after mount`, { tenantId: row.tenant_id });
      const there = tenantApps(dest, row.tenant_id)
        .map((a) => `${a.id}@${a.version}`)
        .sort();
      const here = report.apps.map((a) => `${a.id}@${a.version}`).sort();
      if (there.join(',') !== here.join(','))
        throw new TenantryError('MOVE_FAILED', `tenant "${row.tenant_id}" shows other apps on "${dest.name}" after mount`, { there, here });
      c.moves.phase(id, 'mounted-on-destination', nowIso());
      phase = 'mounted-on-destination';
      faultPoint('move', 'after-destination-verify');
      forgetTenant(c, row.tenant_id);
      faultPoint('move', 'after-source-remove');
      c.moves.finish(id, 'moved', nowIso());
      return { tenantId: row.tenant_id, report, sha256: exported.sha256, size: exported.size, opId };
    } catch (e) {
      if (phase === 'mounted-on-destination') {
        // The destination has it, verified: finishing the removal here is the way forward.
        forgetTenant(c, row.tenant_id);
        c.moves.finish(id, 'moved', nowIso(), (e as Error).message);
        return { tenantId: row.tenant_id, report, sha256: '', size: 0, opId };
      }
      discardUnregisteredCopy(dest, row.tenant_id);
      if (dest.registry.get(row.tenant_id) && phase !== 'started') {
        forgetTenant(dest, row.tenant_id);
      }
      remountAfterFailedMove(c, row.tenant_id, row.state);
      c.moves.finish(id, 'rolled-back', nowIso(), (e as Error).message);
      const info = toErrorInfo(e);
      throw new TenantryError('MOVE_FAILED', `moving tenant "${row.tenant_id}" to "${dest.name}" failed and was undone: ${info.message}`, {
        tenantId: row.tenant_id,
        cause: info,
      });
    }
  });
}

export function remountAfterFailedMove(c: DeploymentCore, tenantId: string, priorState: string): void {
  const row = c.registry.get(tenantId);
  if (!row) return;
  if (row.state === 'dismounted' && priorState !== 'dismounted') {
    track(c, [tenantId], () => {
      c.registry.setState(tenantId, priorState as TenantState);
      c.registry.setMounted(tenantId, nowIso());
    });
  }
}

/** Finishes or undoes a move a crash interrupted; `openDeployment` opens the destination of a journaled move. */
export function recoverMove(c: DeploymentCore, m: MoveRow, openDeployment: (folder: string) => DeploymentCore): void {
  if (m.mode === 'staged') {
    // Not completed, so the destination holds at most a staged copy it will not mount by itself: undo.
    remountAfterFailedMove(c, m.tenant_id, m.prior_state);
    c.moves.finish(m.move_id, 'rolled-back', nowIso(), 'undone on recovery: the process ended before the move was completed');
    return;
  }
  let destHas = false;
  let dest: DeploymentCore | null = null;
  try {
    dest = openDeployment(m.destination);
    destHas = hasMountedTenant(dest, m.tenant_id);
    if (!destHas) discardUnregisteredCopy(dest, m.tenant_id);
  } catch {
    destHas = false;
  } finally {
    dest?.close();
  }
  if (destHas) {
    forgetTenant(c, m.tenant_id);
    c.moves.finish(m.move_id, 'moved', nowIso(), 'finished on recovery');
  } else {
    remountAfterFailedMove(c, m.tenant_id, m.prior_state);
    c.moves.finish(m.move_id, 'rolled-back', nowIso(), 'undone on recovery');
  }
}
