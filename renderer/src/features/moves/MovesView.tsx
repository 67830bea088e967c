// The tenant move wizard: choose the tenants and a destination; the pre-check (changes nothing) side by side:
// application versions, each installed extension against the destination's catalog, the tenant id, the size;
// the ways out (publish the missing packages from the source's catalog, or uninstall them first keeping their
// data archived); then the move as a job with its steps (dismount, transfer with bytes and speed, verify, mount,
// verify) and the result, with the tenant read back from the source when a move failed. The pre-check saves as
// a self-contained HTML report, or prints (to PDF). Either side may be a local folder or a remote server.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobTarget, MovePrecheck, MovePrecheckTenant } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { download } from '../../components/download.js';
import { Icon } from '../../components/icons.js';
import { isRunning, useJob, JobCard, CancelJobButton } from '../../components/JobProgress.js';
import { Badge, EmptyState, Spinner, StatePill } from '../../components/status.js';
import { Stepper } from '../../components/Stepper.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { call, errorText } from '../../lib/api.js';
import { formatBytes, formatDateTime, plural } from '../../lib/format.js';
import { toggled } from '../../lib/sets.js';
import { useOnce } from '../../lib/use-once.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { PlanDialog } from '../matrix/PlanDialog.js';

const STEPS = ['Choose tenants', 'Pre-check', 'Move', 'Result'];
const STATUS_TONE = { present: 'ok', missing: 'danger', 'other-version': 'warn' } as const;

