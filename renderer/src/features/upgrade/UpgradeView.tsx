// The upgrade wizard: choose an extension and a target version; the tenants on older versions are listed,
// filterable and selectable. The plan shows the dependency changes, the schema changes between the versions
// (tables and fields added, removed, changed), the rows a destructive change would lose (add sync then blocks the
// tenant), and the upgrade steps that will run. Force sync also runs the tenants blocked only by such a change:
// it shows per tenant exactly which fields and tables go and how many rows are archived, and runs only once that
// is acknowledged (a checkbox and the row count typed). Run now, or in waves (a first ring, then the rest,
// stopping at the first failure); per-tenant progress and results, and for a failed tenant what was read back.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { UpgradePlan, UpgradePlanTenant, UpgradeTarget } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { isRunning, useJob, JobCard, CancelJobButton } from '../../components/JobProgress.js';
import { Badge, EmptyState, Owner, Spinner, StatePill } from '../../components/status.js';
import { Stepper } from '../../components/Stepper.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { call, errorText } from '../../lib/api.js';
import { compareVersions, formatNumber, plural } from '../../lib/format.js';
import { toggled } from '../../lib/sets.js';
import { ForceSyncPanel, rowsOf, typedCount } from './ForceSyncPanel.js';
import './upgrade.css';

const STEPS = ['Extension and tenants', 'Plan', 'Upgrade', 'Result'];
const keyOf = (t: UpgradeTarget): string => `${t.connectionId}/${t.tenantId}`;

interface Candidate {
  key: string;
  connectionId: string;
  deployment: string;
  tenantId: string;
  installed: string | null;
  archived: string | null;
  state: string;
}

function TenantPlanLine({ t, ring, version, forced }: { t: UpgradePlanTenant; ring: boolean; version: string; forced: boolean }): ReactElement {
  const lost = rowsOf(t);
  return (
    <li data-testid="upgrade-plan-item" data-tenant={t.tenantId} data-action={t.action} data-forced={forced ? 'true' : undefined}>
      <div className="tenant">
        {t.tenantId}
        <small>
          {t.connectionName}
          {ring ? ' · first ring' : ''}
        </small>
      </div>
      <div className="details">
        <div className="line">
          <span className="mono">{t.fromVersion ?? 'not installed'}</span>
          {t.action !== 'skip' ? (
            <>
              {' '}
              → <span className="mono">{version}</span>
            </>
          ) : null}
          {t.restores ? <Badge tone="archive">restores archived data</Badge> : null}
        </div>
        {t.reason ? <div className={`line ${t.action === 'blocked' && !forced ? 'fail-text' : 'muted'}`}>{t.reason}</div> : null}
        {t.rowsLost.length > 0 ? (
          <div className="line">
            <Badge tone={forced ? 'archive' : 'danger'}>
              {forced ? `archives ${formatNumber(lost)} rows with a value` : `loses ${formatNumber(lost)} rows`}
            </Badge>
            <span className="muted">
              {t.rowsLost.map((r) => `${r.table}${r.field ? `.${r.field}` : ''} (${r.company}): ${formatNumber(r.rows)}`).join(' · ')}
            </span>
          </div>
        ) : null}
        {t.missingDependencies.length > 0 ? (
          <div className="line">
            <Badge tone="warn">needs</Badge>
            {t.missingDependencies.map((m) => `${m.name} ${m.version}`).join(', ')}
          </div>
        ) : null}
        {t.stepsToRun.length > 0 && (t.action === 'upgrade' || forced) ? (
          <div className="line">
            <Badge tone="info">steps</Badge>
            <span className="muted">{t.stepsToRun.join(' · ')}</span>
          </div>
        ) : null}
      </div>
      <div>
        {t.action === 'upgrade' ? (
          <Badge tone="ok">upgrade</Badge>
        ) : forced ? (
          <Badge tone="warn">force sync</Badge>
        ) : t.action === 'blocked' ? (
          <Badge tone="danger">blocked</Badge>
        ) : (
          <Badge tone="neutral">skip</Badge>
        )}
      </div>
    </li>
  );
}

