// Moving a tenant between two deployments of which at least one is a server: a transport-neutral orchestrator over
// two MoveSides (an Invoker of the contract plus tenant-file streaming), run by the caller (the CLI process, or the
// console). The source's move journal is the one decision point (see the move.* operations):
//
//   pre-check (destination facts -> source move.precheck; nothing changes if it fails)
//   -> source move.begin (journal, dismount, SHA-256)
//   -> the file streams source -> destination, which checks SHA-256 and integrity and stages it DISMOUNTED
//   -> source move.complete (the tenant leaves the source: the decision)
//   -> destination tenant.mount, and the apps it shows are checked against the pre-check's.
//
// Any failure before complete undoes the move: source move.abort (mounted back as it was) and, where it got that
// far, destination move.discardIncoming (the staged copy dropped). Because the destination never mounts a staged
// copy by itself, the tenant is never live in two places, and a source that crashes undoes the move on restart.
import { Transform, type Readable } from 'node:stream';
import { TenantryError, toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import type { Invoker, OperationOutput, TenantSummary } from '../../shared/api/operations.js';

/** One side of a move: the contract plus the tenant file routes (a RemoteClient, or a local Deployment via localSide). */
export interface MoveSide extends Invoker {
  /** How the other side and the journal name it (a URL or a folder). */
  readonly label: string;
  /** A dismounted tenant's file as a stream, with its SHA-256 and size. */
  downloadTenantFile(tenantId: string): Promise<{ stream: Readable; sha256: string; size: number }>;
  /** Receives a tenant file and stages it dismounted. */
  uploadTenantFile(tenantId: string, body: Readable, meta: { sha256: string; size: number; moveId?: string }): Promise<TenantSummary>;
}

export interface MoveOptions {
  actor?: string;
  /** Refuse (STALE_VERSION) unless the tenant is at this version on the source. */
  expectedVersion?: number;
  /** Progress lines (phases). */
  progress?: (line: string) => void;
  /** Bytes sent so far; may return a promise to hold the stream (tests pause here to kill a server midway). */
  onBytes?: (sent: number, total: number) => void | Promise<void>;
}

export type MoveReport = OperationOutput<'move.precheck'>;

export interface MoveResult {
  tenantId: string;
  report: MoveReport;
  sha256: string;
  size: number;
  opId: string;
}

/** The pre-check alone: the destination's facts, judged by the source. Changes nothing. */
export async function precheckMove(source: MoveSide, destination: MoveSide, tenantId: string): Promise<MoveReport> {
  const facts = await destination.invoke('move.destinationFacts', {});
  return source.invoke('move.precheck', { tenantId, destination: facts });
}

function counting(total: number, onBytes: NonNullable<MoveOptions['onBytes']>): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const r = onBytes(sent, total);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(() => done(null, chunk), done);
      else done(null, chunk);
    },
  });
}

async function bestEffort<T>(what: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ErrorInfo }> {
  try {
    return { ok: true, value: await what() };
  } catch (e) {
    return { ok: false, error: toErrorInfo(e) };
  }
}

