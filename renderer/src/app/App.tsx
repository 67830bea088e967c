// The console shell: sidebar navigation, top bar (breadcrumbs, command palette, freshness), the offline
// banner, and the current view. Loads connections and the fleet, listens to job events, refreshes on a timer.
import { useEffect, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Icon, type IconName } from '../components/icons.js';
import { ArchiveView } from '../features/archive/ArchiveView.js';
import { AuditView } from '../features/audit/AuditView.js';
import { ConnectionsView } from '../features/connections/ConnectionsView.js';
import { JobsView } from '../features/jobs/JobsView.js';
import { MatrixView } from '../features/matrix/MatrixView.js';
import { MovesView } from '../features/moves/MovesView.js';
import { OverviewView } from '../features/overview/OverviewView.js';
import { TenantDetailView } from '../features/tenants/TenantDetailView.js';
import { UpgradeView } from '../features/upgrade/UpgradeView.js';
import { onJobEvent, onMenuCommand, transport } from '../lib/api.js';
import { formatDateTime, formatTime } from '../lib/format.js';
import { CommandPalette } from './CommandPalette.js';
import { useStore, type View } from './store.js';

const REFRESH_MS = 20_000;
/** While a remote deployment is offline, look again this often: the console catches up soon after it is back. */
const OFFLINE_RETRY_MS = 5_000;

const NAV: { view: View['name']; label: string; icon: IconName }[] = [
  { view: 'matrix', label: 'Matrix', icon: 'grid' },
  { view: 'overview', label: 'Deployments', icon: 'server' },
  { view: 'connections', label: 'Connections', icon: 'plug' },
  { view: 'archive', label: 'Data archive', icon: 'archive' },
  { view: 'moves', label: 'Tenant moves', icon: 'move' },
  { view: 'upgrade', label: 'Upgrades', icon: 'upgrade' },
  { view: 'jobs', label: 'Jobs', icon: 'jobs' },
  { view: 'audit', label: 'Audit log', icon: 'shield' },
];

const TITLES: Record<View['name'], string> = {
  matrix: 'Matrix',
  overview: 'Deployments',
  connections: 'Connections',
  tenant: 'Tenant',
  jobs: 'Jobs',
  audit: 'Audit log',
  archive: 'Data archive',
  moves: 'Tenant moves',
  upgrade: 'Upgrades',
};

/** The current view's heading (or the main region), where the keyboard continues when its focus went away. */
function focusCurrentView(): void {
  const main = document.getElementById('main');
  const target = main?.querySelector<HTMLElement>('h2') ?? main;
  if (!target) return;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: true });
}

function OfflineBanner(): ReactElement | null {
  const { fleet, fleetRequested, fleetLoading } = useStore(
    useShallow((s) => ({ fleet: s.fleet, fleetRequested: s.fleetRequested, fleetLoading: s.fleetLoading })),
  );
  const offline = fleet?.deployments.filter((d) => !d.live) ?? [];
  if (offline.length === 0) return null;
  return (
    <div className="banner offline" role="status" data-testid="offline-banner">
      <Icon name="wifiOff" />
      <span>
        <strong>Offline.</strong>{' '}
        {offline.map((d) => (d.asOf ? `${d.name}: cached state as of ${formatDateTime(d.asOf)}` : `${d.name}: never reached`)).join(' · ')}. Views are read-only
        until the connection is back.
      </span>
      <span className="banner-actions">
        <button type="button" className="btn sm" onClick={() => void fleetRequested()} disabled={fleetLoading}>
          <Icon name="refresh" size={14} /> Retry now
        </button>
      </span>
    </div>
  );
}

