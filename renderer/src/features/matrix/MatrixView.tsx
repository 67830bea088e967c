// The matrix page: filters, search and sort above the grid, a status line below, and the selection bar that
// turns selected cells into install / upgrade / uninstall jobs through the plan dialog.
import { TENANT_STATES } from '../../../../shared/domain/tenant-state.js';
import { useEffect, useMemo, useRef, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobAction, JobTarget } from '../../../../shared/api/console.js';
import { splitCellKey, useStore, type MatrixSort } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { Badge, EmptyState, Spinner } from '../../components/status.js';
import { plural } from '../../lib/format.js';
import { MatrixGrid, type GridSize } from './MatrixGrid.js';
import { buildMatrix } from './matrix-model.js';
import { PlanDialog } from './PlanDialog.js';

const STATES = TENANT_STATES;

export function MatrixView(): ReactElement {
  const { fleet, fleetLoading, filters, sort, selection } = useStore(
    useShallow((s) => ({ fleet: s.fleet, fleetLoading: s.fleetLoading, filters: s.filters, sort: s.sort, selection: s.selection })),
  );
  const { filtersChanged, filtersCleared, sortChanged, selectionChanged, navigated, fleetRequested } = useStore(
    useShallow((s) => ({
      filtersChanged: s.filtersChanged,
      filtersCleared: s.filtersCleared,
      sortChanged: s.sortChanged,
      selectionChanged: s.selectionChanged,
      navigated: s.navigated,
      fleetRequested: s.fleetRequested,
    })),
  );
  const model = useMemo(() => buildMatrix(fleet, filters, sort), [fleet, filters, sort]);
  const [dialog, setDialog] = useState<{ action: JobAction; targets: JobTarget[] } | null>(null);

  // The extension filter lists up to 300 options: rendering and sizing them cost ~5 ms of the matrix's first paint,
  // so until the select is focused or pressed it holds only "all" and the chosen extension. It is focused before it
  // opens (keyboard) or pressed before it opens (mouse), and React renders a pointer-down update before the popup.
  const [extListed, setExtListed] = useState(false);
  const extensionOptions = useMemo(() => {
    const all = (fleet?.extensions ?? []).filter((x) => filters.publisher === 'all' || x.publisher === filters.publisher);
    return extListed ? all : all.filter((x) => x.id === filters.extension);
  }, [fleet, filters.publisher, filters.extension, extListed]);

  // The grid's scroller fills the frame above the status line. Measured while the frame waits for data (a resize
  // observer reports after layout, so nothing is forced), it lets the grid's first render hold the first screen.
  const frame = useRef<HTMLDivElement>(null);
  const status = useRef<HTMLDivElement>(null);
  const gridSize = useRef<GridSize | null>(null);
  useEffect(() => {
    const f = frame.current;
    const st = status.current;
    if (!f || !st) return;
    const ro = new ResizeObserver(() => {
      gridSize.current = { width: f.clientWidth, height: f.clientHeight - st.offsetHeight };
    });
    ro.observe(f);
    return () => ro.disconnect();
  }, []);

  // Only a selection needs it: built for 10,000 tenants on every snapshot it cost ~15 ms of the matrix's first paint.
  const anySelected = selection.size > 0;
  const tenantsByKey = useMemo(() => {
    const m = new Map<string, { connectionId: string; tenantId: string; deployment: string; live: boolean }>();
    if (!anySelected) return m;
    for (const d of fleet?.deployments ?? [])
      for (const t of d.tenants) m.set(t.key, { connectionId: t.connectionId, tenantId: t.tenantId, deployment: d.name, live: d.live });
    return m;
  }, [fleet, anySelected]);

  const selected = useMemo(() => {
    const install: JobTarget[] = [];
    const upgrade: JobTarget[] = [];
    const uninstall: JobTarget[] = [];
    const tenants = new Set<string>();
    let readOnly = 0;
    for (const k of selection) {
      const [tenantKey, appId] = splitCellKey(k);
      const t = tenantsByKey.get(tenantKey);
      if (!t) continue;
      tenants.add(tenantKey);
      // a deployment shown from the cache is read-only until it is reachable again
      if (!t.live) {
        readOnly++;
        continue;
      }
      const c = model.cells.get(tenantKey)?.get(appId);
      const target = { connectionId: t.connectionId, tenantId: t.tenantId, appId };
      if (c?.installed) uninstall.push(target);
      else install.push(target);
      if (c?.upgradeTo || (!c?.installed && c?.archived.length)) upgrade.push(target);
    }
    // moving: the selected tenants, when they all live on one reachable deployment
    const sources = new Set(
      [...tenants]
        .map((k) => tenantsByKey.get(k))
        .filter((t) => t?.live)
        .map((t) => t!.connectionId),
    );
    const moveFrom = sources.size === 1 && readOnly === 0 ? [...sources][0]! : null;
    const moveTenants = [...tenants].map((k) => tenantsByKey.get(k)!.tenantId);
    return { install, upgrade, uninstall, tenants: tenants.size, readOnly, moveFrom, moveTenants };
  }, [selection, tenantsByKey, model.cells]);

  const filtered =
    filters.deployment !== 'all' ||
    filters.state !== 'all' ||
    filters.extension !== 'all' ||
    filters.publisher !== 'all' ||
    filters.hasUpgrade ||
    filters.failed ||
    filters.search !== '';
  const deployments = fleet?.deployments ?? [];
  const open = (connectionId: string, tenantId: string): void => navigated({ name: 'tenant', connectionId, tenantId });

  return (
    <div className="matrix-page">
      <div className="matrix-head">
        <div className="matrix-title">
          <h2>Tenants × Extensions</h2>
          <span className="counts">
            {plural(model.tenantCount, 'tenant')}
            {model.tenantCount !== model.totalTenants ? ` of ${model.totalTenants}` : ''} · {plural(model.columns.length, 'extension')} ·{' '}
            {plural(deployments.length, 'deployment')}
          </span>
          <label className="sort">
            Sort
            <select className="select" value={sort} onChange={(e) => sortChanged(e.target.value as MatrixSort)}>
              <option value="tenant-asc">Tenant A → Z</option>
              <option value="tenant-desc">Tenant Z → A</option>
              <option value="installed-desc">Most extensions</option>
              <option value="state">By state</option>
            </select>
          </label>
        </div>
        <div className="filters" role="search" aria-label="Filter the matrix">
          <div className="search">
            <Icon name="search" />
            <input
              className="input"
              type="search"
              placeholder="Find a tenant or company…"
              aria-label="Find a tenant"
              value={filters.search}
              onChange={(e) => filtersChanged({ search: e.target.value })}
            />
          </div>
          <select className="select" aria-label="Deployment" value={filters.deployment} onChange={(e) => filtersChanged({ deployment: e.target.value })}>
            <option value="all">All deployments</option>
            {deployments.map((d) => (
              <option key={d.connectionId} value={d.connectionId}>
                {d.name}
              </option>
            ))}
          </select>
          <select className="select" aria-label="Tenant state" value={filters.state} onChange={(e) => filtersChanged({ state: e.target.value })}>
            <option value="all">Any state</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select
            className="select"
            aria-label="Publisher"
            value={filters.publisher}
            onChange={(e) => filtersChanged({ publisher: e.target.value, extension: 'all' })}
          >
            <option value="all">All publishers</option>
            {model.publishers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
          <select
            className="select ext-filter"
            aria-label="Extension"
            value={filters.extension}
            onChange={(e) => filtersChanged({ extension: e.target.value })}
            // the full list is built when the select is about to be used (see extensionOptions)
            onFocus={() => setExtListed(true)}
            onPointerDown={() => setExtListed(true)}
          >
            <option value="all">All extensions</option>
            {extensionOptions.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
          <button type="button" className="toggle" aria-pressed={filters.hasUpgrade} onClick={() => filtersChanged({ hasUpgrade: !filters.hasUpgrade })}>
            <Icon name="upgrade" size={14} /> Has upgrade
          </button>
          <button type="button" className="toggle" aria-pressed={filters.failed} onClick={() => filtersChanged({ failed: !filters.failed })}>
            <Icon name="alert" size={14} /> Failed
          </button>
          {filtered ? (
            <button type="button" className="btn ghost sm" onClick={filtersCleared}>
              Clear filters
            </button>
          ) : null}
        </div>
      </div>
      <div className="matrix-frame" ref={frame}>
        {!fleet ? (
          <EmptyState title="Loading the fleet…">
            <Spinner />
          </EmptyState>
        ) : deployments.length === 0 ? (
          <EmptyState
            title="No deployments connected"
            action={
              <button type="button" className="btn primary" onClick={() => navigated({ name: 'connections' })}>
                <Icon name="plus" /> Add a connection
              </button>
            }
          >
            Connect a local deployment folder or a remote deployment to see its tenants here.
          </EmptyState>
        ) : model.rows.length === 0 ? (
          <EmptyState
            title="No tenant matches"
            action={
              <button type="button" className="btn" onClick={filtersCleared}>
                Clear filters
              </button>
            }
          >
            Nothing matches the search and filters.
          </EmptyState>
        ) : (
          <MatrixGrid model={model} sizeHint={gridSize.current} selection={selection} onSelectionChange={selectionChanged} onOpenTenant={open} />
        )}
        <div className="matrix-status" aria-live="polite" ref={status}>
          <span>{selection.size > 0 ? `${plural(selection.size, 'cell')} selected on ${plural(selected.tenants, 'tenant')}` : 'No selection'}</span>
          {fleetLoading ? (
            <span>
              <Spinner label="Refreshing" /> refreshing…
            </span>
          ) : null}
          <span className="right">
            <div className="legend" aria-label="Legend">
              <span>
                <span className="dot" style={{ background: 'var(--ok)' }} aria-hidden="true" /> installed
              </span>
              <span>
                <Badge tone="warn">↑ upg</Badge> upgrade available
              </span>
              <span>
                <Badge tone="info">sync</Badge> sync pending
              </span>
              <span>
                <Badge tone="archive">arch</Badge> archived data
              </span>
              <span>
                <Badge tone="danger">fail</Badge> last operation failed
              </span>
            </div>
            <span aria-hidden="true">
              <kbd>←↑↓→</kbd> move · <kbd>Shift</kbd> extend · <kbd>Space</kbd> select · <kbd>Enter</kbd> open
            </span>
          </span>
        </div>
        {selection.size > 0 ? (
          <div className="selection-bar" role="toolbar" aria-label="Actions on the selection">
            <span className="what">
              {plural(selection.size, 'cell')} <span className="muted">on {plural(selected.tenants, 'tenant')}</span>
              {selected.readOnly > 0 ? <span className="muted"> · {selected.readOnly} offline, read-only</span> : null}
            </span>
            <button
              type="button"
              className="btn primary"
              disabled={selected.install.length === 0}
              onClick={() => setDialog({ action: 'install', targets: selected.install })}
            >
              <Icon name="install" /> Install{selected.install.length ? ` (${selected.install.length})` : ''}
            </button>
            <button
              type="button"
              className="btn"
              disabled={selected.upgrade.length === 0}
              onClick={() => setDialog({ action: 'upgrade', targets: selected.upgrade })}
            >
              <Icon name="upgrade" /> Upgrade{selected.upgrade.length ? ` (${selected.upgrade.length})` : ''}
            </button>
            <button
              type="button"
              className="btn danger"
              disabled={selected.uninstall.length === 0}
              onClick={() => setDialog({ action: 'uninstall', targets: selected.uninstall })}
            >
              <Icon name="trash" /> Uninstall{selected.uninstall.length ? ` (${selected.uninstall.length})` : ''}
            </button>
            <span className="bar-sep" aria-hidden="true" />
            <button
              type="button"
              className="btn"
              disabled={selected.upgrade.length === 0 || new Set(selected.upgrade.map((t) => t.appId)).size !== 1}
              title="Plan the upgrade of the selected cells: schema changes, rows at risk, waves"
              onClick={() =>
                navigated({
                  name: 'upgrade',
                  appId: selected.upgrade[0]!.appId,
                  targets: selected.upgrade.map((t) => ({ connectionId: t.connectionId, tenantId: t.tenantId })),
                })
              }
            >
              <Icon name="list" /> Upgrade wizard…
            </button>
            <button
              type="button"
              className="btn"
              disabled={selected.moveFrom === null}
              title="Move the selected tenants to another deployment"
              onClick={() => selected.moveFrom && navigated({ name: 'moves', sourceId: selected.moveFrom, tenantIds: selected.moveTenants })}
            >
              <Icon name="move" /> Move…
            </button>
            <button type="button" className="btn ghost icon" aria-label="Clear selection" onClick={() => selectionChanged(new Set())}>
              <Icon name="x" />
            </button>
          </div>
        ) : null}
      </div>
      {dialog ? (
        <PlanDialog
          action={dialog.action}
          targets={dialog.targets}
          tenantLabel={(cid) => deployments.find((d) => d.connectionId === cid)?.name ?? cid}
          focusAfterRun={() => frame.current?.querySelector<HTMLElement>('[role="grid"]')}
          onClose={(ran) => {
            setDialog(null);
            if (ran) {
              selectionChanged(new Set());
              void fleetRequested();
            }
          }}
        />
      ) : null}
    </div>
  );
}
