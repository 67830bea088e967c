// The data archive across the fleet: every tenant's archived data on every connected deployment (extension,
// archived version, company, table, rows, bytes, when), each with whether and how it can be restored. An entry
// opens its rows page by page (virtualized), exports them as CSV, restores them (the install's plan and progress
// screens) or discards them after typed confirmation. "By extension" answers which tenants hold archived data of
// an extension, and how much. Offline, the last list read is shown from the cache, read-only.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import type { ArchiveFleet, FleetArchiveEntry } from '../../../../shared/api/console.js';
import type { OperationOutput } from '../../../../shared/api/operations.js';
import { useStore } from '../../app/store.js';
import { download } from '../../components/download.js';
import { Icon } from '../../components/icons.js';
import { onTabListKeyDown, tabIndexOf } from '../../components/tabs.js';
import { Badge, EmptyState, Owner, Spinner } from '../../components/status.js';
import { TypedConfirmDialog } from '../../components/TypedConfirmDialog.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { call, callDeployment, errorText } from '../../lib/api.js';
import { useOnce } from '../../lib/use-once.js';
import { formatBytes, formatDateTime, formatNumber, plural } from '../../lib/format.js';
import { PlanDialog } from '../matrix/PlanDialog.js';
import { NO_ARCHIVE_FILTERS, byExtension, filterEntries, totals, type ArchiveFilters } from './archive-model.js';

const PAGE = 200;

type Rows = OperationOutput<'archive.rows'>;

/** The archived rows of one entry, fetched a page at a time as they scroll into view. */
function ArchiveRowsPanel({ entry, onClose }: { entry: FleetArchiveEntry; onClose(): void }): ReactElement {
  const [first, setFirst] = useState<Rows | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pages = useRef(new Map<number, Rows['rows']>());
  const loading = useRef(new Set<number>());
  const [, setVersion] = useState(0);
  const section = useRef<HTMLElement>(null);

  useEffect(() => {
    let live = true;
    pages.current = new Map();
    loading.current = new Set();
    setFirst(null);
    setError(null);
    callDeployment(entry.connectionId, 'archive.rows', { tenantId: entry.tenantId, archiveId: entry.archiveId, offset: 0, limit: PAGE })
      .then((r) => {
        if (!live) return;
        pages.current.set(0, r.rows);
        setFirst(r);
      })
      .catch((e: unknown) => live && setError(errorText(e)));
    return () => {
      live = false;
    };
  }, [entry]);

  useEffect(() => {
    // once the rows are laid out: bring them into view, and the keyboard into the grid
    if (!first) return;
    section.current?.scrollIntoView({ block: 'start' });
    section.current?.querySelector<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
  }, [first]);

  const onRange = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(start / PAGE); p <= Math.floor(end / PAGE); p++) {
        if (pages.current.has(p) || loading.current.has(p)) continue;
        loading.current.add(p);
        void callDeployment(entry.connectionId, 'archive.rows', { tenantId: entry.tenantId, archiveId: entry.archiveId, offset: p * PAGE, limit: PAGE })
          .then((r) => {
            pages.current.set(p, r.rows);
            setVersion((v) => v + 1);
          })
          .catch((e: unknown) => setError(errorText(e)))
          .finally(() => loading.current.delete(p));
      }
    },
    [entry],
  );

  const columns = useMemo<Column<Record<string, unknown>>[]>(
    () =>
      (first?.columns ?? []).map((c) => ({
        key: c.name,
        header: <span title={`${c.name} (${c.type})`}>{c.name === '_rid' ? 'Row id' : c.name}</span>,
        width: c.name === '_rid' ? '90px' : 'minmax(140px, 1fr)',
        minWidth: c.name === '_rid' ? 90 : 140,
        align: c.type === 'Integer' || c.type === 'BigInteger' || c.type === 'Decimal' ? 'right' : 'left',
        render: (r) => {
          const v = r[c.name];
          return v === null || v === undefined ? <span className="muted">—</span> : String(v);
        },
        title: (r) => String(r[c.name] ?? ''),
      })),
    [first],
  );

  return (
    <section ref={section} className="card archive-rows" aria-labelledby="archive-rows-title">
      <div className="card-header">
        <h3 id="archive-rows-title">
          Rows of {entry.table}{' '}
          <span className="sub">
            · {entry.appName} {entry.version} · {entry.company} · {entry.tenantId}
          </span>
        </h3>
        <span className="right">
          <span className="muted">{first ? `${plural(first.total, 'row')} · ${first.columns.length - 1} fields` : ''}</span>
          <button type="button" className="btn ghost icon" aria-label="Close the rows" onClick={onClose}>
            <Icon name="x" />
          </button>
        </span>
      </div>
      <div className="card-body">
        {error ? (
          <div className="error-box" role="alert">
            <strong>Could not read the rows.</strong> {error}
          </div>
        ) : !first ? (
          <div className="empty">
            <Spinner label="Reading the rows" />
          </div>
        ) : (
          <VirtualTable
            label={`Archived rows of ${entry.table}`}
            columns={columns}
            count={first.total}
            getRow={(i) => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE]}
            rowKey={(r, i) => (r ? String(r['_rid']) : `loading-${i}`)}
            height={Math.min(first.total, 10) * 32}
            rowHeight={32}
            onRange={onRange}
            testId="archive-rows"
            rowTestId="archive-row"
            rowData={(r) => ({ rid: String(r['_rid']) })}
            empty="No rows in this archive."
          />
        )}
      </div>
    </section>
  );
}

