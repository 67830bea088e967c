// The deployment's registry of its tenants and of the apps installed in each ("NAV App Tenant App").
import type Database from 'better-sqlite3';
import path from 'node:path';
import type { TenantState } from '../../../shared/domain/tenant-state.js';
import { StatementCache } from './statement-cache.js';
import type { ArchiveIndexEntry, TenantMirror } from '../../../shared/api/changes.js';
import type { TenantSummary } from '../../../shared/api/operations.js';

export type TenantStateName = TenantState;

export interface TenantRow {
  tenant_id: string;
  file: string;
  state: TenantStateName;
  failed_operation: string | null;
  failed_error: string | null;
  alternate_ids: string;
  /** JSON string[]: the tenant's companies, copied from the tenant database (lists need no tenant connection). */
  companies: string;
  application_version: string;
  created_at: string;
  mounted_at: string | null;
  /** Incremented on every change of what the change feed mirrors of this tenant (see Deployment.track). */
  version?: number;
  /** JSON ArchiveIndexEntry[]: the tenant's archive index, copied from the tenant database. */
  archives?: string;
}

/** The registry's columns of a TenantRow: not `mirror`, which only the snapshot reads (megabytes for a large fleet). */
const ROW_COLUMNS =
  'tenant_id, file, state, failed_operation, failed_error, alternate_ids, companies, application_version, created_at, mounted_at, version, archives';

export interface TenantAppRow {
  tenant_id: string;
  app_id: string;
  version: string;
  data_version: string;
  sync_state: string;
}

/**
 * Tenant files are stored relative to the deployment's tenants folder (so a deployment folder can be copied or
 * moved as a whole); rows come back with the absolute path.
 */
