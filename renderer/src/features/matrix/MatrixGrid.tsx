// The tenant-by-extension grid: virtualized in both directions (only the visible rows and columns are in the
// DOM), sticky header row and tenant column, ARIA grid semantics with aria-activedescendant, keyboard
// navigation (arrows, Home/End, PageUp/PageDown, Shift to extend, Space to select, Enter to open, Esc to
// clear, Ctrl+A all) and mouse selection of cells, rows and columns.
//
// Performance (bench/scenarios/matrix-*.ts at 10,000 x 300; profiles in bench/README.md): rows and columns have
// fixed sizes, so the visible window is arithmetic on the scroll offset, computed by one scroll listener that renders
// once per window change (two virtualizers on one scroller rendered twice per diagonal frame and read layout in
// between). Columns enter and leave in blocks of four, so sideways scrolling changes the rows every fourth column
// instead of every column. Cells are memoized one by one, so a block entering the window mounts its cells and
// leaves the others alone; clicks and hover are delegated to the row, so cells carry no handlers; selection reaches
// a row only through a stamp that changes when that row's selection does. Each row spans only the columns it
// renders, so it stays inside Chromium's paint cull rect and keeps its cached painting while other rows change.
import {
  createContext,
  memo,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactElement,
  type RefObject,
} from 'react';
import { flushSync } from 'react-dom';
import type { FleetCell, FleetExtension, FleetTenant } from '../../../../shared/api/console.js';
import { cellKey, splitCellKey } from '../../app/store.js';
import { Icon } from '../../components/icons.js';
import { StatePill } from '../../components/status.js';
import { formatTime } from '../../lib/format.js';
import { describeCell, type MatrixModel, type MatrixRow } from './matrix-model.js';
import './matrix-grid.css';

export const ROW_H = 34;
export const HEADER_H = 64;
export const FIRST_COL_W = 260;
export const COL_W = 140;
/** Rows and columns rendered beyond the visible ones, so compositor-driven scrolling rarely shows an empty edge. */
const ROW_OVERSCAN = 2;
const COL_OVERSCAN = 1;

/**
 * The matrix benchmark's baseline (bench/scenarios/matrix-scroll.ts): the same scroller, windowing, rows and
 * headers, with cells that render nothing. Never set by the console itself.
 */
export const BlankCellsContext = createContext(false);

/** The size the scroller will have (its frame's, measured before the grid is mounted), when it is known. */
export interface GridSize {
  width: number;
  height: number;
}

