// The audit log: every operation this console started, hash-chained. Verify walks the chain here, offline;
// export saves it (JSONL to verify elsewhere, or CSV for a spreadsheet).
import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { AuditEntry, AuditVerify } from '../../../../shared/api/console.js';
import { Icon } from '../../components/icons.js';
import { Badge, EmptyState, Spinner } from '../../components/status.js';
import { ApiError, call } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';

function download(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function AuditView(): ReactElement {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [total, setTotal] = useState(0);
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await call('audit.list', { limit: 200 });
      setEntries(r.entries);
      setTotal(r.total);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const runVerify = async (): Promise<void> => setVerify(await call('audit.verify', {}));
  const runExport = async (format: 'jsonl' | 'csv'): Promise<void> => {
    const out = await call('audit.export', { format });
    download(out.fileName, out.mimeType, out.content);
    void load();
  };

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h2>Audit log</h2>
          <p>Append-only and tamper-evident: each entry carries the SHA-256 of the one before. {total} entries.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={() => void runVerify()}>
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
          <div className="ok-box" role="status" style={{ marginBottom: 'var(--space-4)' }} data-testid="audit-verify">
            <strong>Verified.</strong> {verify.count} entries, chain intact. Head <span className="mono">{verify.headHash.slice(0, 16)}…</span>
          </div>
        ) : (
          <div className="error-box" role="alert" style={{ marginBottom: 'var(--space-4)' }} data-testid="audit-verify">
            <strong>Verification failed at entry {verify.firstBad?.seq}.</strong> {verify.firstBad?.reason}
          </div>
        )
      ) : null}
      {error ? <div className="error-box">{error}</div> : null}
      {!entries ? (
        <EmptyState title="Loading…">
          <Spinner />
        </EmptyState>
      ) : entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
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
                <tr key={e.seq}>
                  <td className="num mono">{e.seq}</td>
                  <td className="muted" style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>
                    <span className="mono">{e.action}</span>
                    <div className="muted mono" style={{ fontSize: 'var(--text-xs)', maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={JSON.stringify(e.params)}>
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
                  <td className="mono muted" style={{ fontSize: 'var(--text-xs)' }}>{e.opId ? e.opId.slice(0, 8) : '—'}</td>
                  <td className="mono muted" style={{ fontSize: 'var(--text-xs)' }}>{e.hash.slice(0, 12)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