export function App(): ReactElement {
  const s = useStore(
    useShallow((st) => ({
      view: st.view,
      theme: st.theme,
      fleet: st.fleet,
      fleetLoading: st.fleetLoading,
      connections: st.connections,
      toast: st.toast,
      jobs: st.jobs,
    })),
  );
  const a = useStore(
    useShallow((st) => ({
      navigated: st.navigated,
      themeToggled: st.themeToggled,
      paletteToggled: st.paletteToggled,
      fleetRequested: st.fleetRequested,
      connectionsRequested: st.connectionsRequested,
      jobEventReceived: st.jobEventReceived,
      toastDismissed: st.toastDismissed,
    })),
  );

  useEffect(() => {
    document.documentElement.dataset['theme'] = s.theme;
  }, [s.theme]);

  useEffect(() => {
    void a.connectionsRequested();
    void a.fleetRequested();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void a.fleetRequested();
    }, REFRESH_MS);
    const offJobs = onJobEvent((e) => {
      a.jobEventReceived(e);
      if (e.job.state !== 'running' && e.job.state !== 'queued' && !e.item) void a.fleetRequested();
    });
    const offMenu = onMenuCommand((c) => {
      if (c === 'command-palette') a.paletteToggled(true);
      else if (c === 'toggle-theme') a.themeToggled();
      else if (c === 'refresh') void a.fleetRequested();
      else if (c === 'go-matrix') a.navigated({ name: 'matrix' });
      else if (c === 'go-connections') a.navigated({ name: 'connections' });
      else if (c === 'go-jobs') a.navigated({ name: 'jobs' });
      else if (c === 'go-audit') a.navigated({ name: 'audit' });
      else if (c === 'go-archive') a.navigated({ name: 'archive' });
      else if (c === 'go-moves') a.navigated({ name: 'moves' });
      else if (c === 'go-upgrades') a.navigated({ name: 'upgrade' });
    });
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        a.paletteToggled();
      } else if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'l') {
        e.preventDefault();
        a.themeToggled();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearInterval(timer);
      offJobs();
      offMenu();
      window.removeEventListener('keydown', onKey);
    };
  }, [a]);

  // A remote deployment is followed through its change feed, so looking again is cheap: on focus, and often while
  // one is offline (a refresh still in flight is not doubled).
  const remoteOffline = s.fleet?.deployments.some((d) => d.kind === 'remote' && !d.live) ?? false;
  useEffect(() => {
    const again = (): void => {
      if (!useStore.getState().fleetLoading) void a.fleetRequested();
    };
    window.addEventListener('focus', again);
    const retry = remoteOffline
      ? setInterval(() => {
          if (document.visibilityState === 'visible') again();
        }, OFFLINE_RETRY_MS)
      : undefined;
    return () => {
      window.removeEventListener('focus', again);
      if (retry !== undefined) clearInterval(retry);
    };
  }, [a, remoteOffline]);

  useEffect(() => {
    // Focus that leaves with its element (a view replaced, a wizard step done, a dialog closed whose opener is gone)
    // would send the keyboard back to the top of the page: it continues from the current view's heading instead.
    // Chromium blurs an element as it is removed; the check runs once the removal (and a dialog's own return of the
    // focus to its opener) is done. No observer of the whole DOM: the matrix replaces rows on every scrolled frame.
    const onFocusOut = (e: FocusEvent): void => {
      if (e.relatedTarget !== null || !(e.target instanceof Element)) return;
      const left = e.target;
      setTimeout(() => {
        const now = document.activeElement;
        if (!left.isConnected && (now === null || now === document.body)) focusCurrentView();
      }, 0);
    };
    document.addEventListener('focusout', onFocusOut);
    return () => document.removeEventListener('focusout', onFocusOut);
  }, []);

  useEffect(() => {
    if (!s.toast) return;
    const t = setTimeout(a.toastDismissed, 4000);
    return () => clearTimeout(t);
  }, [s.toast, a.toastDismissed]);

  const running = Object.values(s.jobs).filter((j) => j.state === 'running' || j.state === 'queued').length;
  const tenantCount = s.fleet?.deployments.reduce((n, d) => n + d.tenants.length, 0) ?? 0;
  const view = s.view;

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            T
          </span>
          <span>
            Tenantry
            <small>Admin console</small>
          </span>
        </div>
        <ul className="nav-list">
          {NAV.map((n) => (
            <li key={n.view}>
              <button
                type="button"
                className="nav-item"
                aria-current={view.name === n.view || (n.view === 'matrix' && view.name === 'tenant') ? 'page' : undefined}
                onClick={() => a.navigated(n.view === 'overview' ? { name: 'overview' } : ({ name: n.view } as View))}
              >
                <Icon name={n.icon} />
                {n.label}
                {n.view === 'matrix' && tenantCount ? <span className="count">{tenantCount}</span> : null}
                {n.view === 'connections' && s.connections.length ? <span className="count">{s.connections.length}</span> : null}
                {n.view === 'jobs' && running ? <span className="count">{running} running</span> : null}
              </button>
            </li>
          ))}
        </ul>
        <div className="nav-section">Deployments</div>
        <ul className="nav-list">
          {(s.fleet?.deployments ?? []).map((d) => (
            <li key={d.connectionId}>
              <button
                type="button"
                className="nav-item"
                aria-current={view.name === 'overview' && (view.connectionId ?? s.connections[0]?.id) === d.connectionId ? 'page' : undefined}
                onClick={() => a.navigated({ name: 'overview', connectionId: d.connectionId })}
              >
                <span className={`dot ${d.live ? 'live' : 'offline'}`} aria-hidden="true" />
                {d.name}
                <span className="count">{d.live ? d.tenants.length : 'offline'}</span>
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-footer">
          <button type="button" className="nav-item" onClick={a.themeToggled} aria-label={`Switch to ${s.theme === 'dark' ? 'light' : 'dark'} theme`}>
            <Icon name={s.theme === 'dark' ? 'sun' : 'moon'} />
            {s.theme === 'dark' ? 'Light theme' : 'Dark theme'}
          </button>
          <div className="host-info">{transport === 'electron' ? 'Desktop app' : 'Browser host · 127.0.0.1'}</div>
        </div>
      </nav>
      <header className="topbar">
        <div className="crumbs">
          <h1>{TITLES[view.name]}</h1>
          {view.name === 'tenant' ? (
            <>
              <span className="sep" aria-hidden="true">
                /
              </span>
              <span>{view.tenantId}</span>
            </>
          ) : null}
        </div>
        <span className="topbar-spacer" />
        <button type="button" className="palette-trigger" onClick={() => a.paletteToggled(true)} aria-label="Open the command palette">
          <Icon name="search" />
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>Search tenants, extensions…</span>
          <kbd>Ctrl K</kbd>
        </button>
        <span className="freshness" aria-live="polite">
          <span className={`dot ${s.fleet && !s.fleet.live ? 'offline' : 'live'}`} aria-hidden="true" />
          {s.fleet ? (s.fleet.live ? `Live · ${formatTime(s.fleet.asOf)}` : `Offline · as of ${formatTime(s.fleet.asOf)}`) : 'Connecting…'}
        </span>
        <button type="button" className="btn ghost icon" aria-label="Refresh" onClick={() => void a.fleetRequested()} disabled={s.fleetLoading}>
          <Icon name="refresh" />
        </button>
      </header>
      <main className="main" id="main">
        <OfflineBanner />
        {view.name === 'matrix' ? <MatrixView /> : null}
        {view.name === 'overview' ? <OverviewView connectionId={view.connectionId} /> : null}
        {view.name === 'connections' ? <ConnectionsView /> : null}
        {view.name === 'tenant' ? <TenantDetailView connectionId={view.connectionId} tenantId={view.tenantId} /> : null}
        {view.name === 'jobs' ? <JobsView /> : null}
        {view.name === 'audit' ? <AuditView /> : null}
        {view.name === 'archive' ? <ArchiveView initialAppId={view.appId} /> : null}
        {view.name === 'moves' ? (
          <MovesView key={`${view.sourceId ?? ''}/${(view.tenantIds ?? []).join(',')}`} initialSourceId={view.sourceId} initialTenantIds={view.tenantIds} />
        ) : null}
        {view.name === 'upgrade' ? (
          <UpgradeView key={`${view.appId ?? ''}/${(view.targets ?? []).length}`} initialAppId={view.appId} initialTargets={view.targets} />
        ) : null}
      </main>
      <CommandPalette />
      {s.toast ? (
        <div className="toast" role={s.toast.kind === 'error' ? 'alert' : 'status'}>
          {s.toast.kind === 'error' ? <strong style={{ color: 'var(--danger)' }}>Error. </strong> : null}
          {s.toast.text}
        </div>
      ) : null}
    </div>
  );
}
