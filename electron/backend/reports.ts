// Reports for change tickets and auditors: a move pre-check and an audit report, each one self-contained HTML
// file (inline styles, no script, no remote asset) that prints cleanly (and so saves as PDF from any browser),
// and the audit report also as CSV. Every value is escaped.
import type { AuditEntry, AuditFilter, AuditVerify, MovePrecheck, OpLogEntry, SnapshotCompare, SourceStatus } from '../../shared/api/console.js';
import { canonicalJson } from './canonical-json.js';
import { formatBytes } from '../../shared/domain/bytes.js';
import { toCsv } from '../../shared/domain/csv.js';

export function escapeHtml(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An ISO time as people read it in a report: "2026-11-23 01:24:02 UTC". */
export function reportTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

const STYLE = `
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { font: 13px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #1b2129; margin: 32px auto; max-width: 1040px; padding: 0 24px; }
  h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: -0.01em; }
  h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #d9dee5; padding-bottom: 4px; }
  h3 { font-size: 14px; margin: 18px 0 6px; }
  .meta { color: #56606c; margin: 0 0 16px; }
  .verdict { padding: 10px 14px; border-radius: 6px; border: 1px solid; margin: 12px 0; font-weight: 600; }
  .verdict.ok { background: #e6f4ea; border-color: #8cc49a; color: #116329; }
  .verdict.bad { background: #fde8e8; border-color: #e8a0a0; color: #a11d24; }
  table { width: 100%; border-collapse: collapse; margin: 6px 0 12px; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e3e7ec; vertical-align: top; }
  th { font-size: 11px; text-transform: uppercase; letter-spacing: 0.05em; color: #56606c; background: #f6f8fa; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
  .hash { word-break: break-all; }
  .nowrap { white-space: nowrap; }
  .box h3 { margin-top: 0; }
  .sub { color: #56606c; font-size: 11px; }
  .tag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; font-weight: 600; }
  .tag.ok { background: #e6f4ea; color: #116329; } .tag.warn { background: #fdf3d7; color: #8a5a00; } .tag.bad { background: #fde8e8; color: #a11d24; }
  .side { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
  .box { border: 1px solid #d9dee5; border-radius: 8px; padding: 10px 14px; }
  .box dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; } .box dt { color: #56606c; } .box dd { margin: 0; }
  ul { margin: 4px 0; padding-left: 20px; }
  footer { margin-top: 32px; color: #56606c; font-size: 11px; }
  @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr, .box { break-inside: avoid; } }
  @page { size: A4; margin: 14mm; }
`;

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
<footer>Tenantry admin console · ${escapeHtml(title)}</footer>
</body>
</html>
`;
}

const STATUS_TAG: Record<string, string> = { present: 'ok', missing: 'bad', 'other-version': 'warn' };

export function movePrecheckHtml(p: MovePrecheck, actor: string): string {
  const side = (label: string, d: MovePrecheck['source']): string => `
    <div class="box"><h3>${escapeHtml(label)}: ${escapeHtml(d.name)}</h3><dl>
      <dt>Kind</dt><dd>${escapeHtml(d.kind)}</dd>
      <dt>Application</dt><dd>${escapeHtml(d.application ? `${d.application.name} ${d.application.version}` : 'unknown')}</dd>
      <dt>Published versions</dt><dd>${d.catalogSize}</dd>
      <dt>Tenants</dt><dd>${d.tenantCount}</dd>
    </dl></div>`;
  const tenants = p.tenants
    .map((t) => {
      if (!t.report)
        return `<h2>Tenant ${escapeHtml(t.tenantId)}</h2><div class="verdict bad">Could not be checked: ${escapeHtml(t.error?.message ?? 'unknown error')}</div>`;
      const r = t.report;
      const rows = r.apps
        .map(
          (a) =>
            `<tr><td>${escapeHtml(a.name)}</td><td>${escapeHtml(a.publisher)}</td><td class="mono">${escapeHtml(a.version)}</td><td class="mono">${escapeHtml(a.destinationVersions.join(', ') || '—')}</td><td><span class="tag ${STATUS_TAG[a.status] ?? ''}">${escapeHtml(a.status)}</span></td></tr>`,
        )
        .join('');
      const ways = r.waysOut.length
        ? `<h3>Ways out</h3><ul>${r.waysOut.map((w) => `<li><strong>${w.kind === 'publish-missing' ? 'Publish the missing packages' : 'Uninstall first'}</strong>: ${escapeHtml(w.description)}</li>`).join('')}</ul>`
        : '';
      const publishable = t.publishable.length
        ? `<p>From the source's catalog: ${t.publishable.map((a) => `${escapeHtml(a.name)} ${escapeHtml(a.version)} (${a.available ? 'available' : 'not in the catalog'})`).join(', ')}.${t.dependents.length ? ` Uninstalling first also removes ${t.dependents.map((d) => escapeHtml(`${d.name} ${d.version}`)).join(', ')}.` : ''}</p>`
        : '';
      return `
    <h2>Tenant ${escapeHtml(t.tenantId)}</h2>
    <div class="verdict ${r.ok ? 'ok' : 'bad'}">${r.ok ? 'Ready to move.' : `Not ready: ${escapeHtml(r.problems.join('; '))}`}</div>
    <table>
      <tr><th>Check</th><th>Source</th><th>Destination</th><th>Result</th></tr>
      <tr><td>Application</td><td>${escapeHtml(r.application.source)}</td><td>${escapeHtml(r.application.destination)}</td><td><span class="tag ${r.application.same ? 'ok' : 'bad'}">${r.application.same ? 'same' : 'differs'}</span></td></tr>
      <tr><td>Tenant id</td><td class="mono">${escapeHtml(t.tenantId)}</td><td>${r.tenantIdFree ? 'free' : 'in use'}</td><td><span class="tag ${r.tenantIdFree ? 'ok' : 'bad'}">${r.tenantIdFree ? 'free' : 'taken'}</span></td></tr>
      <tr><td>State</td><td>${escapeHtml(t.state ?? 'unknown')}</td><td>—</td><td></td></tr>
      <tr><td>Size to transfer</td><td>${escapeHtml(formatBytes(t.sizeBytes))}</td><td>—</td><td></td></tr>
      <tr><td>Companies</td><td>${escapeHtml(t.companies.join(', ') || '—')}</td><td>—</td><td></td></tr>
    </table>
    <h3>Installed extensions against the destination's catalog</h3>
    <table><tr><th>Extension</th><th>Publisher</th><th>Installed</th><th>On the destination</th><th>Status</th></tr>${rows || '<tr><td colspan="5">No extension installed.</td></tr>'}</table>
    ${ways}${publishable}`;
    })
    .join('');
  const title = `Move pre-check: ${p.source.name} → ${p.destination.name}`;
  return document(
    title,
    `<h1>${escapeHtml(title)}</h1>
    <p class="meta">Checked ${escapeHtml(reportTime(p.at))} by ${escapeHtml(actor)} · ${p.tenants.length} tenant(s): ${escapeHtml(p.tenants.map((t) => t.tenantId).join(', '))}. The pre-check changes nothing.</p>
    <div class="verdict ${p.ok ? 'ok' : 'bad'}">${p.ok ? 'Every tenant is ready to move.' : p.supported ? 'Some tenants are not ready: see the problems and the ways out below.' : escapeHtml(p.unsupportedReason ?? 'This move cannot run from this console.')}</div>
    <div class="side">${side('Source', p.source)}${side('Destination', p.destination)}</div>
    ${tenants}`,
  );
}

