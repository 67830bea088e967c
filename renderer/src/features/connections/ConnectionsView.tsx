// Connections: the deployments this console works with, local folders or remote URLs with a token. Add,
// edit, test and remove; tokens are never shown again once saved.
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Connection, ConsoleOutput } from '../../../../shared/api/console.js';
import { useStore } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { Badge, EmptyState, Spinner } from '../../components/status.js';
import { ApiError, call } from '../../lib/api.js';
import { formatDateTime } from '../../lib/format.js';
import { useOnce } from '../../lib/use-once.js';

type TestResult = ConsoleOutput<'connections.test'>;

interface Draft {
  kind: 'local' | 'remote';
  name: string;
  folder: string;
  url: string;
  token: string;
  allowInsecure: boolean;
}

const EMPTY: Draft = { kind: 'local', name: '', folder: '', url: '', token: '', allowInsecure: false };

function TestLine({ result }: { result: TestResult }): ReactElement {
  if (result.ok) {
    return (
      <div className="ok-box" role="status">
        <strong>Connected.</strong> {result.application?.name} {result.application?.version} · {result.tenantCount} tenants · {result.extensionCount} extensions
      </div>
    );
  }
  return (
    <div className="error-box" role="alert">
      <strong>{result.error?.code ?? 'Failed'}:</strong> {result.error?.message}
    </div>
  );
}

function ConnectionForm({ editing, onDone }: { editing: Connection | null; onDone(): void }): ReactElement {
  const [d, setD] = useState<Draft>(
    editing
      ? { kind: editing.kind, name: editing.name, folder: editing.folder ?? '', url: editing.url ?? '', token: '', allowInsecure: editing.allowInsecure }
      : EMPTY,
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<TestResult | null>(null);
  const toastShown = useStore((s) => s.toastShown);

  const draft = () =>
    d.kind === 'local'
      ? ({ kind: 'local', name: d.name.trim(), folder: d.folder.trim() } as const)
      : ({ kind: 'remote', name: d.name.trim(), url: d.url.trim(), token: d.token, allowInsecure: d.allowInsecure } as const);

  // saved once: a second click or Enter while the first save runs does nothing
  const [save, saving] = useOnce(async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      if (editing) {
        await call('connections.update', {
          id: editing.id,
          name: d.name.trim(),
          ...(editing.kind === 'local'
            ? { folder: d.folder.trim() }
            : { url: d.url.trim(), allowInsecure: d.allowInsecure, ...(d.token ? { token: d.token } : {}) }),
        });
        toastShown('ok', `Saved ${d.name.trim()}`);
      } else {
        await call('connections.add', draft());
        toastShown('ok', `Connected ${d.name.trim()}`);
      }
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void save();
  };

  const runTest = async (): Promise<void> => {
    setTest(null);
    setBusy(true);
    try {
      setTest(
        editing && !d.token && d.kind === 'remote' ? await call('connections.test', { id: editing.id }) : await call('connections.test', { draft: draft() }),
      );
    } catch (err) {
      setTest({ ok: false, error: { code: err instanceof ApiError ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) } });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="conn-form-title">
      <div className="card-header">
        <h3 id="conn-form-title">{editing ? `Edit ${editing.name}` : 'Add a connection'}</h3>
        {!editing ? (
          <div className="right">
            <div className="segmented" role="group" aria-label="Kind of deployment">
              <button type="button" aria-pressed={d.kind === 'local'} onClick={() => setD({ ...d, kind: 'local' })}>
                Local folder
              </button>
              <button type="button" aria-pressed={d.kind === 'remote'} onClick={() => setD({ ...d, kind: 'remote' })}>
                Remote server
              </button>
            </div>
          </div>
        ) : null}
      </div>
      <div className="card-body">
        <div className="form-grid">
          <div className="field">
            <label htmlFor="conn-name">Name</label>
            <input
              id="conn-name"
              className="input"
              required
              value={d.name}
              onChange={(e) => setD({ ...d, name: e.target.value })}
              placeholder="e.g. East (Dublin)"
              autoComplete="off"
            />
          </div>
          {d.kind === 'local' ? (
            <div className="field">
              <label htmlFor="conn-folder">Deployment folder</label>
              <input
                id="conn-folder"
                className="input mono"
                required
                value={d.folder}
                onChange={(e) => setD({ ...d, folder: e.target.value })}
                placeholder="/srv/tenantry/east"
                autoComplete="off"
              />
              <span className="hint">A folder created with “tenantry deployment new”.</span>
            </div>
          ) : (
            <>
              <div className="field">
                <label htmlFor="conn-url">Server URL</label>
                <input
                  id="conn-url"
                  className="input mono"
                  required
                  value={d.url}
                  onChange={(e) => setD({ ...d, url: e.target.value })}
                  placeholder="https://erp.example.com:7048"
                  autoComplete="off"
                />
              </div>
              <div className="field">
                <label htmlFor="conn-token">Access token</label>
                <input
                  id="conn-token"
                  className="input mono"
                  type="password"
                  required={!editing}
                  value={d.token}
                  onChange={(e) => setD({ ...d, token: e.target.value })}
                  placeholder={editing?.hasToken ? 'Saved — type to replace' : 'Paste the token'}
                  autoComplete="off"
                />
                <span className="hint">Stored encrypted on this machine; never shown again.</span>
              </div>
              <div className="field" style={{ justifyContent: 'center' }}>
                <label className="check">
                  <input type="checkbox" checked={d.allowInsecure} onChange={(e) => setD({ ...d, allowInsecure: e.target.checked })} />
                  Allow plain http to a host other than this machine (not recommended)
                </label>
              </div>
            </>
          )}
        </div>
        {test ? (
          <div style={{ marginTop: 'var(--space-4)' }}>
            <TestLine result={test} />
          </div>
        ) : null}
        {error ? (
          <div className="error-box" role="alert" style={{ marginTop: 'var(--space-4)' }}>
            <strong>Not saved.</strong> {error}
          </div>
        ) : null}
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy || saving}>
            {editing ? 'Save changes' : 'Add connection'}
          </button>
          <button type="button" className="btn" onClick={() => void runTest()} disabled={busy}>
            Test connection
          </button>
          {busy ? <Spinner label="Working" /> : null}
          <span className="topbar-spacer" />
          {editing ? (
            <button type="button" className="btn ghost" onClick={onDone}>
              Cancel
            </button>
          ) : null}
        </div>
      </div>
    </form>
  );
}

