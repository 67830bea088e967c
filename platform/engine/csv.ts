// CSV export of archived rows: RFC 4180 quoting (CRLF line ends, quotes doubled) and neutralised formula cells
// (a cell starting with = + - @ tab or NUL gets a leading ', OWASP CSV injection guidance).
import type { JsonValue } from '../../shared/api/operations.js';

const FORMULA_START = /^[=+\-@\t\u0000\r]/;

export function csvCell(v: JsonValue | undefined): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(headers: readonly string[], rows: readonly (readonly (JsonValue | undefined)[])[]): string {
  const lines = [headers.map((h) => csvCell(h)).join(',')];
  for (const r of rows) lines.push(r.map((c) => csvCell(c)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
