// Jobs: every long operation the console started, with its progress, its per-tenant results, and a cancel
// button while it runs. Outcomes stay readable after a restart.
import { useEffect, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Job } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Badge, EmptyState, Spinner } from '../../components/status.js';
import { call } from '../../lib/api.js';
import { formatDateTime, formatTime } from '../../lib/format.js';

const TONE: Record<string, 'ok' | 'danger' | 'warn' | 'neutral' | 'info'> = {
  succeeded: 'ok',
  failed: 'danger',
  partial: 'warn',
  cancelled: 'neutral',
  interrupted: 'warn',
  running: 'info',
  queued: 'neutral',
};

export function JobsView(): ReactElement {
  const { jobs, jobLoaded } = useStore(useShallow((s) => ({ jobs: s.jobs, jobLoaded: s.jobLoaded })));
  const [list, setList] = useState<Job[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    void call('jobs.list', { limit: 100 }).then((l) => {
      setList(l);
      // show the latest job's results without a click
      setOpen((o) => o ?? l[0]?.id ?? null);
    });
  }, [jobs]);

  useEffect(() => {
    if (open && !jobs[open]) void call('jobs.get', { jobId: open }).then(jobLoaded);
  }, [open, jobs, jobLoaded]);

  const detail = open ? jobs[open] : undefined;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h2>Jobs</h2>
          <p>Long operations run tenant by tenant; each can be cancelled between tenants, and its outcome stays here.</p>
        </div>
      </div>
      {!list ? (
        <EmptyState title="Loading jobs…">
          <Spinner />
        </EmptyState>
      ) : list.length === 0 ? (
        <EmptyState title="No jobs yet">Select cells in the matrix and install, upgrade or uninstall to start one.</EmptyState>
      ) : (
        <div className="grid-2" style={{ gridTemplateColumns: detail ? 'minmax(0, 1.5fr) minmax(0, 1fr)' : '1fr', alignItems: 'start' }}>
          <div className="table-wrap">
            <table className="data" aria-label="Jobs">
              <thead>
                <tr>
                  <th>Job</th>
                  <th>State</th>
                  <th className="num">Progress</th>
                  <th>Started</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.map((j) => {
                  const live = jobs[j.id] ?? j;
                  return (
                    <tr key={j.id} style={open === j.id ? { background: 'var(--selection)' } : undefined}>
                      <td>
                        <button
                          type="button"
                          className="btn ghost sm"
                          style={{ paddingLeft: 0, fontWeight: 600, color: 'var(--text)' }}
                          onClick={() => setOpen(j.id)}
                        >
                          {live.title}
                        </button>
                      </td>
                      <td>
                        <Badge tone={TONE[live.state] ?? 'neutral'}>{live.state}</Badge>
                      </td>
                      <td className="num">
                        <div style={{ display: 'flex', alignItems: 'center', gap: 8, justifyContent: 'flex-end', whiteSpace: 'nowrap' }}>
                          <div className="progress" style={{ width: 64 }} aria-hidden="true">
                            <span style={{ width: `${live.total ? (live.done / live.total) * 100 : 0}%` }} />
                          </div>
                          {live.done} / {live.total}
                        </div>
                      </td>
                      <td className="muted" style={{ whiteSpace: 'nowrap' }} title={formatDateTime(live.startedAt ?? live.createdAt)}>
                        {formatTime(live.startedAt ?? live.createdAt)}
                      </td>
                      <td>
                        {live.state === 'running' || live.state === 'queued' ? (
                          <button
                            type="button"
                            className="btn sm danger"
                            disabled={live.cancelRequested}
                            onClick={() => void call('jobs.cancel', { jobId: j.id })}
                          >
                            {live.cancelRequested ? 'Cancelling…' : 'Cancel'}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {detail ? (
            <section className="card" aria-labelledby="job-detail-title">
              <div className="card-header">
                <h3 id="job-detail-title">{detail.title}</h3>
                <span className="right">
                  <Badge tone={TONE[detail.state] ?? 'neutral'}>{detail.state}</Badge>
                </span>
              </div>
              <div className="card-body" style={{ display: 'flex', flexDirection: 'column', gap: 'var(--space-4)' }}>
                <div
                  className="progress"
                  role="progressbar"
                  aria-label="Job progress"
                  aria-valuemin={0}
                  aria-valuemax={detail.total}
                  aria-valuenow={detail.done}
                >
                  <span style={{ width: `${detail.total ? (detail.done / detail.total) * 100 : 0}%` }} />
                </div>
                <ul className="plan-list" aria-label="Results per tenant">
                  {detail.items.map((it) => (
                    <li key={it.idx}>
                      <div className="tenant">{it.tenantId}</div>
                      <div className="details">
                        <div className="line">{it.label}</div>
                        {it.message ? <div className="line muted">{it.message}</div> : null}
                      </div>
                      <Badge tone={it.state === 'succeeded' ? 'ok' : it.state === 'failed' ? 'danger' : 'neutral'}>{it.state}</Badge>
                    </li>
                  ))}
                </ul>
              </div>
            </section>
          ) : null}
        </div>
      )}
    </div>
  );
}