export interface AuditReportInput {
  generatedAt: string;
  actor: string;
  filter: AuditFilter | undefined;
  verify: AuditVerify;
  entries: AuditEntry[];
  opLog: { entries: OpLogEntry[]; sources: SourceStatus[] } | null;
  compare: SnapshotCompare | null;
}

function filterText(f: AuditFilter | undefined): string {
  if (!f) return 'none';
  const parts = [
    f.query ? `text "${f.query}"` : '',
    f.action ? `action ${f.action}` : '',
    f.result ? `result ${f.result}` : '',
    f.connectionId ? `connection ${f.connectionId}` : '',
    f.since ? `from ${f.since}` : '',
    f.until ? `until ${f.until}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'none';
}

export function auditReportHtml(r: AuditReportInput): string {
  const v = r.verify;
  const audit = r.entries
    .map(
      (e) =>
        `<tr><td class="num mono">${e.seq}</td><td class="nowrap">${escapeHtml(reportTime(e.at))}</td><td>${escapeHtml(e.actor)}</td><td><span class="mono nowrap">${escapeHtml(e.action)}</span>${e.error ? `<div class="sub">${escapeHtml(e.error)}</div>` : ''}</td><td>${escapeHtml(e.connectionName ?? '—')}${e.target ? ` / ${escapeHtml(e.target)}` : ''}</td><td><span class="tag ${e.result === 'succeeded' ? 'ok' : e.result === 'failed' ? 'bad' : 'warn'}">${escapeHtml(e.result)}</span></td><td class="mono nowrap">${escapeHtml(e.hash.slice(0, 12))}…</td></tr>`,
    )
    .join('');
  const ops = r.opLog
    ? `<h2>Operation logs of the deployments</h2>
    <p class="meta">${r.opLog.sources.map((s) => `${escapeHtml(s.name)}: ${s.live ? 'live' : 'cached'}${s.asOf ? ` as of ${escapeHtml(reportTime(s.asOf))}` : ''}`).join(' · ')}</p>
    <table><tr><th>Started</th><th>Deployment</th><th>Operation</th><th>Tenant</th><th>Actor</th><th>Result</th></tr>
    ${r.opLog.entries.map((e) => `<tr><td class="nowrap">${escapeHtml(reportTime(e.startedAt))}</td><td>${escapeHtml(e.connectionName)}</td><td class="mono nowrap">${escapeHtml(e.operation)}</td><td>${escapeHtml(e.tenantId ?? (typeof e.params['tenantId'] === 'string' ? e.params['tenantId'] : '—'))}</td><td>${escapeHtml(e.actor)}</td><td><span class="tag ${e.result === 'succeeded' ? 'ok' : e.result === 'failed' ? 'bad' : 'warn'}">${escapeHtml(e.result)}</span>${e.errorMessage ? `<div class="sub">${escapeHtml(e.errorMessage)}</div>` : ''}</td></tr>`).join('') || '<tr><td colspan="6">No entry.</td></tr>'}
    </table>`
    : '';
  const cmp = r.compare
    ? `<h2>Changes on ${escapeHtml(r.compare.connectionName)} between two snapshots</h2>
    <p class="meta">From ${escapeHtml(reportTime(r.compare.from.takenAt))} to ${escapeHtml(reportTime(r.compare.to.takenAt))}: ${r.compare.changes.length} change(s).</p>
    <table><tr><th>Tenant</th><th>Change</th><th>Details</th></tr>${r.compare.changes.map((c) => `<tr><td>${escapeHtml(c.tenantId)}</td><td>${escapeHtml(c.kind)}</td><td>${escapeHtml(c.description)}</td></tr>`).join('') || '<tr><td colspan="3">No change.</td></tr>'}</table>`
    : '';
  return document(
    'Audit report',
    `<h1>Audit report</h1>
    <p class="meta">Generated ${escapeHtml(reportTime(r.generatedAt))} by ${escapeHtml(r.actor)} · filter: ${escapeHtml(filterText(r.filter))}</p>
 <div class="verdict ${v.ok ? 'ok' : 'bad'}">${v.ok ? `Hash chain verified: ${v.count} entries intact; head <span class="mono hash">${escapeHtml(v.headHash)}</span>` : `Hash chain broken at entry ${v.firstBad?.seq ?? '?'}: ${escapeHtml(v.firstBad?.reason ?? '')}`}</div>
    <h2>Console audit log (${r.entries.length} entries)</h2>
    <table><tr><th class="num">#</th><th>When</th><th>Who</th><th>Action</th><th>Where</th><th>Result</th><th>Hash</th></tr>${audit || '<tr><td colspan="7">No entry.</td></tr>'}</table>
    ${ops}${cmp}`,
  );
}

/** One table for a spreadsheet: the console's audit entries and the deployments' operations, newest first. */
export function auditReportCsv(r: AuditReportInput): string {
  const header = ['source', 'id', 'at', 'actor', 'action', 'connection', 'target', 'result', 'error', 'params', 'hash'];
  const rows: unknown[][] = r.entries.map((e) => [
    'console audit',
    e.seq,
    e.at,
    e.actor,
    e.action,
    e.connectionName,
    e.target,
    e.result,
    e.error,
    canonicalJson(e.params),
    e.hash,
  ]);
  for (const e of r.opLog?.entries ?? [])
    rows.push([
      `${e.connectionName} operation log`,
      e.opId,
      e.startedAt,
      e.actor,
      e.operation,
      e.connectionName,
      e.tenantId,
      e.result,
      e.errorMessage,
      canonicalJson(e.params),
      '',
    ]);
  rows.sort((a, b) => String(b[2]).localeCompare(String(a[2])));
  return toCsv(header, rows);
}