export class TenantRegistryRepository {
  private readonly s: StatementCache;
  constructor(
    private readonly db: Database.Database,
    private readonly tenantsDir: string,
  ) {
    this.s = new StatementCache(db);
  }
  private resolve(row: TenantRow | undefined): TenantRow | undefined {
    return row && { ...row, file: path.join(this.tenantsDir, row.file) };
  }
  insert(row: TenantRow): void {
    row = { ...row, file: path.basename(row.file), version: row.version ?? 1, archives: row.archives ?? '[]' };
    this.s
      .stmt(
        'INSERT INTO tenants (tenant_id, file, state, failed_operation, failed_error, alternate_ids, companies, application_version, created_at, mounted_at, version, archives) VALUES (@tenant_id, @file, @state, @failed_operation, @failed_error, @alternate_ids, @companies, @application_version, @created_at, @mounted_at, @version, @archives)',
      )
      .run(row);
  }
  setArchives(tenantId: string, archives: string): void {
    this.s.stmt('UPDATE tenants SET archives = ? WHERE tenant_id = ? AND archives <> ?').run(archives, tenantId, archives);
  }
  /** The tenant's mirror as the change feed last said it (JSON text of TenantMirror), read by the snapshot. */
  setMirror(tenantId: string, json: string): void {
    this.s.stmt('UPDATE tenants SET mirror = ? WHERE tenant_id = ?').run(json, tenantId);
  }
  bumpVersion(tenantId: string): void {
    this.s.stmt('UPDATE tenants SET version = version + 1 WHERE tenant_id = ?').run(tenantId);
  }
  version(tenantId: string): number | undefined {
    return (this.s.stmt('SELECT version FROM tenants WHERE tenant_id = ?').get(tenantId) as { version: number } | undefined)?.version;
  }
  get(tenantId: string): TenantRow | undefined {
    return this.resolve(this.s.stmt(`SELECT ${ROW_COLUMNS} FROM tenants WHERE tenant_id = ?`).get(tenantId) as TenantRow | undefined);
  }
  list(): TenantRow[] {
    return (this.s.stmt(`SELECT ${ROW_COLUMNS} FROM tenants ORDER BY tenant_id`).all() as TenantRow[]).map((r) => this.resolve(r) as TenantRow);
  }
  ids(): string[] {
    return (this.s.stmt('SELECT tenant_id FROM tenants ORDER BY tenant_id').all() as { tenant_id: string }[]).map((r) => r.tenant_id);
  }
  setState(tenantId: string, state: TenantStateName, failed?: { operation: string; error: string }): void {
    this.s
      .stmt('UPDATE tenants SET state = ?, failed_operation = ?, failed_error = ? WHERE tenant_id = ?')
      .run(state, failed?.operation ?? null, failed?.error ?? null, tenantId);
  }
  setMounted(tenantId: string, mountedAt: string | null, applicationVersion?: string): void {
    if (applicationVersion === undefined) this.s.stmt('UPDATE tenants SET mounted_at = ? WHERE tenant_id = ?').run(mountedAt, tenantId);
    else this.s.stmt('UPDATE tenants SET mounted_at = ?, application_version = ? WHERE tenant_id = ?').run(mountedAt, applicationVersion, tenantId);
  }
  setCompanies(tenantId: string, companies: readonly string[]): void {
    this.s.stmt('UPDATE tenants SET companies = ? WHERE tenant_id = ?').run(JSON.stringify(companies), tenantId);
  }
  setApplicationVersion(tenantId: string, version: string): void {
    this.s.stmt('UPDATE tenants SET application_version = ? WHERE tenant_id = ?').run(version, tenantId);
  }
  remove(tenantId: string): void {
    this.s.stmt('DELETE FROM tenants WHERE tenant_id = ?').run(tenantId);
  }
  /** Replaces the registry's copy of a tenant's installed apps (the tenant database is the truth). */
  replaceApps(tenantId: string, apps: readonly Omit<TenantAppRow, 'tenant_id'>[]): void {
    this.db.transaction(() => {
      this.s.stmt('DELETE FROM tenant_apps WHERE tenant_id = ?').run(tenantId);
      const ins = this.s.stmt('INSERT INTO tenant_apps (tenant_id, app_id, version, data_version, sync_state) VALUES (?, ?, ?, ?, ?)');
      for (const a of apps) ins.run(tenantId, a.app_id, a.version, a.data_version, a.sync_state);
    })();
  }
  /** Every tenant's apps at once (the snapshot of a fleet of thousands in one query). */
  allApps(): TenantAppRow[] {
    return this.s.stmt('SELECT * FROM tenant_apps ORDER BY tenant_id, app_id').all() as TenantAppRow[];
  }
  apps(tenantId: string): TenantAppRow[] {
    return this.s.stmt('SELECT * FROM tenant_apps WHERE tenant_id = ? ORDER BY app_id').all(tenantId) as TenantAppRow[];
  }
  /** Hot query (console matrix, unpublish checks): uses tenant_apps_by_app. */
  tenantsWithApp(appId: string): TenantAppRow[] {
    return this.s.stmt('SELECT * FROM tenant_apps WHERE app_id = ? ORDER BY tenant_id').all(appId.toLowerCase()) as TenantAppRow[];
  }
  tenantsWithAppVersion(appId: string, version: string): string[] {
    return (
      this.s.stmt('SELECT tenant_id FROM tenant_apps WHERE app_id = ? AND version = ? ORDER BY tenant_id').all(appId.toLowerCase(), version) as {
        tenant_id: string;
      }[]
    ).map((r) => r.tenant_id);
  }
  countsByAppVersion(): Map<string, number> {
    const rows = this.s.stmt('SELECT app_id, version, COUNT(*) AS n FROM tenant_apps GROUP BY app_id, version').all() as {
      app_id: string;
      version: string;
      n: number;
    }[];
    return new Map(rows.map((r) => [`${r.app_id}@${r.version}`, r.n]));
  }
}

/** What the tenant mirror and the tenant summary both show of a registry row, in their order. */
function registryFacts(row: TenantRow): Pick<TenantSummary, 'id' | 'alternateIds' | 'state' | 'failedOperation' | 'applicationVersion' | 'companies'> {
  return {
    id: row.tenant_id,
    alternateIds: JSON.parse(row.alternate_ids) as string[],
    state: row.state,
    failedOperation: row.failed_operation,
    applicationVersion: row.application_version,
    companies: JSON.parse(row.companies) as string[],
  };
}

/** What the change feed mirrors of a tenant, from its registry row and apps. */
export function tenantMirrorOfRow(
  row: TenantRow,
  apps: readonly { app_id: string; version: string; data_version: string; sync_state: string }[],
): TenantMirror {
  return {
    ...registryFacts(row),
    createdAt: row.created_at,
    mountedAt: row.mounted_at,
    version: row.version ?? 0,
    apps: apps.map((a) => ({ id: a.app_id, version: a.version, dataVersion: a.data_version, syncState: a.sync_state })),
    archives: JSON.parse(row.archives ?? '[]') as ArchiveIndexEntry[],
  };
}

/** A tenant's summary from its registry row (no tenant connection: lists of thousands stay cheap). */
export function tenantSummaryOfRow(row: TenantRow, installedApps: number, sizeBytes: number): TenantSummary {
  return {
    ...registryFacts(row),
    installedApps,
    file: row.file,
    sizeBytes,
    createdAt: row.created_at,
    mountedAt: row.mounted_at,
    version: row.version ?? 0,
  };
}
