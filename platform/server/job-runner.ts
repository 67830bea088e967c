// Runs long operations as jobs: POST /api/v1/jobs answers at once with the job id; the job runs here, tenant by
// tenant for operations over several tenants (install, upgrade), each tenant through the write lane, so other
// requests are served in between and a cancel takes effect before the next tenant. The engine's steps inside one
// tenant's operation (its fault points) become 'step' events. State, progress, outcome and events go to the
// deployment database (JobRepository) after each tenant, so a client reads them after a disconnect; live
// listeners (SSE) get each event as it is stored.
import crypto from 'node:crypto';
import { TenantryError, toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import type { RemoteJob, RemoteJobEvent } from '../../shared/api/jobs.js';
import { FINAL_JOB_STATES } from '../../shared/api/jobs.js';
import type { OperationInput, OperationName } from '../../shared/api/operations.js';
import type { Deployment } from '../engine/deployment.js';
import { setStepListener } from '../engine/fault.js';
import type { JobOwner } from '../engine/repositories/job-repository.js';
import type { Logger } from 'pino';
import type { WriteLane } from './write-lane.js';

type Listener = (e: RemoteJobEvent) => void;
type Draft = Omit<RemoteJobEvent, 'seq' | 'jobId' | 'at'>;

/** Operations over several tenants that run one tenant at a time (and so can be cancelled between tenants). */
const PER_TENANT = new Set<OperationName>(['tenant.install', 'tenant.upgrade']);

interface Step {
  tenantId: string | null;
  input: Record<string, unknown>;
}

function planSteps(op: OperationName, input: Record<string, unknown>): Step[] {
  if (PER_TENANT.has(op) && Array.isArray(input['tenantIds'])) {
    const expected = (input['expectedVersions'] ?? {}) as Record<string, number>;
    return (input['tenantIds'] as string[]).map((t) => {
      const { expectedVersions: _ignored, ...rest } = input;
      void _ignored;
      const mine = Object.entries(expected).filter(([k]) => k.toLowerCase() === t.toLowerCase());
      return { tenantId: t.toLowerCase(), input: { ...rest, tenantIds: [t], ...(mine.length > 0 ? { expectedVersions: Object.fromEntries(mine) } : {}) } };
    });
  }
  return [{ tenantId: typeof input['tenantId'] === 'string' ? input['tenantId'].toLowerCase() : null, input }];
}

/** The job's parameters as stored: the input without package bytes and row data (their size instead). */
function summarize(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (k === 'package' && typeof v === 'string') out[k] = `(${v.length} base64 characters)`;
    else if (k === 'packages' && Array.isArray(v)) out[k] = v.map((p: { fileName?: unknown }) => p.fileName ?? '(package)');
    else if (k === 'rows' && Array.isArray(v)) out[k] = `(${v.length} rows)`;
    else if (k === 'application' && v && typeof v === 'object')
      out[k] = { name: (v as { name?: unknown }).name, version: (v as { version?: unknown }).version };
    else out[k] = v;
  }
  return out;
}

/** What a tenant's failure looks like in the per-tenant results when it threw instead of returning a result. */
function failedResult(op: OperationName, tenantId: string, error: ErrorInfo): Record<string, unknown> {
  if (op === 'tenant.install') return { tenantId, ok: false, opId: '', installed: [], action: null, error };
  return { tenantId, ok: false, opId: '', from: null, to: null, action: null, stepsRun: [], error };
}

export class JobRunner {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly running = new Set<Promise<void>>();
  private stopping = false;
  /** when each running job started, for the duration on its log line */
  private readonly started = new Map<string, number>();

  constructor(
    private readonly d: Deployment,
    private readonly lane: WriteLane,
    private readonly maxActive: number,
    private readonly retryAfterSeconds: number,
    /** one line per tenant run and one per job end (server-log.ts); none: nothing is logged */
    private readonly log?: Logger,
  ) {}

