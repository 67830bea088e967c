// CSV, one writer for every export (archived rows, the audit log, reports, the filtered matrix): RFC 4180 quoting
// (CRLF line ends, quotes doubled, a cell with a comma, quote, line break or surrounding space quoted) and cells a
// spreadsheet would run as a formula neutralised: one starting with = + - @ tab, CR or NUL gets a leading '
// (OWASP CSV injection guidance; ASVS). Objects are written as JSON.
const FORMULA_START = /^[=+\-@\t\r\u0000]/;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || s.startsWith("'") || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