interface Props {
  model: MatrixModel;
  /** lets the first render hold the first screen's rows instead of measuring the scroller first */
  sizeHint?: GridSize | null;
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
const colLeft = (c: number): number => FIRST_COL_W + c * COL_W;
const rowTop = (r: number): number => HEADER_H + r * ROW_H;
/** The width of a row that renders columns from..to after the tenant column. */
const windowWidth = (from: number, to: number): number => FIRST_COL_W + Math.max(0, to - from + 1) * COL_W;

// ---- the visible window ----------------------------------------------------------------------------------

/** First and last row and column to render (before clamping to the model's counts). */
interface GridWindow {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

const NO_WINDOW: GridWindow = { r0: 0, r1: -1, c0: 0, c1: -1 };

/** Columns are rendered in aligned blocks of this many (see the module comment). */
const COL_BLOCK = 4;
const blockStart = (c: number): number => Math.floor(c / COL_BLOCK) * COL_BLOCK;
const blockEnd = (c: number): number => blockStart(c) + COL_BLOCK - 1;

function windowAt(top: number, left: number, width: number, height: number): GridWindow {
  return {
    r0: Math.max(0, Math.floor(top / ROW_H) - ROW_OVERSCAN),
    r1: Math.ceil((top + height - HEADER_H) / ROW_H) - 1 + ROW_OVERSCAN,
    c0: blockStart(Math.max(0, Math.floor(left / COL_W) - COL_OVERSCAN)),
    c1: blockEnd(Math.ceil((left + width - FIRST_COL_W) / COL_W) - 1 + COL_OVERSCAN),
  };
}

/**
 * The window of rows and columns under the scroller's viewport. It re-renders only when the window changes, and
 * synchronously (flushSync), so the frame that shows a scroll position also shows its rows.
 *
 * The scroller's size comes from a ResizeObserver, whose first report arrives after the frame's layout and before
 * its paint. (Measuring in a layout effect forced a layout of the whole page between an empty first render and a
 * second one with the rows, ~4 ms of the matrix's first paint.) With a size hint the first render already holds the
 * first screen's rows, and the first report usually changes nothing; without one, the report renders them, still
 * before the frame is painted.
 */
function useGridWindow(ref: RefObject<HTMLDivElement | null>, hint: GridSize | null | undefined): GridWindow {
  const [initial] = useState<GridWindow>(() => (hint ? windowAt(0, 0, hint.width, hint.height) : NO_WINDOW));
  const [win, setWin] = useState<GridWindow>(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let current = initial;
    let width = hint?.width ?? 0;
    let height = hint?.height ?? 0;
    const update = (sync: boolean): void => {
      const next = windowAt(el.scrollTop, el.scrollLeft, width, height);
      if (next.r0 === current.r0 && next.r1 === current.r1 && next.c0 === current.c0 && next.c1 === current.c1) return;
      current = next;
      if (sync) flushSync(() => setWin(next));
      else setWin(next);
    };
    const onScroll = (): void => update(true);
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = new ResizeObserver(() => {
      width = el.clientWidth;
      height = el.clientHeight;
      update(true);
    });
    ro.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro.disconnect();
    };
    // the hint and the initial window matter for the first render only: re-subscribing when they change would
    // reset the scroll window the person is looking at
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);
  return win;
}

/** Scrolls as little as possible to show a cell below the sticky header and right of the sticky tenant column. */
function reveal(el: HTMLElement, p: Pos): void {
  const top = p.row * ROW_H;
  if (top < el.scrollTop) el.scrollTop = top;
  else if (top + ROW_H + HEADER_H > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_H + HEADER_H - el.clientHeight;
  if (p.col < 0) {
    el.scrollLeft = 0;
    return;
  }
  const left = p.col * COL_W;
  if (left < el.scrollLeft) el.scrollLeft = left;
  else if (left + COL_W + FIRST_COL_W > el.scrollLeft + el.clientWidth) el.scrollLeft = left + COL_W + FIRST_COL_W - el.clientWidth;
}

// ---- cells and rows --------------------------------------------------------------------------------------

interface CellProps {
  row: number;
  col: number;
  tenantId: string;
  ext: FleetExtension;
  cell: FleetCell | undefined;
  dismounted: boolean;
  active: boolean;
  selected: boolean;
}

/** One cell; mounted when its column or row enters the window and not rendered again unless its own props change. */
const Cell = memo(function Cell({ row, col, tenantId, ext, cell, dismounted, active, selected }: CellProps): ReactElement {
  const installed = cell?.installed;
  const badged = cell !== undefined && (cell.upgradeTo !== undefined || cell.syncPending || cell.archived.length > 0 || cell.lastFailed !== undefined);
  // One element and one text node for most cells (see matrix-grid.css): the version or a dash is the cell's own
  // text, the installed dot its ::before; only cells with badges have children.
  return (
    <div
      // only the active cell needs an id (aria-activedescendant)
      id={active ? cellId(row, col) : undefined}
      className={`m-cell ${installed ? 'installed' : 'none'}${badged ? ' badged' : ''}${active ? ' active' : ''}`}
      role="gridcell"
      aria-colindex={col + 2}
      aria-selected={selected}
      aria-label={describeCell(tenantId, ext, cell)}
      data-app-id={ext.id}
    >
      {installed ?? (dismounted ? '·' : '—')}
      {badged ? (
        <span className="badges" aria-hidden="true">
          {cell.lastFailed ? <span className="badge danger">fail</span> : null}
          {cell.upgradeTo ? <span className="badge warn">↑ upg</span> : null}
          {cell.syncPending ? <span className="badge info">sync</span> : null}
          {cell.archived.length > 0 ? <span className="badge archive">arch</span> : null}
        </span>
      ) : null}
    </div>
  );
});

interface TenantRowProps {
  index: number;
  tenant: FleetTenant;
  rowCells: ReadonlyMap<string, FleetCell> | undefined;
  columns: FleetExtension[];
  /** first and last rendered column */
  colFrom: number;
  colTo: number;
  /** the active column when this row holds the active cell, else undefined */
  activeCol: number | undefined;
  rowSelected: boolean;
  selection: ReadonlySet<string>;
  /** bumps when the selection changes in this row, so unchanged rows skip rendering */
  selectionStamp: number;
  on: RowHandlers;
  blank: boolean;
}

interface RowHandlers {
  cellClick(e: MouseEvent, p: Pos): void;
  open(connectionId: string, tenantId: string): void;
}

/** The data cell an event happened in, with its column, if any. */
function cellOf(e: MouseEvent): { el: HTMLElement; col: number } | null {
  const el = (e.target as Element).closest<HTMLElement>('.m-cell');
  return el ? { el, col: Number(el.getAttribute('aria-colindex')) - 2 } : null;
}

/** One tenant row; re-renders only when its own cells, selection or visible columns change. */
const TenantRow = memo(
  function TenantRow({ index, tenant: t, rowCells, columns, colFrom, colTo, activeCol, rowSelected, selection, on, blank }: TenantRowProps): ReactElement {
    const cellsOut: ReactElement[] = [];
    if (!blank) {
      const dismounted = t.state === 'dismounted';
      const anySelected = selection.size > 0;
      for (let c = colFrom; c <= colTo; c++) {
        const ext = columns[c]!;
        cellsOut.push(
          <Cell
            key={ext.id}
            row={index}
            col={c}
            tenantId={t.tenantId}
            ext={ext}
            cell={rowCells?.get(ext.id)}
            dismounted={dismounted}
            active={activeCol === c}
            selected={anySelected && selection.has(cellKey(t.key, ext.id))}
          />,
        );
      }
    }
    return (
      <div
        className="m-row"
        role="row"
        aria-rowindex={index + 2}
        // The row spans only what it renders: it starts a tenant column's width left of its first cell (its sticky
        // tenant cell still sticks to the scroller's left edge) and ends after its last. A row that fits in the paint
        // cull rect keeps its cached painting when other rows come and go; a 42,000 px row is repainted whenever
        // any row changes. (Horizontally by `left`: sticky positioning ignores a transform on its containing block.)
        style={{
          left: colFrom * COL_W,
          transform: `translateY(${rowTop(index)}px)`,
          height: ROW_H,
          width: windowWidth(colFrom, cellsOut.length > 0 ? colTo : colFrom - 1),
        }}
        data-tenant={t.tenantId}
        onClick={(e) => {
          const hit = cellOf(e);
          if (hit) on.cellClick(e, { row: index, col: hit.col });
        }}
        onMouseOver={(e) => {
          // the tooltip is the cell's label, set on hover only: setting it on every cell costs time while scrolling
          const hit = cellOf(e);
          if (hit) hit.el.title = hit.el.getAttribute('aria-label') ?? '';
        }}
      >
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
    a.activeCol === b.activeCol &&
    a.rowSelected === b.rowSelected &&
    a.selectionStamp === b.selectionStamp &&
    a.on === b.on &&
    a.blank === b.blank,
);

interface HeaderRowProps {
  columns: FleetExtension[];
  colFrom: number;
  colTo: number;
  colsSelected: ReadonlyMap<string, number>;
  tenantRows: number;
  onColumnClick(e: MouseEvent, c: number): void;
}

const HeaderRow = memo(function HeaderRow({ columns, colFrom, colTo, colsSelected, tenantRows, onColumnClick }: HeaderRowProps): ReactElement {
  const heads: ReactElement[] = [];
  for (let c = colFrom; c <= colTo; c++) {
    const ext = columns[c]!;
    heads.push(
      <div
        key={ext.id}
        className="m-colhead"
        role="columnheader"
        aria-colindex={c + 2}
        aria-selected={tenantRows > 0 && (colsSelected.get(ext.id) ?? 0) >= tenantRows}
        title={`${ext.name} by ${ext.publisher} — latest ${ext.latest}. Click to select the column.`}
        onClick={(e) => onColumnClick(e, c)}
        data-app-id={ext.id}
      >
        <span className="name">{ext.name}</span>
        <span className="pub">
          {ext.publisher} · {ext.latest}
        </span>
      </div>,
    );
  }
  return (
    <div className="m-header" role="row" aria-rowindex={1} style={{ height: HEADER_H, width: windowWidth(colFrom, colTo), marginLeft: colFrom * COL_W }}>
      <div className="m-corner" role="columnheader" aria-colindex={1} style={{ width: FIRST_COL_W }}>
        Tenant
      </div>
      {heads}
    </div>
  );
});

// ---- the grid --------------------------------------------------------------------------------------------

export const MatrixGrid = memo(function MatrixGrid({ model, sizeHint, selection, onSelectionChange, onOpenTenant }: Props): ReactElement {
  const { rows, columns, cells } = model;
  const scroller = useRef<HTMLDivElement>(null);
  const blank = useContext(BlankCellsContext);
  const win = useGridWindow(scroller, sizeHint);
  const [active, setActive] = useState<Pos>(() => ({ row: rows.findIndex((r) => r.kind === 'tenant'), col: 0 }));
  const [anchor, setAnchor] = useState<Pos | null>(null);

  // Keep the active position inside the grid when filters change its shape.
  useEffect(() => {
    setActive((p) => {
      let row = Math.min(p.row, rows.length - 1);
      if (row >= 0 && rows[row]?.kind !== 'tenant') row = rows.findIndex((r, i) => i >= row && r.kind === 'tenant');
      if (row < 0) row = rows.findIndex((r) => r.kind === 'tenant');
      const col = Math.min(p.col, columns.length - 1);
      // the same object when nothing moved, so React skips a second render of the grid
      return row === p.row && col === p.col ? p : { row, col };
    });
  }, [rows, columns.length]);

  // How many selected cells each row and column holds, so headers know "all selected" without building keys.
  const selectedPer = useMemo(() => {
    const rowsSel = new Map<string, number>();
    const colsSel = new Map<string, number>();
    if (selection.size === 0) return { rowsSel, colsSel };
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

  // Built when a column, Ctrl+A or Ctrl+Home/End needs it, not on every new snapshot (10,000 entries).
  const tenantRowIndexes = useMemo(() => {
    let built: number[] | undefined;
    return (): number[] => (built ??= rows.map((r, i) => (r.kind === 'tenant' ? i : -1)).filter((i) => i >= 0));
  }, [rows]);

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

  const rowKeys = useCallback(
    (r: number): string[] => {
      const row = rows[r];
      return row?.kind === 'tenant' ? columns.map((c) => cellKey(row.tenant.key, c.id)) : [];
    },
    [rows, columns],
  );

  const colKeys = useCallback(
    (c: number): string[] => {
      const col = columns[c];
      if (!col) return [];
      return tenantRowIndexes().map((r) => cellKey((rows[r] as Extract<MatrixRow, { kind: 'tenant' }>).tenant.key, col.id));
    },
    [rows, columns, tenantRowIndexes],
  );

  const moveTo = (p: Pos, extend: boolean): void => {
    setActive(p);
    if (scroller.current) reveal(scroller.current, p);
    if (extend) {
      const a = anchor ?? active;
      if (!anchor) setAnchor(a);
      onSelectionChange(new Set(keysForRect(a, p)));
    }
  };

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
        moveTo(e.ctrlKey || e.metaKey ? { row: tenantRowIndexes()[0] ?? 0, col: -1 } : { row, col: -1 }, extend);
        break;
      case 'End':
        moveTo(e.ctrlKey || e.metaKey ? { row: tenantRowIndexes().at(-1) ?? 0, col: columns.length - 1 } : { row, col: columns.length - 1 }, extend);
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
          for (const r of tenantRowIndexes()) for (const k of rowKeys(r)) all.add(k);
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

  // Stable handlers for the memoized rows and header, calling the latest closures.
  const latest = useRef({ onCellClick, onColumnClick, onOpenTenant });
  latest.current = { onCellClick, onColumnClick, onOpenTenant };
  const handlers = useMemo<RowHandlers>(
    () => ({
      cellClick: (e, p) => latest.current.onCellClick(e, p),
      open: (cid, tid) => latest.current.onOpenTenant(cid, tid),
    }),
    [],
  );
  const columnClick = useCallback((e: MouseEvent, c: number) => latest.current.onColumnClick(e, c), []);

  const totalW = colLeft(columns.length);
  const totalH = rowTop(rows.length);
  const r0 = win.r0;
  const r1 = Math.min(win.r1, rows.length - 1);
  const c0 = Math.min(win.c0, blockStart(Math.max(0, columns.length - 1)));
  const c1 = Math.min(win.c1, columns.length - 1);
  const activeId = active.row >= 0 && rows[active.row]?.kind === 'tenant' ? cellId(active.row, active.col) : undefined;
  const activeRendered = activeId !== undefined && active.row >= r0 && active.row <= r1 && (active.col < 0 || (active.col >= c0 && active.col <= c1));

  const rowsOut: ReactElement[] = [];
  for (let i = r0; i <= r1; i++) {
    const row = rows[i]!;
    if (row.kind === 'group') {
      const d = row.deployment;
      rowsOut.push(
        <div
          key={`g-${d.connectionId}`}
          className="m-group"
          role="row"
          aria-rowindex={i + 2}
          style={{ top: rowTop(i), left: c0 * COL_W, height: ROW_H, width: windowWidth(c0, c1) }}
        >
          <div className="m-group-bg" aria-hidden="true" />
          <div className="m-group-head" role="gridcell" aria-colspan={columns.length + 1} style={{ position: 'sticky' }}>
            <Icon name={d.kind === 'remote' ? 'globe' : 'server'} />
            {d.name}
            <span className="meta">
              {row.shown} of {d.tenants.length} tenants · {d.application ? `${d.application.name} ${d.application.version}` : 'application unknown'}
              {d.live ? '' : ` · cached as of ${formatTime(d.asOf)}`}
            </span>
          </div>
        </div>,
      );
      continue;
    }
    const t = row.tenant;
    rowsOut.push(
      <TenantRow
        key={t.key}
        index={i}
        tenant={t}
        rowCells={cells.get(t.key)}
        columns={columns}
        colFrom={c0}
        colTo={c1}
        activeCol={active.row === i ? active.col : undefined}
        rowSelected={columns.length > 0 && (selectedPer.rowsSel.get(t.key) ?? 0) >= columns.length}
        selection={selection}
        selectionStamp={rowStamp.get(t.key) ?? 0}
        on={handlers}
        blank={blank}
      />,
    );
  }

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
        <HeaderRow columns={columns} colFrom={c0} colTo={c1} colsSelected={selectedPer.colsSel} tenantRows={model.tenantCount} onColumnClick={columnClick} />
        {rowsOut}
      </div>
    </div>
  );
});