function RestoreBadge({ e }: { e: FleetArchiveEntry }): ReactElement {
  if (!e.restore.possible) return <Badge tone="neutral">not restorable</Badge>;
  return e.restore.action === 'restore-and-upgrade' ? <Badge tone="warn">↑ {e.restore.version}</Badge> : <Badge tone="ok">{e.restore.version}</Badge>;
}

function EntryDetail({
  e,
  live,
  onRows,
  onExport,
  onRestore,
  onDiscard,
  busy,
}: {
  e: FleetArchiveEntry;
  live: boolean;
  onRows(): void;
  onExport(): void;
  onRestore(): void;
  onDiscard(): void;
  busy: boolean;
}): ReactElement {
  return (
    <section className="card archive-detail" aria-labelledby="archive-detail-title" data-testid="archive-detail">
      <div className="card-header">
        <h3 id="archive-detail-title">
          <Owner appId={e.appId} name={`${e.appName} ${e.version}`} />
        </h3>
        <span className="right">
          <Badge tone="archive">{e.kind === 'table' ? 'table' : e.kind === 'fields' ? 'fields' : 'removed field'}</Badge>
        </span>
      </div>
      <div className="card-body stack">
        <dl className="kv">
          <dt>Deployment</dt>
          <dd>{e.connectionName}</dd>
          <dt>Tenant</dt>
          <dd className="mono">{e.tenantId}</dd>
          <dt>Company</dt>
          <dd>{e.company}</dd>
          <dt>Table</dt>
          <dd>
            {e.table} <span className="muted">({e.tableId})</span>
          </dd>
          <dt>Rows</dt>
          <dd data-testid="archive-detail-rows">{formatNumber(e.rows)}</dd>
          <dt>Size</dt>
          <dd>{e.bytes === null ? '—' : formatBytes(e.bytes)}</dd>
          <dt>Archived</dt>
          <dd>
            {formatDateTime(e.archivedAt)} <span className="muted">by {e.reason}</span>
          </dd>
        </dl>
        <div className={e.restore.possible ? 'ok-box' : 'info-box'} data-testid="restore-info">
          <strong>
            {e.restore.possible
              ? e.restore.action === 'restore-and-upgrade'
                ? `Restored and upgraded by installing ${e.restore.version}.`
                : `Restored by installing ${e.restore.version}.`
              : 'Not restorable as it is.'}
          </strong>{' '}
          {e.restore.reason}
          {e.restore.upgradeSteps.length > 0 ? (
            <ul className="steps-list">
              {e.restore.upgradeSteps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="actions-grid">
          <button type="button" className="btn" onClick={onRows} disabled={!live}>
            <Icon name="list" /> Read rows
          </button>
          <button type="button" className="btn" onClick={onExport} disabled={!live || busy}>
            <Icon name="download" /> Export CSV
          </button>
          <button type="button" className="btn primary" onClick={onRestore} disabled={!live || !e.restore.possible}>
            <Icon name="install" /> Restore…
          </button>
          <button type="button" className="btn danger" onClick={onDiscard} disabled={!live}>
            <Icon name="trash" /> Discard…
          </button>
        </div>
        {!live ? <p className="muted small">Offline: shown from the cache. Reading, exporting, restoring and discarding need the connection.</p> : null}
      </div>
    </section>
  );
}

export function ArchiveView({ initialAppId }: { initialAppId?: string | undefined }): ReactElement {
  const toastShown = useStore((s) => s.toastShown);
  const [data, setData] = useState<ArchiveFleet | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [filters, setFilters] = useState<ArchiveFilters>({ ...NO_ARCHIVE_FILTERS, extension: initialAppId ?? 'all' });
  const [tab, setTab] = useState<'entries' | 'extensions'>('entries');
  const [selected, setSelected] = useState<string | null>(null);
  const [rowsOf, setRowsOf] = useState<FleetArchiveEntry | null>(null);
  const [discarding, setDiscarding] = useState<FleetArchiveEntry | null>(null);
  const [discardError, setDiscardError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<FleetArchiveEntry | null>(null);

  const load = useCallback(async (refresh = true) => {
    setLoading(true);
    try {
      setData(await call('archive.fleet', { refresh }));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(false).then(() => load(true));
  }, [load]);

  const entries = useMemo(() => filterEntries(data?.entries ?? [], filters), [data, filters]);
  const sum = useMemo(() => totals(entries), [entries]);
  const holdings = useMemo(() => byExtension(entries), [entries]);
  const extensions = useMemo(() => {
    const m = new Map<string, string>();
    for (const e of data?.entries ?? []) m.set(e.appId, e.appName);
    return [...m].sort((a, b) => a[1].localeCompare(b[1]));
  }, [data]);
  const liveOf = (cid: string): boolean => data?.deployments.find((d) => d.connectionId === cid)?.live ?? false;
  const current = entries.find((e) => e.key === selected) ?? null;
  const offline = data?.deployments.filter((d) => !d.live) ?? [];

  const [exportCsv, exporting] = useOnce(async (e: FleetArchiveEntry): Promise<void> => {
    try {
      const out = await call('archive.exportCsv', { connectionId: e.connectionId, tenantId: e.tenantId, archiveId: e.archiveId });
      download(out.fileName, out.mimeType, out.content);
      toastShown('ok', `Exported ${plural(out.rows, 'row')} to ${out.fileName}`);
    } catch (err) {
      toastShown('error', errorText(err));
    }
  });

  const [discard, discardRunning] = useOnce(async (e: FleetArchiveEntry): Promise<void> => {
    setDiscardError(null);
    try {
      const out = await callDeployment(e.connectionId, 'archive.discard', { tenantId: e.tenantId, archiveId: e.archiveId, confirmRows: e.rows });
      setDiscarding(null);
      setSelected(null);
      setRowsOf(null);
      toastShown('ok', `Discarded ${plural(out.rows, 'row')} of ${e.appName} ${e.version} (${e.table}, ${e.company}) in ${e.tenantId}`);
      await load(true);
    } catch (err) {
      setDiscardError(errorText(err));
    }
  });
  const busy = exporting || discardRunning;

  const columns: Column<FleetArchiveEntry>[] = [
    {
      key: 'ext',
      header: 'Extension',
      width: 'minmax(160px, 1.1fr)',
      minWidth: 160,
      render: (e) => <Owner appId={e.appId} name={e.appName} />,
      title: (e) => `${e.appName} (${e.publisher})`,
    },
    { key: 'ver', header: 'Version', width: '82px', minWidth: 82, render: (e) => <span className="mono">{e.version}</span> },
    {
      key: 'tenant',
      header: 'Tenant',
      width: 'minmax(150px, 1fr)',
      minWidth: 150,
      render: (e) => (
        <span>
          {e.tenantId} <span className="muted">· {e.connectionName}</span>
        </span>
      ),
      title: (e) => `${e.tenantId} on ${e.connectionName}`,
    },
    { key: 'company', header: 'Company', width: 'minmax(170px, 1.3fr)', minWidth: 170, render: (e) => e.company, title: (e) => e.company },
    { key: 'table', header: 'Table', width: 'minmax(130px, 1fr)', minWidth: 130, render: (e) => e.table, title: (e) => `${e.table} (${e.kind})` },
    { key: 'rows', header: 'Rows', width: '70px', minWidth: 70, align: 'right', render: (e) => formatNumber(e.rows) },
    { key: 'bytes', header: 'Size', width: '78px', minWidth: 78, align: 'right', render: (e) => (e.bytes === null ? '—' : formatBytes(e.bytes)) },
    { key: 'when', header: 'Archived', width: '184px', minWidth: 184, render: (e) => <span className="muted">{formatDateTime(e.archivedAt)}</span> },
    { key: 'restore', header: 'Restore', width: '110px', minWidth: 110, render: (e) => <RestoreBadge e={e} />, title: (e) => e.restore.reason },
  ];

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h2>Data archive</h2>
          <p>Archived data of every tenant on every connected deployment: what an uninstall or a force sync kept, and how it comes back.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => void load(true)} disabled={loading}>
            <Icon name="refresh" /> Refresh archive
          </button>
        </div>
      </div>
      {error ? (
        <div className="error-box" role="alert" style={{ marginBottom: 'var(--space-4)' }}>
          <strong>Could not read the archive.</strong> {error}
        </div>
      ) : null}
      {offline.length > 0 ? (
        <div className="info-box" role="status" style={{ marginBottom: 'var(--space-4)' }} data-testid="archive-offline">
          <strong>Not live:</strong> {offline.map((d) => (d.asOf ? `${d.name} as cached ${formatDateTime(d.asOf)}` : `${d.name} (never read)`)).join(' · ')}.
          Reading rows, exporting, restoring and discarding need the connection.
        </div>
      ) : null}
      {!data ? (
        <EmptyState title="Reading the archives…">
          <Spinner />
        </EmptyState>
      ) : (
        <>
          <div className="grid-4" style={{ marginBottom: 'var(--space-5)' }}>
            <div className="stat">
              <div className="label">Archive entries</div>
              <div className="value" data-testid="archive-total-entries">
                {formatNumber(sum.entries)}
              </div>
              <div className="hint">{plural(sum.extensions, 'extension')}</div>
            </div>
            <div className="stat">
              <div className="label">Rows kept</div>
              <div className="value">{formatNumber(sum.rows)}</div>
              <div className="hint">across {plural(sum.tenants, 'tenant')}</div>
            </div>
            <div className="stat">
              <div className="label">Size on disk</div>
              <div className="value">{formatBytes(sum.bytes)}</div>
              <div className="hint">measured when listed</div>
            </div>
            <div className="stat">
              <div className="label">Restorable</div>
              <div className="value">{formatNumber(entries.filter((e) => e.restore.possible).length)}</div>
              <div className="hint">of {formatNumber(entries.length)} entries</div>
            </div>
          </div>
          <div className="tabs" role="tablist" aria-label="Archive views" onKeyDown={onTabListKeyDown}>
            <button
              type="button"
              role="tab"
              id="tab-entries"
              aria-selected={tab === 'entries'}
              tabIndex={tabIndexOf(tab === 'entries')}
              aria-controls="panel-archive"
              className="tab"
              onClick={() => setTab('entries')}
            >
              Entries <span className="count">{entries.length}</span>
            </button>
            <button
              type="button"
              role="tab"
              id="tab-extensions"
              aria-selected={tab === 'extensions'}
              tabIndex={tabIndexOf(tab === 'extensions')}
              aria-controls="panel-archive"
              className="tab"
              onClick={() => setTab('extensions')}
            >
              By extension <span className="count">{holdings.length}</span>
            </button>
          </div>
          <div className="filters" role="search" aria-label="Filter the archive" style={{ marginBottom: 'var(--space-4)' }}>
            <div className="search">
              <Icon name="search" />
              <input
                className="input"
                type="search"
                placeholder="Tenant, company, table…"
                aria-label="Search the archive"
                value={filters.search}
                onChange={(e) => setFilters({ ...filters, search: e.target.value })}
              />
            </div>
            <select
              className="select"
              aria-label="Deployment"
              value={filters.deployment}
              onChange={(e) => setFilters({ ...filters, deployment: e.target.value })}
            >
              <option value="all">All deployments</option>
              {data.deployments.map((d) => (
                <option key={d.connectionId} value={d.connectionId}>
                  {d.name}
                </option>
              ))}
            </select>
            <select className="select" aria-label="Extension" value={filters.extension} onChange={(e) => setFilters({ ...filters, extension: e.target.value })}>
              <option value="all">All extensions</option>
              {extensions.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
            <select
              className="select"
              aria-label="Restorable"
              value={filters.restorable}
              onChange={(e) => setFilters({ ...filters, restorable: e.target.value as ArchiveFilters['restorable'] })}
            >
              <option value="all">Restorable or not</option>
              <option value="yes">Restorable</option>
              <option value="no">Not restorable</option>
            </select>
            {loading ? <Spinner label="Refreshing" /> : null}
          </div>
          <div role="tabpanel" id="panel-archive" aria-labelledby={tab === 'entries' ? 'tab-entries' : 'tab-extensions'}>
            {tab === 'entries' ? (
              <div className={`archive-layout${current ? ' with-detail' : ''}`}>
                <VirtualTable
                  label="Archive entries"
                  columns={current ? columns.filter((c) => c.key !== 'when' && c.key !== 'company' && c.key !== 'bytes') : columns}
                  count={entries.length}
                  getRow={(i) => entries[i]}
                  rowKey={(e, i) => e?.key ?? String(i)}
                  height={Math.min(Math.max(entries.length, 1), 12) * 34}
                  activeIndex={current ? entries.indexOf(current) : null}
                  onActivate={(i) => {
                    const e = entries[i];
                    if (!e) return;
                    setSelected(e.key);
                    setRowsOf(null);
                  }}
                  isSelected={(e) => e.key === selected}
                  testId="archive-entries"
                  rowTestId="archive-entry-row"
                  rowData={(e) => ({ tenant: e.tenantId, table: e.table, company: e.company, app: e.appName })}
                  empty={
                    data.entries.length === 0 ? 'No archived data anywhere: data lands here when an extension is uninstalled.' : 'No entry matches the filters.'
                  }
                />
                {current ? (
                  <EntryDetail
                    e={current}
                    live={liveOf(current.connectionId)}
                    busy={busy}
                    onRows={() => setRowsOf(current)}
                    onExport={() => void exportCsv(current)}
                    onRestore={() => setRestoring(current)}
                    onDiscard={() => {
                      setDiscardError(null);
                      setDiscarding(current);
                    }}
                  />
                ) : null}
              </div>
            ) : holdings.length === 0 ? (
              <EmptyState title="No archived data" />
            ) : (
              <div className="holdings">
                {holdings.map((h) => {
                  const max = h.tenants[0]?.rows ?? 1;
                  return (
                    <section key={h.appId} className="card" aria-labelledby={`h-${h.appId}`} data-testid="holding" data-app={h.appName}>
                      <div className="card-header">
                        <h3 id={`h-${h.appId}`}>
                          <Owner appId={h.appId} name={h.appName} />
                        </h3>
                        <span className="sub">
                          {h.publisher} · versions {h.versions.join(', ')}
                        </span>
                        <span className="right">
                          <span className="muted" data-testid="holding-summary">
                            {plural(h.tenants.length, 'tenant')} · {plural(h.rows, 'row')} · {formatBytes(h.bytes)}
                          </span>
                          <button
                            type="button"
                            className="btn sm"
                            onClick={() => {
                              setFilters({ ...filters, extension: h.appId });
                              setTab('entries');
                            }}
                          >
                            Show entries
                          </button>
                        </span>
                      </div>
                      <table className="data" aria-label={`Tenants holding archived data of ${h.appName}`}>
                        <thead>
                          <tr>
                            <th>Tenant</th>
                            <th>Deployment</th>
                            <th>Versions</th>
                            <th className="num">Entries</th>
                            <th className="num">Rows</th>
                            <th style={{ width: '28%' }}>Share</th>
                            <th className="num">Size</th>
                            <th>Restore</th>
                          </tr>
                        </thead>
                        <tbody>
                          {h.tenants.slice(0, 50).map((t) => (
                            <tr key={t.key} data-testid="holding-tenant" data-tenant={t.tenantId}>
                              <td>{t.tenantId}</td>
                              <td>{t.connectionName}</td>
                              <td className="mono">{t.versions.join(', ')}</td>
                              <td className="num">{t.entries}</td>
                              <td className="num">{formatNumber(t.rows)}</td>
                              <td>
                                <div className="bar" aria-hidden="true">
                                  <span style={{ width: `${(t.rows / max) * 100}%`, background: 'var(--archive)' }} />
                                </div>
                              </td>
                              <td className="num">{formatBytes(t.bytes)}</td>
                              <td>{t.restorable ? <Badge tone="ok">restorable</Badge> : <Badge tone="neutral">see entries</Badge>}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                      {h.tenants.length > 50 ? (
                        <p className="muted card-foot">and {h.tenants.length - 50} more tenants: use Show entries and the search.</p>
                      ) : null}
                    </section>
                  );
                })}
              </div>
            )}
          </div>
          {rowsOf && tab === 'entries' ? <ArchiveRowsPanel entry={rowsOf} onClose={() => setRowsOf(null)} /> : null}
        </>
      )}
      {discarding ? (
        <TypedConfirmDialog
          title={`Discard archived data of ${discarding.appName}?`}
          expected={[discarding.appName, String(discarding.rows)]}
          prompt={`Type ${discarding.appName} or ${discarding.rows} to confirm`}
          confirmLabel={`Discard ${plural(discarding.rows, 'row')}`}
          busy={busy}
          error={discardError}
          onCancel={() => setDiscarding(null)}
          onConfirm={() => void discard(discarding)}
        >
          <div className="error-box">
            <strong>
              {formatNumber(discarding.rows)} {discarding.rows === 1 ? 'row' : 'rows'} will be deleted for good.
            </strong>{' '}
            {discarding.appName} {discarding.version} · table {discarding.table} · {discarding.company} · tenant {discarding.tenantId} on{' '}
            {discarding.connectionName}. Reinstalling the extension will not bring them back. Export them first if they may be needed.
          </div>
        </TypedConfirmDialog>
      ) : null}
      {restoring && restoring.restore.version ? (
        <PlanDialog
          action="install"
          targets={[{ connectionId: restoring.connectionId, tenantId: restoring.tenantId, appId: restoring.appId, version: restoring.restore.version }]}
          tenantLabel={(cid) => data?.deployments.find((d) => d.connectionId === cid)?.name ?? cid}
          onClose={(ran) => {
            setRestoring(null);
            if (ran) {
              setSelected(null);
              void load(true);
              void useStore.getState().fleetRequested();
            }
          }}
        />
      ) : null}
    </div>
  );
}
