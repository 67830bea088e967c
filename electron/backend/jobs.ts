// Jobs: the long operations the console starts (install, upgrade, uninstall on many tenants). A job returns
// its id at once, runs its items one tenant at a time, reports progress as events, can be cancelled between
// tenants, and its outcome stays readable in the console database (a job cut off by a restart reads
// 'interrupted', never 'running').
import { randomUUID } from 'node:crypto';
import type { Job, JobDetail, JobEvent, JobItem, JobProof, JobSpec, JobStep, JobTarget } from '../../shared/api/console.js';
import { TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { AuditLog } from './audit-log.js';
import type { Db } from './db.js';
import { serverJobSteps, type Driver } from './drivers/driver.js';

interface JobRow {
  id: string;
  kind: NonNullable<Job['kind']>;
  title: string;
  spec: string;
  state: Job['state'];
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  total: number;
  done: number;
  cancel_requested: number;
  stopped_reason: string | null;
}
interface ItemRow {
  job_id: string;
  idx: number;
  connection_id: string;
  tenant_id: string;
  label: string;
  state: JobItem['state'];
  message: string | null;
  error_code: string | null;
  op_id: string | null;
  started_at: string | null;
  ended_at: string | null;
  steps: string | null;
  wave: number | null;
  proof: string | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  state: r.state,
  createdAt: r.created_at,
  ...(r.started_at ? { startedAt: r.started_at } : {}),
  ...(r.ended_at ? { endedAt: r.ended_at } : {}),
  total: r.total,
  done: r.done,
  cancelRequested: r.cancel_requested === 1,
});
const toItem = (r: ItemRow): JobItem => ({
  idx: r.idx,
  connectionId: r.connection_id,
  tenantId: r.tenant_id,
  label: r.label,
  state: r.state,
  ...(r.message !== null ? { message: r.message } : {}),
  ...(r.error_code !== null ? { errorCode: r.error_code } : {}),
  ...(r.op_id !== null ? { opId: r.op_id } : {}),
  ...(r.started_at !== null ? { startedAt: r.started_at } : {}),
  ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
  ...(r.steps !== null ? { steps: JSON.parse(r.steps) as JobStep[] } : {}),
  ...(r.wave !== null ? { wave: r.wave } : {}),
  ...(r.proof !== null ? { proof: JSON.parse(r.proof) as JobProof } : {}),
});

export interface JobContext {
  driverFor(connectionId: string): Driver;
  connectionName(connectionId: string): string;
  appName(connectionId: string, appId: string): string;
  actor: string;
  audit: AuditLog;
}

export interface ItemOutcome {
  state: 'succeeded' | 'failed' | 'skipped';
  message: string;
  errorCode?: string;
  opId?: string;
}

/** One item of a workflow job (a tenant to move or upgrade), with the steps it will go through. */
export interface WorkflowItem {
  connectionId: string;
  tenantId: string;
  label: string;
  wave?: number;
  steps?: JobStep[];
}

/** What a workflow item's runner may report while it works: its steps (with transfer progress) and a read-back proof. */
export interface ItemReporter {
  step(name: string, patch: Partial<Omit<JobStep, 'name'>>): void;
  proof(proof: JobProof): void;
  /** true once cancellation was asked for (a runner may stop between its own steps) */
  cancelRequested(): boolean;
}

export interface WorkflowSpec {
  kind: 'move' | 'upgrade';
  title: string;
  /** stored with the job, for the record */
  spec: unknown;
  items: WorkflowItem[];
  /** waves: the first failure stops the job; the items not yet run are skipped, and the job says why */
  stopOnFailure: boolean;
  run(item: WorkflowItem, idx: number, report: ItemReporter): Promise<ItemOutcome>;
  /** the audit entry of one finished item */
  audit(item: WorkflowItem, outcome: ItemOutcome): { action: string; params: unknown };
}

const now = (): string => new Date().toISOString();

