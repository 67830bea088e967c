// Audit, all of it readable with every connection offline: the console's audit log (search, filters, hash-chain
// verification, JSONL/CSV export), the deployments' operation logs as last read (search and filters), and the
// snapshot history of each deployment (compare two points: what was installed, upgraded, uninstalled or moved).
// The audit report gathers them in one self-contained HTML file (printable, so PDF too) or one CSV.
import { useCallback, useEffect, useMemo, useState, type ReactElement } from 'react';
import type { AuditEntry, AuditFilter, AuditVerify, OpLogEntry, SnapshotCompare, SnapshotInfo, SourceStatus } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { download } from '../../components/download.js';
import { Icon } from '../../components/icons.js';
import { onTabListKeyDown, tabIndexOf } from '../../components/tabs.js';
import { Badge, EmptyState, Spinner } from '../../components/status.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { call, errorText } from '../../lib/api.js';
import { formatDateTime, formatTime, plural } from '../../lib/format.js';

type Tab = 'audit' | 'oplog' | 'snapshots';
const PAGE = 200;
const ACTIONS = [
  'tenant.install',
  'tenant.upgrade',
  'tenant.uninstall',
  'tenant.move',
  'app.publish',
  'archive.discard',
  'archive.export',
  'moves.start',
  'upgrade.start',
  'jobs.start',
  'connections.add',
  'audit.report',
];
const CHANGE_TONE: Record<string, 'ok' | 'warn' | 'info' | 'archive' | 'danger' | 'neutral'> = {
  installed: 'ok',
  upgraded: 'info',
  downgraded: 'warn',
  uninstalled: 'warn',
  'moved-in': 'info',
  'moved-out': 'info',
  'tenant-added': 'ok',
  'tenant-removed': 'danger',
  'state-changed': 'warn',
  'archive-added': 'archive',
  'archive-removed': 'neutral',
};

