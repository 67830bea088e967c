// The physical schema of a tenant: which SQLite tables hold the rows of the merged view, how they are created,
// synced (add / force), archived (ALTER TABLE ... RENAME: O(1) in the row count, no row is copied), restored and
// dropped. Every generated identifier comes from db/identifiers.ts.
import type Database from 'better-sqlite3';
import { TenantryError } from '../../shared/api/errors.js';
import type { MergedTable, MergedView } from '../../shared/domain/merge.js';
import { generatedName, quoted, RID } from './db/identifiers.js';
import { sqlType } from './field-values.js';
import type { ArchiveRow, ColumnInfo, CompanyRow, SchemaRow, TenantRepository } from './repositories/tenant-repository.js';

/** One physical table the merged view needs. */
export interface DesiredTable {
  physical: string;
  companyId: number;
  tableId: number;
  tableName: string;
  ownerAppId: string;
  kind: 'table' | 'fields';
  basePhysical: string | null;
  columns: ColumnInfo[];
  /** Primary key field ids (kind 'table' only). */
  primaryKey: number[];
}

function columnInfo(f: { id: number; name: string; type: string; length?: number | undefined }): ColumnInfo {
  const c: ColumnInfo = { fieldId: f.id, name: f.name, type: f.type };
  if (f.length !== undefined) c.length = f.length;
  return c;
}

export function companyScope(table: Pick<MergedTable, 'dataPerCompany'>, companies: readonly CompanyRow[]): number[] {
  return table.dataPerCompany ? companies.map((c) => c.company_id) : [0];
}

/** Every physical table the view needs (optionally only those owned by some apps; '' is the application). */
export function desiredSchema(view: MergedView, companies: readonly CompanyRow[], owners?: ReadonlySet<string>): DesiredTable[] {
  const out: DesiredTable[] = [];
  for (const t of view.tables) {
    // Most tables hold nothing of the owners asked for (an install asks for one app's): skip them before any work.
    if (owners && !owners.has(t.ownerAppId) && !t.fields.some((f) => owners.has(f.ownerAppId))) continue;
    const byOwner = new Map<string, ColumnInfo[]>();
    byOwner.set(t.ownerAppId, []);
    for (const f of t.fields) {
      let list = byOwner.get(f.ownerAppId);
      if (!list) byOwner.set(f.ownerAppId, (list = []));
      list.push(columnInfo(f));
    }
    const pk = t.primaryKey.map((n) => t.fields.find((f) => f.name.toLowerCase() === n.toLowerCase())?.id ?? 0).filter((id) => id > 0);
    for (const companyId of companyScope(t, companies)) {
      const basePhysical = generatedName({ kind: 'table', companyId, tableId: t.id });
      for (const [owner, columns] of byOwner) {
        if (owners && !owners.has(owner)) continue;
        const isBase = owner === t.ownerAppId;
        if (!isBase && columns.length === 0) continue;
        out.push({
          physical: isBase ? basePhysical : generatedName({ kind: 'companion', companyId, tableId: t.id, appId: owner }),
          companyId,
          tableId: t.id,
          tableName: t.name,
          ownerAppId: owner,
          kind: isBase ? 'table' : 'fields',
          basePhysical: isBase ? null : basePhysical,
          columns,
          primaryKey: isBase ? pk : [],
        });
      }
    }
  }
  return out;
}

export function parseColumns(json: string): ColumnInfo[] {
  return JSON.parse(json) as ColumnInfo[];
}

/** A change to the physical schema, found by comparing the registry with the desired schema. */
export type PhysicalChange =
  | { kind: 'create-table'; desired: DesiredTable; destructive: false }
  | { kind: 'add-column'; physical: string; ownerAppId: string; tableName: string; column: ColumnInfo; destructive: false }
  | { kind: 'update-registry'; physical: string; desired: DesiredTable; destructive: false; description: string }
  | { kind: 'drop-column'; physical: string; row: SchemaRow; tableName: string; column: ColumnInfo; rows: number; destructive: true }
  | { kind: 'retype-column'; physical: string; row: SchemaRow; tableName: string; column: ColumnInfo; to: ColumnInfo; rows: number; destructive: true }
  | { kind: 'narrow-column'; physical: string; row: SchemaRow; tableName: string; column: ColumnInfo; to: ColumnInfo; rows: number; destructive: true }
  | { kind: 'rekey'; physical: string; row: SchemaRow; tableName: string; keyFields: number[]; destructive: boolean; description: string }
  | { kind: 'remove-table'; physical: string; row: SchemaRow; rows: number; destructive: true };