export async function moveTenantBetween(source: MoveSide, destination: MoveSide, tenantIdIn: string, opts: MoveOptions = {}): Promise<MoveResult> {
  const say = opts.progress ?? (() => undefined);
  const actor = opts.actor !== undefined ? { actor: opts.actor } : {};
  const report = await precheckMove(source, destination, tenantIdIn);
  const tenantId = report.tenantId;
  if (!report.ok) {
    throw new TenantryError('MOVE_PRECHECK_FAILED', `tenant "${tenantId}" cannot move to ${destination.label}: ${report.problems.join('; ')}`, { report });
  }
  say(`pre-check OK: ${report.apps.length} extension(s) present on ${destination.label}`);
  const begun = await source.invoke('move.begin', {
    tenantId,
    destination: destination.label,
    ...actor,
    ...(opts.expectedVersion !== undefined ? { expectedVersion: opts.expectedVersion } : {}),
  });
  say(`dismounted on ${source.label}: ${begun.size} bytes, sha256 ${begun.sha256.slice(0, 12)}…`);

  const undo = async (cause: unknown, staged: boolean): Promise<never> => {
    const info = toErrorInfo(cause);
    const aborted = await bestEffort(() => source.invoke('move.abort', { tenantId, moveId: begun.moveId, reason: info.message, ...actor }));
    const discarded = staged ? await bestEffort(() => destination.invoke('move.discardIncoming', { tenantId, moveId: begun.moveId, ...actor })) : null;
    if (!aborted.ok) {
      // The source cannot be reached to undo: nothing is live anywhere, and nothing is lost. The source's journal
      // undoes the move when it next opens (or a second try of the move finds it).
      throw new TenantryError(
        'MOVE_FAILED',
        `moving tenant "${tenantId}" to ${destination.label} failed (${info.message}) and could not be undone on ${source.label} (${aborted.error.message}): the tenant stays dismounted there; it is mounted back when ${source.label} restarts, or with "tenant mount"`,
        { tenantId, moveId: begun.moveId, cause: info, undo: aborted.error },
      );
    }
    throw new TenantryError('MOVE_FAILED', `moving tenant "${tenantId}" to ${destination.label} failed and was undone: ${info.message}`, {
      tenantId,
      moveId: begun.moveId,
      cause: info,
      ...(discarded && !discarded.ok ? { stagedCopyLeft: discarded.error.message } : {}),
    });
  };

  let staged = false;
  try {
    const file = await source.downloadTenantFile(tenantId);
    if (file.sha256 !== begun.sha256 || file.size !== begun.size) {
      file.stream.destroy();
      throw new TenantryError(
        'MOVE_FAILED',
        `the file of tenant "${tenantId}" changed after it was dismounted (sha256 ${file.sha256.slice(0, 12)}…, expected ${begun.sha256.slice(0, 12)}…)`,
        { tenantId },
      );
    }
    const body = opts.onBytes ? file.stream.pipe(counting(file.size, opts.onBytes)) : file.stream;
    if (opts.onBytes) file.stream.on('error', (e) => body.destroy(e));
    staged = true; // from here the destination may hold a staged copy
    await destination.uploadTenantFile(tenantId, body, { sha256: begun.sha256, size: begun.size, moveId: begun.moveId });
    say(`sent to ${destination.label} and verified there (staged, dismounted)`);
  } catch (e) {
    return undo(e, staged);
  }

  const completed = await bestEffort(() => source.invoke('move.complete', { tenantId, moveId: begun.moveId, ...actor }));
  if (!completed.ok) {
    if (completed.error.code === 'MOVE_FAILED' || completed.error.code === 'NOT_FOUND') {
      // The source undid the move itself (it restarted): drop the staged copy.
      await bestEffort(() => destination.invoke('move.discardIncoming', { tenantId, moveId: begun.moveId, ...actor }));
      throw new TenantryError('MOVE_FAILED', `moving tenant "${tenantId}" to ${destination.label} was undone by ${source.label}: ${completed.error.message}`, {
        tenantId,
        moveId: begun.moveId,
        cause: completed.error,
      });
    }
    return undo(new TenantryError(completed.error.code as never, completed.error.message, completed.error.details), true);
  }
  say(`released by ${source.label}`);

  let mounted: TenantSummary;
  try {
    mounted = await destination.invoke('tenant.mount', { tenantId, ...actor });
  } catch (e) {
    const info = toErrorInfo(e);
    throw new TenantryError(
      'MOVE_FAILED',
      `tenant "${tenantId}" now lives on ${destination.label} but could not be mounted there (${info.message}); it is dismounted there: fix the cause and run "tenant mount ${tenantId}" on ${destination.label}`,
      { tenantId, moveId: begun.moveId, cause: info },
    );
  }
  const there = (await destination.invoke('tenant.apps', { tenantId })).apps.map((a) => `${a.id}@${a.version}`).sort();
  const here = report.apps.map((a) => `${a.id}@${a.version}`).sort();
  if (there.join(',') !== here.join(',')) {
    throw new TenantryError(
      'MOVE_FAILED',
      `tenant "${tenantId}" moved to ${destination.label} but shows other extensions there (${there.join(', ')}; expected ${here.join(', ')})`,
      { tenantId, there, here },
    );
  }
  say(`mounted on ${destination.label} (${mounted.state})`);
  return { tenantId, report, sha256: begun.sha256, size: begun.size, opId: begun.opId };
}