export function UpgradeView({
  initialAppId,
  initialTargets,
}: {
  initialAppId?: string | undefined;
  initialTargets?: UpgradeTarget[] | undefined;
}): ReactElement {
  const { fleet, fleetRequested, navigated } = useStore(useShallow((s) => ({ fleet: s.fleet, fleetRequested: s.fleetRequested, navigated: s.navigated })));
  const extensions = useMemo(() => fleet?.extensions ?? [], [fleet]);
  const [appId, setAppId] = useState(initialAppId ?? '');
  const ext = extensions.find((x) => x.id === appId);
  const [version, setVersion] = useState('');
  const [search, setSearch] = useState('');
  const [deployment, setDeployment] = useState('all');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set((initialTargets ?? []).map(keyOf)));
  const [step, setStep] = useState(0);
  const [plan, setPlan] = useState<UpgradePlan | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sync, setSync] = useState<'add' | 'force'>('add');
  const [ackChecked, setAckChecked] = useState(false);
  const [ackTyped, setAckTyped] = useState('');
  const [waves, setWaves] = useState(false);
  const [ringSize, setRingSize] = useState(1);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);

  useEffect(() => {
    if (!appId && extensions.length) setAppId(extensions.find((x) => x.versions.length > 1)?.id ?? extensions[0]!.id);
  }, [appId, extensions]);
  useEffect(() => {
    if (ext && !ext.versions.includes(version)) setVersion(ext.latest);
  }, [ext, version]);
  useEffect(() => {
    if (job && !isRunning(job) && step === 2) {
      setStep(3);
      void fleetRequested();
    }
  }, [job, step, fleetRequested]);

  const candidates = useMemo<Candidate[]>(() => {
    if (!fleet || !appId || !version) return [];
    const out: Candidate[] = [];
    for (const d of fleet.deployments) {
      if (!d.live) continue;
      const tenants = new Map(d.tenants.map((t) => [t.key, t]));
      for (const c of d.cells) {
        if (c.appId !== appId) continue;
        const t = tenants.get(c.tenantKey);
        if (!t) continue;
        const newestArchived = [...c.archived].sort(compareVersions).at(-1) ?? null;
        const from = c.installed ?? newestArchived;
        if (!from || compareVersions(from, version) >= 0) continue;
        out.push({
          key: c.tenantKey,
          connectionId: d.connectionId,
          deployment: d.name,
          tenantId: t.tenantId,
          installed: c.installed ?? null,
          archived: c.installed ? null : newestArchived,
          state: t.state,
        });
      }
    }
    return out.sort((a, b) => a.deployment.localeCompare(b.deployment) || a.tenantId.localeCompare(b.tenantId));
  }, [fleet, appId, version]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return candidates.filter((c) => (deployment === 'all' || c.connectionId === deployment) && (!q || c.tenantId.includes(q)));
  }, [candidates, search, deployment]);
  const targets: UpgradeTarget[] = candidates.filter((c) => chosen.has(c.key)).map((c) => ({ connectionId: c.connectionId, tenantId: c.tenantId }));
  const force = sync === 'force' && plan !== null && plan.forceSyncAvailable;
  const forced = force && plan ? plan.tenants.filter((t) => t.forceable) : [];
  const forceRows = force && plan ? plan.forceRowsLost : 0;
  const acknowledged = !force || (ackChecked && typedCount(ackTyped) === String(forceRows));
  const runnable = plan
    ? plan.tenants.filter((t) => t.action === 'upgrade' || (force && t.forceable)).map((t) => ({ connectionId: t.connectionId, tenantId: t.tenantId }))
    : [];
  const ring = waves ? Math.min(Math.max(1, ringSize), Math.max(runnable.length, 1)) : runnable.length;
  const ringKeys = new Set(runnable.slice(0, ring).map(keyOf));

  const makePlan = async (): Promise<void> => {
    setBusy('plan');
    setError(null);
    try {
      setPlan(await call('upgrade.plan', { appId, version, targets }));
      // a new plan may count other rows: acknowledge again
      setAckChecked(false);
      setAckTyped('');
      setStep(1);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const start = async (): Promise<void> => {
    setBusy('start');
    setError(null);
    try {
      const { jobId: id } = await call('upgrade.start', {
        appId,
        version,
        targets: runnable,
        waves,
        ringSize: ring,
        ...(force ? { force: true, acknowledgeRowsLost: forceRows } : {}),
      });
      setJobId(id);
      setStep(2);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const reset = (): void => {
    setStep(0);
    setPlan(null);
    setJobId(null);
    setChosen(new Set());
    setError(null);
    setSync('add');
    setAckChecked(false);
    setAckTyped('');
  };

  const columns: Column<Candidate>[] = [
    {
      key: 'pick',
      header: <span className="visually-hidden">Chosen</span>,
      width: '40px',
      minWidth: 40,
      render: (c) => (
        <span className={`fake-check${chosen.has(c.key) ? ' on' : ''}`} aria-hidden="true">
          {chosen.has(c.key) ? <Icon name="check" size={12} /> : null}
        </span>
      ),
    },
    { key: 'tenant', header: 'Tenant', width: 'minmax(170px, 1.2fr)', minWidth: 170, render: (c) => <strong>{c.tenantId}</strong> },
    { key: 'dep', header: 'Deployment', width: '130px', minWidth: 130, render: (c) => c.deployment },
    {
      key: 'from',
      header: 'Installed',
      width: '150px',
      minWidth: 150,
      render: (c) =>
        c.installed ? (
          <span className="mono">{c.installed}</span>
        ) : (
          <span>
            <Badge tone="archive">archived</Badge> <span className="mono">{c.archived}</span>
          </span>
        ),
    },
    { key: 'to', header: 'Upgrades to', width: '120px', minWidth: 120, render: () => <span className="mono">{version}</span> },
    { key: 'state', header: 'State', width: 'minmax(150px, 1fr)', minWidth: 150, render: (c) => <StatePill state={c.state} /> },
  ];

  return (
    <div className="page wizard">
      <div className="page-header">
        <div>
          <h2>Upgrade an extension</h2>
          <p>
            Plan first: schema changes, rows that would be lost and upgrade steps, per tenant. Each tenant upgrades in its own transaction: wholly done, or left
            on its old version.
          </p>
        </div>
      </div>
      <Stepper steps={STEPS} current={step} label="Upgrade wizard steps" />
      {error ? (
        <div className="error-box" role="alert" style={{ margin: 'var(--space-4) 0' }}>
          <strong>Could not do that.</strong> {error}
        </div>
      ) : null}

      {step === 0 ? (
        !fleet ? (
          <EmptyState title="Loading the fleet…">
            <Spinner />
          </EmptyState>
        ) : (
          <div className="wizard-body">
            <section className="card" aria-labelledby="upg-choose">
              <div className="card-header">
                <h3 id="upg-choose">Extension and target version</h3>
              </div>
              <div className="card-body">
                <div className="form-row">
                  <div className="field">
                    <label htmlFor="upg-app">Extension</label>
                    <select
                      id="upg-app"
                      className="select"
                      value={appId}
                      onChange={(e) => {
                        setAppId(e.target.value);
                        setChosen(new Set());
                      }}
                    >
                      {extensions.map((x) => (
                        <option key={x.id} value={x.id}>
                          {x.name} · {x.publisher}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field">
                    <label htmlFor="upg-version">Target version</label>
                    <select
                      id="upg-version"
                      className="select"
                      value={version}
                      onChange={(e) => {
                        setVersion(e.target.value);
                        setChosen(new Set());
                      }}
                    >
                      {[...(ext?.versions ?? [])].reverse().map((v) => (
                        <option key={v} value={v}>
                          {v}
                          {v === ext?.latest ? ' (newest)' : ''}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div className="field grow">
                    <span className="label">Published on</span>
                    <span>
                      {ext
                        ? ext.publishedOn.map((id) => fleet.deployments.find((d) => d.connectionId === id)?.name ?? id).join(', ') || 'no connected deployment'
                        : '—'}
                    </span>
                  </div>
                </div>
              </div>
            </section>
            <section className="card" aria-labelledby="upg-tenants">
              <div className="card-header">
                <h3 id="upg-tenants">Tenants on older versions</h3>
                <span className="sub">
                  {plural(candidates.length, 'tenant')} · {plural(targets.length, 'chosen', 'chosen')}
                </span>
                <span className="right">
                  <button
                    type="button"
                    className="btn sm"
                    onClick={() => setChosen(new Set([...chosen, ...shown.map((c) => c.key)]))}
                    disabled={shown.length === 0}
                  >
                    Choose all shown
                  </button>
                  <button type="button" className="btn sm ghost" onClick={() => setChosen(new Set())} disabled={chosen.size === 0}>
                    Clear
                  </button>
                </span>
              </div>
              <div className="card-body stack">
                <div className="filters">
                  <div className="search">
                    <Icon name="search" />
                    <input
                      className="input"
                      type="search"
                      placeholder="Find a tenant…"
                      aria-label="Find a tenant to upgrade"
                      value={search}
                      onChange={(e) => setSearch(e.target.value)}
                    />
                  </div>
                  <select className="select" aria-label="Deployment" value={deployment} onChange={(e) => setDeployment(e.target.value)}>
                    <option value="all">All deployments</option>
                    {fleet.deployments.map((d) => (
                      <option key={d.connectionId} value={d.connectionId}>
                        {d.name}
                      </option>
                    ))}
                  </select>
                  <span className="muted">Space or click to choose; the order here is the order of the run.</span>
                </div>
                <VirtualTable
                  label="Tenants that can be upgraded"
                  columns={columns}
                  count={shown.length}
                  getRow={(i) => shown[i]}
                  rowKey={(c, i) => c?.key ?? String(i)}
                  height={Math.min(Math.max(shown.length, 1), 8) * 34}
                  onActivate={(i) => {
                    const c = shown[i];
                    if (!c) return;
                    setChosen(toggled(chosen, c.key));
                  }}
                  isSelected={(c) => chosen.has(c.key)}
                  rowTestId="upgrade-candidate"
                  rowData={(c) => ({ tenant: c.tenantId })}
                  empty={`No tenant has ${ext?.name ?? 'this extension'} on a version older than ${version || 'the target'}.`}
                />
              </div>
            </section>
            <div className="wizard-foot">
              <span className="muted">Planning reads the packages and the tenants; it changes nothing.</span>
              <span className="spacer" />
              <button type="button" className="btn primary" disabled={targets.length === 0 || busy !== null} onClick={() => void makePlan()}>
                {busy === 'plan' ? <Spinner label="Planning" /> : <Icon name="list" />} Plan the upgrade of {plural(targets.length, 'tenant')}
              </button>
            </div>
          </div>
        )
      ) : null}

      {step === 1 && plan ? (
        <div className="wizard-body" data-testid="upgrade-plan">
          <div className="plan-summary">
            <div className="stat">
              <div className="label">Will upgrade</div>
              <div className="value" data-testid="plan-runnable">
                {runnable.length}
              </div>
            </div>
            <div className="stat">
              <div className="label">Blocked</div>
              <div className="value" data-testid="plan-blocked">
                {plan.blocked - forced.length}
              </div>
            </div>
            <div className="stat">
              <div className="label">Skipped</div>
              <div className="value">{plan.skipped}</div>
            </div>
            <div className="stat">
              <div className="label">{force ? 'Rows with a value to archive' : 'Rows that would be lost'}</div>
              <div className="value">{formatNumber(force ? forceRows : plan.rowsLost)}</div>
            </div>
          </div>
          {plan.deployments.map((d) => (
            <section key={d.connectionId} className="card" aria-labelledby={`upg-dep-${d.connectionId}`}>
              <div className="card-header">
                <h3 id={`upg-dep-${d.connectionId}`}>
                  <Owner appId={plan.appId} name={`${plan.appName} ${plan.version}`} /> <span className="sub">on {d.name}</span>
                </h3>
                <span className="right">
                  {d.schemaSource === 'definitions' ? <Badge tone="ok">schema compared</Badge> : <Badge tone="warn">schema unknown</Badge>}
                </span>
              </div>
              <div className="card-body stack">
                {d.schemaNote ? <div className="info-box">{d.schemaNote}</div> : null}
                <div className="grid-3">
                  <div>
                    <h4 className="mini-head">Dependencies</h4>
                    {d.dependencies.length === 0 ? (
                      <p className="muted">None.</p>
                    ) : (
                      <ul className="plain-list" aria-label="Dependency changes">
                        {d.dependencies.map((x) => (
                          <li key={x.id}>
                            {x.name}{' '}
                            <span className="mono muted">
                              {x.from ?? '—'} → {x.to ?? 'removed'}
                            </span>{' '}
                            <Badge tone={x.change === 'unchanged' ? 'neutral' : x.change === 'removed' ? 'warn' : 'info'}>{x.change}</Badge>
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                  <div>
                    <h4 className="mini-head">Schema changes</h4>
                    {d.schema.length === 0 || d.schema.every((s) => s.changes.length === 0) ? (
                      <p className="muted">{d.schemaSource === 'definitions' ? 'No schema change.' : 'Not known.'}</p>
                    ) : (
                      d.schema.map((s) => (
                        <div key={s.fromVersion}>
                          <div className="muted small">from {s.fromVersion}</div>
                          <ul className="plain-list" aria-label={`Schema changes from ${s.fromVersion}`} data-testid="schema-changes">
                            {s.changes.map((c) => (
                              <li key={`${c.kind}-${c.tableId}-${c.fieldId ?? ''}-${c.table}`} data-kind={c.kind} data-destructive={String(c.destructive)}>
                                <Badge tone={c.destructive ? 'danger' : c.kind.endsWith('added') ? 'ok' : 'info'}>{c.kind.replace(/-/g, ' ')}</Badge> {c.table}
                                {c.field ? `.${c.field}` : ''}
                                {c.from || c.to ? (
                                  <span className="muted mono">
                                    {' '}
                                    {c.from} → {c.to}
                                  </span>
                                ) : null}
                              </li>
                            ))}
                          </ul>
                        </div>
                      ))
                    )}
                  </div>
                  <div>
                    <h4 className="mini-head">Upgrade steps</h4>
                    {d.steps.length === 0 ? (
                      <p className="muted">None declared.</p>
                    ) : (
                      <ul className="plain-list" aria-label="Upgrade steps">
                        {d.steps.map((s) => (
                          <li key={s.tag}>
                            <span className="mono">{s.tag}</span>{' '}
                            <span className="muted">
                              ({s.codeunit}; from {s.fromMin ?? 'any'} to {s.fromMax ?? 'any'})
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                </div>
              </div>
            </section>
          ))}
          <section className="card" aria-labelledby="upg-sync">
            <div className="card-header">
              <h3 id="upg-sync">How to run it</h3>
            </div>
            <div className="card-body grid-2">
              <fieldset className="choice">
                <legend>Schema sync</legend>
                <label className="check">
                  <input type="radio" name="sync" value="add" checked={!force} onChange={() => setSync('add')} /> Add sync: nothing is lost; a tenant whose
                  upgrade would remove data is blocked
                </label>
                <label className={`check${plan.forceSyncAvailable ? '' : ' disabled'}`}>
                  <input type="radio" name="sync" value="force" checked={force} disabled={!plan.forceSyncAvailable} onChange={() => setSync('force')} /> Force
                  sync: archive what is removed and upgrade, after explicit acknowledgement
                </label>
                <p className="muted small" data-testid="force-note">
                  {plan.forceSyncAvailable
                    ? `${plural(plan.forceable, 'tenant is', 'tenants are')} blocked only by fields or tables the upgrade removes: force sync runs ${plan.forceable === 1 ? 'it' : 'them'} and archives the values of ${plural(plan.forceRowsLost, 'row')}. A tenant blocked for another reason stays blocked.`
                    : 'No tenant here is blocked only by fields or tables the upgrade removes: force sync would run nothing more.'}
                </p>
              </fieldset>
              <fieldset className="choice">
                <legend>Order</legend>
                <label className="check">
                  <input type="radio" name="order" checked={!waves} onChange={() => setWaves(false)} /> Now: every tenant, one after the other
                </label>
                <label className="check">
                  <input type="radio" name="order" checked={waves} onChange={() => setWaves(true)} /> In waves: a first ring, then the rest; stop at the first
                  failure
                </label>
                {waves ? (
                  <div className="field inline">
                    <label htmlFor="upg-ring">First ring</label>
                    <input
                      id="upg-ring"
                      className="input"
                      type="number"
                      min={1}
                      max={Math.max(runnable.length, 1)}
                      value={ring}
                      onChange={(e) => setRingSize(Number(e.target.value) || 1)}
                      style={{ width: 80 }}
                    />
                    <span className="muted">
                      of {plural(runnable.length, 'tenant')}:{' '}
                      {runnable
                        .slice(0, ring)
                        .map((t) => t.tenantId)
                        .join(', ')}
                    </span>
                  </div>
                ) : null}
              </fieldset>
            </div>
          </section>
          {force ? (
            <ForceSyncPanel tenants={forced} rows={forceRows} checked={ackChecked} typed={ackTyped} onChecked={setAckChecked} onTyped={setAckTyped} />
          ) : null}
          <ul className="plan-list" aria-label="Plan per tenant">
            {plan.tenants.map((t) => (
              <TenantPlanLine key={keyOf(t)} t={t} version={plan.version} ring={waves && ringKeys.has(keyOf(t))} forced={force && t.forceable} />
            ))}
          </ul>
          <div className="wizard-foot">
            <button type="button" className="btn" onClick={() => setStep(0)}>
              <Icon name="arrowLeft" /> Back
            </button>
            <button type="button" className="btn" onClick={() => void makePlan()} disabled={busy !== null}>
              <Icon name="refresh" /> Plan again
            </button>
            <span className="spacer" />
            <span className="muted">
              {!acknowledged ? 'Acknowledge the rows with a value to run. ' : ''}
              {plan.blocked - forced.length > 0 ? `${plural(plan.blocked - forced.length, 'blocked tenant')} will not run.` : ''}
            </span>
            <button
              type="button"
              className={`btn ${force ? 'danger solid' : 'primary'}`}
              disabled={runnable.length === 0 || !acknowledged || busy !== null}
              onClick={() => void start()}
            >
              <Icon name="upgrade" /> Upgrade {plural(runnable.length, 'tenant')}
              {waves ? ' in waves' : ''}
              {force ? ' with force sync' : ''}
            </button>
          </div>
        </div>
      ) : null}

      {step >= 2 && job ? (
        <div className="wizard-body" data-testid="upgrade-run">
          {step === 3 ? (
            job.state === 'succeeded' ? (
              <div className="ok-box" role="status" data-testid="upgrade-result">
                <strong>Upgraded.</strong> {plural(job.items.filter((i) => i.state === 'succeeded').length, 'tenant')} on {plan?.appName} {version}.
                {force ? ' The data of the removed fields and tables is in the data archive.' : ''}
              </div>
            ) : (
              <div className="error-box" role="alert" data-testid="upgrade-result">
                <strong>{job.items.some((i) => i.state === 'succeeded') ? 'Not every tenant was upgraded.' : 'The upgrade failed.'}</strong> A failed tenant
                stays wholly on its old version: see what was read back from it.
              </div>
            )
          ) : null}
          <JobCard job={job} titleId="upg-job-title" tenantLabel={(cid) => fleet?.deployments.find((d) => d.connectionId === cid)?.name ?? cid} />
          <div className="wizard-foot">
            {isRunning(job) ? (
              <CancelJobButton job={job} label="Cancel after this tenant" />
            ) : (
              <>
                <span className="spacer" />
                {force ? (
                  <button type="button" className="btn" onClick={() => navigated({ name: 'archive', appId })}>
                    <Icon name="archive" /> Open the data archive
                  </button>
                ) : null}
                <button type="button" className="btn primary" onClick={reset}>
                  Plan another upgrade
                </button>
              </>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}
