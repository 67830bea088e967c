// Sizes as people read them, one rule for the CLI, the console's reports and the renderer: binary units
// (1 KiB = 1024 bytes, as SQLite pages and file sizes are counted), one decimal, two above a gibibyte.
/** null: not measured (shown as '-'). */
export function formatBytes(n: number | null): string {
  if (n === null) return '-';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
