// Archived data of a tenant (tables an uninstall or a forced sync set aside): list, rows, CSV export, discard.
import { TenantryError } from '../../shared/api/errors.js';
import type { ArchiveEntry, JsonValue, OperationOutput } from '../../shared/api/operations.js';
import { toCsv } from '../../shared/domain/csv.js';
import { tenantOp } from './bookkeeping.js';
import { resolveAppId } from './catalog.js';
import { quoted, RID } from './db/identifiers.js';
import type { DeploymentCore } from './deployment-core.js';
import { fromStored } from './field-values.js';
import { dropArchive, parseColumns, tableBytes } from './physical-schema.js';
import type { RecordValues } from './records.js';
import { archiveIndexEntry, type ArchiveRow, TenantRepository } from './repositories/tenant-repository.js';

export function archiveEntry(a: ArchiveRow, bytes: number | null): ArchiveEntry {
  return { ...archiveIndexEntry(a), bytes };
}

/** The archive index; `measure` walks each archive table's pages for its size (a report, not part of an operation). */
export function archiveEntries(repo: TenantRepository, measure = true): ArchiveEntry[] {
  return repo.archives().map((a) => archiveEntry(a, measure ? tableBytes(repo.db, `archive_${a.archive_id}`) : null));
}

export function archiveList(c: DeploymentCore, tenantId: string): ArchiveEntry[] {
  const { repo } = c.readRepo(tenantId, 'archive-read');
  return archiveEntries(repo);
}

export function archiveRow(repo: TenantRepository, tenantId: string, archiveId: number): ArchiveRow {
  const a = repo.archive(archiveId);
  if (!a) throw new TenantryError('ARCHIVE_NOT_FOUND', `tenant "${tenantId}" has no archive ${archiveId}`, { tenantId, archiveId });
  return a;
}

export function archiveData(
  repo: TenantRepository,
  a: ArchiveRow,
  offset: number,
  limit: number,
): { columns: { name: string; fieldId: number; type: string }[]; rows: RecordValues[] } {
  const cols = parseColumns(a.columns);
  const sql = `SELECT ${[RID, ...cols.map((c) => quoted({ kind: 'column', fieldId: c.fieldId }))].join(', ')} FROM ${quoted({ kind: 'archive', archiveId: a.archive_id })} ORDER BY ${RID} LIMIT ? OFFSET ?`;
  const raw = repo.db.prepare(sql).raw(true).all(limit, offset) as unknown[][];
  const rows = raw.map((r) => {
    const out: RecordValues = { _rid: Number(r[0]) };
    cols.forEach((c, i) => {
      const v = r[i + 1];
      out[c.name] = v === null || v === undefined ? null : fromStored(c.type, v);
    });
    return out;
  });
  return { columns: [{ name: '_rid', fieldId: 0, type: 'BigInteger' }, ...cols.map((c) => ({ name: c.name, fieldId: c.fieldId, type: c.type }))], rows };
}

export function archiveRows(
  c: DeploymentCore,
  tenantId: string,
  archiveId: number,
  opts: { offset?: number; limit?: number } = {},
): OperationOutput<'archive.rows'> {
  const { row, repo } = c.readRepo(tenantId, 'archive-read');
  const a = archiveRow(repo, row.tenant_id, archiveId);
  const data = archiveData(repo, a, opts.offset ?? 0, opts.limit ?? 100);
  return { archive: archiveEntry(a, tableBytes(repo.db, `archive_${a.archive_id}`)), columns: data.columns, rows: data.rows, total: a.row_count };
}

export function exportCsv(c: DeploymentCore, tenantId: string, archiveId: number): OperationOutput<'archive.export'> {
  const { row, repo } = c.readRepo(tenantId, 'archive-read');
  const a = archiveRow(repo, row.tenant_id, archiveId);
  const data = archiveData(repo, a, 0, Number.MAX_SAFE_INTEGER);
  const headers = data.columns.map((c) => c.name);
  const csv = toCsv(
    headers,
    data.rows.map((r) => headers.map((h) => r[h] as JsonValue)),
  );
  const safe = `${a.app_name}-${a.version}-${a.table_name}-${a.company_name}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  return { fileName: `${row.tenant_id}-archive-${a.archive_id}-${safe}.csv`, csv, rows: data.rows.length };
}

/** Discards archived data; refused unless confirmRows equals the exact number of rows that will be lost. */
export function discardArchive(
  c: DeploymentCore,
  tenantId: string,
  target: { archiveId: number } | { appId: string },
  opts: { confirmRows?: number; actor?: string } = {},
): OperationOutput<'archive.discard'> {
  const { row, repo } = c.readRepo(tenantId, 'archive-discard');
  const appId = 'appId' in target ? resolveAppId(c, target.appId, repo) : null;
  const r = tenantOp(
    c,
    {
      operation: 'archive.discard',
      stateOp: 'archive-discard',
      faultOp: 'discard',
      tenantId,
      actor: opts.actor,
      params: { ...target, confirmRows: opts.confirmRows ?? null },
      catalog: false,
    },
    (ctx) => {
      const list = appId === null ? [archiveRow(ctx.repo, row.tenant_id, (target as { archiveId: number }).archiveId)] : ctx.repo.archivesByApp(appId);
      if (list.length === 0)
        throw new TenantryError('ARCHIVE_NOT_FOUND', `tenant "${row.tenant_id}" has no archived data of ${appId}`, { tenantId: row.tenant_id, appId });
      const rows = list.reduce((s, a) => s + a.row_count, 0);
      if (opts.confirmRows !== rows) {
        throw new TenantryError(
          'ACK_REQUIRED',
          `discarding ${list.length === 1 ? `archive ${list[0]?.archive_id} (${list[0]?.table_name} of "${list[0]?.app_name}" ${list[0]?.version})` : `${list.length} archives of "${list[0]?.app_name}"`} deletes ${rows} rows for good; confirm with confirmRows = ${rows}`,
          { tenantId: row.tenant_id, rows, archives: list.map((a) => a.archive_id) },
        );
      }
      const entries = list.map((a) => archiveEntry(a, tableBytes(ctx.repo.db, `archive_${a.archive_id}`)));
      for (const a of list) dropArchive(ctx.repo, a);
      return { entries, rows };
    },
  );
  void repo;
  return { discarded: r.value.entries, rows: r.value.rows, opId: r.opId };
}
