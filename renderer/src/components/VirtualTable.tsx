// A virtualized table for lists that grow with the fleet (archive entries, archived rows, operation logs): only the
// rows in view are rendered. It is one focusable grid: arrows, Page Up/Down, Home/End move the active row (announced
// through aria-activedescendant), Enter or Space opens it. Rows may load lazily: getRow answers undefined while a
// page is on its way, and onRange tells the owner which rows are in view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: ReactNode;
  /** a CSS grid track: '120px', 'minmax(160px, 1fr)' */
  width: string;
  /** used for the horizontal scroll width */
  minWidth: number;
  align?: 'left' | 'right';
  render(row: T, index: number): ReactNode;
  /** the cell's text for a screen reader or a title, when render is not plain text */
  title?(row: T): string;
}

interface Props<T> {
  label: string;
  columns: readonly Column<T>[];
  count: number;
  getRow(index: number): T | undefined;
  rowKey(row: T | undefined, index: number): string;
  rowHeight?: number;
  /** visible height of the body, in px */
  height: number;
  activeIndex?: number | null;
  onActivate?(index: number): void;
  onRange?(start: number, end: number): void;
  isSelected?(row: T, index: number): boolean;
  testId?: string;
  rowTestId?: string;
  rowData?(row: T): Record<string, string>;
  empty?: ReactNode;
}

export function VirtualTable<T>({
  label,
  columns,
  count,
  getRow,
  rowKey,
  rowHeight = 34,
  height,
  activeIndex,
  onActivate,
  onRange,
  isSelected,
  testId,
  rowTestId,
  rowData,
  empty,
}: Props<T>): ReactElement {
  const scroller = useRef<HTMLDivElement>(null);
  const id = useId();
  const [active, setActive] = useState<number>(activeIndex ?? 0);
  const template = columns.map((c) => c.width).join(' ');
  const minWidth = columns.reduce((n, c) => n + c.minWidth, 0);
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scroller.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    if (activeIndex !== undefined && activeIndex !== null) setActive(activeIndex);
  }, [activeIndex]);
  useEffect(() => {
    if (count > 0) onRange?.(first, last);
  }, [first, last, count, onRange]);
  useEffect(() => {
    if (active >= count && count > 0) setActive(count - 1);
  }, [active, count]);

  const move = (to: number): void => {
    const next = Math.max(0, Math.min(count - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(active + 1),
      ArrowUp: () => move(active - 1),
      PageDown: () => move(active + page),
      PageUp: () => move(active - page),
      Home: () => move(0),
      End: () => move(count - 1),
      Enter: () => onActivate?.(active),
      ' ': () => onActivate?.(active),
    };
    const k = keys[e.key];
    if (k && count > 0) {
      e.preventDefault();
      k();
    }
  };
  const rowId = (i: number): string => `${id}-row-${i}`;

  return (
    <div className="vtable" style={{ '--vt-cols': template, '--vt-min': `${minWidth}px` } as CSSProperties} data-testid={testId}>
      <div
        ref={scroller}
        className="vtable-scroller"
        style={{ height: count === 0 ? 'auto' : height + 36 }}
        role="grid"
        aria-label={label}
        aria-rowcount={count + 1}
        aria-colcount={columns.length}
        tabIndex={0}
        aria-activedescendant={count > 0 && active >= first && active <= last ? rowId(active) : undefined}
        onKeyDown={onKey}
      >
        <div className="vtable-head" role="row" aria-rowindex={1}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className={`vtable-th${c.align === 'right' ? ' num' : ''}`}>
              {c.header}
            </div>
          ))}
        </div>
        {count === 0 ? (
          <div className="vtable-empty" role="row">
            <div role="gridcell">{empty ?? 'Nothing to show.'}</div>
          </div>
        ) : (
          <div className="vtable-body" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const row = getRow(v.index);
              const selected = row !== undefined && (isSelected?.(row, v.index) ?? false);
              return (
                <div
                  key={rowKey(row, v.index)}
                  id={rowId(v.index)}
                  role="row"
                  aria-rowindex={v.index + 2}
                  aria-selected={onActivate ? selected : undefined}
                  className={`vtable-row${v.index === active ? ' active' : ''}${selected ? ' selected' : ''}${v.index % 2 ? ' odd' : ''}`}
                  style={{ transform: `translateY(${v.start}px)`, height: rowHeight }}
                  onClick={() => {
                    setActive(v.index);
                    onActivate?.(v.index);
                  }}
                  data-testid={rowTestId}
                  {...(row && rowData ? Object.fromEntries(Object.entries(rowData(row)).map(([k, val]) => [`data-${k}`, val])) : {})}
                >
                  {columns.map((c) => (
                    <div
                      key={c.key}
                      role="gridcell"
                      className={`vtable-td${c.align === 'right' ? ' num' : ''}`}
                      title={row && c.title ? c.title(row) : undefined}
                    >
                      {row === undefined ? <span className="vtable-loading" aria-label="loading" /> : c.render(row, v.index)}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
