// The state every engine module works on: one deployment's database, its repositories, the open tenant
// connections (at most MAX_OPEN_TENANTS, least recently used closed first), the record stores and the catalog
// cache, plus the few look-ups every module needs (a tenant's registry row and connection, the catalog). Internal
// to platform/engine: callers use Deployment (deployment.ts), a facade over the modules that take this core.
import type Database from 'better-sqlite3';
import path from 'node:path';
import { TenantryError } from '../../shared/api/errors.js';
import { TENANT_ID_PATTERN, type OperationOutput } from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { mergeView, type MergedView } from '../../shared/domain/merge.js';
import type { Application } from '../../shared/domain/objects.js';
import { checkAllowed, type TenantOperation, type TenantState } from '../../shared/domain/tenant-state.js';
import { checkpointTruncate, openDatabase } from './db/open-database.js';
import { RecordStore } from './records.js';
import { CatalogRepository, type CatalogRow } from './repositories/catalog-repository.js';
import { ChangeRepository } from './repositories/change-repository.js';
import type { JobRepository } from './repositories/job-repository.js';
import { DeploymentLogRepository } from './repositories/log-repository.js';
import { MoveJournalRepository } from './repositories/move-journal-repository.js';
import { TenantRegistryRepository, type TenantRow } from './repositories/tenant-registry-repository.js';
import { TenantRepository } from './repositories/tenant-repository.js';
import type { TokenStore } from './token-store.js';
import { installedDefinitions, type CatalogAccess } from './tenant-ops.js';

export const DEPLOYMENT_FILE = 'deployment.sqlite';
export const TENANTS_DIR = 'tenants';
export const TENANT_FORMAT = 'tenantry-tenant';
/** The actor of an operation that names none. */
export const SYSTEM_ACTOR = 'system';
export const MAX_OPEN_TENANTS = 64;

export interface OpenDeploymentOptions {
  /** How many changes the change feed keeps (default DEFAULT_CHANGE_RETENTION). */
  changeRetention?: number;
}

/** Lower-cases and checks a tenant id: [a-z0-9][a-z0-9-]{0,62}. */
export function normalizeTenantId(id: string): string {
  const t = String(id).toLowerCase();
  if (!TENANT_ID_PATTERN.test(t)) {
    throw new TenantryError('BAD_INPUT', `tenant id "${id}" is not valid: use 1-63 letters, digits and "-", starting with a letter or digit`, { tenantId: id });
  }
  return t;
}

export class DeploymentCore {
  readonly folder: string;
  readonly tenantsDir: string;
  readonly db: Database.Database;
  readonly catalogRepo: CatalogRepository;
  readonly registry: TenantRegistryRepository;
  readonly opLog: DeploymentLogRepository;
  readonly moves: MoveJournalRepository;
  readonly changes: ChangeRepository;
  jobRepo: JobRepository | null = null;
  tokenStore: TokenStore | null = null;
  readonly tenantDbs = new Map<string, TenantRepository>();
  readonly stores = new Map<string, RecordStore>();
  catalogCache: Map<string, { row: CatalogRow; def: AppDefinition }> | null = null;
  app: Application;
  closed = false;

  constructor(folder: string, db: Database.Database, changeRetention: number) {
    this.folder = folder;
    this.tenantsDir = path.join(folder, TENANTS_DIR);
    this.db = db;
    this.catalogRepo = new CatalogRepository(db);
    this.registry = new TenantRegistryRepository(db, this.tenantsDir);
    this.opLog = new DeploymentLogRepository(db);
    this.moves = new MoveJournalRepository(db);
    this.changes = new ChangeRepository(db, changeRetention);
    this.app = JSON.parse(this.meta('application') ?? 'null') as Application;
  }

