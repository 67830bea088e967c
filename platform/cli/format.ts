// Human output of the CLI: aligned tables and short lines. Colour (bold headers, red "error") only on a TTY,
// so piped output and logs stay plain text.

export interface Style {
  bold(s: string): string;
  red(s: string): string;
}

export function makeStyle(tty: boolean): Style {
  if (!tty) return { bold: (s) => s, red: (s) => s };
  return {
    bold: (s) => `\u001b[1m${s}\u001b[22m`,
    red: (s) => `\u001b[31m${s}\u001b[39m`,
  };
}

export type Cell = string | number | boolean | null | undefined;

/** Renders a cell for a table: null/undefined as '-', and no control characters (a value cannot break the layout). */
export function cellText(v: Cell): string {
  if (v === null || v === undefined || v === '') return '-';
  return String(v).replace(/[\u0000-\u001f\u007f]/g, ' ');
}

/**
 * An aligned table: header row, then one row per item. Numbers are right-aligned. Cells longer than
 * `maxWidth` are cut with an ellipsis so one long value cannot push every other column off the screen.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[], style: Style, maxWidth = 60): string {
  const text = rows.map((r) => headers.map((_, i) => truncate(cellText(r[i]), maxWidth)));
  const numeric = headers.map(
    (_, i) => rows.some((r) => typeof r[i] === 'number') && rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [style.bold(line(headers.map((h, i) => (numeric[i] ? h.padStart(widths[i]!) : h))))];
  for (const r of text) out.push(line(r));
  return out.join('\n') + '\n';
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** "Name" by Publisher 1.0.0.0 */
export function appLabel(a: { name: string; publisher: string; version: string }): string {
  return `"${a.name}" by ${a.publisher} ${a.version}`;
}

/** ISO timestamp shortened to the second, in UTC, for tables. */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
