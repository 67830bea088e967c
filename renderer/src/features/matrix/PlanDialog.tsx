// The confirmation for a matrix action: first the plan (dependencies added, dependents removed, rows archived,
// cells skipped and why), then, once confirmed, per-tenant progress and results on the screen the wizards share.
import * as Dialog from '@radix-ui/react-dialog';
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { JobAction, JobPlan, JobTarget, PlanItem } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { JobProgress, CancelJobButton } from '../../components/JobProgress.js';
import { Badge, Spinner } from '../../components/status.js';
import { ApiError, call } from '../../lib/api.js';
import { formatNumber, plural } from '../../lib/format.js';
import { useOnce } from '../../lib/use-once.js';

const VERB: Record<JobAction, string> = { install: 'Install', upgrade: 'Upgrade', uninstall: 'Uninstall' };

interface Props {
  action: JobAction;
  targets: JobTarget[];
  tenantLabel(connectionId: string, tenantId: string): string;
  onClose(ran: boolean): void;
  /** Where the focus goes when the dialog closes after its job ran: its opener (the selection bar) is gone by then. */
  focusAfterRun?: () => HTMLElement | null | undefined;
}

function PlanLine({ item, label }: { item: PlanItem; label: string }): ReactElement {
  const rows = item.archive.reduce((n, a) => n + a.rows, 0);
  return (
    <li data-testid="plan-item" data-tenant={item.tenantId}>
      <div className="tenant">
        {item.tenantId}
        <small>{label}</small>
      </div>
      <div className="details">
        <div className="line">
          <strong>{item.appName}</strong>
          {item.action === 'install' ? <span className="muted">{item.toVersion}</span> : null}
          {item.action === 'upgrade' ? (
            <span className="muted">
              {item.fromVersion} → {item.toVersion}
            </span>
          ) : null}
          {item.action === 'uninstall' ? <span className="muted">{item.fromVersion}</span> : null}
        </div>
        {item.addDependencies.length > 0 ? (
          <div className="line">
            <Badge tone="info">+ dependencies</Badge>
            {item.addDependencies.map((d) => `${d.name} ${d.version}`).join(', ')}
          </div>
        ) : null}
        {item.removeDependents.length > 0 ? (
          <div className="line">
            <Badge tone="warn">− dependents</Badge>
            {item.removeDependents.map((d) => `${d.name} ${d.version}`).join(', ')}
          </div>
        ) : null}
        {item.restores.length > 0 ? (
          <div className="line">
            <Badge tone="archive">restores</Badge>
            {item.restores.join('; ')}
          </div>
        ) : null}
        {item.archive.length > 0 ? (
          <div className="line">
            <Badge tone="archive">archives {formatNumber(rows)} rows</Badge>
            <span className="muted">{item.archive.map((a) => `${a.table} (${a.company}): ${formatNumber(a.rows)}`).join(' · ')}</span>
          </div>
        ) : null}
        {item.action === 'skip' ? <div className="line muted">{item.reason}</div> : null}
      </div>
      <div>{item.action === 'skip' ? <Badge tone="neutral">skipped</Badge> : <Badge tone="ok">{item.action}</Badge>}</div>
    </li>
  );
}