  close(): void {
    if (this.closed) return;
    for (const repo of this.tenantDbs.values()) repo.db.close();
    this.tenantDbs.clear();
    this.stores.clear();
    this.db.close();
    this.closed = true;
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  get name(): string {
    return this.meta('name') ?? path.basename(this.folder);
  }

  info(): OperationOutput<'deployment.info'> {
    return {
      name: this.name,
      folder: this.folder,
      application: { name: this.app.name, publisher: this.app.publisher, version: this.app.version },
      tenants: this.registry.list().length,
      apps: this.catalogRepo.count(),
      formatVersion: this.db.pragma('user_version', { simple: true }) as number,
    };
  }

  tenantRow(tenantId: string): TenantRow {
    const id = normalizeTenantId(tenantId);
    const row = this.registry.get(id);
    if (!row) throw new TenantryError('TENANT_NOT_FOUND', `tenant "${id}" does not exist in deployment "${this.name}"`, { tenantId: id });
    return row;
  }

  /**
   * The tenant's connection. At most MAX_OPEN_TENANTS stay open (least recently used closed first), so a
   * deployment of thousands of tenants does not run out of file handles.
   */
  tenantRepo(row: TenantRow): TenantRepository {
    let repo = this.tenantDbs.get(row.tenant_id);
    if (repo) {
      this.tenantDbs.delete(row.tenant_id);
      this.tenantDbs.set(row.tenant_id, repo);
      return repo;
    }
    repo = new TenantRepository(openDatabase(row.file, 'tenant'));
    this.tenantDbs.set(row.tenant_id, repo);
    while (this.tenantDbs.size > MAX_OPEN_TENANTS) {
      const oldest = this.tenantDbs.keys().next().value;
      if (oldest === undefined || oldest === row.tenant_id) break;
      this.closeTenantDb(oldest, false);
    }
    return repo;
  }

  closeTenantDb(tenantId: string, checkpoint: boolean): void {
    const repo = this.tenantDbs.get(tenantId);
    this.stores.delete(tenantId);
    if (!repo) return;
    if (checkpoint) checkpointTruncate(repo.db);
    repo.db.close();
    this.tenantDbs.delete(tenantId);
  }

  /** A tenant's row and connection, after checking its state allows `op`. */
  readRepo(tenantId: string, op: TenantOperation): { row: TenantRow; repo: TenantRepository } {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, op, row.tenant_id);
    return { row, repo: this.tenantRepo(row) };
  }

  view(tenantId: string, repo: TenantRepository): MergedView {
    return this.recordStore(tenantId, repo).view;
  }

  /** The tenant's record store (its merged view compiled once), kept until an operation changes the tenant. */
  recordStore(tenantId: string, repo: TenantRepository): RecordStore {
    let s = this.stores.get(tenantId);
    if (!s) {
      s = new RecordStore(repo, mergeView(this.app, installedDefinitions(repo)));
      this.stores.set(tenantId, s);
    }
    return s;
  }

  catalogAccess(): CatalogAccess {
    const cache = this.loadCatalog();
    return {
      all: () => [...cache.values()].map((e) => e.def),
      get: (id, version) => cache.get(`${id.toLowerCase()}@${version}`)?.def,
      sha256: (id, version) => cache.get(`${id.toLowerCase()}@${version}`)?.row.sha256 ?? '',
    };
  }

  loadCatalog(): Map<string, { row: CatalogRow; def: AppDefinition }> {
    if (!this.catalogCache) {
      this.catalogCache = new Map(
        this.catalogRepo.list().map((row) => [`${row.app_id}@${row.version}`, { row, def: JSON.parse(row.definition) as AppDefinition }]),
      );
    }
    return this.catalogCache;
  }
}

const cores = new WeakMap<object, DeploymentCore>();

/** Ties a Deployment to its core (deployment.ts does, once), for internals.ts. */
export function attachCore(owner: object, core: DeploymentCore): void {
  cores.set(owner, core);
}

/** The core of a Deployment (internals.ts: what tests and benchmarks inspect). */
export function coreOf(owner: object): DeploymentCore {
  const core = cores.get(owner);
  if (!core) throw new Error('internal: not a Deployment');
  return core;
}