/** Runs one target of a job through the contract; throws nothing, reports what happened. */
export async function runTarget(spec: JobSpec, t: JobTarget, ctx: JobContext, report?: ItemReporter): Promise<ItemOutcome> {
  const d = ctx.driverFor(t.connectionId);
  // A remote deployment runs the operation as a server job: its events become a step of this item.
  const progress = serverJobSteps(report);
  const actor = ctx.actor;
  try {
    if (spec.action === 'install') {
      const apps = await d.invoke('tenant.apps', { tenantId: t.tenantId });
      const have = apps.apps.find((a) => a.id.toLowerCase() === t.appId.toLowerCase());
      if (have) return { state: 'skipped', message: `${have.name} ${have.version} is already installed` };
      const out = await d.invoke(
        'tenant.install',
        {
          tenantIds: [t.tenantId],
          appId: t.appId,
          ...(t.version ? { version: t.version } : {}),
          installDependencies: spec.installDependencies,
          actor,
        },
        progress,
      );
      const r = out.results[0];
      if (!r) return { state: 'failed', message: 'the engine returned no result', errorCode: 'INTERNAL' };
      if (!r.ok) return { state: 'failed', message: r.error?.message ?? 'failed', errorCode: r.error?.code ?? 'INTERNAL', ...(r.opId ? { opId: r.opId } : {}) };
      const names = r.installed.map((a) => `${a.name} ${a.version}`).join(', ');
      return { state: 'succeeded', message: `${r.action === 'installed' || r.action === null ? 'installed' : r.action} ${names}`, opId: r.opId };
    }
    if (spec.action === 'upgrade') {
      const out = await d.invoke('tenant.upgrade', { tenantIds: [t.tenantId], appId: t.appId, ...(t.version ? { version: t.version } : {}), actor }, progress);
      const r = out.results[0];
      if (!r) return { state: 'failed', message: 'the engine returned no result', errorCode: 'INTERNAL' };
      if (!r.ok) return { state: 'failed', message: r.error?.message ?? 'failed', errorCode: r.error?.code ?? 'INTERNAL', ...(r.opId ? { opId: r.opId } : {}) };
      if (r.action === 'up-to-date') return { state: 'skipped', message: `already at ${r.to ?? r.from ?? 'the newest version'}`, opId: r.opId };
      return { state: 'succeeded', message: `upgraded ${r.from ?? '(archived)'} → ${r.to ?? '?'}`, opId: r.opId };
    }
    const apps = await d.invoke('tenant.apps', { tenantId: t.tenantId });
    if (!apps.apps.some((a) => a.id.toLowerCase() === t.appId.toLowerCase())) return { state: 'skipped', message: 'not installed' };
    const out = await d.invoke('tenant.uninstall', { tenantId: t.tenantId, appId: t.appId, uninstallDependents: spec.uninstallDependents, actor }, progress);
    const rows = out.archives.reduce((n, a) => n + a.rows, 0);
    return {
      state: 'succeeded',
      message: `uninstalled ${out.uninstalled.map((a) => `${a.name} ${a.version}`).join(', ')}; ${rows} rows archived`,
      opId: out.opId,
    };
  } catch (e) {
    const info = toErrorInfo(e);
    return { state: 'failed', message: info.message, errorCode: info.code };
  }
}