export function PlanDialog({ action, targets, tenantLabel, onClose, focusAfterRun }: Props): ReactElement {
  const [plan, setPlan] = useState<JobPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [withDeps, setWithDeps] = useState(true);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const jobLoaded = useStore((s) => s.jobLoaded);

  const load = useCallback(async () => {
    setPlan(null);
    setError(null);
    try {
      setPlan(await call('jobs.plan', { action, targets, installDependencies: withDeps, uninstallDependents: withDeps }));
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    }
  }, [action, targets, withDeps]);

  useEffect(() => {
    void load();
  }, [load]);

  // started once: a double click (or Enter held) must not start a second job
  const [run, starting] = useOnce(async (): Promise<void> => {
    if (!plan || jobId) return;
    const runnable = targets.filter((t) =>
      plan.items.some((i) => i.action !== 'skip' && i.tenantId === t.tenantId && i.connectionId === t.connectionId && i.appId === t.appId),
    );
    try {
      const { jobId: id } = await call('jobs.start', { action, targets: runnable, installDependencies: withDeps, uninstallDependents: withDeps });
      setJobId(id);
      jobLoaded(await call('jobs.get', { jobId: id }));
    } catch (e) {
      setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    }
  });

  const running = job && (job.state === 'running' || job.state === 'queued');
  const finished = job && !running;
  const verb = VERB[action];
  const skipped = plan ? plan.items.length - plan.runnable : 0;
  const deps = plan ? new Set(plan.items.flatMap((i) => i.addDependencies.map((d) => d.name))).size : 0;
  const dependents = plan ? new Set(plan.items.flatMap((i) => i.removeDependents.map((d) => d.name))).size : 0;

  return (
    <Dialog.Root open onOpenChange={(open) => !open && !running && onClose(Boolean(jobId))}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog"
          aria-describedby="plan-desc"
          onCloseAutoFocus={(e) => {
            const target = jobId ? focusAfterRun?.() : null;
            if (!target) return;
            e.preventDefault();
            target.focus();
          }}
        >
          <div className="dialog-head">
            <Dialog.Title>{job ? job.title : `${verb}: review the plan`}</Dialog.Title>
            <Dialog.Description id="plan-desc">
              {job
                ? running
                  ? `Working tenant by tenant: ${job.done} of ${job.total} done.`
                  : `Finished: ${job.state}. ${job.done} of ${job.total} processed.`
                : `Nothing runs until you confirm. ${plural(targets.length, 'selected cell')}.`}
            </Dialog.Description>
          </div>
          <div className="dialog-body">
            {error ? (
              <div className="error-box" role="alert">
                <strong>Could not {job ? 'run' : 'plan'} this.</strong> {error}
              </div>
            ) : null}
            {!job && !plan && !error ? (
              <div className="empty">
                <Spinner label="Computing the plan" />
                Computing the plan…
              </div>
            ) : null}
            {!job && plan ? (
              <>
                <div className="plan-summary">
                  <div className="stat">
                    <div className="label">Will {action}</div>
                    <div className="value">{plan.runnable}</div>
                  </div>
                  <div className="stat">
                    <div className="label">{action === 'uninstall' ? 'Dependents removed' : 'Dependencies added'}</div>
                    <div className="value">{action === 'uninstall' ? dependents : deps}</div>
                  </div>
                  <div className="stat">
                    <div className="label">Rows archived</div>
                    <div className="value">{formatNumber(plan.archivedRows)}</div>
                  </div>
                  <div className="stat">
                    <div className="label">Skipped</div>
                    <div className="value">{skipped}</div>
                  </div>
                </div>
                {action !== 'upgrade' ? (
                  <label className="check">
                    <input type="checkbox" checked={withDeps} onChange={(e) => setWithDeps(e.target.checked)} />
                    {action === 'install' ? 'Install missing dependencies first' : 'Also uninstall installed dependents (their data is archived too)'}
                  </label>
                ) : null}
                {action === 'uninstall' && plan.archivedRows > 0 ? (
                  <div className="ok-box">
                    <strong>Data is kept.</strong> {formatNumber(plan.archivedRows)} rows move to each tenant&apos;s data archive and come back when the
                    extension is installed again.
                  </div>
                ) : null}
                <ul className="plan-list" aria-label="Plan per tenant">
                  {plan.items.map((i) => (
                    <PlanLine key={`${i.connectionId}/${i.tenantId}/${i.appId}`} item={i} label={tenantLabel(i.connectionId, i.tenantId)} />
                  ))}
                </ul>
              </>
            ) : null}
            {job ? <JobProgress job={job} tenantLabel={(cid) => tenantLabel(cid, '')} /> : null}
          </div>
          <div className="dialog-foot">
            {job ? (
              <>
                <span className="muted">{finished ? 'The matrix refreshes when you close this.' : 'Cancelling stops before the next tenant.'}</span>
                <span className="spacer" />
                {running ? (
                  <CancelJobButton job={job} label="Cancel job" />
                ) : (
                  <button type="button" className="btn primary" onClick={() => onClose(true)}>
                    Done
                  </button>
                )}
              </>
            ) : (
              <>
                <span className="muted">Each tenant runs in its own transaction: it ends wholly done or wholly unchanged.</span>
                <span className="spacer" />
                <Dialog.Close asChild>
                  <button type="button" className="btn">
                    Cancel
                  </button>
                </Dialog.Close>
                <button
                  type="button"
                  className={`btn primary${action === 'uninstall' ? ' danger solid' : ''}`}
                  onClick={() => void run()}
                  disabled={!plan || plan.runnable === 0 || starting}
                  aria-busy={starting}
                >
                  <Icon name={action === 'uninstall' ? 'trash' : action === 'upgrade' ? 'upgrade' : 'install'} />
                  {verb} on {plural(plan?.runnable ?? 0, 'tenant')}
                </button>
              </>
            )}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
