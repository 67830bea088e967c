// Everything stored in one tenant database except row data: $meta, companies, installed apps, the schema
// registry, the archive index, permission sets, subscribers, upgrade tags and the tenant's operation log.
import type Database from 'better-sqlite3';
import { StatementCache } from './statement-cache.js';
import type { ArchiveIndexEntry } from '../../../shared/api/changes.js';
import type { OperationOutput } from '../../../shared/api/operations.js';

export interface CompanyRow {
  company_id: number;
  name: string;
  created_at: string;
}

export interface InstalledAppRow {
  app_id: string;
  name: string;
  publisher: string;
  version: string;
  data_version: string;
  installed_at: string;
  sync_state: 'synced' | 'pending';
  package_sha256: string;
  definition: string;
}

export interface ColumnInfo {
  fieldId: number;
  name: string;
  type: string;
  length?: number;
}

export interface SchemaRow {
  physical: string;
  company_id: number;
  table_id: number;
  table_name: string;
  owner_app_id: string;
  kind: 'table' | 'fields';
  base_physical: string | null;
  key_index: string | null;
  /** JSON ColumnInfo[] */
  columns: string;
  row_count: number;
}

export interface ArchiveRow {
  archive_id: number;
  app_id: string;
  app_name: string;
  publisher: string;
  version: string;
  data_version: string;
  company_id: number;
  company_name: string;
  table_id: number;
  table_name: string;
  kind: 'table' | 'fields' | 'column';
  original_physical: string;
  base_physical: string | null;
  key_index: string | null;
  columns: string;
  row_count: number;
  bytes: number;
  archived_at: string;
  reason: 'uninstall' | 'force-sync' | 'remove-apps';
  op_id: string;
  /** The app definition at archive time (JSON), so a restore knows what it restores. */
  definition: string | null;
}

export interface PermissionSetRow {
  app_id: string;
  ps_id: number;
  name: string;
  caption: string | null;
  permissions: string;
  granted_at: string;
}

export interface SubscriberRow {
  app_id: string;
  app_name: string;
  codeunit_id: number;
  codeunit: string;
  name: string;
  event: string;
  table_name: string | null;
  stage: string;
  ord: number;
  action: string | null;
}

export interface TenantLogRow {
  op_id: string;
  actor: string;
  operation: string;
  params: string;
  started_at: string;
  ended_at: string;
  result: 'succeeded' | 'failed';
  error_code: string | null;
  error_message: string | null;
}

const STAGE_ORDER = "CASE stage WHEN 'pre-validation' THEN 0 WHEN 'pre-operation' THEN 1 ELSE 2 END";

export class TenantRepository {
  private readonly s: StatementCache;
  constructor(readonly db: Database.Database) {
    this.s = new StatementCache(db);
  }