export class JobService {
  private readonly stmts;
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly ctx: JobContext,
  ) {
    this.stmts = {
      insertJob: db.prepare(
        `INSERT INTO jobs (id, kind, title, spec, state, created_at, total) VALUES (@id, @kind, @title, @spec, 'queued', @created_at, @total)`,
      ),
      insertItem: db.prepare(
        `INSERT INTO job_items (job_id, idx, connection_id, tenant_id, label, state, steps, wave) VALUES (@job_id, @idx, @connection_id, @tenant_id, @label, 'pending', @steps, @wave)`,
      ),
      setSteps: db.prepare<[string, string, number]>(`UPDATE job_items SET steps = ? WHERE job_id = ? AND idx = ?`),
      setProof: db.prepare<[string, string, number]>(`UPDATE job_items SET proof = ? WHERE job_id = ? AND idx = ?`),
      stopRest: db.prepare<[string, string, string]>(
        `UPDATE job_items SET state = 'skipped', message = ?, ended_at = ? WHERE job_id = ? AND state = 'pending'`,
      ),
      stopped: db.prepare<[string, string]>(`UPDATE jobs SET stopped_reason = ? WHERE id = ?`),
      job: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      items: db.prepare<[string], ItemRow>('SELECT * FROM job_items WHERE job_id = ? ORDER BY idx'),
      item: db.prepare<[string, number], ItemRow>('SELECT * FROM job_items WHERE job_id = ? AND idx = ?'),
      list: db.prepare<[number], JobRow>('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?'),
      setJob: db.prepare(`UPDATE jobs SET state = @state, started_at = coalesce(started_at, @started_at), ended_at = @ended_at, done = @done WHERE id = @id`),
      cancel: db.prepare<[string]>(`UPDATE jobs SET cancel_requested = 1 WHERE id = ?`),
      itemStart: db.prepare<[string, string, number]>(`UPDATE job_items SET state = 'running', started_at = ? WHERE job_id = ? AND idx = ?`),
      itemEnd: db.prepare(
        `UPDATE job_items SET state = @state, message = @message, error_code = @error_code, op_id = @op_id, ended_at = @ended_at WHERE job_id = @job_id AND idx = @idx`,
      ),
      cancelRest: db.prepare<[string, string]>(`UPDATE job_items SET state = 'cancelled', ended_at = ? WHERE job_id = ? AND state IN ('pending', 'running')`),
      interrupted: db.prepare(`UPDATE jobs SET state = 'interrupted', ended_at = @at WHERE state IN ('queued', 'running')`),
      interruptedItems: db.prepare(
        `UPDATE job_items SET state = 'cancelled', message = 'the console stopped before this ran', ended_at = @at WHERE state IN ('pending', 'running')`,
      ),
    };
    // Jobs left running by a console that stopped: say so rather than show them running forever.
    const at = now();
    db.transaction(() => {
      this.stmts.interruptedItems.run({ at });
      this.stmts.interrupted.run({ at });
    })();
  }

  onEvent(listener: (e: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(spec: JobSpec): string {
    const id = randomUUID();
    const first = spec.targets[0]!;
    const appNames = [...new Set(spec.targets.map((t) => this.ctx.appName(t.connectionId, t.appId)))];
    const verb = spec.action[0]!.toUpperCase() + spec.action.slice(1);
    const title = `${verb} ${appNames.length === 1 ? appNames[0] : `${appNames.length} extensions`} on ${spec.targets.length === 1 ? first.tenantId : `${spec.targets.length} tenants`}`;
    this.db.transaction(() => {
      this.stmts.insertJob.run({ id, kind: 'bulk', title, spec: JSON.stringify(spec), created_at: now(), total: spec.targets.length });
      spec.targets.forEach((t, idx) =>
        this.stmts.insertItem.run({
          job_id: id,
          idx,
          connection_id: t.connectionId,
          tenant_id: t.tenantId,
          label: `${spec.action} ${this.ctx.appName(t.connectionId, t.appId)}${t.version ? ` ${t.version}` : ''}`,
          steps: null,
          wave: null,
        }),
      );
    })();
    const items: WorkflowItem[] = spec.targets.map((t) => ({ connectionId: t.connectionId, tenantId: t.tenantId, label: '' }));
    const run = this.run(id, items, {
      stopOnFailure: false,
      run: (_item, idx, report) => runTarget(spec, spec.targets[idx]!, this.ctx, report),
      audit: (_item, _outcome) => {
        const t = spec.targets[items.indexOf(_item)]!;
        return {
          action: `tenant.${spec.action}`,
          params: { appId: t.appId, version: t.version, installDependencies: spec.installDependencies, uninstallDependents: spec.uninstallDependents },
        };
      },
    }).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return id;
  }

  /** Starts a workflow job (tenant moves, upgrade waves): items with steps, run one at a time. */
  startWorkflow(w: WorkflowSpec): string {
    if (w.items.length === 0) throw new TenantryError('BAD_INPUT', 'nothing to run: no item in the job');
    const id = randomUUID();
    this.db.transaction(() => {
      this.stmts.insertJob.run({ id, kind: w.kind, title: w.title, spec: JSON.stringify(w.spec), created_at: now(), total: w.items.length });
      w.items.forEach((it, idx) =>
        this.stmts.insertItem.run({
          job_id: id,
          idx,
          connection_id: it.connectionId,
          tenant_id: it.tenantId,
          label: it.label,
          steps: it.steps ? JSON.stringify(it.steps) : null,
          wave: it.wave ?? null,
        }),
      );
    })();
    const run = this.run(id, w.items, w).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return id;
  }

  /** Resolves when the job has finished (for tests and for an orderly shutdown). */
  async settled(jobId: string): Promise<JobDetail> {
    await this.running.get(jobId);
    return this.get(jobId);
  }

  list(limit: number): Job[] {
    return this.stmts.list.all(limit).map(toJob);
  }

  get(jobId: string): JobDetail {
    const r = this.stmts.job.get(jobId);
    if (!r) throw new TenantryError('NOT_FOUND', `no job with id "${jobId}"`, { jobId });
    return { ...toJob(r), items: this.stmts.items.all(jobId).map(toItem), ...(r.stopped_reason !== null ? { stoppedReason: r.stopped_reason } : {}) };
  }

  cancel(jobId: string): Job {
    const r = this.stmts.job.get(jobId);
    if (!r) throw new TenantryError('NOT_FOUND', `no job with id "${jobId}"`, { jobId });
    if (r.state === 'queued' || r.state === 'running') this.stmts.cancel.run(jobId);
    const job = toJob(this.stmts.job.get(jobId)!);
    this.emit(job);
    return job;
  }

  private emit(job: Job, item?: JobItem): void {
    const event: JobEvent = item ? { job, item } : { job };
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener that throws (a closed window) must not stop the job
      }
    }
  }

  private jobNow(id: string): Job {
    return toJob(this.stmts.job.get(id)!);
  }

  private reporter(id: string, idx: number): ItemReporter {
    let last = 0;
    const emit = (force: boolean): void => {
      // Transfer progress can come fast: events at most every 100 ms, but every state change at once.
      const t = Date.now();
      if (!force && t - last < 100) return;
      last = t;
      this.emit(this.jobNow(id), toItem(this.stmts.item.get(id, idx)!));
    };
    return {
      step: (name, patch) => {
        const row = this.stmts.item.get(id, idx)!;
        const steps = row.steps ? (JSON.parse(row.steps) as JobStep[]) : [];
        let st = steps.find((x) => x.name === name);
        if (!st) {
          st = { name, label: patch.label ?? name, state: 'pending' };
          steps.push(st);
        }
        const changedState = patch.state !== undefined && patch.state !== st.state;
        Object.assign(st, patch);
        if (changedState && patch.state === 'running' && !st.startedAt) st.startedAt = now();
        if (changedState && (patch.state === 'succeeded' || patch.state === 'failed' || patch.state === 'skipped')) st.endedAt = now();
        this.stmts.setSteps.run(JSON.stringify(steps), id, idx);
        emit(changedState);
      },
      proof: (proof) => {
        this.stmts.setProof.run(JSON.stringify(proof), id, idx);
        emit(true);
      },
      cancelRequested: () => this.stmts.job.get(id)!.cancel_requested === 1,
    };
  }

  private async run(id: string, items: readonly WorkflowItem[], w: Pick<WorkflowSpec, 'run' | 'audit' | 'stopOnFailure'>): Promise<void> {
    const started = now();
    this.stmts.setJob.run({ id, state: 'running', started_at: started, ended_at: null, done: 0 });
    this.emit(this.jobNow(id));
    let done = 0;
    let failed = 0;
    let succeeded = 0;
    let cancelled = false;
    let stopped: string | null = null;
    for (let idx = 0; idx < items.length; idx++) {
      // Cancellation is honoured between tenants: a tenant operation, once begun, ends whole in its transaction.
      if (this.stmts.job.get(id)!.cancel_requested === 1) {
        cancelled = true;
        break;
      }
      const item = items[idx]!;
      this.stmts.itemStart.run(now(), id, idx);
      this.emit(this.jobNow(id), toItem(this.stmts.item.get(id, idx)!));
      let outcome: ItemOutcome;
      try {
        outcome = await w.run(item, idx, this.reporter(id, idx));
      } catch (e) {
        const info = toErrorInfo(e);
        outcome = { state: 'failed', message: info.message, errorCode: info.code };
      }
      done++;
      if (outcome.state === 'failed') failed++;
      if (outcome.state === 'succeeded') succeeded++;
      const stopNow = w.stopOnFailure && outcome.state === 'failed' && idx < items.length - 1;
      if (stopNow) stopped = `stopped at the first failure (${item.tenantId}): the ${items.length - idx - 1} tenant(s) after it were not run`;
      this.db.transaction(() => {
        this.stmts.itemEnd.run({
          job_id: id,
          idx,
          state: outcome.state,
          message: outcome.message,
          error_code: outcome.errorCode ?? null,
          op_id: outcome.opId ?? null,
          ended_at: now(),
        });
        this.stmts.setJob.run({ id, state: 'running', started_at: started, ended_at: null, done });
        if (stopped !== null) {
          this.stmts.stopRest.run(`not run: the job stopped at the first failure (${item.tenantId})`, now(), id);
          this.stmts.stopped.run(stopped, id);
        }
      })();
      if (outcome.state !== 'skipped') {
        const a = w.audit(item, outcome);
        this.ctx.audit.append({
          actor: this.ctx.actor,
          action: a.action,
          connectionId: item.connectionId,
          connectionName: this.ctx.connectionName(item.connectionId),
          target: item.tenantId,
          params: a.params,
          result: outcome.state === 'succeeded' ? 'succeeded' : 'failed',
          error: outcome.state === 'failed' ? `${outcome.errorCode}: ${outcome.message}` : null,
          opId: outcome.opId ?? null,
          jobId: id,
        });
      }
      this.emit(this.jobNow(id), toItem(this.stmts.item.get(id, idx)!));
      if (stopped !== null) {
        for (const r of this.stmts.items.all(id)) if (r.idx > idx) this.emit(this.jobNow(id), toItem(r));
        break;
      }
    }
    const ended = now();
    const state: Job['state'] = cancelled ? 'cancelled' : failed === 0 ? 'succeeded' : succeeded === 0 && failed === done ? 'failed' : 'partial';
    this.db.transaction(() => {
      if (cancelled) this.stmts.cancelRest.run(ended, id);
      this.stmts.setJob.run({ id, state, started_at: started, ended_at: ended, done });
    })();
    if (cancelled) {
      this.ctx.audit.append({
        actor: this.ctx.actor,
        action: `job.cancel`,
        target: null,
        params: { jobId: id, done, total: items.length },
        result: 'cancelled',
        jobId: id,
      });
    }
    this.emit(this.jobNow(id));
  }
}