  /** Creates the job and starts it on the next turn of the event loop; returns at once. */
  start(op: OperationName, input: Record<string, unknown>, owner: JobOwner): RemoteJob {
    if (this.stopping) throw new TenantryError('UNAVAILABLE', 'the server is stopping');
    if (this.running.size >= this.maxActive) {
      throw new TenantryError('OVERLOADED', `the server runs ${this.running.size} jobs already; retry in ${this.retryAfterSeconds} s`, {
        retryAfter: this.retryAfterSeconds,
      });
    }
    const steps = planSteps(op, input);
    const job = this.d.jobs.create({ jobId: crypto.randomUUID(), operation: op, params: summarize(input), owner, total: steps.length });
    this.started.set(job.id, performance.now());
    const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(job.id, op, steps))
      .catch((e: unknown) => {
        if (this.stopping) return;
        this.log?.error({ jobId: job.id, op, err: e }, 'unexpected error in job');
        try {
          this.finish(job.id, { state: 'failed', error: toErrorInfo(e), done: this.d.jobs.get(job.id)?.progress.done ?? 0, total: steps.length });
        } catch {
          // the job stays 'running' in the database: the next start marks it interrupted
        }
      })
      .finally(() => {
        this.running.delete(p);
        this.started.delete(job.id);
      });
    this.running.add(p);
    return job;
  }

  /**
   * Stops taking jobs and lets the running ones stop before their next tenant (they stay 'running' in the database,
   * so the next start marks them interrupted). Resolves when none runs.
   */
  async shutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running]);
  }

  cancel(jobId: string): RemoteJob | undefined {
    const job = this.d.jobs.get(jobId);
    if (!job) return undefined;
    if (!FINAL_JOB_STATES.includes(job.state)) this.d.jobs.requestCancel(jobId);
    return this.d.jobs.get(jobId);
  }

  /** Live events of a job until it ends; returns the unsubscribe function. */
  subscribe(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  private store(jobId: string, change: Parameters<Deployment['jobs']['update']>[1], events: Draft[]): void {
    const stored = this.d.jobs.update(jobId, change, events);
    const set = this.listeners.get(jobId);
    if (set) for (const e of stored) for (const l of [...set]) l(e);
  }

  /** Ends the job: one log line with its id, operation, outcome and duration; a refusal carries the job id as `ref`. */
  private finish(jobId: string, p: { state: RemoteJob['state']; result?: unknown; error?: ErrorInfo | null; done: number; total: number }): void {
    if (p.error) p.error.ref ??= jobId;
    const t0 = this.started.get(jobId);
    const durationMs = t0 === undefined ? undefined : Math.round(performance.now() - t0);
    this.log?.info(
      { jobId, op: this.d.jobs.get(jobId)?.operation, state: p.state, done: p.done, total: p.total, durationMs, outcome: p.error?.code ?? 'ok' },
      `job ${p.state}`,
    );
    this.store(jobId, { state: p.state, current: null, ended: true, result: p.result ?? null, error: p.error ?? null }, [
      { type: 'state', state: p.state, done: p.done, total: p.total },
    ]);
  }

  private async run(jobId: string, op: OperationName, steps: Step[]): Promise<void> {
    const total = steps.length;
    this.store(jobId, { state: 'running', started: true, current: steps[0]?.tenantId ?? op }, [{ type: 'state', state: 'running', done: 0, total }]);
    const perTenant = PER_TENANT.has(op);
    const results: unknown[] = [];
    let done = 0;
    for (const [index, step] of steps.entries()) {
      if (this.stopping) return;
      if (this.d.jobs.cancelRequested(jobId)) {
        const notRun = steps.slice(done).map((s) => s.tenantId ?? op);
        this.finish(jobId, {
          state: 'cancelled',
          result: perTenant ? { results } : null,
          error: {
            code: 'CANCELLED',
            message: `cancelled after ${done} of ${total} ${perTenant ? 'tenants' : 'steps'}; not run: ${notRun.join(', ')}`,
            details: { notRun },
          },
          done,
          total,
        });
        return;
      }
      const events: Draft[] = [];
      const label = step.tenantId ?? undefined;
      if (label !== undefined) events.push({ type: 'tenant-started', tenantId: label, done, total });
      let value: unknown;
      let error: ErrorInfo | undefined;
      try {
        value = await this.lane.run(() => {
          const prev = setStepListener((engineOp, name) =>
            events.push({ type: 'step', ...(label !== undefined ? { tenantId: label } : {}), step: `${engineOp}: ${name}`, done, total }),
          );
          try {
            // Deployment.invoke runs the whole operation synchronously; the listener sees only its steps.
            return this.d.invoke(op, step.input as OperationInput<typeof op>);
          } finally {
            setStepListener(prev);
          }
        });
      } catch (e) {
        if (!(e instanceof TenantryError)) this.log?.error({ jobId, op, tenant: label, err: e }, 'unexpected error');
        error = toErrorInfo(e);
      }
      if (this.stopping) return;
      done++;
      const next = steps[index + 1]?.tenantId ?? null;
      if (!perTenant) {
        if (label !== undefined) events.push({ type: 'tenant-finished', tenantId: label, ok: error === undefined, ...(error ? { error } : {}), done, total });
        this.store(jobId, { done }, events);
        if (error) this.finish(jobId, { state: 'failed', error, done, total });
        else this.finish(jobId, { state: 'succeeded', result: value, done, total });
        return;
      }
      if (error && results.length === 0 && done === 1 && error.code !== 'STALE_VERSION' && error.code !== 'TENANT_NOT_FOUND' && error.code !== 'TENANT_STATE') {
        // The first tenant failed before any tenant work (an app that is not published, bad input): the operation
        // itself is refused, as it is when called directly.
        this.store(jobId, { done }, [...events, { type: 'tenant-finished', tenantId: label!, ok: false, error, done, total }]);
        this.finish(jobId, { state: 'failed', error, done, total });
        return;
      }
      const r = error
        ? failedResult(op, label!, error)
        : ((value as { results: unknown[] }).results[0] ?? failedResult(op, label!, { code: 'INTERNAL', message: 'no result' }));
      results.push(r);
      const ok = (r as { ok: boolean }).ok;
      const rError = (r as { error?: ErrorInfo }).error;
      this.log?.info({ jobId, op, tenant: label, outcome: rError?.code ?? 'ok' }, `${op} ${label ?? ''} ${rError?.code ?? 'ok'}`);
      events.push({ type: 'tenant-finished', tenantId: label!, ok, ...(rError ? { error: rError } : {}), done, total });
      this.store(jobId, { done, current: next }, events);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.finish(jobId, { state: 'succeeded', result: { results }, done, total });
  }
}
