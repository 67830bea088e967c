// The deployment overview: application version, tenants by state, the extensions published with how many
// tenants use them, and the latest operations. Works offline from the cache, and says so.
import type { TenantState } from '../../../../shared/domain/tenant-state.js';
import { useEffect, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DeploymentOverview } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { Badge, EmptyState, Spinner, StatePill } from '../../components/status.js';
import { ApiError, call } from '../../lib/api.js';
import { formatDateTime, formatTime } from '../../lib/format.js';

const STATE_COLOURS: Record<TenantState, string> = {
  operational: 'var(--ok)',
  'sync-pending': 'var(--info)',
  'data-upgrade-pending': 'var(--warn)',
  dismounted: 'var(--neutral)',
  failed: 'var(--danger)',
};

export function OverviewView({ connectionId }: { connectionId: string | undefined }): ReactElement {
  const { connections, navigated } = useStore(useShallow((s) => ({ connections: s.connections, navigated: s.navigated })));
  const current = connectionId ?? connections[0]?.id;
  const [read, setRead] = useState<DeploymentOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (!current) return;
    let live = true;
    setLoading(true);
    setError(null);
    call('deployment.overview', { connectionId: current })
      .then((o) => live && setRead(o))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [current]);

  if (connections.length === 0) {
    return (
      <div className="page">
        <EmptyState
          title="No deployments connected"
          action={
            <button type="button" className="btn primary" onClick={() => navigated({ name: 'connections' })}>
              Add a connection
            </button>
          }
        />
      </div>
    );
  }

  // never another deployment's figures: what was read for the one chosen before is not shown while this one loads
  const ov = read && read.connectionId === current ? read : null;
  const total = ov ? Object.values(ov.tenantsByState).reduce((a, b) => a + b, 0) : 0;
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h2>{ov?.name ?? connections.find((c) => c.id === current)?.name ?? 'Deployment'}</h2>
          <p>
            {ov ? (ov.application ? `${ov.application.name} ${ov.application.version}` : 'Application unknown') : 'Reading…'}
            {ov ? (ov.live ? ` · live, read ${formatTime(ov.asOf)}` : ` · offline, cached as of ${formatDateTime(ov.asOf)}`) : ''}
          </p>
        </div>
        <div className="actions">
          <div className="segmented" role="group" aria-label="Deployment">
            {connections.map((c) => (
              <button key={c.id} type="button" aria-pressed={c.id === current} onClick={() => navigated({ name: 'overview', connectionId: c.id })}>
                {c.name}
              </button>
            ))}
          </div>
        </div>
      </div>
      {error ? (
        <div className="error-box" role="alert">
          <strong>Could not read the deployment.</strong> {error}
        </div>
      ) : null}
      {!ov && (loading || !error) ? (
        <EmptyState title="Reading the deployment…">
          <Spinner />
        </EmptyState>
      ) : null}
      {ov ? (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 'var(--space-5)' }} data-testid="overview-figures" data-connection={ov.connectionId}>
          {!ov.live && ov.error ? (
            <div className="error-box" role="status">
              <strong>Offline.</strong> {ov.error.message}
            </div>
          ) : null}
          <div className="grid-4">
            <div className="stat">
              <div className="label">Application</div>
              <div className="value">{ov.application?.version ?? '—'}</div>
              <div className="hint">{ov.application?.name ?? 'unknown'}</div>
            </div>
            <div className="stat">
              <div className="label">Tenants</div>
              <div className="value">{ov.tenantCount}</div>
              <div className="hint">{ov.tenantsByState['operational'] ?? 0} operational</div>
            </div>
            <div className="stat">
              <div className="label">Extensions published</div>
              <div className="value">{ov.extensions.length}</div>
              <div className="hint">{ov.extensions.reduce((n, e) => n + e.versions.length, 0)} versions</div>
            </div>
            <div className="stat">
              <div className="label">Need attention</div>
              <div className="value">{total - (ov.tenantsByState['operational'] ?? 0)}</div>
              <div className="hint">not operational</div>
            </div>
          </div>
          <section className="card" aria-labelledby="ov-states">
            <div className="card-header">
              <h3 id="ov-states">Tenants by state</h3>
            </div>
            <div className="card-body" style={{ display: 'flex', flexDirection: 'column', gap: 'var(--space-4)' }}>
              <div
                className="bar"
                role="img"
                aria-label={Object.entries(ov.tenantsByState)
                  .map(([s, n]) => `${n} ${s}`)
                  .join(', ')}
              >
                {Object.entries(ov.tenantsByState).map(([s, n]) => (
                  <span key={s} style={{ width: `${(n / Math.max(1, total)) * 100}%`, background: STATE_COLOURS[s as TenantState] ?? 'var(--neutral)' }} />
                ))}
              </div>
              <div className="legend">
                {Object.entries(ov.tenantsByState).map(([s, n]) => (
                  <span key={s}>
                    <StatePill state={s} /> <strong>{n}</strong>
                  </span>
                ))}
              </div>
            </div>
          </section>
          <div className="grid-2">
            <section className="card" aria-labelledby="ov-ext">
              <div className="card-header">
                <h3 id="ov-ext">Extensions</h3>
                <span className="sub">{ov.extensions.length}</span>
              </div>
              <table className="data">
                <thead>
                  <tr>
                    <th>Extension</th>
                    <th>Versions</th>
                    <th className="num">Tenants</th>
                  </tr>
                </thead>
                <tbody>
                  {ov.extensions.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <div style={{ fontWeight: 600 }}>{e.name}</div>
                        <div className="muted" style={{ fontSize: 'var(--text-xs)' }}>
                          {e.publisher}
                        </div>
                      </td>
                      <td className="mono">{e.versions.join(', ')}</td>
                      <td className="num">{e.installedIn}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            <section className="card" aria-labelledby="ov-ops">
              <div className="card-header">
                <h3 id="ov-ops">Latest operations</h3>
                <span className="right">
                  <button type="button" className="btn sm ghost" onClick={() => navigated({ name: 'matrix' })}>
                    <Icon name="grid" size={14} /> Open matrix
                  </button>
                </span>
              </div>
              {ov.latestOperations.length === 0 ? (
                <EmptyState title="No operations yet" />
              ) : (
                <table className="data">
                  <thead>
                    <tr>
                      <th>When</th>
                      <th>Operation</th>
                      <th>Tenant</th>
                      <th>Result</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ov.latestOperations.slice(0, 14).map((o) => (
                      <tr key={o.opId}>
                        <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                          {formatTime(o.startedAt)}
                        </td>
                        <td>
                          <span className="mono">{o.operation}</span>
                          <div className="muted" style={{ fontSize: 'var(--text-xs)' }}>
                            {o.actor}
                          </div>
                        </td>
                        <td>{o.tenantId ?? '—'}</td>
                        <td title={o.error ?? undefined}>
                          <Badge tone={o.result === 'succeeded' ? 'ok' : o.result === 'failed' ? 'danger' : 'neutral'}>{o.result}</Badge>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </div>
      ) : null}
    </div>
  );
}