  // $meta
  meta(key: string): string | undefined {
    return (this.s.stmt('SELECT value FROM "$meta" WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
  setMeta(key: string, value: string): void {
    this.s.stmt('INSERT INTO "$meta" (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
  /** A tenant-wide counter (e.g. for key index names), inside the caller's transaction. */
  nextSeq(name: string): number {
    return this.reserveSeq(name, 1);
  }
  /** Takes `count` consecutive numbers of a counter at once (one statement); returns the first. */
  reserveSeq(name: string, count: number): number {
    const r = this.s
      .stmt(
        `INSERT INTO "$meta" (key, value) VALUES (@key, CAST(CAST(@count AS INTEGER) AS TEXT))
         ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + CAST(@count AS INTEGER) AS TEXT) RETURNING value`,
      )
      .get({ key: `seq:${name}`, count }) as { value: string };
    return Number(r.value) - count + 1;
  }

  // companies
  addCompany(name: string, at: string): number {
    return Number(this.s.stmt('INSERT INTO companies (name, created_at) VALUES (?, ?)').run(name, at).lastInsertRowid);
  }
  companies(): CompanyRow[] {
    return this.s.stmt('SELECT * FROM companies ORDER BY company_id').all() as CompanyRow[];
  }
  company(name: string): CompanyRow | undefined {
    return this.s.stmt('SELECT * FROM companies WHERE name = ?').get(name) as CompanyRow | undefined;
  }

  // installed apps
  installed(): InstalledAppRow[] {
    return this.s.stmt('SELECT * FROM installed_apps ORDER BY name COLLATE NOCASE, app_id').all() as InstalledAppRow[];
  }
  /** The installed apps' versions and sync states, without their definitions (what the registry mirrors). */
  installedVersions(): Pick<InstalledAppRow, 'app_id' | 'version' | 'data_version' | 'sync_state'>[] {
    return this.s.stmt('SELECT app_id, version, data_version, sync_state FROM installed_apps ORDER BY name COLLATE NOCASE, app_id').all() as ReturnType<
      TenantRepository['installedVersions']
    >;
  }
  installedApp(appId: string): InstalledAppRow | undefined {
    return this.s.stmt('SELECT * FROM installed_apps WHERE app_id = ?').get(appId.toLowerCase()) as InstalledAppRow | undefined;
  }
  putInstalled(row: InstalledAppRow): void {
    this.s
      .stmt(
        `INSERT INTO installed_apps (app_id, name, publisher, version, data_version, installed_at, sync_state, package_sha256, definition)
         VALUES (@app_id, @name, @publisher, @version, @data_version, @installed_at, @sync_state, @package_sha256, @definition)
         ON CONFLICT(app_id) DO UPDATE SET name = excluded.name, publisher = excluded.publisher, version = excluded.version,
           data_version = excluded.data_version, installed_at = excluded.installed_at, sync_state = excluded.sync_state,
           package_sha256 = excluded.package_sha256, definition = excluded.definition`,
      )
      .run(row);
  }
  setSyncState(appId: string | null, state: 'synced' | 'pending'): void {
    if (appId === null) this.s.stmt('UPDATE installed_apps SET sync_state = ?').run(state);
    else this.s.stmt('UPDATE installed_apps SET sync_state = ? WHERE app_id = ?').run(state, appId);
  }
  removeInstalled(appId: string): void {
    this.s.stmt('DELETE FROM installed_apps WHERE app_id = ?').run(appId.toLowerCase());
  }

  // schema registry
  schema(): SchemaRow[] {
    return this.s.stmt('SELECT * FROM schema_tables ORDER BY company_id, table_id, owner_app_id').all() as SchemaRow[];
  }
  schemaByOwner(appId: string): SchemaRow[] {
    return this.s.stmt('SELECT * FROM schema_tables WHERE owner_app_id = ? ORDER BY company_id, table_id').all(appId) as SchemaRow[];
  }
  schemaRow(physical: string): SchemaRow | undefined {
    return this.s.stmt('SELECT * FROM schema_tables WHERE physical = ?').get(physical) as SchemaRow | undefined;
  }
  schemaForTable(companyId: number, tableId: number): SchemaRow[] {
    return this.s
      .stmt('SELECT * FROM schema_tables WHERE company_id = ? AND table_id = ? ORDER BY kind DESC, owner_app_id')
      .all(companyId, tableId) as SchemaRow[];
  }
  putSchema(row: SchemaRow): void {
    this.s
      .stmt(
        `INSERT INTO schema_tables (physical, company_id, table_id, table_name, owner_app_id, kind, base_physical, key_index, columns, row_count)
         VALUES (@physical, @company_id, @table_id, @table_name, @owner_app_id, @kind, @base_physical, @key_index, @columns, @row_count)`,
      )
      .run(row);
  }
  updateSchema(physical: string, changes: { columns: string; table_name: string; key_index: string | null }): void {
    this.s
      .stmt('UPDATE schema_tables SET columns = @columns, table_name = @table_name, key_index = @key_index WHERE physical = @physical')
      .run({ physical, ...changes });
  }
  deleteSchema(physical: string): void {
    this.s.stmt('DELETE FROM schema_tables WHERE physical = ?').run(physical);
  }
  addRowCount(physical: string, delta: number): void {
    if (delta !== 0) this.s.stmt('UPDATE schema_tables SET row_count = row_count + ? WHERE physical = ?').run(delta, physical);
  }
  setRowCount(physical: string, n: number): void {
    this.s.stmt('UPDATE schema_tables SET row_count = ? WHERE physical = ?').run(n, physical);
  }

  // archive index
  insertArchive(row: Omit<ArchiveRow, 'archive_id'>): number {
    return Number(
      this.s
        .stmt(
          `INSERT INTO archives (app_id, app_name, publisher, version, data_version, company_id, company_name, table_id, table_name, kind, original_physical,
             base_physical, key_index, columns, row_count, bytes, archived_at, reason, op_id, definition)
           VALUES (@app_id, @app_name, @publisher, @version, @data_version, @company_id, @company_name, @table_id, @table_name, @kind, @original_physical,
             @base_physical, @key_index, @columns, @row_count, @bytes, @archived_at, @reason, @op_id, @definition)`,
        )
        .run(row).lastInsertRowid,
    );
  }
  /** The archive index without the large columns (definition, columns), for the registry's copy. */
  archiveIndex(): Pick<
    ArchiveRow,
    | 'archive_id'
    | 'app_id'
    | 'app_name'
    | 'publisher'
    | 'version'
    | 'company_name'
    | 'table_name'
    | 'table_id'
    | 'kind'
    | 'row_count'
    | 'archived_at'
    | 'reason'
  >[] {
    return this.s
      .stmt(
        'SELECT archive_id, app_id, app_name, publisher, version, company_name, table_name, table_id, kind, row_count, archived_at, reason FROM archives ORDER BY archive_id',
      )
      .all() as ReturnType<TenantRepository['archiveIndex']>;
  }
  archives(): ArchiveRow[] {
    return this.s.stmt('SELECT * FROM archives ORDER BY archive_id').all() as ArchiveRow[];
  }
  archive(archiveId: number): ArchiveRow | undefined {
    return this.s.stmt('SELECT * FROM archives WHERE archive_id = ?').get(archiveId) as ArchiveRow | undefined;
  }
  archivesByApp(appId: string): ArchiveRow[] {
    return this.s.stmt('SELECT * FROM archives WHERE app_id = ? ORDER BY archive_id').all(appId.toLowerCase()) as ArchiveRow[];
  }
  deleteArchive(archiveId: number): void {
    this.s.stmt('DELETE FROM archives WHERE archive_id = ?').run(archiveId);
  }

  // permission sets
  grant(row: PermissionSetRow): void {
    this.s
      .stmt(
        'INSERT OR REPLACE INTO permission_sets (app_id, ps_id, name, caption, permissions, granted_at) VALUES (@app_id, @ps_id, @name, @caption, @permissions, @granted_at)',
      )
      .run(row);
  }
  revokeApp(appId: string): void {
    this.s.stmt('DELETE FROM permission_sets WHERE app_id = ?').run(appId);
  }
  permissionSets(): PermissionSetRow[] {
    return this.s.stmt('SELECT * FROM permission_sets ORDER BY name COLLATE NOCASE, app_id').all() as PermissionSetRow[];
  }

  // subscribers
  register(row: SubscriberRow): void {
    this.s
      .stmt(
        `INSERT INTO subscribers (app_id, app_name, codeunit_id, codeunit, name, event, table_name, stage, ord, action)
         VALUES (@app_id, @app_name, @codeunit_id, @codeunit, @name, @event, @table_name, @stage, @ord, @action)`,
      )
      .run(row);
  }
  unregisterApp(appId: string): void {
    this.s.stmt('DELETE FROM subscribers WHERE app_id = ?').run(appId);
  }
  subscribers(): SubscriberRow[] {
    return this.s
      .stmt(`SELECT * FROM subscribers ORDER BY event, table_name COLLATE NOCASE, ${STAGE_ORDER}, ord, app_name COLLATE NOCASE, seq`)
      .all() as SubscriberRow[];
  }
  subscribersFor(event: string, table: string): SubscriberRow[] {
    return this.s
      .stmt(`SELECT * FROM subscribers WHERE event = ? AND table_name = ? COLLATE NOCASE ORDER BY ${STAGE_ORDER}, ord, app_name COLLATE NOCASE, seq`)
      .all(event, table) as SubscriberRow[];
  }

  // upgrade tags
  hasTag(companyId: number, appId: string, tag: string): boolean {
    return this.s.stmt('SELECT 1 FROM upgrade_tags WHERE company_id = ? AND app_id = ? AND tag = ?').get(companyId, appId, tag) !== undefined;
  }
  addTag(companyId: number, appId: string, tag: string, at: string, opId: string): void {
    this.s.stmt('INSERT INTO upgrade_tags (company_id, app_id, tag, applied_at, op_id) VALUES (?, ?, ?, ?, ?)').run(companyId, appId, tag, at, opId);
  }
  tags(appId: string): { company_id: number; tag: string }[] {
    return this.s.stmt('SELECT company_id, tag FROM upgrade_tags WHERE app_id = ? ORDER BY company_id, tag').all(appId) as {
      company_id: number;
      tag: string;
    }[];
  }
  removeTags(appId: string): void {
    this.s.stmt('DELETE FROM upgrade_tags WHERE app_id = ?').run(appId);
  }

  // operation log
  log(row: TenantLogRow): void {
    this.s
      .stmt(
        `INSERT INTO op_log (op_id, actor, operation, params, started_at, ended_at, result, error_code, error_message)
         VALUES (@op_id, @actor, @operation, @params, @started_at, @ended_at, @result, @error_code, @error_message)`,
      )
      .run(row);
  }
  logEntry(opId: string): TenantLogRow | undefined {
    return this.s.stmt('SELECT * FROM op_log WHERE op_id = ?').get(opId) as TenantLogRow | undefined;
  }
  logEntries(limit: number): TenantLogRow[] {
    return this.s.stmt('SELECT * FROM op_log ORDER BY seq DESC LIMIT ?').all(limit) as TenantLogRow[];
  }
}

/** One archive index row as the contract shows it (without its size, which is measured separately). */
export function archiveIndexEntry(a: ReturnType<TenantRepository['archiveIndex']>[number]): ArchiveIndexEntry {
  return {
    archiveId: a.archive_id,
    appId: a.app_id,
    appName: a.app_name,
    publisher: a.publisher,
    version: a.version,
    company: a.company_name,
    table: a.table_name,
    tableId: a.table_id,
    kind: a.kind,
    rows: a.row_count,
    archivedAt: a.archived_at,
    reason: a.reason,
  };
}

/** The tenant's archive index as the contract shows it. */
export function archiveIndexOf(repo: TenantRepository): ArchiveIndexEntry[] {
  return repo.archiveIndex().map(archiveIndexEntry);
}

/** A permission set row as the contract shows it (`appName`: the name of the app that owns it). */
export function permissionSetEntry(p: PermissionSetRow, appName: string): OperationOutput<'tenant.permissionSets'>['permissionSets'][number] {
  return {
    id: p.ps_id,
    name: p.name,
    caption: p.caption,
    ownerAppId: p.app_id,
    appName,
    grantedAt: p.granted_at,
    permissions: JSON.parse(p.permissions) as Record<string, unknown>[],
  };
}

/** An event subscriber row as the contract shows it. */
export function subscriberEntry(s: SubscriberRow): OperationOutput<'tenant.subscribers'>['subscribers'][number] {
  return {
    ownerAppId: s.app_id,
    appName: s.app_name,
    codeunitId: s.codeunit_id,
    codeunit: s.codeunit,
    name: s.name,
    event: s.event,
    table: s.table_name,
    stage: s.stage,
    order: s.ord,
    action: s.action === null ? null : (JSON.parse(s.action) as Record<string, unknown>),
  };
}
