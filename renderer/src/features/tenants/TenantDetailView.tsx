// A tenant in detail: state, companies, installed extensions, the merged object view with the package that
// owns each object and field, permission sets, event subscribers, archived data and the operation log.
import { useEffect, useMemo, useState, type ReactElement } from 'react';
import type { TenantDetail } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { onTabListKeyDown, tabIndexOf } from '../../components/tabs.js';
import { Badge, EmptyState, Owner, Spinner, StatePill } from '../../components/status.js';
import { ApiError, call } from '../../lib/api.js';
import { formatBytes, formatDateTime, formatNumber } from '../../lib/format.js';

type Tab = 'extensions' | 'objects' | 'permissions' | 'subscribers' | 'archive' | 'log';

function ObjectsTab({ detail, ownerName }: { detail: TenantDetail; ownerName(id: string): string }): ReactElement {
  const [q, setQ] = useState('');
  const [owner, setOwner] = useState('all');
  const { tables, objects } = detail.objects;
  const owners = useMemo(
    () => [...new Set([...objects.map((o) => o.ownerAppId), ...tables.flatMap((t) => t.fields.map((f) => f.ownerAppId))])],
    [objects, tables],
  );
  const query = q.trim().toLowerCase();
  const matchOwner = (id: string): boolean => owner === 'all' || id === owner;
  const shownTables = tables.filter(
    (t) =>
      (matchOwner(t.ownerAppId) || t.fields.some((f) => matchOwner(f.ownerAppId))) &&
      (!query || t.name.toLowerCase().includes(query) || t.fields.some((f) => f.name.toLowerCase().includes(query))),
  );
  const others = objects.filter((o) => o.type !== 'table' && matchOwner(o.ownerAppId) && (!query || o.name.toLowerCase().includes(query)));
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 'var(--space-4)' }}>
      <div className="filters">
        <div className="search">
          <Icon name="search" />
          <input
            className="input"
            type="search"
            placeholder="Filter objects and fields…"
            aria-label="Filter objects and fields"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <select className="select" aria-label="Owning package" value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="all">Any owner</option>
          {owners.map((o) => (
            <option key={o || 'base'} value={o}>
              {o ? ownerName(o) : 'Base application'}
            </option>
          ))}
        </select>
        <span className="muted">
          {shownTables.length} tables · {others.length} other objects
        </span>
      </div>
      <div className="table-wrap">
        <table className="data object-table" aria-label="Tables in the merged view">
          <thead>
            <tr>
              <th className="num">ID</th>
              <th>Table</th>
              <th>Owner</th>
              <th>Fields (extension fields marked with their package)</th>
            </tr>
          </thead>
          <tbody>
            {shownTables.map((t) => {
              const own = t.fields.filter((f) => f.ownerAppId === t.ownerAppId);
              const ext = t.fields.filter((f) => f.ownerAppId !== t.ownerAppId);
              return (
                <tr key={t.id}>
                  <td className="num mono">{t.id}</td>
                  <td style={{ fontWeight: 600 }}>{t.name}</td>
                  <td>
                    <Owner appId={t.ownerAppId} name={ownerName(t.ownerAppId)} />
                  </td>
                  <td className="field-list">
                    <span className="muted">{own.length} own fields</span>
                    {ext.length > 0 ? <br /> : null}
                    {ext.map((f) => (
                      <span key={f.fieldId} className="chip ext" title={`${f.name} (${f.type}) from ${ownerName(f.ownerAppId)}`}>
                        {f.name} · {ownerName(f.ownerAppId)}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="table-wrap">
        <table className="data" aria-label="Other objects in the merged view">
          <thead>
            <tr>
              <th>Type</th>
              <th className="num">ID</th>
              <th>Name</th>
              <th>Extends</th>
              <th>Owner</th>
            </tr>
          </thead>
          <tbody>
            {others.map((o) => (
              <tr key={`${o.type}-${o.id}-${o.ownerAppId}`}>
                <td>
                  <Badge tone="neutral">{o.type}</Badge>
                </td>
                <td className="num mono">{o.id}</td>
                <td style={{ fontWeight: 550 }}>{o.name}</td>
                <td className="muted">{o.extends ?? '—'}</td>
                <td>
                  <Owner appId={o.ownerAppId} name={o.ownerAppName || ownerName(o.ownerAppId)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function TenantDetailView({ connectionId, tenantId }: { connectionId: string; tenantId: string }): ReactElement {
  const navigated = useStore((s) => s.navigated);
  const [detail, setDetail] = useState<TenantDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>('extensions');

  useEffect(() => {
    let live = true;
    setDetail(null);
    setError(null);
    call('tenant.detail', { connectionId, tenantId })
      .then((d) => live && setDetail(d))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)));
    return () => {
      live = false;
    };
  }, [connectionId, tenantId]);

  const ownerNames = useMemo(() => {
    const m = new Map<string, string>();
    for (const a of detail?.apps ?? []) m.set(a.id, a.name);
    for (const o of detail?.objects.objects ?? []) if (o.ownerAppId && o.ownerAppName) m.set(o.ownerAppId, o.ownerAppName);
    return m;
  }, [detail]);
  const ownerName = (id: string): string => (id ? (ownerNames.get(id) ?? id) : 'Base application');

  const tabs: { id: Tab; label: string; count?: number }[] = detail
    ? [
        { id: 'extensions', label: 'Extensions', count: detail.apps.length },
        { id: 'objects', label: 'Objects', count: detail.objects.objects.length },
        { id: 'permissions', label: 'Permission sets', count: detail.permissionSets.length },
        { id: 'subscribers', label: 'Event subscribers', count: detail.subscribers.length },
        { id: 'archive', label: 'Archived data', count: detail.archive.length },
        { id: 'log', label: 'Operation log', count: detail.log.length },
      ]
    : [];

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <button type="button" className="btn ghost sm" onClick={() => navigated({ name: 'matrix' })} style={{ marginLeft: -8, marginBottom: 6 }}>
            <Icon name="arrowLeft" size={14} /> Matrix
          </button>
          <h2 data-testid="tenant-title">{tenantId}</h2>
          {detail ? (
            <p>
              <StatePill state={detail.tenant.state} /> · {detail.connectionName} · application {detail.tenant.applicationVersion} ·{' '}
              {formatBytes(detail.tenant.sizeBytes)}
              {detail.live ? '' : ` · offline, cached as of ${formatDateTime(detail.asOf)}`}
            </p>
          ) : null}
        </div>
      </div>
      {error ? (
        <div className="error-box" role="alert">
          <strong>Could not read the tenant.</strong> {error}
        </div>
      ) : null}
      {!detail && !error ? (
        <EmptyState title="Reading the tenant…">
          <Spinner />
        </EmptyState>
      ) : null}
      {detail ? (
        <>
          <div className="grid-4" style={{ marginBottom: 'var(--space-5)' }}>
            <div className="stat">
              <div className="label">State</div>
              <div className="value" style={{ fontSize: 'var(--text-lg)' }}>
                <StatePill state={detail.tenant.state} />
              </div>
              <div className="hint">
                {detail.tenant.failedOperation
                  ? `failed: ${detail.tenant.failedOperation}`
                  : detail.tenant.mountedAt
                    ? `mounted ${formatDateTime(detail.tenant.mountedAt)}`
                    : 'not mounted'}
              </div>
            </div>
            <div className="stat">
              <div className="label">Companies</div>
              <div className="value">{detail.tenant.companies.length}</div>
              <div className="hint" title={detail.tenant.companies.join(', ')} style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                {detail.tenant.companies.join(', ')}
              </div>
            </div>
            <div className="stat">
              <div className="label">Extensions installed</div>
              <div className="value">{detail.apps.length}</div>
              <div className="hint">{detail.apps.filter((a) => a.upgradeAvailable).length} with an upgrade available</div>
            </div>
            <div className="stat">
              <div className="label">Archived data</div>
              <div className="value">{formatNumber(detail.archive.reduce((n, a) => n + a.rows, 0))}</div>
              <div className="hint">rows in {detail.archive.length} archive entries</div>
            </div>
          </div>
          <div className="tabs" role="tablist" aria-label="Tenant details" onKeyDown={onTabListKeyDown}>
            {tabs.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                tabIndex={tabIndexOf(tab === t.id)}
                aria-controls={`panel-${t.id}`}
                className="tab"
                onClick={() => setTab(t.id)}
              >
                {t.label}
                {t.count !== undefined ? <span className="count">{t.count}</span> : null}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'extensions' ? (
              detail.apps.length === 0 ? (
                <EmptyState title="No extensions installed" />
              ) : (
                <div className="table-wrap">
                  <table className="data" aria-label="Installed extensions">
                    <thead>
                      <tr>
                        <th>Extension</th>
                        <th>Publisher</th>
                        <th>Version</th>
                        <th>Data version</th>
                        <th>Sync</th>
                        <th>Upgrade</th>
                        <th>Archived versions</th>
                        <th>Installed</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.apps.map((a) => (
                        <tr key={a.id} data-testid="tenant-app" data-app={a.name}>
                          <td>
                            <Owner appId={a.id} name={a.name} />
                          </td>
                          <td>{a.publisher}</td>
                          <td className="mono">{a.version}</td>
                          <td className="mono">{a.dataVersion}</td>
                          <td>{a.syncState === 'synced' ? <Badge tone="ok">synced</Badge> : <Badge tone="info">sync pending</Badge>}</td>
                          <td>{a.upgradeAvailable ? <Badge tone="warn">↑ {a.upgradeAvailable}</Badge> : <span className="muted">up to date</span>}</td>
                          <td className="mono">{a.archivedVersions.join(', ') || '—'}</td>
                          <td className="muted">{formatDateTime(a.installedAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            ) : null}
            {tab === 'objects' ? <ObjectsTab detail={detail} ownerName={ownerName} /> : null}
            {tab === 'permissions' ? (
              detail.permissionSets.length === 0 ? (
                <EmptyState title="No permission sets granted by extensions" />
              ) : (
                <div className="table-wrap">
                  <table className="data" aria-label="Permission sets">
                    <thead>
                      <tr>
                        <th className="num">ID</th>
                        <th>Permission set</th>
                        <th>Granted by</th>
                        <th className="num">Permissions</th>
                        <th>Granted</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.permissionSets.map((p) => (
                        <tr key={`${p.ownerAppId}-${p.id}`}>
                          <td className="num mono">{p.id}</td>
                          <td>
                            <div style={{ fontWeight: 600 }}>{p.name}</div>
                            {p.caption ? <div className="muted">{p.caption}</div> : null}
                          </td>
                          <td>
                            <Owner appId={p.ownerAppId} name={p.appName} />
                          </td>
                          <td className="num">{p.permissions.length}</td>
                          <td className="muted">{formatDateTime(p.grantedAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            ) : null}
            {tab === 'subscribers' ? (
              detail.subscribers.length === 0 ? (
                <EmptyState title="No event subscribers registered" />
              ) : (
                <div className="table-wrap">
                  <table className="data" aria-label="Event subscribers">
                    <thead>
                      <tr>
                        <th>Event</th>
                        <th>Table</th>
                        <th>Stage</th>
                        <th className="num">Order</th>
                        <th>Subscriber</th>
                        <th>Extension</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.subscribers.map((s) => (
                        <tr key={`${s.ownerAppId}-${s.codeunitId}-${s.name}`}>
                          <td className="mono">{s.event}</td>
                          <td>{s.table ?? '—'}</td>
                          <td>
                            <Badge tone="neutral">{s.stage}</Badge>
                          </td>
                          <td className="num">{s.order}</td>
                          <td>
                            {s.codeunit}.<span style={{ fontWeight: 600 }}>{s.name}</span>
                          </td>
                          <td>
                            <Owner appId={s.ownerAppId} name={s.appName} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            ) : null}
            {tab === 'archive' ? (
              detail.archive.length === 0 ? (
                <EmptyState title="No archived data">
                  Data of an extension moves here when it is uninstalled, and comes back when it is installed again.
                </EmptyState>
              ) : (
                <div className="table-wrap">
                  <table className="data" aria-label="Archived data">
                    <thead>
                      <tr>
                        <th>Extension</th>
                        <th>Version</th>
                        <th>Company</th>
                        <th>Table</th>
                        <th className="num">Rows</th>
                        <th className="num">Size</th>
                        <th>Reason</th>
                        <th>Archived</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.archive.map((a) => (
                        <tr key={a.archiveId} data-testid="archive-entry">
                          <td>
                            <Owner appId={a.appId} name={a.appName} />
                          </td>
                          <td className="mono">{a.version}</td>
                          <td>{a.company}</td>
                          <td>
                            {a.table} {a.kind !== 'table' ? <Badge tone="neutral">{a.kind}</Badge> : null}
                          </td>
                          <td className="num">{formatNumber(a.rows)}</td>
                          <td className="num">{a.bytes === null ? '—' : formatBytes(a.bytes)}</td>
                          <td>{a.reason}</td>
                          <td className="muted">{formatDateTime(a.archivedAt)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            ) : null}
            {tab === 'log' ? (
              detail.log.length === 0 ? (
                <EmptyState title="No operations logged" />
              ) : (
                <div className="table-wrap">
                  <table className="data" aria-label="Operation log">
                    <thead>
                      <tr>
                        <th>Started</th>
                        <th>Operation</th>
                        <th>Parameters</th>
                        <th>Actor</th>
                        <th>Result</th>
                      </tr>
                    </thead>
                    <tbody>
                      {detail.log.map((e) => (
                        <tr key={e.opId}>
                          <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                            {formatDateTime(e.startedAt)}
                          </td>
                          <td className="mono">{e.operation}</td>
                          <td
                            className="mono muted"
                            style={{ maxWidth: 380, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
                            title={JSON.stringify(e.params)}
                          >
                            {JSON.stringify(e.params)}
                          </td>
                          <td>{e.actor}</td>
                          <td title={e.errorMessage ?? undefined}>
                            <Badge tone={e.result === 'succeeded' ? 'ok' : e.result === 'failed' ? 'danger' : 'neutral'}>{e.result}</Badge>
                            {e.errorCode ? <span className="muted"> {e.errorCode}</span> : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )
            ) : null}
          </div>
        </>
      ) : null}
    </div>
  );
}
