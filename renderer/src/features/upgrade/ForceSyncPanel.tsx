// The force sync step of the upgrade wizard: per tenant that only force sync lets through, exactly which fields
// and tables the upgrade removes and, per company, how many rows hold a value there (the data lost from the tables,
// archived); then the explicit acknowledgement (a checkbox and that row count typed) without which Run stays disabled.
// The count is read through the record API, which shows a NULL as the type's blank value: a row whose value is blank
// is not counted, though the engine archives a stored blank too (the archive may list more rows).
import { useId, type ReactElement } from 'react';
import type { UpgradePlanTenant } from '../../../../shared/api/console.js';
import { Badge } from '../../components/status.js';
import { formatNumber, plural } from '../../lib/format.js';

type Change = UpgradePlanTenant['destructive'][number];

interface Line {
  key: string;
  tenant: UpgradePlanTenant;
  change: Change;
  company: string;
  rows: number;
}

const FORCE_LINES_SHOWN = 200;
export const changeName = (c: Pick<Change, 'table' | 'field'>): string => (c.field ? `${c.table}.${c.field}` : `table ${c.table}`);
export const rowsOf = (t: Pick<UpgradePlanTenant, 'rowsLost'>): number => t.rowsLost.reduce((n, r) => n + r.rows, 0);
/** The row count as typed: spaces and thousands separators are allowed. */
export const typedCount = (s: string): string => s.replace(/[\s,.'_\u00a0\u202f]/g, '');

/** One line per tenant, removed field or table, and company; a removal with no row holding a value gets one line of 0. */
function linesOf(tenants: readonly UpgradePlanTenant[]): Line[] {
  const out: Line[] = [];
  for (const t of tenants) {
    for (const c of t.destructive) {
      const lost = t.rowsLost.filter((r) => r.table.toLowerCase() === c.table.toLowerCase() && (r.field ?? '') === (c.field ?? ''));
      const base = `${t.connectionId}/${t.tenantId}/${c.kind}/${c.tableId}/${c.fieldId ?? ''}/${c.table}`;
      if (lost.length === 0) out.push({ key: base, tenant: t, change: c, company: '—', rows: 0 });
      for (const r of lost) out.push({ key: `${base}/${r.company}`, tenant: t, change: c, company: r.company, rows: r.rows });
    }
  }
  return out;
}

interface Props {
  tenants: readonly UpgradePlanTenant[];
  rows: number;
  checked: boolean;
  typed: string;
  onChecked(checked: boolean): void;
  onTyped(typed: string): void;
}

export function ForceSyncPanel({ tenants, rows, checked, typed, onChecked, onTyped }: Props): ReactElement {
  const id = useId();
  const lines = linesOf(tenants);
  const matches = typedCount(typed) === String(rows);
  return (
    <section className="card force-sync" aria-labelledby={`${id}-title`} data-testid="upgrade-force">
      <div className="card-header">
        <h3 id={`${id}-title`}>What force sync removes</h3>
        <span className="sub">{plural(tenants.length, 'tenant')} · archived in each tenant, per company</span>
        <span className="right">
          <Badge tone="danger">
            <span data-testid="force-rows">{formatNumber(rows)}</span> {rows === 1 ? 'row holds' : 'rows hold'} a value
          </Badge>
        </span>
      </div>
      <table className="data" aria-label="Fields and tables force sync removes, per tenant">
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Removed</th>
            <th scope="col">Company</th>
            <th scope="col" className="num">
              Rows with a value
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.slice(0, FORCE_LINES_SHOWN).map((l) => (
            <tr key={l.key} data-testid="force-line" data-tenant={l.tenant.tenantId} data-removed={changeName(l.change)}>
              <td>
                {l.tenant.tenantId} <span className="muted">· {l.tenant.connectionName}</span>
              </td>
              <td>
                <span className="mono">{changeName(l.change)}</span> <Badge tone="danger">{l.change.kind.replace(/-/g, ' ')}</Badge>
              </td>
              <td>{l.company}</td>
              <td className="num">{formatNumber(l.rows)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lines.length > FORCE_LINES_SHOWN ? (
        <p className="muted card-foot">and {formatNumber(lines.length - FORCE_LINES_SHOWN)} more lines, counted in the total.</p>
      ) : null}
      <div className="card-body stack">
        <p className="muted small">
          Counted by each deployment as the forced upgrade counts them: every row that stores a value (a 0 or an empty text included), which is what the archive
          will hold. Archived field data is kept for reference in the Data archive: an install does not bring it back; export or discard it there.
        </p>
        <div className="force-ack" data-testid="force-ack">
          <label className="check">
            <input type="checkbox" checked={checked} onChange={(e) => onChecked(e.target.checked)} /> I understand that the upgrade removes these fields and
            tables from {plural(tenants.length, 'tenant')}, and that the values of {plural(rows, 'row')} are then kept only in the data archive.
          </label>
          <div className="field inline">
            <label htmlFor={`${id}-rows`}>Type the number of rows with a value ({formatNumber(rows)})</label>
            <input
              id={`${id}-rows`}
              className="input"
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => onTyped(e.target.value)}
              aria-invalid={typed !== '' && !matches}
              aria-describedby={`${id}-state`}
              style={{ width: 110 }}
            />
            <span id={`${id}-state`} className={typed !== '' && !matches ? 'fail-text' : 'muted'} aria-live="polite">
              {matches
                ? checked
                  ? 'Acknowledged.'
                  : 'The number matches; tick the box too.'
                : typed !== ''
                  ? 'That is not the number of rows.'
                  : 'Run unlocks when both are given.'}
            </span>
          </div>
        </div>
      </div>
    </section>
  );
}
