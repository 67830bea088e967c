// The progress and result screen shared by every long operation: the matrix's bulk actions, the move wizard and
// the upgrade wizard. A progress bar, why the job stopped (waves), then per tenant its state, message, steps (with
// bytes and speed for a transfer) and what was read back afterwards (the proof).
import { useEffect, type ReactElement } from 'react';
import type { JobDetail, JobItem, JobStep } from '../../../shared/api/console.js';
import { useStore } from '../app/store.js';
import { call } from '../lib/api.js';
import { formatBytes } from '../lib/format.js';
import { Icon } from './icons.js';
import { Badge, Spinner } from './status.js';

export const isRunning = (job: { state: string } | undefined): boolean => job?.state === 'running' || job?.state === 'queued';

/** A job kept current by the job events; read once more when it ends (for what events do not carry). */
export function useJob(jobId: string | null): JobDetail | undefined {
  const job = useStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const jobLoaded = useStore((s) => s.jobLoaded);
  const running = isRunning(job);
  useEffect(() => {
    if (!jobId) return;
    void call('jobs.get', { jobId }).then(jobLoaded);
  }, [jobId, jobLoaded, running]);
  return job;
}

const ITEM_TONE: Record<JobItem['state'], 'ok' | 'danger' | 'warn' | 'neutral' | 'info'> = {
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'warn',
  skipped: 'neutral',
  pending: 'neutral',
  running: 'info',
};

function StepLine({ step }: { step: JobStep }): ReactElement {
  const pct = step.totalBytes ? Math.min(100, ((step.bytes ?? 0) / step.totalBytes) * 100) : 0;
  return (
    <li className={`job-step ${step.state}`} data-step={step.name} data-state={step.state}>
      <span className="mark" aria-hidden="true">
        {step.state === 'succeeded' ? (
          <Icon name="check" size={12} />
        ) : step.state === 'failed' ? (
          <Icon name="x" size={12} />
        ) : step.state === 'running' ? (
          <span className="spinner small" />
        ) : null}
      </span>
      <span className="what">
        <span className="label">{step.label}</span>
        <span className="visually-hidden">: {step.state}</span>
        {step.detail ? <span className="detail">{step.detail}</span> : null}
        {step.totalBytes !== undefined ? (
          <span className="transfer">
            <span className="progress" aria-hidden="true">
              <span style={{ width: `${pct}%` }} />
            </span>
            <span className="nums" data-testid="transfer-bytes">
              {formatBytes(step.bytes ?? 0)} of {formatBytes(step.totalBytes)}
              {step.bytesPerSecond ? ` · ${formatBytes(step.bytesPerSecond)}/s` : ''}
            </span>
          </span>
        ) : null}
      </span>
    </li>
  );
}

function ItemLine({ item, label }: { item: JobItem; label: string }): ReactElement {
  return (
    <li data-testid="job-item" data-tenant={item.tenantId} data-state={item.state} className="job-item">
      <div className="tenant">
        {item.tenantId}
        <small>{label}</small>
      </div>
      <div className="details">
        <div className="line">{item.label}</div>
        {item.message ? (
          <div className={`line ${item.state === 'failed' ? 'fail-text' : 'muted'}`}>
            {item.errorCode ? `${item.errorCode}: ` : ''}
            {item.message}
          </div>
        ) : null}
        {item.steps && item.steps.length > 0 ? (
          <ol className="job-steps" aria-label={`Steps for ${item.tenantId}`}>
            {item.steps.map((s) => (
              <StepLine key={s.name} step={s} />
            ))}
          </ol>
        ) : null}
        {item.proof ? (
          <div className={`proof ${item.proof.ok ? 'ok' : 'bad'}`} data-testid="job-proof">
            <div className="proof-title">
              <Icon name={item.proof.ok ? 'shield' : 'alert'} size={14} /> {item.proof.title}
            </div>
            <dl className="kv">
              {item.proof.facts.map((f) => (
                <div key={f.label} className="kv-row">
                  <dt>{f.label}</dt>
                  <dd>{f.value}</dd>
                </div>
              ))}
            </dl>
          </div>
        ) : null}
      </div>
      <div>{item.state === 'running' ? <Spinner label={`Working on ${item.tenantId}`} /> : <Badge tone={ITEM_TONE[item.state]}>{item.state}</Badge>}</div>
    </li>
  );
}

export function JobProgress({ job, tenantLabel }: { job: JobDetail; tenantLabel(connectionId: string, tenantId: string): string }): ReactElement {
  const waves = [...new Set(job.items.map((i) => i.wave).filter((w): w is number => w !== undefined))].sort();
  const groups = waves.length > 0 ? waves.map((w) => ({ wave: w, items: job.items.filter((i) => i.wave === w) })) : [{ wave: 0, items: job.items }];
  const failed = job.items.filter((i) => i.state === 'failed').length;
  const ok = job.items.filter((i) => i.state === 'succeeded').length;
  const notStarted = job.items.filter((i) => i.state === 'cancelled' || i.state === 'pending').length;
  return (
    <div className="job-progress">
      <div className="job-progress-head">
        <div className="progress" role="progressbar" aria-label="Job progress" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
          <span style={{ width: `${job.total ? (job.done / job.total) * 100 : 0}%` }} />
        </div>
        <span className="muted nums">
          {job.done} of {job.total} · {ok} succeeded{failed ? ` · ${failed} failed` : ''}
          {job.state === 'cancelled' ? ` · cancelled, ${notStarted} not started` : ''}
        </span>
      </div>
      {job.stoppedReason ? (
        <div className="error-box" role="alert" data-testid="job-stopped">
          <strong>Waves stopped.</strong> The job {job.stoppedReason}.
        </div>
      ) : null}
      {groups.map((g) => (
        <section key={g.wave} aria-label={g.wave ? `Wave ${g.wave}` : 'Results'}>
          {g.wave ? (
            <h3 className="wave-head">
              Wave {g.wave}{' '}
              <span className="muted">
                {g.wave === 1 ? 'first ring' : 'the rest'} · {g.items.length} tenant(s)
              </span>
            </h3>
          ) : null}
          <ul className="plan-list" aria-label="Results per tenant" data-testid="job-results">
            {g.items.map((it) => (
              <ItemLine key={it.idx} item={it} label={tenantLabel(it.connectionId, it.tenantId)} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

const JOB_TONE = (state: JobDetail['state']): 'ok' | 'info' | 'danger' | 'warn' =>
  state === 'succeeded' ? 'ok' : state === 'running' ? 'info' : state === 'failed' ? 'danger' : 'warn';

/** A wizard's job: its title and state, then its progress and results. */
export function JobCard({
  job,
  titleId,
  tenantLabel,
}: {
  job: JobDetail;
  titleId: string;
  tenantLabel(connectionId: string, tenantId: string): string;
}): ReactElement {
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card-header">
        <h3 id={titleId}>{job.title}</h3>
        <span className="right">
          <Badge tone={JOB_TONE(job.state)}>{job.state}</Badge>
        </span>
      </div>
      <div className="card-body">
        <JobProgress job={job} tenantLabel={tenantLabel} />
      </div>
    </section>
  );
}

/** Asks a running job to stop before its next tenant. */
export function CancelJobButton({ job, label }: { job: JobDetail; label: string }): ReactElement {
  return (
    <button type="button" className="btn danger" onClick={() => void call('jobs.cancel', { jobId: job.id })} disabled={job.cancelRequested}>
      {job.cancelRequested ? 'Cancelling…' : label}
    </button>
  );
}