/** A date input value (yyyy-mm-dd) as the start or end of that day in ISO time. */
const dayBound = (d: string, end: boolean): string | undefined => (d ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}`).toISOString() : undefined);

function AuditTab({ filter, setFilter }: { filter: AuditFilter; setFilter(f: AuditFilter): void }): ReactElement {
  const connections = useStore((s) => s.connections);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [matched, setMatched] = useState(0);
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [days, setDays] = useState({ since: '', until: '' });

  const load = useCallback(async () => {
    try {
      const r = await call('audit.list', { limit: PAGE, filter });
      setEntries(r.entries);
      setTotal(r.total);
      setMatched(r.matched);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, [filter]);
  useEffect(() => {
    const t = setTimeout(() => void load(), 150);
    return () => clearTimeout(t);
  }, [load]);

  const more = async (): Promise<void> => {
    const last = entries?.at(-1);
    if (!last) return;
    const r = await call('audit.list', { limit: PAGE, beforeSeq: last.seq, filter });
    setEntries([...(entries ?? []), ...r.entries]);
  };
  const runExport = async (format: 'jsonl' | 'csv'): Promise<void> => {
    const out = await call('audit.export', { format });
    download(out.fileName, out.mimeType, out.content);
    void load();
  };
  const filtered = Boolean(filter.query || filter.action || filter.result || filter.connectionId || filter.since || filter.until);

  return (
    <div className="stack">
      <div className="toolbar">
        <div className="filters" role="search" aria-label="Filter the audit log">
          <div className="search">
            <Icon name="search" />
            <input
              className="input"
              type="search"
              placeholder="Actor, tenant, parameter, error…"
              aria-label="Search the audit log"
              value={filter.query ?? ''}
              onChange={(e) => setFilter({ ...filter, query: e.target.value })}
            />
          </div>
          <select
            className="select"
            aria-label="Action"
            value={filter.action ?? ''}
            onChange={(e) => setFilter({ ...filter, action: e.target.value || undefined })}
          >
            <option value="">Any action</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Result"
            value={filter.result ?? ''}
            onChange={(e) => setFilter({ ...filter, result: (e.target.value || undefined) as AuditFilter['result'] })}
          >
            <option value="">Any result</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
            <option value="cancelled">cancelled</option>
          </select>
          <select
            className="select"
            aria-label="Deployment"
            value={filter.connectionId ?? ''}
            onChange={(e) => setFilter({ ...filter, connectionId: e.target.value || undefined })}
          >
            <option value="">Any deployment</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <label className="date-field">
            From
            <input
              className="input"
              type="date"
              value={days.since}
              onChange={(e) => {
                setDays({ ...days, since: e.target.value });
                setFilter({ ...filter, since: dayBound(e.target.value, false) });
              }}
            />
          </label>
          <label className="date-field">
            To
            <input
              className="input"
              type="date"
              value={days.until}
              onChange={(e) => {
                setDays({ ...days, until: e.target.value });
                setFilter({ ...filter, until: dayBound(e.target.value, true) });
              }}
            />
          </label>
          {filtered ? (
            <button
              type="button"
              className="btn ghost sm"
              onClick={() => {
                setDays({ since: '', until: '' });
                setFilter({});
              }}
            >
              Clear filters
            </button>
          ) : null}
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => void call('audit.verify', {}).then(setVerify)}>
            <Icon name="shield" /> Verify chain
          </button>
          <button type="button" className="btn" onClick={() => void runExport('jsonl')}>
            <Icon name="download" /> Export JSONL
          </button>
          <button type="button" className="btn" onClick={() => void runExport('csv')}>
            <Icon name="download" /> Export CSV
          </button>
        </div>
      </div>
      {verify ? (
        verify.ok ? (
          <div className="ok-box" role="status" data-testid="audit-verify">
            <strong>Verified.</strong> {verify.count} entries, chain intact. Head <span className="mono">{verify.headHash.slice(0, 16)}…</span>
          </div>
        ) : (
          <div className="error-box" role="alert" data-testid="audit-verify">
            <strong>Verification failed at entry {verify.firstBad?.seq}.</strong> {verify.firstBad?.reason}
          </div>
        )
      ) : null}
      {error ? <div className="error-box">{error}</div> : null}
      <p className="muted small" data-testid="audit-count">
        {filtered ? `${matched} of ${total} entries match.` : `${total} entries.`} Each carries the SHA-256 of the one before.
      </p>
      {!entries ? (
        <EmptyState title="Loading…">
          <Spinner />
        </EmptyState>
      ) : entries.length === 0 ? (
        <EmptyState title={filtered ? 'No entry matches' : 'Nothing recorded yet'} />
      ) : (
        <div className="table-wrap">
          <table className="data" aria-label="Audit entries">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Where</th>
                <th>Result</th>
                <th>Operation id</th>
                <th>Hash</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-testid="audit-entry" data-action={e.action}>
                  <td className="num mono">{e.seq}</td>
                  <td className="muted" style={{ whiteSpace: 'nowrap' }}>
                    {formatDateTime(e.at)}
                  </td>
                  <td>{e.actor}</td>
                  <td>
                    <span className="mono">{e.action}</span>
                    <div className="muted mono clip" title={JSON.stringify(e.params)}>
                      {JSON.stringify(e.params)}
                    </div>
                  </td>
                  <td>
                    {e.connectionName ?? '—'}
                    {e.target ? <span className="muted"> / {e.target}</span> : null}
                  </td>
                  <td title={e.error ?? undefined}>
                    <Badge tone={e.result === 'succeeded' ? 'ok' : e.result === 'failed' ? 'danger' : 'neutral'}>{e.result}</Badge>
                  </td>
                  <td className="mono muted xs">{e.opId ? e.opId.slice(0, 8) : '—'}</td>
                  <td className="mono muted xs">{e.hash.slice(0, 12)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {entries.length < (filtered ? matched : total) ? (
            <div className="card-foot">
              <button type="button" className="btn sm" onClick={() => void more()}>
                Show {Math.min(PAGE, (filtered ? matched : total) - entries.length)} more
              </button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}

function OpLogTab(): ReactElement {
  const connections = useStore((s) => s.connections);
  const [f, setF] = useState<{ connectionId: string; query: string; result: string; tenantId: string }>({
    connectionId: '',
    query: '',
    result: '',
    tenantId: '',
  });
  const [data, setData] = useState<{ entries: OpLogEntry[]; matched: number; sources: SourceStatus[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => {
      call('oplog.search', {
        limit: 2000,
        ...(f.connectionId ? { connectionId: f.connectionId } : {}),
        ...(f.query ? { query: f.query } : {}),
        ...(f.result ? { result: f.result as 'failed' } : {}),
        ...(f.tenantId ? { tenantId: f.tenantId } : {}),
      })
        .then((d) => {
          setData(d);
          setError(null);
        })
        .catch((e: unknown) => setError(errorText(e)));
    }, 150);
    return () => clearTimeout(t);
  }, [f]);
  const columns: Column<OpLogEntry>[] = [
    { key: 'at', header: 'Started', width: '196px', minWidth: 196, render: (e) => <span className="muted">{formatDateTime(e.startedAt)}</span> },
    { key: 'dep', header: 'Deployment', width: '110px', minWidth: 110, render: (e) => e.connectionName },
    { key: 'op', header: 'Operation', width: 'minmax(150px, 1fr)', minWidth: 150, render: (e) => <span className="mono">{e.operation}</span> },
    {
      key: 'tenant',
      header: 'Tenant',
      width: 'minmax(140px, 1fr)',
      minWidth: 140,
      // deployment-level operations (a move) name their tenant in the parameters
      render: (e) => e.tenantId ?? (typeof e.params['tenantId'] === 'string' ? e.params['tenantId'] : <span className="muted">—</span>),
    },
    {
      key: 'params',
      header: 'Parameters',
      width: 'minmax(160px, 1.3fr)',
      minWidth: 160,
      render: (e) => <span className="mono muted clip">{JSON.stringify(e.params)}</span>,
      title: (e) => JSON.stringify(e.params),
    },
    { key: 'actor', header: 'Actor', width: 'minmax(110px, 0.8fr)', minWidth: 110, render: (e) => e.actor, title: (e) => e.actor },
    {
      key: 'result',
      header: 'Result',
      width: 'minmax(160px, 1.1fr)',
      minWidth: 160,
      render: (e) => (
        <span>
          <Badge tone={e.result === 'succeeded' ? 'ok' : e.result === 'failed' ? 'danger' : 'neutral'}>{e.result}</Badge>{' '}
          {e.errorCode ? <span className="muted">{e.errorCode}</span> : null}
        </span>
      ),
      title: (e) => e.errorMessage ?? e.result,
    },
  ];
  return (
    <div className="stack">
      <div className="filters" role="search" aria-label="Filter the operation logs">
        <div className="search">
          <Icon name="search" />
          <input
            className="input"
            type="search"
            placeholder="Operation, tenant, actor, error…"
            aria-label="Search the operation logs"
            value={f.query}
            onChange={(e) => setF({ ...f, query: e.target.value })}
          />
        </div>
        <select className="select" aria-label="Deployment" value={f.connectionId} onChange={(e) => setF({ ...f, connectionId: e.target.value })}>
          <option value="">Every deployment</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <select className="select" aria-label="Result" value={f.result} onChange={(e) => setF({ ...f, result: e.target.value })}>
          <option value="">Any result</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
          <option value="running">running</option>
        </select>
        <input
          className="input"
          placeholder="Tenant id"
          aria-label="Tenant id"
          value={f.tenantId}
          onChange={(e) => setF({ ...f, tenantId: e.target.value })}
          style={{ width: 160 }}
        />
      </div>
      {data ? (
        <p className="muted small" data-testid="oplog-sources">
          {plural(data.matched, 'operation')} {data.matched === 1 ? 'matches' : 'match'}.{' '}
          {data.sources.map((s) => `${s.name}: ${s.live ? 'live' : 'cached'}${s.asOf ? ` as of ${formatDateTime(s.asOf)}` : ', never read'}`).join(' · ')}
        </p>
      ) : null}
      {error ? <div className="error-box">{error}</div> : null}
      {!data ? (
        <Spinner />
      ) : (
        <VirtualTable
          label="Operations of the deployments"
          columns={columns}
          count={data.entries.length}
          getRow={(i) => data.entries[i]}
          rowKey={(e, i) => (e ? `${e.connectionId}/${e.opId}` : String(i))}
          height={Math.min(Math.max(data.entries.length, 1), 14) * 34}
          testId="oplog"
          rowTestId="oplog-entry"
          rowData={(e) => ({ operation: e.operation, tenant: e.tenantId ?? '', result: e.result })}
          empty="No operation matches."
        />
      )}
    </div>
  );
}

function SnapshotsTab({ onCompared }: { onCompared(c: SnapshotCompare | null): void }): ReactElement {
  const connections = useStore((s) => s.connections);
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? '');
  const [list, setList] = useState<SnapshotInfo[] | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [cmp, setCmp] = useState<SnapshotCompare | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!connectionId && connections[0]) setConnectionId(connections[0].id);
  }, [connectionId, connections]);
  useEffect(() => {
    if (!connectionId) return;
    setCmp(null);
    onCompared(null);
    void call('snapshots.list', { connectionId }).then((r) => {
      setList(r.snapshots);
      setTo(r.snapshots[0]?.id ?? null);
      setFrom(r.snapshots.at(-1)?.id ?? null);
    });
  }, [connectionId, onCompared]);
  const compare = async (): Promise<void> => {
    if (from === null || to === null) return;
    try {
      const c = await call('snapshots.compare', { connectionId, fromId: from, toId: to });
      setCmp(c);
      onCompared(c);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  };
  const label = (s: SnapshotInfo): string => `${formatDateTime(s.takenAt)} · ${s.tenants} tenants, ${s.installed} installed`;
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const c of cmp?.changes ?? []) m.set(c.kind, (m.get(c.kind) ?? 0) + 1);
    return [...m];
  }, [cmp]);
  return (
    <div className="stack">
      <p className="muted">
        The console keeps a snapshot of each deployment whenever a read finds it changed: tenants, states, installed and archived versions.
      </p>
      <div className="filters">
        <select className="select" aria-label="Deployment" value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <label className="date-field">
          From
          <select className="select wide" aria-label="From snapshot" value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
            {(list ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="date-field">
          To
          <select className="select wide" aria-label="To snapshot" value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))}>
            {(list ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn primary" onClick={() => void compare()} disabled={from === null || to === null || from === to}>
          <Icon name="history" /> Compare
        </button>
        <span className="muted">{list ? `${list.length} snapshots kept` : ''}</span>
      </div>
      {error ? <div className="error-box">{error}</div> : null}
      {cmp ? (
        <section className="card" aria-labelledby="cmp-title" data-testid="snapshot-compare">
          <div className="card-header">
            <h3 id="cmp-title">
              {cmp.connectionName} · {formatTime(cmp.from.takenAt)} → {formatTime(cmp.to.takenAt)}
            </h3>
            <span className="right legend">
              {counts.map(([k, n]) => (
                <span key={k}>
                  <Badge tone={CHANGE_TONE[k] ?? 'neutral'}>{k.replace(/-/g, ' ')}</Badge> {n}
                </span>
              ))}
            </span>
          </div>
          {cmp.changes.length === 0 ? (
            <div className="card-body muted">Nothing changed between these two snapshots.</div>
          ) : (
            <table className="data" aria-label="Changes between the snapshots">
              <thead>
                <tr>
                  <th>Tenant</th>
                  <th>Change</th>
                  <th>What</th>
                </tr>
              </thead>
              <tbody>
                {cmp.changes.map((c, i) => (
                  <tr key={i} data-testid="snapshot-change" data-kind={c.kind} data-tenant={c.tenantId}>
                    <td>{c.tenantId}</td>
                    <td>
                      <Badge tone={CHANGE_TONE[c.kind] ?? 'neutral'}>{c.kind.replace(/-/g, ' ')}</Badge>
                    </td>
                    <td>{c.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : list && list.length < 2 ? (
        <EmptyState title="Not enough history yet">Snapshots are kept as the console reads the deployment; two are needed to compare.</EmptyState>
      ) : null}
    </div>
  );
}

export function AuditView(): ReactElement {
  const [tab, setTab] = useState<Tab>('audit');
  const [filter, setFilter] = useState<AuditFilter>({});
  const [compared, setCompared] = useState<SnapshotCompare | null>(null);
  const toastShown = useStore((s) => s.toastShown);
  const fleet = useStore((s) => s.fleet);
  const offline = fleet ? fleet.deployments.filter((d) => !d.live).length : 0;
  const report = async (format: 'html' | 'csv'): Promise<void> => {
    try {
      const clean: AuditFilter = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as AuditFilter;
      const out = await call('audit.report', {
        format,
        filter: clean,
        operationLogs: true,
        ...(compared ? { compare: { connectionId: compared.connectionId, fromId: compared.from.id, toId: compared.to.id } } : {}),
      });
      download(out.fileName, out.mimeType, out.content);
      toastShown('ok', `Saved ${out.fileName}`);
    } catch (e) {
      toastShown('error', errorText(e));
    }
  };
  const onCompared = useCallback((c: SnapshotCompare | null) => setCompared(c), []);
  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h2>Audit</h2>
          <p>
            Everything here is kept by the console and works offline
            {offline ? ` (${offline} of ${fleet?.deployments.length ?? 0} deployments offline now)` : ''}.
          </p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => void report('html')}>
            <Icon name="download" /> Audit report (HTML)
          </button>
          <button type="button" className="btn" onClick={() => void report('csv')}>
            <Icon name="download" /> Audit report (CSV)
          </button>
          <button type="button" className="btn" onClick={() => window.print()}>
            <Icon name="print" /> Print or save as PDF
          </button>
        </div>
      </div>
      <div className="tabs" role="tablist" aria-label="Audit views" onKeyDown={onTabListKeyDown}>
        {(
          [
            ['audit', 'Console audit log'],
            ['oplog', 'Operation logs'],
            ['snapshots', 'Snapshots'],
          ] as const
        ).map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            tabIndex={tabIndexOf(tab === id)}
            aria-controls={`panel-${id}`}
            className="tab"
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'audit' ? <AuditTab filter={filter} setFilter={setFilter} /> : null}
        {tab === 'oplog' ? <OpLogTab /> : null}
        {tab === 'snapshots' ? <SnapshotsTab onCompared={onCompared} /> : null}
      </div>
    </div>
  );
}