export function ConnectionsView(): ReactElement {
  const { connections, connectionsRequested, fleetRequested, fleet, toastShown } = useStore(
    useShallow((s) => ({
      connections: s.connections,
      connectionsRequested: s.connectionsRequested,
      fleetRequested: s.fleetRequested,
      fleet: s.fleet,
      toastShown: s.toastShown,
    })),
  );
  const [editing, setEditing] = useState<Connection | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [removing, setRemoving] = useState<Connection | null>(null);

  useEffect(() => {
    void connectionsRequested();
  }, [connectionsRequested]);

  const done = (): void => {
    setEditing(null);
    setFormKey((k) => k + 1);
    void connectionsRequested();
    void fleetRequested();
  };

  const remove = async (c: Connection): Promise<void> => {
    setRemoving(null);
    try {
      await call('connections.remove', { id: c.id });
      toastShown('ok', `Removed ${c.name}`);
      done();
    } catch (e) {
      toastShown('error', e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <div className="page">
      <div className="page-narrow">
        <div className="page-header">
          <div>
            <h2>Connections</h2>
            <p>The deployments this console manages: local deployment folders and remote deployment servers.</p>
          </div>
        </div>
        <div style={{ display: 'flex', flexDirection: 'column', gap: 'var(--space-5)' }}>
          <section className="card" aria-labelledby="conn-list-title">
            <div className="card-header">
              <h3 id="conn-list-title">Connected deployments</h3>
              <span className="sub">{connections.length}</span>
            </div>
            {connections.length === 0 ? (
              <EmptyState title="No connections yet">Add a local deployment folder or a remote server below.</EmptyState>
            ) : (
              <ul className="conn-list" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
                {connections.map((c) => {
                  const snap = fleet?.deployments.find((d) => d.connectionId === c.id);
                  return (
                    <li key={c.id} className="conn" data-testid="connection" data-name={c.name}>
                      <div className={`conn-icon${c.kind === 'remote' ? ' remote' : ''}`} aria-hidden="true">
                        <Icon name={c.kind === 'remote' ? 'globe' : 'folder'} size={18} />
                      </div>
                      <div style={{ minWidth: 0 }}>
                        <div className="title">
                          {c.name}
                          <Badge tone={c.kind === 'remote' ? 'archive' : 'info'}>{c.kind === 'remote' ? 'Remote' : 'Local'}</Badge>
                          {snap ? snap.live ? <Badge tone="ok">online</Badge> : <Badge tone="warn">offline · cached</Badge> : null}
                          {snap?.application ? (
                            <span className="muted" style={{ fontWeight: 400 }}>
                              {snap.application.name} {snap.application.version} · {snap.tenants.length} tenants
                            </span>
                          ) : null}
                        </div>
                        <div className="where">{c.kind === 'remote' ? c.url : c.folder}</div>
                        <div className="muted" style={{ fontSize: 'var(--text-xs)' }}>
                          Added {formatDateTime(c.createdAt)}
                        </div>
                      </div>
                      <div className="acts">
                        <button type="button" className="btn sm" onClick={() => setEditing(c)} aria-label={`Edit ${c.name}`}>
                          Edit
                        </button>
                        <button type="button" className="btn sm danger" onClick={() => setRemoving(c)} aria-label={`Remove ${c.name}`}>
                          Remove
                        </button>
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          <ConnectionForm key={editing ? editing.id : `new-${formKey}`} editing={editing} onDone={done} />
        </div>
        {removing ? (
          <ConfirmDialog
            title={`Remove ${removing.name}?`}
            confirmLabel="Remove connection"
            danger
            onConfirm={() => void remove(removing)}
            onCancel={() => setRemoving(null)}
          >
            <p style={{ margin: 0 }}>
              The console forgets this connection and its cached state. The deployment itself, its tenants and their data are not touched; the audit log keeps
              its entries.
            </p>
          </ConfirmDialog>
        ) : null}
      </div>
    </div>
  );
}