function compatible(from: ColumnInfo, to: ColumnInfo): 'same' | 'widen' | 'narrow' | 'retype' {
  if (from.type === to.type) {
    if ((from.type === 'Code' || from.type === 'Text') && (to.length ?? 0) < (from.length ?? 0)) return 'narrow';
    return from.length === to.length ? 'same' : 'widen';
  }
  if (from.type === 'Integer' && to.type === 'BigInteger') return 'widen';
  if (from.type === 'Code' && to.type === 'Text') return (to.length ?? 0) >= (from.length ?? 0) ? 'widen' : 'narrow';
  return 'retype';
}

function keyFieldsOf(db: Database.Database, row: SchemaRow): number[] {
  if (!row.key_index) return [];
  const cols = db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(row.key_index) as { name: string }[];
  return cols.map((c) => Number(c.name.slice(1)));
}

function countWhere(db: Database.Database, physical: string, where: string, params: unknown[] = []): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${quoted(physical)} WHERE ${where}`).get(...params) as { n: number }).n;
}

/**
 * Compares the registry rows of `owners` with the desired tables of those owners. Counting rows that would be
 * lost is O(n), but only happens for destructive changes.
 */
export function planPhysicalSync(repo: TenantRepository, desired: readonly DesiredTable[], owners: ReadonlySet<string>): PhysicalChange[] {
  const db = repo.db;
  const changes: PhysicalChange[] = [];
  // The owners' rows only (indexed by owner), in the registry's order (company, table, owner) as schema() gives it.
  const owned = [...owners].flatMap((o) => repo.schemaByOwner(o));
  owned.sort(
    (a, b) => a.company_id - b.company_id || a.table_id - b.table_id || (a.owner_app_id < b.owner_app_id ? -1 : a.owner_app_id > b.owner_app_id ? 1 : 0),
  );
  const current = new Map(owned.map((r) => [r.physical, r]));
  for (const d of desired) {
    const row = current.get(d.physical);
    if (!row) {
      changes.push({ kind: 'create-table', desired: d, destructive: false });
      continue;
    }
    current.delete(d.physical);
    const have = new Map(parseColumns(row.columns).map((c) => [c.fieldId, c]));
    let registryDirty = row.table_name !== d.tableName;
    const notes: string[] = [];
    for (const c of d.columns) {
      const h = have.get(c.fieldId);
      if (!h) {
        changes.push({ kind: 'add-column', physical: d.physical, ownerAppId: d.ownerAppId, tableName: d.tableName, column: c, destructive: false });
        continue;
      }
      have.delete(c.fieldId);
      const cmp = compatible(h, c);
      const col = quoted({ kind: 'column', fieldId: c.fieldId });
      if (cmp === 'retype') {
        changes.push({
          kind: 'retype-column',
          physical: d.physical,
          row,
          tableName: d.tableName,
          column: h,
          to: c,
          rows: countWhere(db, d.physical, `${col} IS NOT NULL`),
          destructive: true,
        });
      } else if (cmp === 'narrow') {
        changes.push({
          kind: 'narrow-column',
          physical: d.physical,
          row,
          tableName: d.tableName,
          column: h,
          to: c,
          rows: countWhere(db, d.physical, `length(${col}) > ?`, [c.length ?? 0]),
          destructive: true,
        });
      } else if (cmp === 'widen' || h.name !== c.name) {
        registryDirty = true;
        notes.push(h.name !== c.name ? `field ${c.fieldId} renamed "${h.name}" -> "${c.name}"` : `field "${c.name}" widened`);
      }
    }
    for (const h of have.values()) {
      const col = quoted({ kind: 'column', fieldId: h.fieldId });
      changes.push({
        kind: 'drop-column',
        physical: d.physical,
        row,
        tableName: d.tableName,
        column: h,
        rows: countWhere(db, d.physical, `${col} IS NOT NULL`),
        destructive: true,
      });
    }
    if (d.kind === 'table') {
      const keyNow = keyFieldsOf(db, row);
      if (keyNow.join(',') !== d.primaryKey.join(',')) {
        changes.push({
          kind: 'rekey',
          physical: d.physical,
          row,
          tableName: d.tableName,
          keyFields: d.primaryKey,
          destructive: true,
          description: `primary key of table "${d.tableName}" changes`,
        });
      }
    }
    if (registryDirty)
      changes.push({
        kind: 'update-registry',
        physical: d.physical,
        desired: d,
        destructive: false,
        description: notes.join('; ') || `table renamed to "${d.tableName}"`,
      });
  }
  for (const row of current.values()) changes.push({ kind: 'remove-table', physical: row.physical, row, rows: row.row_count, destructive: true });
  return changes;
}

export function ownerOfChange(c: PhysicalChange): string {
  switch (c.kind) {
    case 'create-table':
    case 'update-registry':
      return c.desired.ownerAppId;
    case 'add-column':
      return c.ownerAppId;
    default:
      return c.row.owner_app_id;
  }
}

export function describePhysicalChange(c: PhysicalChange): string {
  switch (c.kind) {
    case 'create-table':
      return `create ${c.desired.kind === 'table' ? 'table' : 'extension fields of table'} "${c.desired.tableName}" (${c.desired.physical})`;
    case 'add-column':
      return `add field ${c.column.fieldId} "${c.column.name}" to table "${c.tableName}"`;
    case 'update-registry':
      return c.description;
    case 'drop-column':
      return `field ${c.column.fieldId} "${c.column.name}" is removed from table "${c.tableName}" (${c.rows} rows hold a value)`;
    case 'retype-column':
      return `field ${c.column.fieldId} "${c.column.name}" of table "${c.tableName}" changes type ${c.column.type} -> ${c.to.type} (${c.rows} rows hold a value)`;
    case 'narrow-column':
      return `field ${c.column.fieldId} "${c.column.name}" of table "${c.tableName}" is narrowed ${c.column.length ?? '?'} -> ${c.to.length ?? '?'} (${c.rows} rows are longer)`;
    case 'rekey':
      return c.description;
    case 'remove-table':
      return `${c.row.kind === 'table' ? 'table' : 'extension fields of table'} "${c.row.table_name}" (${c.physical}) is removed (${c.rows} rows)`;
  }
}

/**
 * Creates physical tables (and their key indexes) and registers them: all the DDL first, then the registry rows.
 * Each DDL statement expires every statement prepared on the connection, so registering between two CREATEs would
 * prepare the registry's INSERT again for every table.
 */
export function createPhysicalTables(repo: TenantRepository, tables: readonly DesiredTable[]): void {
  if (tables.length === 0) return;
  const keyed = tables.filter((d) => d.kind === 'table' && d.primaryKey.length > 0).length;
  let keySeq = keyed > 0 ? repo.reserveSeq('key-index', keyed) : 0;
  const ddl: string[] = [];
  const rows: SchemaRow[] = [];
  for (const d of tables) {
    const cols = d.columns.map((c) => `${quoted({ kind: 'column', fieldId: c.fieldId })} ${sqlType(c.type)}`);
    // Base rows: AUTOINCREMENT so a row id is never reused (companion and archived rows stay keyed to the right row).
    const ridDef = d.kind === 'table' ? `${RID} INTEGER PRIMARY KEY AUTOINCREMENT` : `${RID} INTEGER PRIMARY KEY`;
    ddl.push(`CREATE TABLE ${quoted(d.physical)} (${[ridDef, ...cols].join(', ')}) STRICT`);
    let keyIndex: string | null = null;
    if (d.kind === 'table' && d.primaryKey.length > 0) {
      keyIndex = generatedName({ kind: 'key-index', seq: keySeq++ });
      ddl.push(
        `CREATE UNIQUE INDEX ${quoted(keyIndex)} ON ${quoted(d.physical)} (${d.primaryKey.map((id) => quoted({ kind: 'column', fieldId: id })).join(', ')})`,
      );
    }
    rows.push({
      physical: d.physical,
      company_id: d.companyId,
      table_id: d.tableId,
      table_name: d.tableName,
      owner_app_id: d.ownerAppId,
      kind: d.kind,
      base_physical: d.basePhysical,
      key_index: keyIndex,
      columns: JSON.stringify(d.columns),
      row_count: 0,
    });
  }
  repo.db.exec(ddl.join(';\n'));
  for (const r of rows) repo.putSchema(r);
}

export interface ArchiveContext {
  app: { id: string; name: string; publisher: string; version: string; dataVersion: string; definition: string | null };
  companyName(companyId: number): string;
  reason: ArchiveRow['reason'];
  opId: string;
  at: string;
}

/** Moves a registered physical table to the archive by renaming it: no row is read or copied. */
export function archiveByRename(repo: TenantRepository, row: SchemaRow, ctx: ArchiveContext): number {
  const archiveId = repo.insertArchive({
    app_id: ctx.app.id,
    app_name: ctx.app.name,
    publisher: ctx.app.publisher,
    version: ctx.app.version,
    data_version: ctx.app.dataVersion,
    company_id: row.company_id,
    company_name: ctx.companyName(row.company_id),
    table_id: row.table_id,
    table_name: row.table_name,
    kind: row.kind,
    original_physical: row.physical,
    base_physical: row.base_physical,
    key_index: row.key_index,
    columns: row.columns,
    row_count: row.row_count,
    bytes: 0,
    archived_at: ctx.at,
    reason: ctx.reason,
    op_id: ctx.opId,
    definition: ctx.app.definition,
  });
  repo.db.exec(`ALTER TABLE ${quoted(row.physical)} RENAME TO ${quoted({ kind: 'archive', archiveId })}`);
  repo.deleteSchema(row.physical);
  return archiveId;
}

/** Copies one column's non-null values to a new archive table (force sync removing or changing a field). */
export function archiveColumnCopy(repo: TenantRepository, row: SchemaRow, column: ColumnInfo, ctx: ArchiveContext): number {
  const col = quoted({ kind: 'column', fieldId: column.fieldId });
  const rows = countWhere(repo.db, row.physical, `${col} IS NOT NULL`);
  const archiveId = repo.insertArchive({
    app_id: ctx.app.id,
    app_name: ctx.app.name,
    publisher: ctx.app.publisher,
    version: ctx.app.version,
    data_version: ctx.app.dataVersion,
    company_id: row.company_id,
    company_name: ctx.companyName(row.company_id),
    table_id: row.table_id,
    table_name: row.table_name,
    kind: 'column',
    original_physical: row.physical,
    base_physical: row.kind === 'table' ? row.physical : row.base_physical,
    key_index: null,
    columns: JSON.stringify([column]),
    row_count: rows,
    bytes: 0,
    archived_at: ctx.at,
    reason: ctx.reason,
    op_id: ctx.opId,
    definition: ctx.app.definition,
  });
  const target = quoted({ kind: 'archive', archiveId });
  repo.db.exec(`CREATE TABLE ${target} (${RID} INTEGER PRIMARY KEY, ${col} ${sqlType(column.type)}) STRICT`);
  repo.db.exec(`INSERT INTO ${target} (${RID}, ${col}) SELECT ${RID}, ${col} FROM ${quoted(row.physical)} WHERE ${col} IS NOT NULL`);
  return archiveId;
}

/** Renames an archived table back to its place and registers it again. */
export function restoreArchive(repo: TenantRepository, a: ArchiveRow): void {
  if (a.kind === 'column') throw new Error('internal: column archives are not restored by rename');
  if (repo.schemaRow(a.original_physical)) {
    throw new TenantryError('CONFLICT', `cannot restore archived ${a.table_name} data of "${a.app_name}": table ${a.original_physical} exists`, {
      archiveId: a.archive_id,
    });
  }
  repo.db.exec(`ALTER TABLE ${quoted({ kind: 'archive', archiveId: a.archive_id })} RENAME TO ${quoted(a.original_physical)}`);
  repo.putSchema({
    physical: a.original_physical,
    company_id: a.company_id,
    table_id: a.table_id,
    table_name: a.table_name,
    owner_app_id: a.app_id,
    kind: a.kind,
    base_physical: a.base_physical,
    key_index: a.key_index,
    columns: a.columns,
    row_count: a.row_count,
  });
  repo.deleteArchive(a.archive_id);
}

export function dropArchive(repo: TenantRepository, a: ArchiveRow): void {
  repo.db.exec(`DROP TABLE IF EXISTS ${quoted({ kind: 'archive', archiveId: a.archive_id })}`);
  repo.deleteArchive(a.archive_id);
}

export function dropPhysicalTable(repo: TenantRepository, row: SchemaRow): void {
  repo.db.exec(`DROP TABLE IF EXISTS ${quoted(row.physical)}`);
  repo.deleteSchema(row.physical);
}

/** Bytes a physical table occupies (dbstat walks its pages, so this is only used for reporting). */
export function tableBytes(db: Database.Database, physical: string): number {
  const r = db.prepare('SELECT COALESCE(SUM(pgsize), 0) AS b FROM dbstat WHERE name = ?').get(physical) as { b: number };
  return r.b;
}

/** Applies non-destructive changes, and destructive ones too when `force` (archiving what they remove). */
export function applyPhysicalChanges(repo: TenantRepository, changes: readonly PhysicalChange[], force: ArchiveContext | null): number[] {
  const archives: number[] = [];
  const db = repo.db;
  for (const c of changes) {
    if (c.destructive && !force) throw new Error(`internal: destructive change applied without force: ${describePhysicalChange(c)}`);
  }
  // New tables do not depend on the other changes: created together (see createPhysicalTables).
  createPhysicalTables(
    repo,
    changes.flatMap((c) => (c.kind === 'create-table' ? [c.desired] : [])),
  );
  for (const c of changes) {
    switch (c.kind) {
      case 'create-table':
        break;
      case 'add-column': {
        const row = repo.schemaRow(c.physical);
        if (!row) throw new Error(`internal: ${c.physical} is not registered`);
        db.exec(`ALTER TABLE ${quoted(c.physical)} ADD COLUMN ${quoted({ kind: 'column', fieldId: c.column.fieldId })} ${sqlType(c.column.type)}`);
        const cols = parseColumns(row.columns);
        cols.push(c.column);
        repo.updateSchema(c.physical, { columns: JSON.stringify(cols), table_name: row.table_name, key_index: row.key_index });
        break;
      }
      case 'update-registry': {
        const row = repo.schemaRow(c.physical);
        if (!row) throw new Error(`internal: ${c.physical} is not registered`);
        const want = new Map(c.desired.columns.map((x) => [x.fieldId, x]));
        const cols = parseColumns(row.columns).map((x) => want.get(x.fieldId) ?? x);
        repo.updateSchema(c.physical, { columns: JSON.stringify(cols), table_name: c.desired.tableName, key_index: row.key_index });
        break;
      }
      case 'drop-column':
      case 'retype-column':
      case 'narrow-column': {
        const ctx = force as ArchiveContext;
        const row = repo.schemaRow(c.physical);
        if (!row) throw new Error(`internal: ${c.physical} is not registered`);
        if (c.rows > 0) archives.push(archiveColumnCopy(repo, row, c.column, ctx));
        const col = quoted({ kind: 'column', fieldId: c.column.fieldId });
        let cols = parseColumns(row.columns);
        if (c.kind === 'narrow-column') {
          db.prepare(`UPDATE ${quoted(c.physical)} SET ${col} = substr(${col}, 1, ?) WHERE length(${col}) > ?`).run(c.to.length ?? 0, c.to.length ?? 0);
          cols = cols.map((x) => (x.fieldId === c.column.fieldId ? c.to : x));
        } else {
          db.exec(`ALTER TABLE ${quoted(c.physical)} DROP COLUMN ${col}`);
          cols = cols.filter((x) => x.fieldId !== c.column.fieldId);
          if (c.kind === 'retype-column') {
            db.exec(`ALTER TABLE ${quoted(c.physical)} ADD COLUMN ${col} ${sqlType(c.to.type)}`);
            cols.push(c.to);
          }
        }
        repo.updateSchema(c.physical, { columns: JSON.stringify(cols), table_name: row.table_name, key_index: row.key_index });
        break;
      }
      case 'rekey': {
        const row = repo.schemaRow(c.physical);
        if (!row) throw new Error(`internal: ${c.physical} is not registered`);
        if (row.key_index) db.exec(`DROP INDEX ${quoted(row.key_index)}`);
        const keyIndex = generatedName({ kind: 'key-index', seq: repo.nextSeq('key-index') });
        try {
          db.exec(
            `CREATE UNIQUE INDEX ${quoted(keyIndex)} ON ${quoted(c.physical)} (${c.keyFields.map((id) => quoted({ kind: 'column', fieldId: id })).join(', ')})`,
          );
        } catch (e) {
          throw new TenantryError(
            'SYNC_DESTRUCTIVE',
            `the new primary key of table "${c.tableName}" is not unique in the existing rows: ${(e as Error).message}`,
            { table: c.tableName },
          );
        }
        repo.updateSchema(c.physical, { columns: row.columns, table_name: row.table_name, key_index: keyIndex });
        break;
      }
      case 'remove-table': {
        const row = repo.schemaRow(c.physical);
        if (!row) break;
        archives.push(archiveByRename(repo, row, force as ArchiveContext));
        break;
      }
    }
  }
  return archives;
}
