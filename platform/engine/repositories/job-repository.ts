// Jobs of the management server and their events, in the deployment database: state, progress, outcome and the
// event list a client replays after reconnecting. The server runs the jobs; this only stores them.
import type Database from 'better-sqlite3';
import type { ErrorInfo } from '../../../shared/api/errors.js';
import type { RemoteJob, RemoteJobEvent, RemoteJobState } from '../../../shared/api/jobs.js';
import { nowIso, StatementCache } from './statement-cache.js';

interface JobRow {
  job_id: string;
  seq: number;
  operation: string;
  params: string;
  owner: string;
  owner_tenants: string | null;
  state: RemoteJobState;
  total: number;
  done: number;
  current: string | null;
  cancel_requested: number;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface JobOwner {
  /** Token id (or 'local'). */
  id: string;
  /** The tenants of a tenant-scoped token; null: all. */
  tenants: string[] | null;
}

/** Jobs kept; older finished ones (and their events) are removed when a new job is created. */
export const JOBS_KEPT = 1000;

export class JobRepository {
  private readonly s: StatementCache;
  constructor(private readonly db: Database.Database) {
    this.s = new StatementCache(db);
  }

  create(p: { jobId: string; operation: string; params: Record<string, unknown>; owner: JobOwner; total: number }): RemoteJob {
    const at = nowIso();
    this.db.transaction(() => {
      const seq = ((this.s.stmt('SELECT MAX(seq) AS n FROM jobs').get() as { n: number | null }).n ?? 0) + 1;
      this.s
        .stmt("INSERT INTO jobs (job_id, seq, operation, params, owner, owner_tenants, state, total, created_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)")
        .run(p.jobId, seq, p.operation, JSON.stringify(p.params), p.owner.id, p.owner.tenants === null ? null : JSON.stringify(p.owner.tenants), p.total, at);
      this.s.stmt("DELETE FROM jobs WHERE seq <= ? AND state NOT IN ('queued','running')").run(seq - JOBS_KEPT);
    })();
    return this.get(p.jobId)!;
  }

  get(jobId: string): RemoteJob | undefined {
    const r = this.s.stmt('SELECT * FROM jobs WHERE job_id = ?').get(jobId) as JobRow | undefined;
    return r && toJob(r);
  }

  owner(jobId: string): JobOwner | undefined {
    const r = this.s.stmt('SELECT owner, owner_tenants FROM jobs WHERE job_id = ?').get(jobId) as Pick<JobRow, 'owner' | 'owner_tenants'> | undefined;
    return r && { id: r.owner, tenants: r.owner_tenants === null ? null : (JSON.parse(r.owner_tenants) as string[]) };
  }

  params(jobId: string): Record<string, unknown> | undefined {
    const r = this.s.stmt('SELECT params FROM jobs WHERE job_id = ?').get(jobId) as { params: string } | undefined;
    return r && (JSON.parse(r.params) as Record<string, unknown>);
  }

  /** One step of progress and its events, in one transaction. */
  update(
    jobId: string,
    change: { state?: RemoteJobState; done?: number; current?: string | null; result?: unknown; error?: ErrorInfo | null; started?: boolean; ended?: boolean },
    events: readonly Omit<RemoteJobEvent, 'seq' | 'jobId' | 'at'>[] = [],
  ): RemoteJobEvent[] {
    const at = nowIso();
    const out: RemoteJobEvent[] = [];
    this.db.transaction(() => {
      const cur = this.s.stmt('SELECT * FROM jobs WHERE job_id = ?').get(jobId) as JobRow | undefined;
      if (!cur) return;
      this.s
        .stmt('UPDATE jobs SET state = ?, done = ?, current = ?, result = ?, error = ?, started_at = ?, ended_at = ? WHERE job_id = ?')
        .run(
          change.state ?? cur.state,
          change.done ?? cur.done,
          change.current === undefined ? cur.current : change.current,
          change.result === undefined ? cur.result : JSON.stringify(change.result),
          change.error === undefined ? cur.error : change.error === null ? null : JSON.stringify(change.error),
          change.started ? at : cur.started_at,
          change.ended ? at : cur.ended_at,
          jobId,
        );
      let seq = (this.s.stmt('SELECT MAX(seq) AS n FROM job_events WHERE job_id = ?').get(jobId) as { n: number | null }).n ?? 0;
      for (const e of events) {
        seq++;
        const ev: RemoteJobEvent = { ...e, seq, jobId, at };
        this.s.stmt('INSERT INTO job_events (job_id, seq, data) VALUES (?, ?, ?)').run(jobId, seq, JSON.stringify(ev));
        out.push(ev);
      }
    })();
    return out;
  }

  requestCancel(jobId: string): void {
    this.s.stmt('UPDATE jobs SET cancel_requested = 1 WHERE job_id = ?').run(jobId);
  }

  cancelRequested(jobId: string): boolean {
    const r = this.s.stmt('SELECT cancel_requested FROM jobs WHERE job_id = ?').get(jobId) as { cancel_requested: number } | undefined;
    return r?.cancel_requested === 1;
  }

  events(jobId: string, after: number): RemoteJobEvent[] {
    return (this.s.stmt('SELECT data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq').all(jobId, after) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as RemoteJobEvent,
    );
  }

  /** At server start: jobs left queued or running by the previous process did not finish. */
  markInterrupted(): string[] {
    const ids = (this.s.stmt("SELECT job_id FROM jobs WHERE state IN ('queued','running')").all() as { job_id: string }[]).map((r) => r.job_id);
    for (const id of ids) {
      this.update(
        id,
        {
          state: 'interrupted',
          current: null,
          ended: true,
          error: { code: 'INTERNAL', message: 'interrupted: the server stopped before the job finished; tenants already done stay done' },
        },
        [{ type: 'state', state: 'interrupted', done: this.get(id)?.progress.done ?? 0, total: this.get(id)?.progress.total ?? 0 }],
      );
    }
    return ids;
  }
}

function toJob(r: JobRow): RemoteJob {
  return {
    id: r.job_id,
    operation: r.operation,
    state: r.state,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    progress: { total: r.total, done: r.done, current: r.current },
    cancelRequested: r.cancel_requested === 1,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error === null ? null : (JSON.parse(r.error) as ErrorInfo),
  };
}