function SideBySide({ p, t }: { p: MovePrecheck; t: MovePrecheckTenant }): ReactElement {
  const r = t.report!;
  const row = (label: string, source: ReactElement | string, dest: ReactElement | string, ok: boolean | null, result?: ReactElement): ReactElement => (
    <tr key={label}>
      <th scope="row">{label}</th>
      <td>{source}</td>
      <td>{dest}</td>
      <td>{result ?? (ok === null ? null : ok ? <Badge tone="ok">ok</Badge> : <Badge tone="danger">problem</Badge>)}</td>
    </tr>
  );
  return (
    <div className="side-by-side">
      <table className="data compare" aria-label={`Pre-check of ${t.tenantId}`}>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Source · {p.source.name}</th>
            <th scope="col">Destination · {p.destination.name}</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {row('Application', r.application.source, r.application.destination, r.application.same)}
          {row('Tenant id', <span className="mono">{t.tenantId}</span>, r.tenantIdFree ? 'free' : 'already used', r.tenantIdFree)}
          {row('State', <StatePill state={t.state ?? 'unknown'} />, '—', t.state === 'operational' || t.state === 'dismounted')}
          {row('Size to transfer', formatBytes(t.sizeBytes), '—', null)}
          {row('Companies', t.companies.join(', ') || '—', '—', null)}
          {r.apps.length === 0 ? row('Extensions', 'none installed', '—', true) : null}
          {r.apps.map((a) => (
            <tr key={a.id} data-testid="precheck-app" data-app={a.name} data-status={a.status}>
              <th scope="row">
                {a.name} <span className="muted">· {a.publisher}</span>
              </th>
              <td className="mono">{a.version}</td>
              <td className="mono">{a.destinationVersions.join(', ') || 'not published'}</td>
              <td>
                <Badge tone={STATUS_TONE[a.status]}>{a.status}</Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MovesView({
  initialSourceId,
  initialTenantIds,
}: {
  initialSourceId?: string | undefined;
  initialTenantIds?: string[] | undefined;
}): ReactElement {
  const { fleet, connections, navigated, toastShown, fleetRequested } = useStore(
    useShallow((s) => ({ fleet: s.fleet, connections: s.connections, navigated: s.navigated, toastShown: s.toastShown, fleetRequested: s.fleetRequested })),
  );
  const deployments = useMemo(() => fleet?.deployments ?? [], [fleet]);
  const [sourceId, setSourceId] = useState<string>(initialSourceId ?? '');
  const [destinationId, setDestinationId] = useState<string>('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(initialTenantIds ?? []));
  const [search, setSearch] = useState('');
  const [step, setStep] = useState(0);
  const [pre, setPre] = useState<MovePrecheck | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uninstallFirst, setUninstallFirst] = useState<JobTarget[] | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);

  useEffect(() => {
    if (!sourceId && deployments[0]) setSourceId(deployments[0].connectionId);
  }, [sourceId, deployments]);
  // never preselected: the administrator chooses where tenants go (a remote added later must not become the default)
  useEffect(() => {
    if (destinationId && destinationId === sourceId) setDestinationId('');
  }, [sourceId, destinationId]);
  useEffect(() => {
    if (job && !isRunning(job) && step === 2) {
      setStep(3);
      void fleetRequested();
    }
  }, [job, step, fleetRequested]);

  const source = deployments.find((d) => d.connectionId === sourceId);
  const destination = deployments.find((d) => d.connectionId === destinationId);
  const tenants = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (source?.tenants ?? []).filter((t) => !q || t.tenantId.includes(q) || t.companies.some((c) => c.toLowerCase().includes(q)));
  }, [source, search]);
  const installedCount = (key: string): number => source?.cells.filter((c) => c.tenantKey === key && c.installed).length ?? 0;
  const request = { sourceId, destinationId, tenantIds: [...chosen] };
  const kindOf = (id: string): string => connections.find((c) => c.id === id)?.kind ?? 'local';

  /** the pre-check of the chosen tenants, or of `only` (the tenants a cancelled move did not start) */
  const runPrecheck = async (only?: string[]): Promise<void> => {
    setBusy('precheck');
    setError(null);
    try {
      setPre(await call('moves.precheck', only ? { ...request, tenantIds: only } : request));
      if (only) {
        setChosen(new Set(only));
        setJobId(null);
      }
      setStep(1);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  const publishMissing = async (): Promise<void> => {
    if (!pre) return;
    const apps = new Map<string, { id: string; version: string }>();
    for (const t of pre.tenants) for (const a of t.publishable) if (a.available) apps.set(`${a.id}@${a.version}`, { id: a.id, version: a.version });
    setBusy('publish');
    setError(null);
    try {
      const out = await call('packages.copy', { fromId: sourceId, toId: destinationId, apps: [...apps.values()] });
      const failed = out.results.filter((r) => r.status === 'failed');
      if (failed.length) setError(failed.map((f) => `${f.name} ${f.version}: ${f.error?.message ?? 'failed'}`).join('; '));
      else toastShown('ok', `Published ${out.results.map((r) => `${r.name} ${r.version}`).join(', ')} on ${pre.destination.name}`);
      setPre(await call('moves.precheck', request));
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  const saveReport = async (): Promise<void> => {
    setBusy('report');
    try {
      const out = await call('moves.report', request);
      download(out.fileName, out.mimeType, out.content);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };

  // started once, after the final confirmation: a double click never starts a second move job
  const [start] = useOnce(async (): Promise<void> => {
    setConfirming(false);
    setBusy('start');
    setError(null);
    try {
      const { jobId: id } = await call('moves.start', request);
      setJobId(id);
      setStep(2);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  });

  const reset = (): void => {
    setStep(0);
    setPre(null);
    setJobId(null);
    setChosen(new Set());
    setError(null);
  };

  const tenantColumns: Column<(typeof tenants)[number]>[] = [
    {
      key: 'pick',
      header: <span className="visually-hidden">Chosen</span>,
      width: '40px',
      minWidth: 40,
      render: (t) => (
        <span className={`fake-check${chosen.has(t.tenantId) ? ' on' : ''}`} aria-hidden="true">
          {chosen.has(t.tenantId) ? <Icon name="check" size={12} /> : null}
        </span>
      ),
    },
    { key: 'tenant', header: 'Tenant', width: 'minmax(160px, 1fr)', minWidth: 160, render: (t) => <strong>{t.tenantId}</strong> },
    { key: 'state', header: 'State', width: '150px', minWidth: 150, render: (t) => <StatePill state={t.state} /> },
    { key: 'apps', header: 'Extensions', width: '96px', minWidth: 96, align: 'right', render: (t) => installedCount(t.key) },
    {
      key: 'companies',
      header: 'Companies',
      width: 'minmax(160px, 1.4fr)',
      minWidth: 160,
      render: (t) => <span className="muted">{t.companies.join(', ')}</span>,
      title: (t) => t.companies.join(', '),
    },
  ];

  const absentTargets: JobTarget[] = pre
    ? pre.tenants.flatMap((t) =>
        (t.report?.apps ?? []).filter((a) => a.status !== 'present').map((a) => ({ connectionId: pre.source.connectionId, tenantId: t.tenantId, appId: a.id })),
      )
    : [];
  const publishable = pre ? pre.tenants.flatMap((t) => t.publishable) : [];
  const canPublish = publishable.length > 0 && publishable.every((a) => a.available);
  const movedOk = job && job.state === 'succeeded';
  const moved = job?.items.filter((i) => i.state === 'succeeded') ?? [];
  const failedMoves = job?.items.filter((i) => i.state === 'failed') ?? [];
  const notStarted = job?.items.filter((i) => i.state === 'cancelled' || i.state === 'pending') ?? [];

  return (
    <div className="page wizard">
      <div className="page-header">
        <div>
          <h2>Move tenants</h2>
          <p>Between two connected deployments. The pre-check changes nothing; a move that fails is undone and the tenant is read back on the source.</p>
        </div>
      </div>
      <Stepper steps={STEPS} current={step} label="Move wizard steps" />
      {error ? (
        <div className="error-box" role="alert" style={{ margin: 'var(--space-4) 0' }}>
          <strong>Could not do that.</strong> {error}
        </div>
      ) : null}

      {step === 0 ? (
        deployments.length < 2 ? (
          <EmptyState
            title="Two deployments are needed"
            action={
              <button type="button" className="btn primary" onClick={() => navigated({ name: 'connections' })}>
                Add a connection
              </button>
            }
          >
            Connect the deployment the tenants move to.
          </EmptyState>
        ) : (
          <div className="wizard-body">
            <div className="grid-2 choose">
              <section className="card" aria-labelledby="move-source">
                <div className="card-header">
                  <h3 id="move-source">From</h3>
                  <span className="right">
                    <select
                      className="select"
                      aria-label="Source deployment"
                      value={sourceId}
                      onChange={(e) => {
                        setSourceId(e.target.value);
                        setChosen(new Set());
                      }}
                    >
                      {deployments.map((d) => (
                        <option key={d.connectionId} value={d.connectionId} disabled={!d.live}>
                          {d.name}
                          {d.live ? '' : ' (offline)'}
                        </option>
                      ))}
                    </select>
                  </span>
                </div>
                <div className="card-body stack">
                  <div className="filters">
                    <div className="search">
                      <Icon name="search" />
                      <input
                        className="input"
                        type="search"
                        placeholder="Find a tenant or company…"
                        aria-label="Find a tenant to move"
                        value={search}
                        onChange={(e) => setSearch(e.target.value)}
                      />
                    </div>
                    <span className="muted">{plural(chosen.size, 'tenant')} chosen · Space or click to choose</span>
                  </div>
                  <VirtualTable
                    label="Tenants to move"
                    columns={tenantColumns}
                    count={tenants.length}
                    getRow={(i) => tenants[i]}
                    rowKey={(t, i) => t?.key ?? String(i)}
                    height={Math.min(Math.max(tenants.length, 1), 9) * 34}
                    onActivate={(i) => {
                      const t = tenants[i];
                      if (!t) return;
                      setChosen(toggled(chosen, t.tenantId));
                    }}
                    isSelected={(t) => chosen.has(t.tenantId)}
                    rowTestId="move-tenant"
                    rowData={(t) => ({ tenant: t.tenantId })}
                  />
                </div>
              </section>
              <section className="card" aria-labelledby="move-destination">
                <div className="card-header">
                  <h3 id="move-destination">To</h3>
                  <span className="right">
                    <select className="select" aria-label="Destination deployment" value={destinationId} onChange={(e) => setDestinationId(e.target.value)}>
                      <option value="" disabled>
                        Choose the destination…
                      </option>
                      {deployments
                        .filter((d) => d.connectionId !== sourceId)
                        .map((d) => (
                          <option key={d.connectionId} value={d.connectionId} disabled={!d.live}>
                            {d.name}
                            {d.live ? '' : ' (offline)'}
                          </option>
                        ))}
                    </select>
                  </span>
                </div>
                <div className="card-body stack">
                  {!destination ? (
                    <p className="muted" data-testid="destination-unset">
                      Choose the deployment the tenants move to.
                    </p>
                  ) : null}
                  {destination ? (
                    <dl className="kv">
                      <dt>Kind</dt>
                      <dd>{kindOf(destination.connectionId)} deployment</dd>
                      <dt>Application</dt>
                      <dd>{destination.application ? `${destination.application.name} ${destination.application.version}` : '—'}</dd>
                      <dt>Tenants</dt>
                      <dd>{destination.tenants.length}</dd>
                      <dt>Extensions published</dt>
                      <dd>{destination.published.length}</dd>
                    </dl>
                  ) : null}
                  <div className="info-box">
                    {kindOf(sourceId) === 'remote' || kindOf(destinationId) === 'remote' ? (
                      <>
                        <strong>What happens.</strong> Each tenant is dismounted on {source?.name ?? 'the source'}, its database travels with a SHA-256 checksum
                        and is verified and kept dismounted on {destination?.name ?? 'the destination'}; then {source?.name ?? 'the source'} lets it go, and it
                        is mounted and verified on {destination?.name ?? 'the destination'}. Until {source?.name ?? 'the source'} lets it go, any failure mounts
                        it back there as it was.
                      </>
                    ) : (
                      <>
                        <strong>What happens.</strong> Each tenant is dismounted on {source?.name ?? 'the source'}, its database travels with a SHA-256
                        checksum, is verified and mounted on {destination?.name ?? 'the destination'}, verified again, and only then removed from{' '}
                        {source?.name ?? 'the source'}. Until then, any failure mounts it back as it was.
                      </>
                    )}
                  </div>
                  {chosen.size > 0 ? (
                    <div className="chosen-list" aria-label="Chosen tenants">
                      {[...chosen].map((t) => (
                        <span key={t} className="chip">
                          {t}
                        </span>
                      ))}
                    </div>
                  ) : null}
                </div>
              </section>
            </div>
            <div className="wizard-foot">
              <span className="muted">The pre-check reads both deployments and changes nothing.</span>
              <span className="spacer" />
              <button type="button" className="btn primary" disabled={chosen.size === 0 || !destination || busy !== null} onClick={() => void runPrecheck()}>
                {busy === 'precheck' ? <Spinner label="Checking" /> : <Icon name="shield" />} Run the pre-check
              </button>
            </div>
          </div>
        )
      ) : null}

      {step === 1 && pre ? (
        <div className="wizard-body printable" data-testid="move-precheck">
          <div className={pre.ok ? 'ok-box' : 'error-box'} role="status" data-testid="precheck-verdict">
            <strong>
              {pre.ok
                ? `Ready: ${plural(pre.tenants.length, 'tenant')} can move to ${pre.destination.name}.`
                : pre.supported
                  ? 'Not ready yet.'
                  : 'This move cannot run from this console.'}
            </strong>{' '}
            {pre.ok
              ? `Checked ${formatDateTime(pre.at)}; nothing was changed.`
              : pre.supported
                ? 'See the problems and the ways out below.'
                : pre.unsupportedReason}
          </div>
          <div className="grid-2 sides">
            {[
              ['Source', pre.source],
              ['Destination', pre.destination],
            ].map(([label, d]) => {
              const side = d as MovePrecheck['source'];
              return (
                <div key={label as string} className="stat side">
                  <div className="label">{label as string}</div>
                  <div className="value" style={{ fontSize: 'var(--text-xl)' }}>
                    {side.name}
                  </div>
                  <div className="hint">
                    {side.application ? `${side.application.name} ${side.application.version}` : '—'} · {plural(side.catalogSize, 'published version')} ·{' '}
                    {plural(side.tenantCount, 'tenant')}
                  </div>
                </div>
              );
            })}
          </div>
          {absentTargets.length > 0 && pre.supported ? (
            <section className="card ways-card" aria-labelledby="ways-title" data-testid="ways-out">
              <div className="card-header">
                <h3 id="ways-title">Ways out</h3>
                <span className="sub">
                  {[...new Set(publishable.map((a) => `${a.name} ${a.version}`))].join(', ')} {publishable.length === 1 ? 'is' : 'are'} not on{' '}
                  {pre.destination.name} at the installed version
                </span>
              </div>
              <div className="card-body ways-out">
                <div className="way">
                  <strong>Publish the missing packages</strong>
                  <span className="muted">
                    Copy them from the catalog of {pre.source.name} to {pre.destination.name} (same bytes, checked by SHA-256), then check again. The tenants
                    keep every extension.
                  </span>
                  <span className="way-action">
                    <button type="button" className="btn primary" disabled={!canPublish || busy !== null} onClick={() => void publishMissing()}>
                      {busy === 'publish' ? <Spinner label="Publishing" /> : <Icon name="install" />} Publish{' '}
                      {plural(new Set(publishable.map((a) => `${a.id}@${a.version}`)).size, 'missing package')} on {pre.destination.name}
                    </button>
                  </span>
                  {!canPublish ? <span className="fail-text small">{pre.source.name}&apos;s catalog does not hold every missing version.</span> : null}
                </div>
                <div className="way">
                  <strong>Or uninstall them first</strong>
                  <span className="muted">
                    Uninstall them on {pre.source.name} before the move
                    {pre.tenants.some((t) => t.dependents.length > 0)
                      ? `, with what depends on them (${[...new Set(pre.tenants.flatMap((t) => t.dependents.map((d) => d.name)))].join(', ')})`
                      : ''}
                    . Their data stays archived in the tenant until they are installed again.
                  </span>
                  <span className="way-action">
                    <button type="button" className="btn danger" disabled={busy !== null} onClick={() => setUninstallFirst(absentTargets)}>
                      <Icon name="trash" /> Uninstall first…
                    </button>
                  </span>
                </div>
              </div>
            </section>
          ) : null}
          {pre.tenants.map((t) => (
            <section
              key={t.tenantId}
              className="card"
              aria-labelledby={`pre-${t.tenantId}`}
              data-testid="precheck-tenant"
              data-tenant={t.tenantId}
              data-ok={String(t.report?.ok ?? false)}
            >
              <div className="card-header">
                <h3 id={`pre-${t.tenantId}`}>{t.tenantId}</h3>
                <span className="right">
                  {t.report?.ok ? (
                    <Badge tone="ok">ready</Badge>
                  ) : (
                    <Badge tone="danger">{t.report ? plural(t.report.problems.length, 'problem') : 'not checked'}</Badge>
                  )}
                </span>
              </div>
              <div className="card-body stack">
                {t.report ? <SideBySide p={pre} t={t} /> : <div className="error-box">{t.error?.message}</div>}
                {t.report && t.report.problems.length > 0 ? (
                  <ul className="problems" aria-label={`Problems of ${t.tenantId}`}>
                    {t.report.problems.map((p) => (
                      <li key={p}>
                        <Icon name="alert" size={14} /> {p}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </section>
          ))}
          <div className="wizard-foot no-print">
            <button type="button" className="btn" onClick={() => setStep(0)}>
              <Icon name="arrowLeft" /> Back
            </button>
            <button type="button" className="btn" onClick={() => void saveReport()} disabled={busy !== null}>
              <Icon name="download" /> Save report (HTML)
            </button>
            <button type="button" className="btn" onClick={() => window.print()}>
              <Icon name="print" /> Print or save as PDF
            </button>
            <span className="spacer" />
            <button type="button" className="btn" onClick={() => void runPrecheck()} disabled={busy !== null}>
              <Icon name="refresh" /> Check again
            </button>
            <button type="button" className="btn primary" disabled={!pre.ok || busy !== null} onClick={() => setConfirming(true)}>
              <Icon name="move" /> Move {plural(pre.tenants.length, 'tenant')}
            </button>
          </div>
        </div>
      ) : null}

      {step >= 2 && job ? (
        <div className="wizard-body" data-testid="move-run">
          {step === 3 ? (
            job.state === 'cancelled' ? (
              <div className="warn-box" role="status" data-testid="move-result">
                <strong>Cancelled.</strong> {plural(moved.length, 'tenant')} moved to {destination?.name ?? 'the destination'}
                {failedMoves.length > 0 ? `, ${plural(failedMoves.length, 'move')} failed` : ''}; {plural(notStarted.length, 'tenant')} not started, still on{' '}
                {source?.name ?? 'the source'} as they were.
              </div>
            ) : movedOk ? (
              <div className="ok-box" role="status" data-testid="move-result">
                <strong>Moved.</strong> {plural(job.items.length, 'tenant')} now on {destination?.name ?? 'the destination'}, verified there, and removed from{' '}
                {source?.name ?? 'the source'}.
              </div>
            ) : (
              <div className="error-box" role="alert" data-testid="move-result">
                <strong>{job.items.some((i) => i.state === 'succeeded') ? 'Some moves failed.' : 'The move failed.'}</strong>{' '}
                {/* say "mounted back" only when the read-back proved it (the source may be the side that went away) */}
                {job.items.some((i) => i.state === 'failed' && i.proof && !i.proof.ok)
                  ? `${source?.name ?? 'The source'} could not confirm that every tenant whose move failed is back as it was: see what was read back below.`
                  : `A tenant whose move failed was mounted back on ${source?.name ?? 'the source'}: see what was read back from it below.`}
              </div>
            )
          ) : null}
          <JobCard job={job} titleId="move-job-title" tenantLabel={(cid) => deployments.find((d) => d.connectionId === cid)?.name ?? cid} />
          <div className="wizard-foot">
            {isRunning(job) ? (
              <CancelJobButton job={job} label="Cancel after this tenant" />
            ) : (
              <>
                {movedOk && job.items[0] && destination ? (
                  <button
                    type="button"
                    className="btn"
                    onClick={() => navigated({ name: 'tenant', connectionId: destination.connectionId, tenantId: job.items[0]!.tenantId })}
                  >
                    <Icon name="open" /> Open {job.items[0].tenantId} on {destination.name}
                  </button>
                ) : null}
                <span className="spacer" />
                {job.state === 'cancelled' && notStarted.length > 0 ? (
                  <button type="button" className="btn" disabled={busy !== null} onClick={() => void runPrecheck(notStarted.map((i) => i.tenantId))}>
                    <Icon name="move" /> Resume: check the {plural(notStarted.length, 'tenant')} not started
                  </button>
                ) : null}
                <button type="button" className="btn primary" onClick={reset}>
                  Start another move
                </button>
              </>
            )}
          </div>
        </div>
      ) : null}

      {confirming && pre ? (
        <ConfirmDialog
          title={`Move ${plural(pre.tenants.length, 'tenant')} from ${pre.source.name} to ${pre.destination.name}?`}
          confirmLabel={`Move ${plural(pre.tenants.length, 'tenant')} to ${pre.destination.name}`}
          onConfirm={() => void start()}
          onCancel={() => setConfirming(false)}
        >
          <dl className="kv" data-testid="move-confirm">
            <dt>From</dt>
            <dd>{pre.source.name}</dd>
            <dt>To</dt>
            <dd>{pre.destination.name}</dd>
            <dt>Tenants</dt>
            <dd>{pre.tenants.map((t) => t.tenantId).join(', ')}</dd>
          </dl>
          <p style={{ margin: 0 }}>
            Each tenant is dismounted on {pre.source.name} while it moves; its users cannot work in it until it is mounted on {pre.destination.name}.
          </p>
        </ConfirmDialog>
      ) : null}
      {uninstallFirst ? (
        <PlanDialog
          action="uninstall"
          targets={uninstallFirst}
          tenantLabel={(cid) => deployments.find((d) => d.connectionId === cid)?.name ?? cid}
          onClose={(ran) => {
            setUninstallFirst(null);
            if (ran) void runPrecheck();
          }}
        />
      ) : null}
    </div>
  );
}
