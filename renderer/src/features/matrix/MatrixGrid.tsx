// The tenant-by-extension grid: virtualized in both directions (only the visible rows and columns are in the
// DOM), sticky header row and tenant column, ARIA grid semantics with aria-activedescendant, keyboard
// navigation (arrows, Home/End, PageUp/PageDown, Shift to extend, Space to select, Enter to open, Esc to
// clear, Ctrl+A all) and mouse selection of cells, rows and columns.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactElement } from 'react';
import type { FleetCell, FleetExtension, FleetTenant } from '../../../../shared/api/console.js';
import { cellKey, splitCellKey } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { StatePill } from '../../components/status.js';
import { formatTime } from '../../lib/format.js';
import { describeCell, type MatrixModel, type MatrixRow } from './matrix-model.js';

export const ROW_H = 34;
export const HEADER_H = 64;
export const FIRST_COL_W = 260;
export const COL_W = 140;

interface Props {
  model: MatrixModel;
  selection: ReadonlySet<string>;
  onSelectionChange(next: ReadonlySet<string>): void;
  onOpenTenant(connectionId: string, tenantId: string): void;
}

interface Pos {
  row: number;
  /** -1: the tenant (row header) column */
  col: number;
}

const cellId = (r: number, c: number): string => (c < 0 ? `m-rh-${r}` : `m-c-${r}-${c}`);

function CellContent({ cell, dismounted }: { cell: FleetCell | undefined; dismounted: boolean }): ReactElement {
  return (
    <>
      {cell?.installed ? <span className="ver">{cell.installed}</span> : <span className="none">{dismounted ? '·' : '—'}</span>}
      {cell && (cell.upgradeTo || cell.syncPending || cell.archived.length > 0 || cell.lastFailed) ? (
        <span className="badges" aria-hidden="true">
          {cell.lastFailed ? <span className="badge danger">fail</span> : null}
          {cell.upgradeTo ? <span className="badge warn">↑ upg</span> : null}
          {cell.syncPending ? <span className="badge info">sync</span> : null}
          {cell.archived.length > 0 ? <span className="badge archive">arch</span> : null}
        </span>
      ) : null}
    </>
  );
}

interface TenantRowProps {
  index: number;
  tenant: FleetTenant;
  rowCells: Map<string, FleetCell> | undefined;
  columns: FleetExtension[];
  /** first and last rendered column (virtualized) */
  colFrom: number;
  colTo: number;
  top: number;
  height: number;
  width: number;
  /** the active column when this row holds the active cell, else undefined */
  activeCol: number | undefined;
  rowSelected: boolean;
  selection: ReadonlySet<string>;
  /** bumps when the selection changes in this row, so unchanged rows skip rendering */
  selectionStamp: number;
  on: RowHandlers;
}

interface RowHandlers {
  cellClick(e: MouseEvent, p: Pos): void;
  open(connectionId: string, tenantId: string): void;
}

const colLeft = (c: number): number => FIRST_COL_W + c * COL_W;

/** One tenant row; re-renders only when its own cells, selection or visible columns change. */
const TenantRow = memo(
  function TenantRow({ index, tenant: t, rowCells, columns, colFrom, colTo, top, height, width, activeCol, rowSelected, selection, on }: TenantRowProps): ReactElement {
    const cellsOut: ReactElement[] = [];
    for (let c = colFrom; c <= colTo; c++) {
      const ext = columns[c]!;
      const cell = rowCells?.get(ext.id);
      cellsOut.push(
        <div
          key={ext.id}
          id={cellId(index, c)}
          className={`m-cell${cell?.installed ? ' installed' : ''}${activeCol === c ? ' active' : ''}`}
          role="gridcell"
          aria-colindex={c + 2}
          aria-selected={selection.has(cellKey(t.key, ext.id))}
          aria-label={describeCell(t.tenantId, ext, cell)}
          style={{ left: colLeft(c), width: COL_W }}
          onClick={(e) => on.cellClick(e, { row: index, col: c })}
          onMouseEnter={(e) => {
            // the tooltip is built on hover only: building it for every cell on every scroll frame costs time
            e.currentTarget.title = describeCell(t.tenantId, ext, cell);
          }}
          data-app-id={ext.id}
        >
          <CellContent cell={cell} dismounted={t.state === 'dismounted'} />
        </div>,
      );
    }
    return (
      <div className="m-row" role="row" aria-rowindex={index + 2} style={{ transform: `translateY(${top}px)`, height, width }} data-tenant={t.tenantId}>
        <div
          id={cellId(index, -1)}
          className={`m-rowhead${activeCol === -1 ? ' active' : ''}`}
          role="rowheader"
          aria-colindex={1}
          aria-selected={rowSelected}
          style={{ width: FIRST_COL_W }}
          onClick={(e) => on.cellClick(e, { row: index, col: -1 })}
          onDoubleClick={() => on.open(t.connectionId, t.tenantId)}
        >
          <span className="tenant">{t.tenantId}</span>
          {t.state !== 'operational' ? <StatePill state={t.state} /> : null}
          <button
            type="button"
            className="btn ghost sm icon open"
            aria-label={`Open tenant ${t.tenantId}`}
            tabIndex={-1}
            onClick={(e) => {
              e.stopPropagation();
              on.open(t.connectionId, t.tenantId);
            }}
          >
            <Icon name="open" size={14} />
          </button>
        </div>
        {cellsOut}
      </div>
    );
  },
  (a, b) =>
    a.index === b.index &&
    a.tenant === b.tenant &&
    a.rowCells === b.rowCells &&
    a.columns === b.columns &&
    a.colFrom === b.colFrom &&
    a.colTo === b.colTo &&
    a.top === b.top &&
    a.height === b.height &&
    a.width === b.width &&
    a.activeCol === b.activeCol &&
    a.rowSelected === b.rowSelected &&
    a.selectionStamp === b.selectionStamp &&
    a.on === b.on,
);

export const MatrixGrid = memo(function MatrixGrid({ model, selection, onSelectionChange, onOpenTenant }: Props): ReactElement {
  const { rows, columns, cells } = model;
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<Pos>({ row: rows.findIndex((r) => r.kind === 'tenant'), col: 0 });
  const [anchor, setAnchor] = useState<Pos | null>(null);

  const rowV = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 6,
    paddingStart: HEADER_H,
    scrollPaddingStart: HEADER_H,
  });
  const colV = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => COL_W,
    overscan: 2,
    paddingStart: FIRST_COL_W,
    scrollPaddingStart: FIRST_COL_W,
  });

  // Keep the active position inside the grid when filters change its shape.
  useEffect(() => {
    setActive((p) => {
      let row = Math.min(p.row, rows.length - 1);
      if (row >= 0 && rows[row]?.kind !== 'tenant') row = rows.findIndex((r, i) => i >= row && r.kind === 'tenant');
      if (row < 0) row = rows.findIndex((r) => r.kind === 'tenant');
      return { row, col: Math.min(p.col, columns.length - 1) };
    });
  }, [rows, columns.length]);

  // How many selected cells each row and column holds, so headers know "all selected" without building keys.
  const selectedPer = useMemo(() => {
    const rowsSel = new Map<string, number>();
    const colsSel = new Map<string, number>();
    const shownCols = new Set(columns.map((c) => c.id));
    const shownRows = new Set(rows.flatMap((r) => (r.kind === 'tenant' ? [r.tenant.key] : [])));
    for (const k of selection) {
      const [t, a] = splitCellKey(k);
      if (!shownCols.has(a) || !shownRows.has(t)) continue;
      rowsSel.set(t, (rowsSel.get(t) ?? 0) + 1);
      colsSel.set(a, (colsSel.get(a) ?? 0) + 1);
    }
    return { rowsSel, colsSel };
  }, [selection, rows, columns]);

  // Rows whose selected cells changed get a new stamp; the others keep theirs and skip rendering.
  const stamps = useRef({ selection: new Set<string>() as ReadonlySet<string>, byRow: new Map<string, number>(), next: 1 });
  const rowStamp = useMemo(() => {
    const st = stamps.current;
    const touched = new Set<string>();
    for (const k of selection) if (!st.selection.has(k)) touched.add(splitCellKey(k)[0]);
    for (const k of st.selection) if (!selection.has(k)) touched.add(splitCellKey(k)[0]);
    for (const t of touched) st.byRow.set(t, st.next++);
    st.selection = selection;
    return st.byRow;
  }, [selection]);

  const tenantRowIndexes = useMemo(() => rows.map((r, i) => (r.kind === 'tenant' ? i : -1)).filter((i) => i >= 0), [rows]);

  const keysForRect = useCallback(
    (a: Pos, b: Pos): string[] => {
      const r0 = Math.min(a.row, b.row);
      const r1 = Math.max(a.row, b.row);
      const c0 = Math.max(0, Math.min(a.col, b.col));
      const c1 = Math.max(a.col, b.col);
      const out: string[] = [];
      for (let r = r0; r <= r1; r++) {
        const row = rows[r];
        if (row?.kind !== 'tenant') continue;
        for (let c = c0; c <= c1 && c < columns.length; c++) out.push(cellKey(row.tenant.key, columns[c]!.id));
      }
      return out;
    },
    [rows, columns],
  );

  const rowKeys = useCallback((r: number): string[] => {
    const row = rows[r];
    return row?.kind === 'tenant' ? columns.map((c) => cellKey(row.tenant.key, c.id)) : [];
  }, [rows, columns]);

  const colKeys = useCallback((c: number): string[] => {
    const col = columns[c];
    if (!col) return [];
    return tenantRowIndexes.map((r) => cellKey((rows[r] as Extract<MatrixRow, { kind: 'tenant' }>).tenant.key, col.id));
  }, [rows, columns, tenantRowIndexes]);

  const moveTo = useCallback(
    (p: Pos, extend: boolean) => {
      setActive(p);
      rowV.scrollToIndex(p.row, { align: 'auto' });
      if (p.col >= 0) colV.scrollToIndex(p.col, { align: 'auto' });
      else if (scroller.current) scroller.current.scrollLeft = 0;
      if (extend) {
        const a = anchor ?? active;
        if (!anchor) setAnchor(a);
        onSelectionChange(new Set(keysForRect(a, p)));
      }
    },
    [rowV, colV, anchor, active, keysForRect, onSelectionChange],
  );

  const nextTenantRow = (from: number, step: number): number => {
    let r = from;
    for (;;) {
      const n = r + step;
      if (n < 0 || n >= rows.length) return r;
      r = n;
      if (rows[r]?.kind === 'tenant') return r;
    }
  };

  const toggle = (keys: string[]): void => {
    const next = new Set(selection);
    const allIn = keys.length > 0 && keys.every((k) => next.has(k));
    for (const k of keys) {
      if (allIn) next.delete(k);
      else next.add(k);
    }
    onSelectionChange(next);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (rows.length === 0) return;
    const { row, col } = active;
    const extend = e.shiftKey;
    const page = Math.max(1, Math.floor(((scroller.current?.clientHeight ?? 400) - HEADER_H) / ROW_H) - 1);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        moveTo({ row: nextTenantRow(row, 1), col }, extend);
        break;
      case 'ArrowUp':
        moveTo({ row: nextTenantRow(row, -1), col }, extend);
        break;
      case 'ArrowRight':
        moveTo({ row, col: Math.min(columns.length - 1, col + 1) }, extend);
        break;
      case 'ArrowLeft':
        moveTo({ row, col: Math.max(-1, col - 1) }, extend);
        break;
      case 'PageDown':
        moveTo({ row: nextTenantRow(Math.min(rows.length - 1, row + page - 1), 1), col }, extend);
        break;
      case 'PageUp':
        moveTo({ row: nextTenantRow(Math.max(0, row - page + 1), -1), col }, extend);
        break;
      case 'Home':
        moveTo(e.ctrlKey || e.metaKey ? { row: tenantRowIndexes[0] ?? 0, col: -1 } : { row, col: -1 }, extend);
        break;
      case 'End':
        moveTo(e.ctrlKey || e.metaKey ? { row: tenantRowIndexes.at(-1) ?? 0, col: columns.length - 1 } : { row, col: columns.length - 1 }, extend);
        break;
      case ' ':
        setAnchor(active);
        toggle(col < 0 ? rowKeys(row) : keysForRect(active, active));
        break;
      case 'Enter': {
        const r = rows[row];
        if (r?.kind === 'tenant') onOpenTenant(r.tenant.connectionId, r.tenant.tenantId);
        break;
      }
      case 'Escape':
        if (selection.size === 0) handled = false;
        else onSelectionChange(new Set());
        setAnchor(null);
        break;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          const all = new Set<string>();
          for (const r of tenantRowIndexes) for (const k of rowKeys(r)) all.add(k);
          onSelectionChange(all);
        } else handled = false;
        break;
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const onCellClick = (e: MouseEvent, p: Pos): void => {
    scroller.current?.focus({ preventScroll: true });
    const keys = p.col < 0 ? rowKeys(p.row) : keysForRect(p, p);
    if (e.shiftKey) {
      const a = anchor ?? active;
      const rect = keysForRect({ row: a.row, col: p.col < 0 ? 0 : a.col }, { row: p.row, col: p.col < 0 ? columns.length - 1 : p.col });
      onSelectionChange(new Set([...(e.ctrlKey || e.metaKey ? selection : []), ...rect]));
    } else if (e.ctrlKey || e.metaKey) {
      toggle(keys);
      setAnchor(p);
    } else {
      const same = keys.length > 0 && keys.length === selection.size && keys.every((k) => selection.has(k));
      onSelectionChange(new Set(same ? [] : keys));
      setAnchor(p);
    }
    setActive(p);
  };

  const onColumnClick = (e: MouseEvent, c: number): void => {
    scroller.current?.focus({ preventScroll: true });
    const keys = colKeys(c);
    if (e.ctrlKey || e.metaKey || e.shiftKey) toggle(keys);
    else {
      const same = keys.length > 0 && keys.length === selection.size && keys.every((k) => selection.has(k));
      onSelectionChange(new Set(same ? [] : keys));
    }
    setActive((p) => ({ row: p.row, col: c }));
  };

  const latest = useRef({ onCellClick, onOpenTenant });
  latest.current = { onCellClick, onOpenTenant };
  const handlers = useMemo<RowHandlers>(
    () => ({
      cellClick: (e, p) => latest.current.onCellClick(e, p),
      open: (cid, tid) => latest.current.onOpenTenant(cid, tid),
    }),
    [],
  );

  const vRows = rowV.getVirtualItems();
  const vCols = colV.getVirtualItems();
  const totalW = colV.getTotalSize();
  const colFrom = vCols[0]?.index ?? 0;
  const colTo = vCols.at(-1)?.index ?? -1;
  const totalH = rowV.getTotalSize();
  const activeId = active.row >= 0 && rows[active.row]?.kind === 'tenant' ? cellId(active.row, active.col) : undefined;
  const activeRendered = activeId !== undefined && vRows.some((v) => v.index === active.row) && (active.col < 0 || vCols.some((v) => v.index === active.col));

  return (
    <div
      ref={scroller}
      className="matrix-scroller"
      role="grid"
      aria-label="Tenants by extension"
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      aria-multiselectable="true"
      aria-activedescendant={activeRendered ? activeId : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="matrix"
    >
      <div style={{ width: totalW, height: totalH, position: 'relative' }}>
        <div className="m-header" role="row" aria-rowindex={1} style={{ height: HEADER_H, width: totalW }}>
          <div className="m-corner" role="columnheader" aria-colindex={1} style={{ width: FIRST_COL_W }}>
            Tenant
          </div>
          {vCols.map((vc) => {
            const ext = columns[vc.index]!;
            const all = tenantRowIndexes.length > 0 && (selectedPer.colsSel.get(ext.id) ?? 0) >= tenantRowIndexes.length;
            return (
              <div
                key={ext.id}
                className="m-colhead"
                role="columnheader"
                aria-colindex={vc.index + 2}
                aria-selected={all}
                title={`${ext.name} by ${ext.publisher} — latest ${ext.latest}. Click to select the column.`}
                style={{ left: vc.start, width: vc.size }}
                onClick={(e) => onColumnClick(e, vc.index)}
                data-app-id={ext.id}
              >
                <span className="name">{ext.name}</span>
                <span className="pub">
                  {ext.publisher} · {ext.latest}
                </span>
              </div>
            );
          })}
        </div>
        {vRows.map((vr) => {
          const row = rows[vr.index]!;
          if (row.kind === 'group') {
            const d = row.deployment;
            return (
              <div key={`g-${d.connectionId}`} className="m-group" role="row" aria-rowindex={vr.index + 2} style={{ top: vr.start, height: vr.size, width: totalW }}>
                <div className="m-group-bg" aria-hidden="true" />
                <div className="m-group-head" role="gridcell" aria-colspan={columns.length + 1} style={{ position: 'sticky' }}>
                  <Icon name={d.kind === 'remote' ? 'globe' : 'server'} />
                  {d.name}
                  <span className="meta">
                    {row.shown} of {d.tenants.length} tenants · {d.application ? `${d.application.name} ${d.application.version}` : 'application unknown'}
                    {d.live ? '' : ` · cached as of ${formatTime(d.asOf)}`}
                  </span>
                </div>
              </div>
            );
          }
          const t = row.tenant;
          return (
            <TenantRow
              key={t.key}
              index={vr.index}
              tenant={t}
              rowCells={cells.get(t.key)}
              columns={columns}
              colFrom={colFrom}
              colTo={colTo}
              top={vr.start}
              height={vr.size}
              width={totalW}
              activeCol={active.row === vr.index ? active.col : undefined}
              rowSelected={columns.length > 0 && (selectedPer.rowsSel.get(t.key) ?? 0) >= columns.length}
              selection={selection}
              selectionStamp={rowStamp.get(t.key) ?? 0}
              on={handlers}
            />
          );
        })}
      </div>
    </div>
  );
});
