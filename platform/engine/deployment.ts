// A local deployment: a folder with deployment.sqlite (application, app catalog, tenant registry, operation log,
// move journal) and tenants/<id>.sqlite, one database per tenant. Class Deployment offers every operation of
// platform.md and the contract's invoke(op, input). Each tenant operation is ONE transaction of the tenant
// database with its tenant log row inside; the deployment's registry is reconciled from the tenant afterwards
// (and again on open after a crash), so the tenant database is always the truth.
import type Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  LOG_WINDOW,
  DEFAULT_CHANGE_RETENTION,
  compareCatalogEntries,
  type ArchiveIndexEntry,
  type CatalogMirrorEntry,
  type ChangeDraft,
  type ChangesPage,
  type LogMirrorEntry,
  type Snapshot,
  type TenantMirror,
} from '../../shared/api/changes.js';
import { TenantryError, isTenantryError, toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import {
  OPERATIONS,
  TENANT_ID_PATTERN,
  describeIssues,
  type ArchiveEntry,
  type CatalogEntry,
  type DestinationFacts,
  type Invoker,
  type JsonValue,
  type LogEntry,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type ParsedInput,
  type TenantApp,
  type TenantSummary,
} from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { compileApp, type CompileProblem } from '../../shared/domain/compile.js';
import type { AppRef } from '../../shared/domain/conflicts.js';
import { DependencyCycleError, dependencyOrder } from '../../shared/domain/dependency-graph.js';
import { GUID_PATTERN, describeApp } from '../../shared/domain/manifest.js';
import { mergeView, type MergedView } from '../../shared/domain/merge.js';
import { movePrecheck, type MovePrecheckReport } from '../../shared/domain/move-precheck.js';
import { ApplicationSchema, type Application } from '../../shared/domain/objects.js';
import { checkAllowed, type TenantOperation, type TenantState } from '../../shared/domain/tenant-state.js';
import { compareVersions, isAtLeast } from '../../shared/domain/version.js';
import { readPackage } from '../package/index.js';
import { toCsv } from '../../shared/domain/csv.js';
import { quoted, RID } from './db/identifiers.js';
import { checkpointTruncate, integrityCheck, openDatabase } from './db/open-database.js';
import { DEFAULT_APPLICATION, DEFAULT_COMPANIES } from './default-application.js';
import { faultPoint } from './fault.js';
import { fromStored } from './field-values.js';
import { dispatch } from './invoke.js';
import { desiredSchema, dropArchive, parseColumns, createPhysicalTables, tableBytes } from './physical-schema.js';
import { RecordStore, type RecordValues } from './records.js';
import { CatalogRepository, type CatalogRow } from './repositories/catalog-repository.js';
import { ChangeRepository } from './repositories/change-repository.js';
import { JobRepository } from './repositories/job-repository.js';
import { DeploymentLogRepository, type LogRow } from './repositories/log-repository.js';
import { MoveJournalRepository, type MoveRow } from './repositories/move-journal-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import { TenantRegistryRepository, type TenantAppRow, type TenantRow } from './repositories/tenant-registry-repository.js';
import { TenantRepository, type ArchiveRow } from './repositories/tenant-repository.js';
import { refuseIfServed } from './server-lock.js';
import { tenantMirrorsJson } from './snapshot-json.js';
import { TokenStore } from './token-store.js';
import { copyWithSha256, databaseFileSize, fsyncDir, removeDatabaseFiles, sha256File, tenantFileName } from './tenant-files.js';
import {
  appRef,
  installInTenant,
  installedDefinitions,
  removeAllApps,
  syncTenant,
  uninstallInTenant,
  upgradeInTenant,
  checkUpgradeInTenant,
  type UpgradeOptions,
  type CatalogAccess,
  type InstallAction,
  type OpContext,
  type SyncMode,
  type UpgradeResult,
} from './tenant-ops.js';

export const DEPLOYMENT_FILE = 'deployment.sqlite';
export const TENANTS_DIR = 'tenants';
const FORMAT = 'tenantry-deployment';
const TENANT_FORMAT = 'tenantry-tenant';
const SYSTEM_ACTOR = 'system';
export const MAX_OPEN_TENANTS = 64;

export interface OpenDeploymentOptions {
  /** How many changes the change feed keeps (default DEFAULT_CHANGE_RETENTION). */
  changeRetention?: number;
}

export interface CreateDeploymentOptions extends OpenDeploymentOptions {
  application?: Application;
  name?: string;
}

/** A dismounted tenant's file, ready to be sent (the destination checks the SHA-256). */
export interface TransferFile {
  tenantId: string;
  path: string;
  size: number;
  sha256: string;
}

export interface PublishOptions {
  skipVerification?: boolean;
  actor?: string;
  fileName?: string;
  /** When given, signed packages must be signed by one of these keys. */
  trustedPublicKeys?: string[];
}

export interface PublishResult {
  app: AppRef;
  status: 'published' | 'unchanged';
  sha256: string;
  skippedVerification: boolean;
  opId: string;
}

export interface PerTenantInstall {
  tenantId: string;
  ok: boolean;
  opId: string;
  installed: AppRef[];
  action: InstallAction | null;
  error?: ErrorInfo;
}

export interface PerTenantUpgrade {
  tenantId: string;
  ok: boolean;
  opId: string;
  from: string | null;
  to: string | null;
  action: UpgradeResult['action'] | null;
  stepsRun: string[];
  error?: ErrorInfo;
}

export interface ExportedTenantFile {
  tenantId: string;
  path: string;
  size: number;
  sha256: string;
}

/** Lower-cases and checks a tenant id: [a-z0-9][a-z0-9-]{0,62}. */
export function normalizeTenantId(id: string): string {
  const t = String(id).toLowerCase();
  if (!TENANT_ID_PATTERN.test(t)) {
    throw new TenantryError('BAD_INPUT', `tenant id "${id}" is not valid: use 1-63 letters, digits and "-", starting with a letter or digit`, { tenantId: id });
  }
  return t;
}

function lowerIds(def: AppDefinition): AppDefinition {
  return {
    ...def,
    manifest: { ...def.manifest, id: def.manifest.id.toLowerCase(), dependencies: def.manifest.dependencies.map((d) => ({ ...d, id: d.id.toLowerCase() })) },
  };
}

/** One archive index row as the contract shows it (without its size, which is measured separately). */
function archiveIndexEntry(a: ReturnType<TenantRepository['archiveIndex']>[number]): ArchiveIndexEntry {
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

function archiveIndexOf(repo: TenantRepository): ArchiveIndexEntry[] {
  return repo.archiveIndex().map(archiveIndexEntry);
}

/** What the deployment's registry mirrors of a tenant, read from the tenant database (the truth). */
interface TenantFacts {
  companies: string[];
  apps: Omit<TenantAppRow, 'tenant_id'>[];
  /** JSON ArchiveIndexEntry[] */
  archives: string;
}

function tenantFacts(repo: TenantRepository): TenantFacts {
  return {
    companies: repo.companies().map((c) => c.name),
    apps: repo.installedVersions(),
    archives: JSON.stringify(archiveIndexOf(repo)),
  };
}

interface StartedLog {
  opId: string;
  operation: string;
  at: string;
  actor: string;
}

interface TenantOpParams {
  operation: string;
  stateOp: TenantOperation;
  faultOp: string;
  tenantId: string;
  actor: string | undefined;
  params: Record<string, unknown>;
  /** false: the operation works without the catalog (a dismounted tenant's own definitions). */
  catalog?: boolean;
}

interface TenantOpFailure {
  ok: false;
  error: TenantryError;
  /** Not a refusal: the tenant goes to the 'failed' state. */
  unexpected: boolean;
}

type TenantOpOutcome<T> = { ok: true; value: T; facts: TenantFacts } | TenantOpFailure;

/** Tenants per batch of a multi-tenant install: one deployment commit starts their log rows, one finishes them. */
export const INSTALL_BATCH = 64;

/** An operation-log row as the contract's LogEntry. */
function logEntry(r: LogRow): LogEntry {
  return {
    opId: r.op_id,
    actor: r.actor,
    operation: r.operation,
    tenantId: r.tenant_id,
    params: JSON.parse(r.params) as Record<string, unknown>,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    result: r.result,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

function logMirror(r: LogRow & { seq: number }): LogMirrorEntry {
  return { seq: r.seq, ...logEntry(r) };
}

function problemsError(def: AppDefinition, problems: readonly CompileProblem[], fileName?: string): TenantryError {
  const first = problems[0];
  const code = first?.code ?? 'COMPILE_FAILED';
  const where = fileName ? `${fileName}: ` : '';
  return new TenantryError(code, `${where}${describeApp(def.manifest)} does not compile: ${problems.map((p) => p.message).join('; ')}`, {
    problems,
    app: appRef(def),
  });
}

export class Deployment implements Invoker {
  readonly folder: string;
  readonly tenantsDir: string;
  private readonly db: Database.Database;
  private readonly catalogRepo: CatalogRepository;
  private readonly registry: TenantRegistryRepository;
  private readonly opLog: DeploymentLogRepository;
  private readonly moves: MoveJournalRepository;
  private readonly changes: ChangeRepository;
  private jobRepo: JobRepository | null = null;
  private tokenStore: TokenStore | null = null;
  private readonly tenantDbs = new Map<string, TenantRepository>();
  private readonly stores = new Map<string, RecordStore>();
  private catalogCache: Map<string, { row: CatalogRow; def: AppDefinition }> | null = null;
  private app: Application;
  private closed = false;

  private constructor(folder: string, db: Database.Database, opts: OpenDeploymentOptions = {}) {
    this.folder = folder;
    this.tenantsDir = path.join(folder, TENANTS_DIR);
    this.db = db;
    this.catalogRepo = new CatalogRepository(db);
    this.registry = new TenantRegistryRepository(db, this.tenantsDir);
    this.opLog = new DeploymentLogRepository(db);
    this.moves = new MoveJournalRepository(db);
    this.changes = new ChangeRepository(db, Math.max(1, Math.trunc(opts.changeRetention ?? DEFAULT_CHANGE_RETENTION)));
    this.app = JSON.parse(this.meta('application') ?? 'null') as Application;
  }

  // ------------------------------------------------------------------------------------------------------------
  // lifecycle

  /** Creates a deployment in an empty (or missing) folder. */
  static create(folder: string, opts: CreateDeploymentOptions = {}): Deployment {
    const abs = path.resolve(folder);
    if (fs.existsSync(abs)) {
      if (!fs.statSync(abs).isDirectory()) throw new TenantryError('DEPLOYMENT_INVALID', `${abs} exists and is not a folder`, { folder: abs });
      if (fs.readdirSync(abs).length > 0) {
        const isDeployment = fs.existsSync(path.join(abs, DEPLOYMENT_FILE));
        throw new TenantryError('DEPLOYMENT_INVALID', `${abs} is not empty${isDeployment ? ' (it already holds a deployment; open it instead)' : ''}`, {
          folder: abs,
        });
      }
    }
    const parsed = ApplicationSchema.safeParse(opts.application ?? DEFAULT_APPLICATION);
    if (!parsed.success) throw new TenantryError('BAD_INPUT', describeIssues('application', parsed.error.issues), { issues: parsed.error.issues });
    fs.mkdirSync(path.join(abs, TENANTS_DIR), { recursive: true });
    const db = openDatabase(path.join(abs, DEPLOYMENT_FILE), 'deployment', { create: true });
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('format', FORMAT);
      put.run('name', opts.name ?? path.basename(abs));
      put.run('created_at', nowIso());
      put.run('application', JSON.stringify(parsed.data));
      put.run('mirror', '1');
    })();
    return new Deployment(abs, db, opts);
  }

  /** Opens an existing deployment; finishes or undoes what a crash interrupted. */
  static open(folder: string, opts: OpenDeploymentOptions = {}): Deployment {
    const abs = path.resolve(folder);
    const file = path.join(abs, DEPLOYMENT_FILE);
    if (!fs.existsSync(file)) throw new TenantryError('DEPLOYMENT_INVALID', `${abs} is not a Tenantry deployment (no ${DEPLOYMENT_FILE})`, { folder: abs });
    refuseIfServed(abs);
    const db = openDatabase(file, 'deployment');
    const format = (db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value: string } | undefined)?.value;
    if (format !== FORMAT) {
      db.close();
      throw new TenantryError('DEPLOYMENT_INVALID', `${file} is not a Tenantry deployment database`, { folder: abs });
    }
    fs.mkdirSync(path.join(abs, TENANTS_DIR), { recursive: true });
    const d = new Deployment(abs, db, opts);
    d.recover();
    return d;
  }

  close(): void {
    if (this.closed) return;
    for (const repo of this.tenantDbs.values()) repo.db.close();
    this.tenantDbs.clear();
    this.stores.clear();
    this.db.close();
    this.closed = true;
  }

  private meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  get name(): string {
    return this.meta('name') ?? path.basename(this.folder);
  }

  get application(): Application {
    return this.app;
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

  /** The deployment database handle, for tests that assert pragmas and query plans. */
  get database(): Database.Database {
    return this.db;
  }

  // ------------------------------------------------------------------------------------------------------------
  // crash recovery

  private recover(): void {
    for (const f of fs.readdirSync(this.tenantsDir)) {
      if (f.includes('.creating') || f.startsWith('.import-')) fs.rmSync(path.join(this.tenantsDir, f), { force: true });
    }
    // Operations still 'running' were cut short. A tenant operation whose tenant transaction committed has its row
    // in the tenant's log: finish it as the tenant says, and copy the tenant's apps into the registry.
    for (const r of this.opLog.running()) {
      const row = r.tenant_id === null ? undefined : this.registry.get(r.tenant_id);
      let outcome: { result: 'succeeded' | 'failed'; code: string | null; message: string | null } | undefined;
      if (row && row.state !== 'dismounted' && fs.existsSync(row.file)) {
        const t = this.tenantRepo(row).logEntry(r.op_id);
        if (t) outcome = { result: t.result, code: t.error_code, message: t.error_message };
        this.track([row.tenant_id], () => this.reconcileRegistry(row.tenant_id));
      }
      if (outcome?.result === 'succeeded') this.finishLogRow(r.op_id, 'succeeded');
      else if (outcome) this.finishLogRow(r.op_id, 'failed', { code: outcome.code ?? 'INTERNAL', message: outcome.message ?? '' });
    }
    // The rest were interrupted: their tenant transactions rolled back.
    this.db.transaction(() => {
      for (const r of this.opLog.running()) {
        this.finishLogRow(r.op_id, 'failed', {
          code: 'INTERNAL',
          message: 'interrupted: the process ended before the operation finished; its tenant transaction was rolled back',
        });
      }
    })();
    for (const m of this.moves.open()) this.recoverMove(m);
    if (this.meta('mirror') === undefined) this.buildMirror();
  }

  /**
   * Once, for a deployment made before the change feed: copy every mounted tenant's archive index (and apps) into
   * the registry, so the mirrored state is complete from here on.
   */
  private buildMirror(): void {
    for (const row of this.registry.list()) {
      if (row.state === 'dismounted' || !fs.existsSync(row.file)) continue;
      try {
        this.track([row.tenant_id], () => this.reconcileRegistry(row.tenant_id));
      } catch {
        // an unreadable tenant keeps its registry row as it was; its next operation reconciles it
      }
    }
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('mirror', '1')").run();
  }

  // ------------------------------------------------------------------------------------------------------------
  // logging and operation wrappers

  private startLog(operation: string, tenantId: string | null, params: Record<string, unknown>, actor: string | undefined): StartedLog {
    return this.db.transaction(() => this.insertLogStart(operation, tenantId, JSON.stringify(params), actor))();
  }

  /** A 'running' log row and its change; call inside a deployment transaction. */
  private insertLogStart(operation: string, tenantId: string | null, params: string, actor: string | undefined): StartedLog {
    const opId = crypto.randomUUID();
    const at = nowIso();
    const who = actor ?? SYSTEM_ACTOR;
    this.opLog.start({ op_id: opId, actor: who, operation, tenant_id: tenantId, params, started_at: at });
    this.logChange(opId);
    return { opId, operation, at, actor: who };
  }

  private finishLog(opId: string, e?: unknown): void {
    if (e === undefined) this.finishLogRow(opId, 'succeeded');
    else this.finishLogRow(opId, 'failed', toErrorInfo(e));
  }

  /** Finishes a log row and puts it in the change feed, in one transaction. */
  private finishLogRow(opId: string, result: 'succeeded' | 'failed', error?: { code: string; message: string }): void {
    this.db.transaction(() => {
      this.opLog.finish(opId, nowIso(), result, error);
      this.logChange(opId);
    })();
  }

  // ------------------------------------------------------------------------------------------------------------
  // the change feed: every change of what a client mirrors (Snapshot) is appended in the transaction that makes it

  private appendChange(change: ChangeDraft): void {
    const data = JSON.stringify(change.data);
    this.changes.append(change, nowIso(), data);
    // the snapshot reads each tenant's mirror as this text (snapshot-json.ts): the value the feed just said
    if (change.kind === 'tenant.upserted') this.registry.setMirror(change.tenantId ?? change.data.id, data);
  }

  private logChange(opId: string): void {
    const r = this.opLog.get(opId);
    if (r) this.appendChange({ kind: 'log.upserted', ...(r.tenant_id !== null ? { tenantId: r.tenant_id } : {}), data: logMirror(r) });
  }

  private catalogMirrorEntry(r: CatalogRow, def?: AppDefinition): CatalogMirrorEntry {
    const d = def ?? this.loadCatalog().get(`${r.app_id}@${r.version}`)?.def;
    return {
      id: r.app_id,
      name: r.name,
      publisher: r.publisher,
      version: r.version,
      sha256: r.sha256,
      size: r.size,
      signed: r.signed === 1,
      skippedVerification: r.skipped_verification === 1,
      signerKeyId: r.signer_key_id,
      publishedAt: r.published_at,
      publishedBy: r.published_by,
      dependencies: (d?.manifest.dependencies ?? []).map((x) => ({ id: x.id, name: x.name, publisher: x.publisher, version: x.version })),
      problems: JSON.parse(r.problems) as { code: string; message: string }[],
    };
  }

  private appChange(appId: string, version: string, def?: AppDefinition): void {
    const r = this.catalogRepo.get(appId, version);
    if (r) this.appendChange({ kind: 'app.upserted', appId: r.app_id, data: this.catalogMirrorEntry(r, def) });
    else this.appendChange({ kind: 'app.removed', appId: appId.toLowerCase(), data: { id: appId.toLowerCase(), version } });
  }

  private deploymentMirror(): Snapshot['deployment'] {
    return { name: this.name, application: { name: this.app.name, publisher: this.app.publisher, version: this.app.version } };
  }

  private mirrorOfRow(row: TenantRow, apps: readonly { app_id: string; version: string; data_version: string; sync_state: string }[]): TenantMirror {
    return {
      id: row.tenant_id,
      alternateIds: JSON.parse(row.alternate_ids) as string[],
      state: row.state,
      failedOperation: row.failed_operation,
      applicationVersion: row.application_version,
      companies: JSON.parse(row.companies) as string[],
      createdAt: row.created_at,
      mountedAt: row.mounted_at,
      version: row.version ?? 0,
      apps: apps.map((a) => ({ id: a.app_id, version: a.version, dataVersion: a.data_version, syncState: a.sync_state })),
      archives: JSON.parse(row.archives ?? '[]') as ArchiveIndexEntry[],
    };
  }

  /** What the change feed mirrors of one tenant, from the registry alone. */
  private tenantMirror(tenantId: string): TenantMirror | null {
    const row = this.registry.get(tenantId);
    return row ? this.mirrorOfRow(row, this.registry.apps(tenantId)) : null;
  }

  /**
   * Runs `body` (changes to the registry rows of these tenants) in one deployment transaction. Each tenant whose
   * mirrored state changed gets its version incremented and a change in the feed, in that same transaction, so a
   * client following the feed never misses one.
   */
  private track<T>(tenantIds: readonly string[], body: () => T): T {
    return this.db.transaction(() => {
      const before = tenantIds.map((id) => this.tenantMirror(id));
      const value = body();
      tenantIds.forEach((id, i) => this.recordTenantChange(id, before[i] ?? null));
      return value;
    })();
  }

  private recordTenantChange(tenantId: string, before: TenantMirror | null): void {
    const after = this.tenantMirror(tenantId);
    if (after === null) {
      if (before !== null) this.appendChange({ kind: 'tenant.removed', tenantId, data: { id: tenantId } });
      return;
    }
    if (before !== null && JSON.stringify({ ...before, version: 0 }) === JSON.stringify({ ...after, version: 0 })) return;
    let data = after;
    if (before !== null) {
      this.registry.bumpVersion(tenantId);
      data = { ...after, version: after.version + 1 };
    }
    this.appendChange({ kind: 'tenant.upserted', tenantId, data });
  }

  /**
   * The state a client mirrors, at one seq of the change feed (read in one transaction). With `tenants`, only those
   * tenants and their log entries (a tenant-scoped reader).
   */
  snapshot(scope?: { tenants: ReadonlySet<string> }): Snapshot {
    return this.db.transaction(() => {
      const seq = this.changes.latest();
      const appsByTenant = new Map<string, { app_id: string; version: string; data_version: string; sync_state: string }[]>();
      for (const a of this.registry.allApps()) {
        let list = appsByTenant.get(a.tenant_id);
        if (!list) appsByTenant.set(a.tenant_id, (list = []));
        list.push(a);
      }
      const rows = this.registry.list().filter((r) => scope === undefined || scope.tenants.has(r.tenant_id));
      const log = scope === undefined ? this.opLog.window(LOG_WINDOW) : this.opLog.windowForTenants(LOG_WINDOW, [...scope.tenants]);
      return {
        seq,
        deployment: this.deploymentMirror(),
        catalog: this.catalogRepo
          .list()
          .map((r) => this.catalogMirrorEntry(r))
          .sort(compareCatalogEntries),
        tenants: rows.map((r) => this.mirrorOfRow(r, appsByTenant.get(r.tenant_id) ?? [])),
        log: log.map(logMirror),
      };
    })();
  }

  /**
   * snapshot() as the JSON text the server answers with, without building 10,000 tenant objects to serialize them
   * again: the tenants come as text from SQLite (snapshot-json.ts); the rest is small. Parses to snapshot()'s value.
   */
  snapshotJson(scope?: { tenants: ReadonlySet<string> }): string {
    return this.db.transaction(() => {
      const seq = this.changes.latest();
      const log = scope === undefined ? this.opLog.window(LOG_WINDOW) : this.opLog.windowForTenants(LOG_WINDOW, [...scope.tenants]);
      const catalog = this.catalogRepo
        .list()
        .map((r) => this.catalogMirrorEntry(r))
        .sort(compareCatalogEntries);
      const head = `{"seq":${seq},"deployment":${JSON.stringify(this.deploymentMirror())},"catalog":${JSON.stringify(catalog)}`;
      return `${head},"tenants":${tenantMirrorsJson(this.db, scope?.tenants)},"log":${JSON.stringify(log.map(logMirror))}}`;
    })();
  }

  /** The changes after `since` (at most `limit`), or snapshotRequired when the feed no longer holds them all. */
  changesSince(since: number, limit: number, scope?: { tenants: ReadonlySet<string> }): ChangesPage {
    return this.db.transaction(() => {
      const latest = this.changes.latest();
      const snapshotRequired = since > latest || (since < latest && since + 1 < this.changes.windowStart(latest));
      if (snapshotRequired) return { changes: [], latest, snapshotRequired: true };
      const changes =
        scope === undefined
          ? this.changes.after(since, limit)
          : this.changes.afterForTenants(since, limit, scope.tenants, (kind) => kind !== 'log.upserted').changes;
      return { changes, latest, snapshotRequired: false };
    })();
  }

  /** The newest seq of the change feed. */
  get changeSeq(): number {
    return this.changes.latest();
  }

  /** Whether a tenant of this id is registered here (mounted or not). */
  hasTenant(tenantId: string): boolean {
    return this.registry.get(String(tenantId).toLowerCase()) !== undefined;
  }

  /** The tenant's version (incremented on every change of its mirrored state). */
  tenantVersion(tenantId: string): number {
    return this.tenantRow(tenantId).version ?? 0;
  }

  /** Versioned writes: STALE_VERSION unless the tenant is at the expected version. */
  checkVersion(tenantId: string, expected: number): void {
    const row = this.tenantRow(tenantId);
    const version = row.version ?? 0;
    if (version !== expected) {
      throw new TenantryError(
        'STALE_VERSION',
        `tenant "${row.tenant_id}" is at version ${version}, not ${expected}: it changed since it was read; read it again and retry`,
        {
          tenantId: row.tenant_id,
          version,
          expectedVersion: expected,
        },
      );
    }
  }

  /** Jobs of the management server, stored in this deployment's database. */
  get jobs(): JobRepository {
    this.jobRepo ??= new JobRepository(this.db);
    return this.jobRepo;
  }

  /** API tokens of the management server, stored in this deployment's database. */
  get tokens(): TokenStore {
    this.tokenStore ??= new TokenStore(this.db);
    return this.tokenStore;
  }

  /** A deployment-level operation (no tenant transaction): logged, errors normalised. */
  private deploymentOp<T>(operation: string, params: Record<string, unknown>, actor: string | undefined, body: (opId: string) => T): T {
    const log = this.startLog(operation, null, params, actor);
    try {
      const r = body(log.opId);
      this.finishLog(log.opId);
      return r;
    } catch (e) {
      this.finishLog(log.opId, e);
      throw isTenantryError(e) ? e : new TenantryError('INTERNAL', `${operation} failed: ${(e as Error).message}`);
    }
  }

  private tenantRow(tenantId: string): TenantRow {
    const id = normalizeTenantId(tenantId);
    const row = this.registry.get(id);
    if (!row) throw new TenantryError('TENANT_NOT_FOUND', `tenant "${id}" does not exist in deployment "${this.name}"`, { tenantId: id });
    return row;
  }

  /**
   * The tenant's connection. At most MAX_OPEN_TENANTS stay open (least recently used closed first), so a
   * deployment of thousands of tenants does not run out of file handles.
   */
  private tenantRepo(row: TenantRow): TenantRepository {
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

  private closeTenantDb(tenantId: string, checkpoint: boolean): void {
    const repo = this.tenantDbs.get(tenantId);
    this.stores.delete(tenantId);
    if (!repo) return;
    if (checkpoint) checkpointTruncate(repo.db);
    repo.db.close();
    this.tenantDbs.delete(tenantId);
  }

  private catalogAccess(): CatalogAccess {
    const cache = this.loadCatalog();
    return {
      all: () => [...cache.values()].map((e) => e.def),
      get: (id, version) => cache.get(`${id.toLowerCase()}@${version}`)?.def,
      sha256: (id, version) => cache.get(`${id.toLowerCase()}@${version}`)?.row.sha256 ?? '',
    };
  }

  private loadCatalog(): Map<string, { row: CatalogRow; def: AppDefinition }> {
    if (!this.catalogCache) {
      this.catalogCache = new Map(
        this.catalogRepo.list().map((row) => [`${row.app_id}@${row.version}`, { row, def: JSON.parse(row.definition) as AppDefinition }]),
      );
    }
    return this.catalogCache;
  }

  /** Copies the tenant's installed apps into the deployment registry (the tenant database is the truth). */
  private reconcileRegistry(tenantId: string): void {
    const row = this.registry.get(tenantId);
    if (!row) return;
    this.applyTenantFacts(tenantId, tenantFacts(this.tenantRepo(row)));
  }

  /** Writes what the registry mirrors of a tenant, as read from its database (tenantFacts). */
  private applyTenantFacts(tenantId: string, facts: TenantFacts): void {
    this.registry.setCompanies(tenantId, facts.companies);
    this.registry.replaceApps(tenantId, facts.apps);
    this.registry.setArchives(tenantId, facts.archives);
  }

  /**
   * One tenant operation: state check, deployment log row, ONE tenant transaction holding the work and the tenant
   * log row, then the registry reconciled. A refusal changes nothing (the transaction rolls back) and is logged
   * as failed in both logs; an unexpected error also puts the tenant in the 'failed' state.
   */
  private tenantOp<T>(p: TenantOpParams, body: (ctx: OpContext) => T): { value: T; opId: string } {
    const row = this.tenantRow(p.tenantId);
    checkAllowed(row.state as TenantState, p.stateOp, row.tenant_id);
    const log = this.startLog(p.operation, row.tenant_id, p.params, p.actor);
    let outcome = this.runInTenant(row, p, log, body);
    if (outcome.ok) {
      try {
        const ok = outcome;
        this.track([row.tenant_id], () => this.settleTenantOp(row, log, ok));
        return { value: ok.value, opId: log.opId };
      } catch (e) {
        outcome = this.tenantOpFailed(row, p, log, e);
      }
    }
    const failed = outcome;
    this.track([row.tenant_id], () => this.settleTenantOp(row, log, failed));
    throw failed.error;
  }

  /**
   * The tenant part of a tenant operation: ONE transaction of the tenant database holding the work and the tenant
   * log row; then what the registry mirrors of the tenant is read back. Never throws: a failure is returned (and
   * logged in the tenant, best effort) for the deployment's bookkeeping.
   */
  private runInTenant<T>(row: TenantRow, p: TenantOpParams, log: StartedLog, body: (ctx: OpContext) => T, catalog?: CatalogAccess): TenantOpOutcome<T> {
    let repo: TenantRepository | undefined;
    try {
      repo = this.tenantRepo(row);
      const ctx: OpContext = {
        tenantId: row.tenant_id,
        opId: log.opId,
        actor: log.actor,
        at: log.at,
        op: p.faultOp,
        repo,
        application: this.app,
        catalog: p.catalog === false ? null : (catalog ?? this.catalogAccess()),
      };
      const r = repo;
      const value = repo.db.transaction(() => {
        const v = body(ctx);
        r.log({
          op_id: log.opId,
          actor: log.actor,
          operation: p.operation,
          params: JSON.stringify(p.params),
          started_at: log.at,
          ended_at: nowIso(),
          result: 'succeeded',
          error_code: null,
          error_message: null,
        });
        faultPoint(p.faultOp, 'before-commit');
        return v;
      })();
      faultPoint(p.faultOp, 'after-commit');
      this.stores.delete(row.tenant_id);
      return { ok: true, value, facts: tenantFacts(repo) };
    } catch (e) {
      return this.tenantOpFailed(row, p, log, e, repo);
    }
  }

  private tenantOpFailed(row: TenantRow, p: TenantOpParams, log: StartedLog, e: unknown, repo = this.tenantDbs.get(row.tenant_id)): TenantOpFailure {
    this.stores.delete(row.tenant_id);
    const error = isTenantryError(e)
      ? e
      : new TenantryError('INTERNAL', `${p.operation} failed in tenant "${row.tenant_id}": ${(e as Error).message}`, { tenantId: row.tenant_id });
    const info = error.toInfo();
    if (repo) {
      try {
        repo.log({
          op_id: log.opId,
          actor: log.actor,
          operation: p.operation,
          params: JSON.stringify(p.params),
          started_at: log.at,
          ended_at: nowIso(),
          result: 'failed',
          error_code: info.code,
          error_message: info.message,
        });
      } catch {
        // the tenant log is best effort after a failure; the deployment log still records it
      }
    }
    return { ok: false, error, unexpected: !isTenantryError(e) };
  }

  /** The deployment's side of a finished tenant operation; call inside track() for the tenant. */
  private settleTenantOp(row: TenantRow, log: StartedLog, outcome: TenantOpOutcome<unknown>): void {
    if (outcome.ok) {
      this.applyTenantFacts(row.tenant_id, outcome.facts);
      if (row.state === 'failed') this.registry.setState(row.tenant_id, 'operational');
      this.finishLog(log.opId);
    } else {
      if (outcome.unexpected) this.registry.setState(row.tenant_id, 'failed', { operation: log.operation, error: outcome.error.message });
      this.finishLog(log.opId, outcome.error);
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // apps: resolve, publish, unpublish, catalog, info, repair

  /** An app named by GUID or by (unique, case-insensitive) name, in the catalog or installed in a tenant. */
  resolveAppId(key: string, tenant?: TenantRepository): string {
    if (GUID_PATTERN.test(key)) return key.toLowerCase();
    const ids = new Set(this.catalogRepo.byName(key).map((r) => r.app_id));
    if (tenant) for (const a of tenant.installed()) if (a.name.toLowerCase() === key.toLowerCase()) ids.add(a.app_id);
    if (tenant) for (const a of tenant.archives()) if (a.app_name.toLowerCase() === key.toLowerCase()) ids.add(a.app_id);
    if (ids.size === 1) return [...ids][0] as string;
    if (ids.size > 1)
      throw new TenantryError('BAD_INPUT', `the name "${key}" is ambiguous: ${[...ids].join(', ')}; name the app by id`, { app: key, ids: [...ids] });
    throw new TenantryError('NOT_PUBLISHED', `no extension named "${key}" is published in deployment "${this.name}"`, { app: key });
  }

  private publishedVersion(appId: string, version: string | undefined): { row: CatalogRow; def: AppDefinition } {
    const cache = this.loadCatalog();
    const versions = [...cache.values()].filter((e) => e.row.app_id === appId);
    if (versions.length === 0) throw new TenantryError('NOT_PUBLISHED', `extension ${appId} is not published in deployment "${this.name}"`, { appId });
    if (version !== undefined) {
      const e = cache.get(`${appId}@${version}`);
      if (!e) {
        const name = versions[0]?.row.name ?? appId;
        throw new TenantryError(
          'NOT_PUBLISHED',
          `"${name}" ${version} is not published in deployment "${this.name}"; published: ${versions.map((v) => v.row.version).join(', ')}`,
          {
            appId,
            version,
            published: versions.map((v) => v.row.version),
          },
        );
      }
      return e;
    }
    return versions.reduce((best, e) => (compareVersions(e.row.version, best.row.version) > 0 ? e : best));
  }

  private readForPublish(bytes: Uint8Array, opts: PublishOptions) {
    const info = readPackage(
      bytes,
      opts.trustedPublicKeys
        ? { verify: opts.skipVerification ? 'skip' : 'require', trustedPublicKeys: opts.trustedPublicKeys }
        : { verify: opts.skipVerification ? 'skip' : 'require' },
      opts.fileName,
    );
    return { info, def: lowerIds(info.definition) };
  }

  publish(bytes: Uint8Array, opts: PublishOptions = {}): PublishResult {
    const params = { fileName: opts.fileName ?? null, size: bytes.length, skipVerification: opts.skipVerification ?? false };
    let opId = '';
    const r = this.deploymentOp('app.publish', params, opts.actor, (id) => {
      opId = id;
      const { info, def } = this.readForPublish(bytes, opts);
      const checked = this.checkPublish(info, def, opts, []);
      if (checked.row) this.insertCatalogRow(checked.row, bytes, def);
      return checked.result;
    });
    return { ...r, opId };
  }

  /** Decides unchanged / refused / to publish, compiling against the catalog plus `pending` (publishMany). */
  private checkPublish(
    info: { sha256: string; size: number; signature?: { publicKey: string; keyId: string } | undefined },
    def: AppDefinition,
    opts: PublishOptions,
    pending: readonly AppDefinition[],
  ): { result: Omit<PublishResult, 'opId'>; row: CatalogRow | null } {
    const m = def.manifest;
    const existing = this.catalogRepo.get(m.id, m.version);
    const skipped = opts.skipVerification === true && info.signature === undefined;
    if (existing) {
      if (existing.sha256 === info.sha256)
        return { result: { app: appRef(def), status: 'unchanged', sha256: info.sha256, skippedVerification: skipped }, row: null };
      throw new TenantryError(
        'ALREADY_PUBLISHED',
        `${opts.fileName ? `${opts.fileName}: ` : ''}${describeApp(m)} is already published with different contents (sha256 ${existing.sha256.slice(0, 12)}..., this package ${info.sha256.slice(0, 12)}...); publish a new version`,
        { app: appRef(def), publishedSha256: existing.sha256, sha256: info.sha256 },
      );
    }
    const problems = compileApp(def, this.app, [...this.catalogAccess().all(), ...pending]);
    if (problems.length > 0) throw problemsError(def, problems, opts.fileName);
    const row: CatalogRow = {
      app_id: m.id,
      version: m.version,
      name: m.name,
      publisher: m.publisher,
      sha256: info.sha256,
      size: info.size,
      definition: JSON.stringify(def),
      signed: info.signature ? 1 : 0,
      skipped_verification: skipped ? 1 : 0,
      signer_key_id: info.signature?.keyId ?? null,
      published_at: nowIso(),
      published_by: opts.actor ?? SYSTEM_ACTOR,
      problems: '[]',
    };
    return { result: { app: appRef(def), status: 'published', sha256: info.sha256, skippedVerification: skipped }, row };
  }

  private insertCatalogRow(row: CatalogRow, bytes: Uint8Array, def: AppDefinition): void {
    this.db.transaction(() => {
      this.catalogRepo.insert(row, bytes);
      this.appChange(row.app_id, row.version, def);
    })();
    this.catalogCache?.set(`${row.app_id}@${row.version}`, { row, def });
  }

  /**
   * Publishes several packages: all are read and validated first (nothing is published if one fails), ordered by
   * their dependencies (a cycle is refused naming it), compiled in that order, then inserted in one transaction.
   */
  publishMany(
    files: readonly { bytes: Uint8Array; fileName?: string }[],
    opts: Omit<PublishOptions, 'fileName'> = {},
  ): { results: (Omit<PublishResult, 'opId'> & { fileName: string | null })[]; opId: string } {
    let opId = '';
    const results = this.deploymentOp(
      'app.publishMany',
      { files: files.map((f) => f.fileName ?? null), skipVerification: opts.skipVerification ?? false },
      opts.actor,
      (id) => {
        opId = id;
        const withName = (fileName: string | undefined): PublishOptions => (fileName === undefined ? { ...opts } : { ...opts, fileName });
        const read = files.map((f) => ({ ...this.readForPublish(f.bytes, withName(f.fileName)), file: f }));
        const seen = new Map<string, string>();
        for (const r of read) {
          const k = `${r.def.manifest.id}@${r.def.manifest.version}`;
          const prev = seen.get(k);
          if (prev !== undefined)
            throw new TenantryError(
              'BAD_INPUT',
              `${describeApp(r.def.manifest)} is given twice (${prev || 'a package'} and ${r.file.fileName ?? 'another package'})`,
              { app: appRef(r.def) },
            );
          seen.set(k, r.file.fileName ?? '');
        }
        // Graph nodes per package; a dependency edge goes to every given version of the depended-on app.
        const nodes = read.map((r, i) => ({
          id: `${r.def.manifest.id}#${i}`,
          name: `"${r.def.manifest.name}" ${r.def.manifest.version}`,
          dependencies: [] as { id: string }[],
          r,
        }));
        for (const n of nodes) {
          n.dependencies = n.r.def.manifest.dependencies.flatMap((d) =>
            nodes.filter((o) => o.r.def.manifest.id === d.id.toLowerCase() && o !== n).map((o) => ({ id: o.id })),
          );
        }
        let ordered: typeof read;
        try {
          ordered = dependencyOrder(nodes).map((n) => n.r);
        } catch (e) {
          if (e instanceof DependencyCycleError)
            throw new TenantryError('DEPENDENCY_CYCLE', `the packages depend on each other in a cycle: ${e.cycle.join(' -> ')}`, { cycle: e.cycle });
          throw e;
        }
        const pending: AppDefinition[] = [];
        const toInsert: { row: CatalogRow; bytes: Uint8Array; def: AppDefinition }[] = [];
        const out: (Omit<PublishResult, 'opId'> & { fileName: string | null })[] = [];
        for (const r of ordered) {
          const checked = this.checkPublish(r.info, r.def, withName(r.file.fileName), pending);
          if (checked.row) {
            pending.push(r.def);
            toInsert.push({ row: checked.row, bytes: r.file.bytes, def: r.def });
          }
          out.push({ ...checked.result, fileName: r.file.fileName ?? null });
        }
        this.db.transaction(() => {
          for (const t of toInsert) {
            this.catalogRepo.insert(t.row, t.bytes);
            this.appChange(t.row.app_id, t.row.version, t.def);
          }
        })();
        this.catalogCache = null;
        return out;
      },
    );
    return { results, opId };
  }

  unpublish(appKey: string, version: string, opts: { actor?: string } = {}): { app: AppRef; opId: string } {
    let opId = '';
    const app = this.deploymentOp('app.unpublish', { app: appKey, version }, opts.actor, (id) => {
      opId = id;
      const appId = this.resolveAppId(appKey);
      const { row, def } = this.publishedVersion(appId, version);
      const tenants = this.registry.tenantsWithAppVersion(appId, version);
      if (tenants.length > 0) {
        throw new TenantryError(
          'APP_IN_USE',
          `${describeApp(def.manifest)} is installed in ${tenants.length} tenant(s): ${tenants.slice(0, 20).join(', ')}${tenants.length > 20 ? ', ...' : ''}; uninstall it there first`,
          {
            app: appRef(def),
            tenants,
          },
        );
      }
      const all = this.catalogAccess().all();
      const others = all.filter((d) => !(d.manifest.id === appId && d.manifest.version === version));
      const dependents = others.filter((d) =>
        d.manifest.dependencies.some(
          (dep) =>
            dep.id.toLowerCase() === appId &&
            isAtLeast(version, dep.version) &&
            !others.some((o) => o.manifest.id === appId && isAtLeast(o.manifest.version, dep.version)),
        ),
      );
      if (dependents.length > 0) {
        throw new TenantryError(
          'APP_IN_USE',
          `${describeApp(def.manifest)} is needed by published ${dependents.map((d) => describeApp(d.manifest)).join(', ')}; unpublish them first`,
          {
            app: appRef(def),
            dependents: dependents.map(appRef),
          },
        );
      }
      this.db.transaction(() => {
        this.catalogRepo.delete(row.app_id, row.version);
        this.appChange(row.app_id, row.version);
      })();
      this.catalogCache = null;
      return appRef(def);
    });
    return { app, opId };
  }

  catalog(): CatalogEntry[] {
    const counts = this.registry.countsByAppVersion();
    return this.catalogRepo.list().map((r) => {
      const { problems, ...entry } = this.catalogMirrorEntry(r);
      return { ...entry, tenantCount: counts.get(`${r.app_id}@${r.version}`) ?? 0, problems };
    });
  }

  /** The package bytes of a published version (to copy it to another deployment before a move). */
  packageBytes(appKey: string, version: string): Buffer {
    const appId = this.resolveAppId(appKey);
    const bytes = this.catalogRepo.package(appId, version);
    if (!bytes) throw new TenantryError('NOT_PUBLISHED', `${appKey} ${version} is not published in deployment "${this.name}"`, { appId, version });
    return bytes;
  }

  packageInfo(bytes: Uint8Array, fileName?: string): OperationOutput<'app.info'> {
    const info = readPackage(bytes, { verify: 'skip' }, fileName);
    const def = info.definition;
    const id = def.manifest.id.toLowerCase();
    return {
      manifest: def.manifest,
      sha256: info.sha256,
      size: info.size,
      signed: info.signature !== undefined,
      signerKeyId: info.signature?.keyId ?? null,
      objects: def.objects.map((o) =>
        'extends' in o ? { type: o.type, id: o.id, name: o.name, extends: o.extends } : { type: o.type, id: o.id, name: o.name },
      ),
      tableData: def.tableData.map((t) => ({ table: t.table, rows: t.rows.length })),
      publishedVersions: this.catalogRepo.versions(id).map((r) => r.version),
    };
  }

  appTenants(appKey: string): OperationOutput<'app.tenants'> {
    const appId = this.resolveAppId(appKey);
    const versions = this.catalogRepo.versions(appId);
    const first = versions[0];
    const rows = this.registry.tenantsWithApp(appId);
    return {
      app: { id: appId, name: first?.name ?? appKey, publisher: first?.publisher ?? '' },
      tenants: rows.map((r) => ({ tenantId: r.tenant_id, version: r.version, dataVersion: r.data_version, syncState: r.sync_state })),
    };
  }

  /** Recompiles published versions against the current application and records what no longer compiles. */
  repair(appKey?: string, version?: string, opts: { actor?: string } = {}): OperationOutput<'app.repair'> {
    let opId = '';
    const results = this.deploymentOp('app.repair', { app: appKey ?? null, version: version ?? null }, opts.actor, (id) => {
      opId = id;
      return this.repairAll(appKey === undefined ? undefined : this.resolveAppId(appKey), version);
    });
    return { results, opId };
  }

  private repairAll(appId?: string, version?: string): OperationOutput<'app.repair'>['results'] {
    const all = this.catalogAccess().all();
    const targets = all.filter((d) => (appId === undefined || d.manifest.id === appId) && (version === undefined || d.manifest.version === version));
    if (appId !== undefined && targets.length === 0)
      throw new TenantryError('NOT_PUBLISHED', `${appId}${version ? ` ${version}` : ''} is not published`, { appId, version });
    const out: OperationOutput<'app.repair'>['results'] = [];
    this.db.transaction(() => {
      for (const def of targets) {
        const others = all.filter((d) => d !== def);
        const problems = compileApp(def, this.app, others).map((p) => ({ code: p.code, message: p.message }));
        this.catalogRepo.setProblems(def.manifest.id, def.manifest.version, JSON.stringify(problems));
        this.appChange(def.manifest.id, def.manifest.version, def);
        out.push({ app: appRef(def), ok: problems.length === 0, problems });
      }
    })();
    this.catalogCache = null;
    return out;
  }

  /** Application upgrade: a new application version; repair every published app; every tenant needs a sync. */
  setApplication(application: Application, opts: { actor?: string } = {}): OperationOutput<'deployment.setApplication'> {
    const parsed = ApplicationSchema.safeParse(application);
    if (!parsed.success) throw new TenantryError('BAD_INPUT', describeIssues('application', parsed.error.issues), { issues: parsed.error.issues });
    return this.deploymentOp('deployment.setApplication', { name: parsed.data.name, version: parsed.data.version }, opts.actor, () => {
      const old = this.app;
      this.app = parsed.data;
      try {
        const pending = this.registry
          .list()
          .filter((t) => t.state !== 'dismounted')
          .map((t) => t.tenant_id);
        let repaired: OperationOutput<'app.repair'>['results'] = [];
        this.track(pending, () => {
          this.db.prepare("UPDATE meta SET value = ? WHERE key = 'application'").run(JSON.stringify(parsed.data));
          this.appendChange({ kind: 'deployment', data: this.deploymentMirror() });
          repaired = this.repairAll();
          for (const id of pending) this.registry.setState(id, 'sync-pending');
        });
        for (const id of pending) {
          const row = this.registry.get(id);
          if (row) this.tenantRepo(row).setSyncState(null, 'pending');
          this.track([id], () => this.reconcileRegistry(id));
        }
        this.stores.clear();
        return { application: { name: parsed.data.name, version: parsed.data.version }, repaired, tenantsSyncPending: pending };
      } catch (e) {
        this.app = old;
        throw e;
      }
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // tenants

  /** A tenant's summary from the registry alone (no tenant connection: lists of thousands stay cheap). */
  private summary(row: TenantRow): TenantSummary {
    return {
      id: row.tenant_id,
      alternateIds: JSON.parse(row.alternate_ids) as string[],
      state: row.state,
      failedOperation: row.failed_operation,
      applicationVersion: row.application_version,
      companies: JSON.parse(row.companies) as string[],
      installedApps: this.registry.apps(row.tenant_id).length,
      file: row.file,
      sizeBytes: databaseFileSize(row.file),
      createdAt: row.created_at,
      mountedAt: row.mounted_at,
      version: row.version ?? 0,
    };
  }

  createTenant(tenantId: string, opts: { companies?: string[]; alternateIds?: string[]; actor?: string } = {}): TenantSummary {
    const id = normalizeTenantId(tenantId);
    const companies = opts.companies && opts.companies.length > 0 ? opts.companies : [...DEFAULT_COMPANIES];
    const lower = companies.map((c) => c.toLowerCase());
    const dup = lower.find((c, i) => lower.indexOf(c) !== i);
    if (dup !== undefined) throw new TenantryError('BAD_INPUT', `company "${dup}" is listed twice`, { company: dup });
    return this.deploymentOp('tenant.create', { tenantId: id, companies, alternateIds: opts.alternateIds ?? [] }, opts.actor, (opId) => {
      if (this.registry.get(id)) throw new TenantryError('TENANT_EXISTS', `tenant "${id}" already exists in deployment "${this.name}"`, { tenantId: id });
      const file = tenantFileName(this.tenantsDir, id);
      if (fs.existsSync(file))
        throw new TenantryError('TENANT_EXISTS', `a tenant database ${file} exists but is not registered; mount it`, { tenantId: id, file });
      const temp = `${file}.creating`;
      removeDatabaseFiles(temp);
      const at = nowIso();
      const db = openDatabase(temp, 'tenant', { create: true });
      try {
        const repo = new TenantRepository(db);
        db.transaction(() => {
          repo.setMeta('format', TENANT_FORMAT);
          repo.setMeta('tenant_id', id);
          repo.setMeta('application_name', this.app.name);
          repo.setMeta('application_version', this.app.version);
          repo.setMeta('created_at', at);
          for (const c of companies) repo.addCompany(c, at);
          const view = mergeView(this.app, []);
          createPhysicalTables(repo, desiredSchema(view, repo.companies(), new Set([''])));
          repo.log({
            op_id: opId,
            actor: opts.actor ?? SYSTEM_ACTOR,
            operation: 'tenant.create',
            params: JSON.stringify({ companies }),
            started_at: at,
            ended_at: nowIso(),
            result: 'succeeded',
            error_code: null,
            error_message: null,
          });
        })();
        checkpointTruncate(db);
      } finally {
        db.close();
      }
      fs.renameSync(temp, file);
      fsyncDir(this.tenantsDir);
      this.track([id], () =>
        this.registry.insert({
          tenant_id: id,
          file,
          state: 'operational',
          failed_operation: null,
          failed_error: null,
          alternate_ids: JSON.stringify(opts.alternateIds ?? []),
          companies: JSON.stringify(companies),
          application_version: this.app.version,
          created_at: at,
          mounted_at: at,
          version: 1,
        }),
      );
      return this.summary(this.tenantRow(id));
    });
  }

  listTenants(): TenantSummary[] {
    return this.registry.list().map((r) => this.summary(r));
  }

  getTenant(tenantId: string): TenantSummary & { apps: TenantApp[] } {
    const row = this.tenantRow(tenantId);
    return { ...this.summary(row), apps: row.state === 'dismounted' ? [] : this.tenantApps(row.tenant_id) };
  }

  /** Checks a tenant database can be mounted here; returns its id and the state it mounts in. */
  private mountCheck(repo: TenantRepository, label: string): { tenantId: string; state: TenantState } {
    if (repo.meta('format') !== TENANT_FORMAT) throw new TenantryError('DEPLOYMENT_INVALID', `${label} is not a Tenantry tenant database`, { file: label });
    const tenantId = normalizeTenantId(repo.meta('tenant_id') ?? '');
    const appName = repo.meta('application_name') ?? '';
    const appVersion = repo.meta('application_version') ?? '';
    if (appName.toLowerCase() !== this.app.name.toLowerCase() || appVersion !== this.app.version) {
      throw new TenantryError(
        'APPLICATION_MISMATCH',
        `tenant "${tenantId}" uses application "${appName}" ${appVersion}; deployment "${this.name}" runs "${this.app.name}" ${this.app.version}`,
        { tenantId, tenantApplication: { name: appName, version: appVersion }, deploymentApplication: { name: this.app.name, version: this.app.version } },
      );
    }
    const cache = this.loadCatalog();
    const installed = repo.installed();
    const missing = installed.filter((a) => !cache.has(`${a.app_id}@${a.version}`));
    if (missing.length > 0) {
      throw new TenantryError(
        'MOUNT_MISSING_APPS',
        `tenant "${tenantId}" has extensions installed that are not published in deployment "${this.name}": ${missing.map((a) => `${describeApp(a)} (${a.app_id})`).join(', ')}; publish them, or remove the apps from the tenant`,
        { tenantId, missing: missing.map((a) => ({ id: a.app_id, name: a.name, publisher: a.publisher, version: a.version })) },
      );
    }
    const state: TenantState = installed.some((a) => a.sync_state === 'pending')
      ? 'sync-pending'
      : installed.some((a) => a.data_version !== a.version)
        ? 'data-upgrade-pending'
        : 'operational';
    return { tenantId, state };
  }

  /** Mounts a dismounted tenant of this deployment, or adopts a tenant database file (copied in). */
  mount(target: { tenantId: string } | { file: string }, opts: { actor?: string } = {}): TenantSummary {
    if ('file' in target) return this.importTenantFile(target.file, { actor: opts.actor });
    const row = this.tenantRow(target.tenantId);
    checkAllowed(row.state as TenantState, 'mount', row.tenant_id);
    return this.deploymentOp('tenant.mount', { tenantId: row.tenant_id }, opts.actor, (opId) => {
      const repo = this.tenantRepo(row);
      try {
        const { tenantId, state } = this.mountCheck(repo, row.file);
        if (tenantId !== row.tenant_id)
          throw new TenantryError('DEPLOYMENT_INVALID', `${row.file} holds tenant "${tenantId}", not "${row.tenant_id}"`, { file: row.file });
        repo.log({
          op_id: opId,
          actor: opts.actor ?? SYSTEM_ACTOR,
          operation: 'tenant.mount',
          params: '{}',
          started_at: nowIso(),
          ended_at: nowIso(),
          result: 'succeeded',
          error_code: null,
          error_message: null,
        });
        this.track([tenantId], () => {
          this.registry.setState(tenantId, state);
          this.registry.setMounted(tenantId, nowIso(), this.app.version);
          this.reconcileRegistry(tenantId);
          // a copy staged by a move is now the live one here
          const incoming = this.moves.pendingIncoming(tenantId);
          if (incoming) this.moves.finishIncoming(incoming.move_id, tenantId, 'mounted', nowIso());
        });
        return this.summary(this.tenantRow(tenantId));
      } catch (e) {
        this.closeTenantDb(row.tenant_id, false);
        throw e;
      }
    });
  }

  /** Ends the tenant's use here: checkpoint (WAL TRUNCATE), close; the file alone is then a complete copy. */
  dismount(tenantId: string, opts: { actor?: string } = {}): OperationOutput<'tenant.dismount'> {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'dismount', row.tenant_id);
    let opId = '';
    this.deploymentOp('tenant.dismount', { tenantId: row.tenant_id }, opts.actor, (id) => {
      opId = id;
      const repo = this.tenantRepo(row);
      repo.db.transaction(() => {
        repo.log({
          op_id: id,
          actor: opts.actor ?? SYSTEM_ACTOR,
          operation: 'tenant.dismount',
          params: '{}',
          started_at: nowIso(),
          ended_at: nowIso(),
          result: 'succeeded',
          error_code: null,
          error_message: null,
        });
        // The version travels with the file: the version this dismount gives it (a mount elsewhere goes on from there).
        repo.setMeta('version', String((row.version ?? 0) + 1));
      })();
      this.closeTenantDb(row.tenant_id, true);
      this.track([row.tenant_id], () => {
        this.registry.setState(row.tenant_id, 'dismounted');
        this.registry.setMounted(row.tenant_id, null);
      });
    });
    return { tenantId: row.tenant_id, file: row.file, state: 'dismounted', opId };
  }

  /** Remove-NAVAppsForTenant: for a dismounted tenant, uninstall every app using the tenant's own definitions. */
  removeAppsForTenant(tenantId: string, opts: { doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {}): OperationOutput<'tenant.removeApps'> {
    const r = this.tenantOp(
      {
        operation: 'tenant.removeApps',
        stateOp: 'remove-apps',
        faultOp: 'remove-apps',
        tenantId,
        actor: opts.actor,
        params: { doNotSaveData: opts.doNotSaveData ?? false },
        catalog: false,
      },
      (ctx) => removeAllApps(ctx, { doNotSaveData: opts.doNotSaveData ?? false, acknowledge: opts.acknowledge ?? false }),
    );
    const id = normalizeTenantId(tenantId);
    const repo = this.tenantDbs.get(id);
    const archives = repo ? this.archiveEntries(repo, false).filter((a) => r.value.archives.includes(a.archiveId)) : [];
    // The tenant stays dismounted: close (and checkpoint) what the operation opened.
    this.closeTenantDb(id, true);
    return { tenantId: id, removed: r.value.uninstalled, archives, rowsDiscarded: r.value.rowsDiscarded, opId: r.opId };
  }

  tenantApps(tenantId: string): TenantApp[] {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'info', row.tenant_id);
    if (row.state === 'dismounted') {
      return this.registry.apps(row.tenant_id).map((a) => ({
        id: a.app_id,
        name: '',
        publisher: '',
        version: a.version,
        dataVersion: a.data_version,
        syncState: a.sync_state as 'synced' | 'pending',
        installedAt: '',
        upgradeAvailable: null,
        archivedVersions: [],
      }));
    }
    const repo = this.tenantRepo(row);
    const archives = repo.archives();
    const cache = [...this.loadCatalog().values()];
    return repo.installed().map((a) => {
      const newer = cache.filter((e) => e.row.app_id === a.app_id && compareVersions(e.row.version, a.version) > 0).map((e) => e.row.version);
      const best = newer.reduce<string | null>((b, v) => (b === null || compareVersions(v, b) > 0 ? v : b), null);
      return {
        id: a.app_id,
        name: a.name,
        publisher: a.publisher,
        version: a.version,
        dataVersion: a.data_version,
        syncState: a.sync_state,
        installedAt: a.installed_at,
        upgradeAvailable: best,
        archivedVersions: [...new Set(archives.filter((x) => x.app_id === a.app_id).map((x) => x.version))],
      };
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // install / uninstall / upgrade / sync

  /**
   * Install into several tenants. Each tenant is its own operation (ONE tenant transaction with its log row, as
   * tenantOp), but the deployment's bookkeeping is batched: per INSTALL_BATCH tenants, one deployment commit starts
   * their log rows and one finishes them with the registry and the change feed. A crash in between leaves rows
   * 'running'; open() finishes each as its tenant's own log says (committed or not), as for a single operation.
   */
  install(
    tenantIds: readonly string[],
    appKey: string,
    opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
  ): PerTenantInstall[] {
    const appId = this.resolveAppId(appKey);
    const { def } = this.publishedVersion(appId, opts.version);
    const installOpts = { installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true };
    const params = { appId, version: def.manifest.version, ...installOpts };
    const out: PerTenantInstall[] = [];
    let batch: { index: number; row: TenantRow }[] = [];
    const flush = (): void => {
      if (batch.length === 0) return;
      const ops = batch.map((b) => ({
        ...b,
        p: { operation: 'tenant.install', stateOp: 'install' as const, faultOp: 'install', tenantId: b.row.tenant_id, actor: opts.actor, params },
      }));
      batch = [];
      const results = this.tenantOpBatch(ops, (ctx) => installInTenant(ctx, def, installOpts));
      ops.forEach((o, i) => {
        const r = results[i]!;
        out[o.index] = r.ok
          ? { tenantId: o.row.tenant_id, ok: true, opId: r.opId, installed: r.value.installed, action: r.value.action }
          : { tenantId: o.row.tenant_id, ok: false, opId: '', installed: [], action: null, error: r.error.toInfo() };
      });
    };
    tenantIds.forEach((t, index) => {
      try {
        let row = this.tenantRow(t);
        // The same tenant twice: its second install must see the first one's outcome in the registry.
        if (batch.some((b) => b.row.tenant_id === row.tenant_id)) {
          flush();
          row = this.tenantRow(t);
        }
        checkAllowed(row.state as TenantState, 'install', row.tenant_id);
        batch.push({ index, row });
        if (batch.length >= INSTALL_BATCH) flush();
      } catch (e) {
        out[index] = { tenantId: String(t).toLowerCase(), ok: false, opId: '', installed: [], action: null, error: toErrorInfo(e) };
      }
    });
    flush();
    return out;
  }

  /**
   * Tenant operations on several tenants (their states already checked) with batched deployment bookkeeping: one
   * deployment transaction starts every log row, each tenant runs its own transaction (runInTenant), one deployment
   * transaction settles them all (registry, states, log rows, change feed).
   */
  private tenantOpBatch<T>(
    ops: readonly { row: TenantRow; p: TenantOpParams }[],
    body: (ctx: OpContext) => T,
  ): ({ ok: true; value: T; opId: string } | TenantOpFailure)[] {
    const logs = this.db.transaction(() => ops.map((o) => this.insertLogStart(o.p.operation, o.row.tenant_id, JSON.stringify(o.p.params), o.p.actor)))();
    const catalog = this.catalogAccess();
    const outcomes = ops.map((o, i) => this.runInTenant(o.row, o.p, logs[i]!, body, catalog));
    try {
      this.track(
        ops.map((o) => o.row.tenant_id),
        () => ops.forEach((o, i) => this.settleTenantOp(o.row, logs[i]!, outcomes[i]!)),
      );
    } catch (e) {
      // The tenants are as their own databases say; their log rows stay 'running' until the next open settles them.
      const error = new TenantryError(
        'INTERNAL',
        `the deployment's bookkeeping of ${ops[0]?.p.operation ?? 'the operation'} failed: ${(e as Error).message}; reopen the deployment to reconcile it`,
      );
      return ops.map(() => ({ ok: false, error, unexpected: true }));
    }
    return outcomes.map((o, i) => (o.ok ? { ok: true, value: o.value, opId: logs[i]!.opId } : o));
  }

  /** Install in one tenant; throws on refusal (convenient for scripts and tests). */
  installOne(
    tenantId: string,
    appKey: string,
    opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
  ): PerTenantInstall {
    const appId = this.resolveAppId(appKey);
    const { def } = this.publishedVersion(appId, opts.version);
    const r = this.tenantOp(
      {
        operation: 'tenant.install',
        stateOp: 'install',
        faultOp: 'install',
        tenantId,
        actor: opts.actor,
        params: { appId, version: def.manifest.version, installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true },
      },
      (ctx) => installInTenant(ctx, def, { installDependencies: opts.installDependencies ?? false, loadData: opts.loadData ?? true }),
    );
    return { tenantId: normalizeTenantId(tenantId), ok: true, opId: r.opId, installed: r.value.installed, action: r.value.action };
  }

  uninstall(
    tenantId: string,
    appKey: string,
    opts: { uninstallDependents?: boolean; doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {},
  ): OperationOutput<'tenant.uninstall'> {
    const row = this.tenantRow(tenantId);
    const appId = row.state === 'dismounted' ? appKey.toLowerCase() : this.resolveAppId(appKey, this.tenantRepo(row));
    const r = this.tenantOp(
      {
        operation: 'tenant.uninstall',
        stateOp: 'uninstall',
        faultOp: 'uninstall',
        tenantId,
        actor: opts.actor,
        params: { appId, uninstallDependents: opts.uninstallDependents ?? false, doNotSaveData: opts.doNotSaveData ?? false },
      },
      (ctx) =>
        uninstallInTenant(ctx, appId, {
          uninstallDependents: opts.uninstallDependents ?? false,
          doNotSaveData: opts.doNotSaveData ?? false,
          acknowledge: opts.acknowledge ?? false,
        }),
    );
    const repo = this.tenantRepo(this.tenantRow(tenantId));
    const archives = this.archiveEntries(repo, false).filter((a) => r.value.archives.includes(a.archiveId));
    return { tenantId: row.tenant_id, uninstalled: r.value.uninstalled, archives, rowsDiscarded: r.value.rowsDiscarded, opId: r.opId };
  }

  upgrade(tenantIds: string | readonly string[], appKey: string, opts: { version?: string; actor?: string } & UpgradeOptions = {}): PerTenantUpgrade[] {
    const ids = typeof tenantIds === 'string' ? [tenantIds] : tenantIds;
    const appId = this.resolveAppId(appKey);
    const { def } = this.publishedVersion(appId, opts.version);
    const out: PerTenantUpgrade[] = [];
    for (const t of ids) {
      try {
        const r = this.tenantOp(
          {
            operation: 'tenant.upgrade',
            stateOp: 'upgrade',
            faultOp: 'upgrade',
            tenantId: t,
            actor: opts.actor,
            params: { appId, version: def.manifest.version, force: opts.force ?? false, acknowledge: opts.acknowledge ?? false },
          },
          (ctx) => upgradeInTenant(ctx, def, opts),
        );
        out.push({ tenantId: normalizeTenantId(t), ok: true, opId: r.opId, ...r.value });
      } catch (e) {
        out.push({
          tenantId: String(t).toLowerCase(),
          ok: false,
          opId: '',
          from: null,
          to: def.manifest.version,
          action: null,
          stepsRun: [],
          error: toErrorInfo(e),
        });
      }
    }
    return out;
  }

  /** What upgrade() would do to the tenant's schema and the rows a forced upgrade would archive; writes nothing. */
  checkUpgrade(tenantId: string, appKey: string, opts: { version?: string } = {}): OperationOutput<'tenant.upgradeCheck'> {
    const appId = this.resolveAppId(appKey);
    const { def } = this.publishedVersion(appId, opts.version);
    const { row, repo } = this.readRepo(tenantId, 'info');
    return { tenantId: row.tenant_id, to: def.manifest.version, ...checkUpgradeInTenant(repo, this.app, def) };
  }

  /** Upgrade in one tenant; throws on refusal. */
  upgradeOne(tenantId: string, appKey: string, opts: { version?: string; actor?: string } & UpgradeOptions = {}): UpgradeResult & { opId: string } {
    const appId = this.resolveAppId(appKey);
    const { def } = this.publishedVersion(appId, opts.version);
    const r = this.tenantOp(
      {
        operation: 'tenant.upgrade',
        stateOp: 'upgrade',
        faultOp: 'upgrade',
        tenantId,
        actor: opts.actor,
        params: { appId, version: def.manifest.version, force: opts.force ?? false, acknowledge: opts.acknowledge ?? false },
      },
      (ctx) => upgradeInTenant(ctx, def, opts),
    );
    return { ...r.value, opId: r.opId };
  }

  sync(tenantId: string, appKey: string | undefined, opts: { mode?: SyncMode; acknowledge?: boolean; actor?: string } = {}): OperationOutput<'tenant.sync'> {
    const mode = opts.mode ?? 'add';
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'sync', row.tenant_id);
    const appId = appKey === undefined ? null : this.resolveAppId(appKey, this.tenantRepo(row));
    const r = this.tenantOp(
      {
        operation: 'tenant.sync',
        stateOp: 'sync',
        faultOp: 'sync',
        tenantId,
        actor: opts.actor,
        params: { appId, mode, acknowledge: opts.acknowledge ?? false },
      },
      (ctx) => {
        const report = syncTenant(ctx, appId, mode, opts.acknowledge ?? false);
        // check-only must change nothing: the log row is the only write and it is fine to keep.
        return report;
      },
    );
    let state = this.tenantRow(tenantId).state;
    if (r.value.applied && (mode === 'add' || mode === 'force') && r.value.full && state === 'sync-pending') {
      this.track([row.tenant_id], () => {
        this.registry.setState(row.tenant_id, 'operational');
        this.registry.setApplicationVersion(row.tenant_id, this.app.version);
      });
      state = 'operational';
    }
    const repo = this.tenantRepo(this.tenantRow(tenantId));
    const all = this.archiveEntries(repo, false);
    return {
      tenantId: row.tenant_id,
      mode,
      applied: r.value.applied,
      changes: r.value.changes,
      rowsLost: r.value.rowsLost,
      archives: all.filter((a) => r.value.archives.includes(a.archiveId)),
      discarded: r.value.discarded.map((a) => this.archiveEntry(a, null)),
      state,
      opId: r.opId,
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // the merged view, permission sets, subscribers, logs

  private readRepo(tenantId: string, op: TenantOperation): { row: TenantRow; repo: TenantRepository } {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, op, row.tenant_id);
    return { row, repo: this.tenantRepo(row) };
  }

  private view(tenantId: string, repo: TenantRepository): MergedView {
    return this.recordStore(tenantId, repo).view;
  }

  private recordStore(tenantId: string, repo: TenantRepository): RecordStore {
    let s = this.stores.get(tenantId);
    if (!s) {
      s = new RecordStore(repo, mergeView(this.app, installedDefinitions(repo)));
      this.stores.set(tenantId, s);
    }
    return s;
  }

  mergedView(tenantId: string): OperationOutput<'tenant.objects'> {
    const { row, repo } = this.readRepo(tenantId, 'info');
    const view = this.view(row.tenant_id, repo);
    const names = new Map<string, string>([['', this.app.name], ...repo.installed().map((a) => [a.app_id, a.name] as [string, string])]);
    return {
      objects: view.objects.map((o) => ({
        type: o.type,
        id: o.id,
        name: o.name,
        ownerAppId: o.ownerAppId,
        ownerAppName: names.get(o.ownerAppId) ?? '',
        ...(o.extends !== undefined ? { extends: o.extends } : {}),
      })),
      tables: view.tables.map((t) => ({
        id: t.id,
        name: t.name,
        ownerAppId: t.ownerAppId,
        dataPerCompany: t.dataPerCompany,
        primaryKey: t.primaryKey,
        extendedBy: t.extendedBy,
        fields: t.fields.map((f) => ({
          name: f.name,
          fieldId: f.id,
          type: f.type,
          ...(f.length !== undefined ? { length: f.length } : {}),
          ownerAppId: f.ownerAppId,
        })),
      })),
    };
  }

  permissionSets(tenantId: string): OperationOutput<'tenant.permissionSets'> {
    const { repo } = this.readRepo(tenantId, 'info');
    const names = new Map(repo.installed().map((a) => [a.app_id, a.name]));
    return {
      permissionSets: repo.permissionSets().map((p) => ({
        id: p.ps_id,
        name: p.name,
        caption: p.caption,
        ownerAppId: p.app_id,
        appName: names.get(p.app_id) ?? '',
        grantedAt: p.granted_at,
        permissions: JSON.parse(p.permissions) as Record<string, unknown>[],
      })),
    };
  }

  subscribers(tenantId: string): OperationOutput<'tenant.subscribers'> {
    const { repo } = this.readRepo(tenantId, 'info');
    return {
      subscribers: repo.subscribers().map((s) => ({
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
      })),
    };
  }

  tenantLog(tenantId: string, limit = 100): LogEntry[] {
    const row = this.tenantRow(tenantId);
    if (row.state === 'dismounted') return this.log({ tenantId: row.tenant_id, limit });
    const repo = this.tenantRepo(row);
    return repo.logEntries(limit).map((r) => ({
      opId: r.op_id,
      actor: r.actor,
      operation: r.operation,
      tenantId: row.tenant_id,
      params: JSON.parse(r.params) as Record<string, unknown>,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      result: r.result,
      errorCode: r.error_code,
      errorMessage: r.error_message,
    }));
  }

  log(opts: { tenantId?: string; limit?: number } = {}): LogEntry[] {
    const rows: LogRow[] = this.opLog.list(opts.limit ?? 100, opts.tenantId === undefined ? undefined : normalizeTenantId(opts.tenantId));
    return rows.map(logEntry);
  }

  // ------------------------------------------------------------------------------------------------------------
  // archive

  private archiveEntry(a: ArchiveRow, bytes: number | null): ArchiveEntry {
    return { ...archiveIndexEntry(a), bytes };
  }

  /** The archive index; `measure` walks each archive table's pages for its size (a report, not part of an operation). */
  private archiveEntries(repo: TenantRepository, measure = true): ArchiveEntry[] {
    return repo.archives().map((a) => this.archiveEntry(a, measure ? tableBytes(repo.db, `archive_${a.archive_id}`) : null));
  }

  archiveList(tenantId: string): ArchiveEntry[] {
    const { repo } = this.readRepo(tenantId, 'archive-read');
    return this.archiveEntries(repo);
  }

  private archiveRow(repo: TenantRepository, tenantId: string, archiveId: number): ArchiveRow {
    const a = repo.archive(archiveId);
    if (!a) throw new TenantryError('ARCHIVE_NOT_FOUND', `tenant "${tenantId}" has no archive ${archiveId}`, { tenantId, archiveId });
    return a;
  }

  private archiveData(
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

  archiveRows(tenantId: string, archiveId: number, opts: { offset?: number; limit?: number } = {}): OperationOutput<'archive.rows'> {
    const { row, repo } = this.readRepo(tenantId, 'archive-read');
    const a = this.archiveRow(repo, row.tenant_id, archiveId);
    const data = this.archiveData(repo, a, opts.offset ?? 0, opts.limit ?? 100);
    return { archive: this.archiveEntry(a, tableBytes(repo.db, `archive_${a.archive_id}`)), columns: data.columns, rows: data.rows, total: a.row_count };
  }

  exportCsv(tenantId: string, archiveId: number): OperationOutput<'archive.export'> {
    const { row, repo } = this.readRepo(tenantId, 'archive-read');
    const a = this.archiveRow(repo, row.tenant_id, archiveId);
    const data = this.archiveData(repo, a, 0, Number.MAX_SAFE_INTEGER);
    const headers = data.columns.map((c) => c.name);
    const csv = toCsv(
      headers,
      data.rows.map((r) => headers.map((h) => r[h] as JsonValue)),
    );
    const safe = `${a.app_name}-${a.version}-${a.table_name}-${a.company_name}`.replace(/[^A-Za-z0-9._-]+/g, '_');
    return { fileName: `${row.tenant_id}-archive-${a.archive_id}-${safe}.csv`, csv, rows: data.rows.length };
  }

  /** Discards archived data; refused unless confirmRows equals the exact number of rows that will be lost. */
  discardArchive(
    tenantId: string,
    target: { archiveId: number } | { appId: string },
    opts: { confirmRows?: number; actor?: string } = {},
  ): OperationOutput<'archive.discard'> {
    const { row, repo } = this.readRepo(tenantId, 'archive-discard');
    const appId = 'appId' in target ? this.resolveAppId(target.appId, repo) : null;
    const r = this.tenantOp(
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
        const list = appId === null ? [this.archiveRow(ctx.repo, row.tenant_id, (target as { archiveId: number }).archiveId)] : ctx.repo.archivesByApp(appId);
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
        const entries = list.map((a) => this.archiveEntry(a, tableBytes(ctx.repo.db, `archive_${a.archive_id}`)));
        for (const a of list) dropArchive(ctx.repo, a);
        return { entries, rows };
      },
    );
    void repo;
    return { discarded: r.value.entries, rows: r.value.rows, opId: r.opId };
  }

  // ------------------------------------------------------------------------------------------------------------
  // records

  private recordWrite<T>(tenantId: string, body: (store: RecordStore) => T): T {
    const { row, repo } = this.readRepo(tenantId, 'record-write');
    const store = this.recordStore(row.tenant_id, repo);
    return repo.db.transaction(() => body(store))();
  }

  insertRecord(tenantId: string, company: string, table: string, values: RecordValues): { rid: number; record: RecordValues } {
    return this.recordWrite(tenantId, (s) => {
      const r = s.insert(s.layout(company, table), values);
      if (!r) throw new Error('internal: insert returned nothing');
      return r;
    });
  }

  /** Bulk insert in one transaction (all or nothing). */
  insertMany(tenantId: string, company: string, table: string, rows: readonly RecordValues[]): { inserted: number } {
    return this.recordWrite(tenantId, (s) => {
      const l = s.layout(company, table);
      for (const r of rows) s.insert(l, r, { readBack: false });
      return { inserted: rows.length };
    });
  }

  modifyRecord(tenantId: string, company: string, table: string, key: RecordValues, changes: RecordValues): { rid: number; record: RecordValues } {
    return this.recordWrite(tenantId, (s) => s.modify(s.layout(company, table), key, changes));
  }

  deleteRecord(tenantId: string, company: string, table: string, key: RecordValues): { rid: number; deleted: true } {
    return this.recordWrite(tenantId, (s) => ({ rid: s.delete(s.layout(company, table), key), deleted: true as const }));
  }

  readPage(
    tenantId: string,
    company: string,
    table: string,
    opts: { offset?: number; limit?: number; orderBy?: string; descending?: boolean } = {},
  ): OperationOutput<'record.page'> {
    const { row, repo } = this.readRepo(tenantId, 'record-read');
    const store = this.recordStore(row.tenant_id, repo);
    const l = store.layout(company, table);
    const page = store.page(l, { offset: opts.offset ?? 0, limit: opts.limit ?? 100, orderBy: opts.orderBy, descending: opts.descending ?? false });
    return {
      columns: l.fields.map((f) => ({
        name: f.field.name,
        fieldId: f.field.id,
        type: f.field.type,
        ...(f.field.length !== undefined ? { length: f.field.length } : {}),
        ownerAppId: f.field.ownerAppId,
      })),
      rows: page.rows,
      total: page.total,
    };
  }

  /** For tests and benchmarks: the SQL of a page query and the tenant connection to EXPLAIN it with. */
  pageQueryFor(tenantId: string, company: string, table: string, orderBy?: string): { db: Database.Database; sql: string } {
    const { row, repo } = this.readRepo(tenantId, 'record-read');
    const store = this.recordStore(row.tenant_id, repo);
    return { db: repo.db, sql: store.pageSql(store.layout(company, table), orderBy) };
  }

  /** How many tenant connections are open (bounded by MAX_OPEN_TENANTS). */
  get openTenantConnections(): number {
    return this.tenantDbs.size;
  }

  /** For tests: the open tenant database handle. */
  tenantDatabase(tenantId: string): Database.Database {
    return this.tenantRepo(this.tenantRow(tenantId)).db;
  }

  // ------------------------------------------------------------------------------------------------------------
  // move

  destinationFacts(): DestinationFacts {
    return {
      name: this.name,
      application: { name: this.app.name, version: this.app.version },
      catalog: this.catalogRepo.list().map((r) => ({ id: r.app_id, name: r.name, publisher: r.publisher, version: r.version })),
      tenantIds: this.registry.ids(),
    };
  }

  precheckMove(tenantId: string, destination: DestinationFacts): MovePrecheckReport {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'info', row.tenant_id);
    let installed: AppRef[];
    if (row.state === 'dismounted') {
      installed = this.registry
        .apps(row.tenant_id)
        .map((a) => ({ id: a.app_id, name: this.loadCatalog().get(`${a.app_id}@${a.version}`)?.row.name ?? a.app_id, publisher: '', version: a.version }));
    } else {
      installed = this.tenantRepo(row)
        .installed()
        .map((a) => ({ id: a.app_id, name: a.name, publisher: a.publisher, version: a.version }));
    }
    return movePrecheck({
      tenantId: row.tenant_id,
      source: { name: this.name, application: { name: this.app.name, version: this.app.version } },
      destination,
      installed,
      sizeBytes: databaseFileSize(row.file),
    });
  }

  /** Dismounts the tenant and returns its file, size and SHA-256 (the file is then safe to copy). */
  exportTenantFile(tenantId: string, opts: { actor?: string } = {}): ExportedTenantFile {
    const row = this.tenantRow(tenantId);
    if (row.state !== 'dismounted') this.dismount(row.tenant_id, opts);
    const { sha256, size } = sha256File(row.file);
    return { tenantId: row.tenant_id, path: row.file, size, sha256 };
  }

  /**
   * Adopts a tenant database file: copy into tenants/ through a temp file (+ fsync + rename), verify the SHA-256,
   * integrity_check, then mount. Any failure removes what was copied; the source file is never written.
   */
  importTenantFile(file: string, opts: { expectedSha256?: string; actor?: string; faultOp?: string } = {}): TenantSummary {
    const src = path.resolve(file);
    const faultOp = opts.faultOp ?? 'import';
    return this.deploymentOp('tenant.import', { file: src, expectedSha256: opts.expectedSha256 ?? null }, opts.actor, (opId) => {
      if (!fs.existsSync(src)) throw new TenantryError('NOT_FOUND', `${src} does not exist`, { file: src });
      // Never copy a live database: committed pages may still sit in its -wal file.
      const wal = `${src}-wal`;
      if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
        throw new TenantryError('TENANT_STATE', `${src} has a non-empty ${path.basename(wal)}: it is in use or was not dismounted cleanly; dismount it first`, {
          file: src,
        });
      }
      const temp = this.newImportPath();
      try {
        const { sha256 } = copyWithSha256(src, temp);
        faultPoint(faultOp, 'after-copy');
        return this.adopt(temp, { opId, label: src, sha256, expectedSha256: opts.expectedSha256, actor: opts.actor, faultOp, mount: true });
      } catch (e) {
        removeDatabaseFiles(temp);
        throw e;
      }
    });
  }

  /** A new temporary file name in tenants/ for a tenant file being received (removed on failure and on the next open). */
  newImportPath(): string {
    return path.join(this.tenantsDir, `.import-${crypto.randomUUID()}.sqlite`);
  }

  /**
   * Takes a tenant file received into newImportPath() (its SHA-256 computed while it was written) as the destination
   * of a staged move or an upload: checks the SHA-256 against the sender's, integrity_check, the mount checks and the
   * tenant id, renames it into place and registers it DISMOUNTED; tenant.mount makes it live. Any failure removes it.
   */
  adoptTenantFile(
    temp: string,
    opts: { sha256: string; size: number; expectedSha256: string; tenantId: string; moveId?: string; actor?: string },
  ): TenantSummary {
    const abs = path.resolve(temp);
    if (path.dirname(abs) !== this.tenantsDir || !path.basename(abs).startsWith('.import-')) {
      removeDatabaseFiles(abs);
      throw new TenantryError('BAD_INPUT', `${abs} is not a file received by this deployment`, { file: abs });
    }
    const tenantId = normalizeTenantId(opts.tenantId);
    return this.deploymentOp('tenant.receive', { tenantId, moveId: opts.moveId ?? null, sha256: opts.sha256, size: opts.size }, opts.actor, (opId) =>
      this.adopt(abs, {
        opId,
        label: `the file received for tenant "${tenantId}"`,
        sha256: opts.sha256,
        expectedSha256: opts.expectedSha256,
        expectedTenantId: tenantId,
        actor: opts.actor,
        faultOp: 'receive',
        mount: false,
        ...(opts.moveId !== undefined ? { moveId: opts.moveId, size: opts.size } : {}),
      }),
    );
  }

  /** Verifies, places and registers a tenant file already copied into tenants/ (see importTenantFile, adoptTenantFile). */
  private adopt(
    temp: string,
    p: {
      opId: string;
      label: string;
      sha256: string;
      expectedSha256: string | undefined;
      expectedTenantId?: string;
      actor: string | undefined;
      faultOp: string;
      mount: boolean;
      moveId?: string;
      size?: number;
    },
  ): TenantSummary {
    let placed: string | null = null;
    try {
      if (p.expectedSha256 !== undefined && p.sha256 !== p.expectedSha256.toLowerCase()) {
        throw new TenantryError('MOVE_FAILED', `${p.label}: the copy's SHA-256 ${p.sha256} differs from the expected ${p.expectedSha256}`, {
          file: p.label,
          sha256: p.sha256,
          expected: p.expectedSha256,
        });
      }
      const db = openDatabase(temp, 'tenant');
      let tenantId: string;
      let state: TenantState;
      let companies: string[] = [];
      let version = 1;
      let apps: { app_id: string; version: string; data_version: string; sync_state: string }[] = [];
      let archives: ArchiveIndexEntry[] = [];
      try {
        const check = integrityCheck(db);
        if (check !== 'ok') throw new TenantryError('MOVE_FAILED', `${p.label}: integrity check failed: ${check}`, { file: p.label });
        const repo = new TenantRepository(db);
        ({ tenantId, state } = this.mountCheck(repo, p.label));
        if (p.expectedTenantId !== undefined && tenantId !== p.expectedTenantId) {
          throw new TenantryError('BAD_INPUT', `${p.label} holds tenant "${tenantId}", not "${p.expectedTenantId}"`, {
            tenantId: p.expectedTenantId,
            fileTenantId: tenantId,
          });
        }
        companies = repo.companies().map((c) => c.name);
        if (this.registry.get(tenantId))
          throw new TenantryError('TENANT_EXISTS', `tenant "${tenantId}" already exists in deployment "${this.name}"`, { tenantId });
        repo.log({
          op_id: p.opId,
          actor: p.actor ?? SYSTEM_ACTOR,
          operation: p.mount ? 'tenant.mount' : 'tenant.receive',
          params: JSON.stringify(p.mount ? { file: p.label } : { moveId: p.moveId ?? null }),
          started_at: nowIso(),
          ended_at: nowIso(),
          result: 'succeeded',
          error_code: null,
          error_message: null,
        });
        version = Number(repo.meta('version') ?? '0') + 1;
        apps = repo.installed().map((a) => ({ app_id: a.app_id, version: a.version, data_version: a.data_version, sync_state: a.sync_state }));
        archives = archiveIndexOf(repo);
        checkpointTruncate(db);
      } finally {
        db.close();
      }
      faultPoint(p.faultOp, 'after-verify');
      const final = tenantFileName(this.tenantsDir, tenantId);
      if (fs.existsSync(final)) throw new TenantryError('TENANT_EXISTS', `${final} exists already`, { tenantId, file: final });
      fs.renameSync(temp, final);
      placed = final;
      fsyncDir(this.tenantsDir);
      faultPoint(p.faultOp, 'after-rename');
      const at = nowIso();
      this.track([tenantId], () => {
        this.registry.insert({
          tenant_id: tenantId,
          file: final,
          state: p.mount ? state : 'dismounted',
          failed_operation: null,
          failed_error: null,
          alternate_ids: '[]',
          companies: JSON.stringify(companies),
          application_version: this.app.version,
          created_at: at,
          mounted_at: p.mount ? at : null,
          version,
          archives: JSON.stringify(archives),
        });
        this.registry.replaceApps(tenantId, apps);
        if (p.moveId !== undefined) this.moves.receive({ move_id: p.moveId, tenant_id: tenantId, sha256: p.sha256, size: p.size ?? 0, received_at: at });
      });
      faultPoint(p.faultOp, 'after-mount');
      return this.summary(this.tenantRow(tenantId));
    } catch (e) {
      removeDatabaseFiles(temp);
      if (placed !== null) {
        const id = path.basename(placed, '.sqlite');
        this.closeTenantDb(id, false);
        if (!this.registry.get(id)) removeDatabaseFiles(placed);
      }
      throw e;
    }
  }

  /** Removes a tenant that now lives elsewhere: registry row and file. */
  private forgetTenant(tenantId: string): void {
    const row = this.registry.get(tenantId);
    this.closeTenantDb(tenantId, false);
    removeDatabaseFiles(row?.file ?? tenantFileName(this.tenantsDir, tenantId));
    if (row) this.track([tenantId], () => this.registry.remove(tenantId));
  }

  /** Called by a source deployment during recovery: is the tenant mounted and sound here? */
  hasMountedTenant(tenantId: string): boolean {
    const row = this.registry.get(tenantId);
    if (!row || row.state === 'dismounted' || !fs.existsSync(row.file)) return false;
    try {
      const repo = this.tenantRepo(row);
      return integrityCheck(repo.db) === 'ok' && repo.meta('tenant_id') === tenantId;
    } catch {
      return false;
    }
  }

  /** Called by a source deployment when a move is undone: drop a copy that was placed but never registered. */
  discardUnregisteredCopy(tenantId: string): void {
    if (this.registry.get(tenantId)) return;
    removeDatabaseFiles(tenantFileName(this.tenantsDir, tenantId));
  }

  // ------------------------------------------------------------------------------------------------------------
  // staged moves: the destination is held by another process (a server), reached through the contract

  /**
   * Phase 1 of a staged move, on the source: journal the move (mode 'staged'), dismount, compute the SHA-256. The
   * file is then sent (tenantFileForTransfer) and staged dismounted on the destination. completeMove (the decision:
   * the tenant leaves here) or abortMove (it is mounted back) ends it; so does the next open after a crash, by
   * undoing it: the destination mounts a staged copy only after completeMove, so undoing is always safe until then.
   */
  beginMove(tenantId: string, destination: string, opts: { actor?: string } = {}): OperationOutput<'move.begin'> {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'move', row.tenant_id);
    const open = this.moves.openForTenant(row.tenant_id);
    if (open) {
      throw new TenantryError(
        'TENANT_STATE',
        `tenant "${row.tenant_id}" has an unfinished move ${open.move_id} to ${open.destination}; complete it (move.complete) or undo it (move.abort) first`,
        { tenantId: row.tenant_id, moveId: open.move_id, destination: open.destination },
      );
    }
    const log = this.startLog('tenant.move', row.tenant_id, { destination, mode: 'staged' }, opts.actor);
    let journaled = false;
    try {
      this.moves.start({ move_id: log.opId, tenant_id: row.tenant_id, destination, prior_state: row.state, started_at: nowIso(), mode: 'staged' });
      journaled = true;
      faultPoint('move-out', 'after-journal');
      const exported = this.exportTenantFile(row.tenant_id, opts);
      this.moves.phase(log.opId, 'dismounted', nowIso(), { sha256: exported.sha256, size: exported.size });
      faultPoint('move-out', 'after-dismount');
      return { moveId: log.opId, tenantId: row.tenant_id, sha256: exported.sha256, size: exported.size, priorState: row.state, opId: log.opId };
    } catch (e) {
      this.remountAfterFailedMove(row.tenant_id, row.state);
      if (journaled) this.moves.finish(log.opId, 'rolled-back', nowIso(), (e as Error).message);
      this.finishLog(log.opId, e);
      throw isTenantryError(e)
        ? e
        : new TenantryError('INTERNAL', `moving tenant "${row.tenant_id}" could not start: ${(e as Error).message}`, { tenantId: row.tenant_id });
    }
  }

  private stagedMove(tenantId: string, moveId: string): { id: string; m: MoveRow } {
    const id = normalizeTenantId(tenantId);
    const m = this.moves.get(moveId);
    if (!m || m.tenant_id !== id || m.mode !== 'staged')
      throw new TenantryError('NOT_FOUND', `deployment "${this.name}" has no move ${moveId} of tenant "${id}"`, { tenantId: id, moveId });
    return { id, m };
  }

  /** The decision of a staged move: the destination holds a verified copy, so the tenant leaves this deployment. */
  completeMove(tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.complete'> {
    void opts;
    const { id, m } = this.stagedMove(tenantId, moveId);
    if (m.outcome === 'moved') return { moveId, tenantId: id, outcome: 'moved' };
    if (m.outcome === 'rolled-back') {
      throw new TenantryError(
        'MOVE_FAILED',
        `the move ${moveId} of tenant "${id}" was undone on deployment "${this.name}" (${m.error ?? 'undone'}); the tenant is mounted here again`,
        {
          tenantId: id,
          moveId,
        },
      );
    }
    if (m.phase !== 'dismounted')
      throw new TenantryError('MOVE_FAILED', `the move ${moveId} of tenant "${id}" did not get as far as sending the file (${m.phase})`, {
        tenantId: id,
        moveId,
        phase: m.phase,
      });
    faultPoint('move-out', 'before-complete');
    this.forgetTenant(id);
    this.moves.finish(moveId, 'moved', nowIso());
    this.finishLog(moveId);
    return { moveId, tenantId: id, outcome: 'moved' };
  }

  /** Undoes a staged move that was not completed: the tenant is mounted back here as it was. */
  abortMove(tenantId: string, moveId: string, opts: { reason?: string; actor?: string } = {}): OperationOutput<'move.abort'> {
    const { id, m } = this.stagedMove(tenantId, moveId);
    if (m.outcome === 'moved') {
      throw new TenantryError('MOVE_FAILED', `the move ${moveId} of tenant "${id}" was completed: the tenant now lives on ${m.destination}`, {
        tenantId: id,
        moveId,
        destination: m.destination,
      });
    }
    if (m.outcome === null) {
      const reason = opts.reason ?? 'aborted';
      this.remountAfterFailedMove(id, m.prior_state);
      this.moves.finish(moveId, 'rolled-back', nowIso(), reason);
      this.finishLog(moveId, new TenantryError('MOVE_FAILED', `moving tenant "${id}" to ${m.destination} was undone: ${reason}`, { tenantId: id }));
    }
    return { moveId, tenantId: id, outcome: 'rolled-back', state: this.tenantRow(id).state };
  }

  /** On a destination: drops the copy a staged move put here if it was never mounted (a no-op otherwise). */
  discardIncoming(tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.discardIncoming'> {
    const id = normalizeTenantId(tenantId);
    const row = this.registry.get(id);
    const pending = this.moves.pendingIncoming(id);
    if (!row || !pending || pending.move_id !== moveId || row.state !== 'dismounted') return { tenantId: id, moveId, discarded: false };
    this.deploymentOp('move.discardIncoming', { tenantId: id, moveId }, opts.actor, () => {
      this.forgetTenant(id);
      this.moves.finishIncoming(moveId, id, 'discarded', nowIso());
    });
    return { tenantId: id, moveId, discarded: true };
  }

  /**
   * A dismounted tenant's file to send (GET /tenants/:id/file). The SHA-256 comes from the open staged move when
   * there is one (computed while dismounting), otherwise it is computed now.
   */
  tenantFileForTransfer(tenantId: string): TransferFile {
    const row = this.tenantRow(tenantId);
    if (row.state !== 'dismounted') {
      throw new TenantryError(
        'TENANT_STATE',
        `tenant "${row.tenant_id}" is ${row.state}: its file is sent only while it is dismounted (begin a move, or dismount it)`,
        {
          tenantId: row.tenant_id,
          state: row.state,
        },
      );
    }
    const wal = `${row.file}-wal`;
    if (fs.existsSync(wal) && fs.statSync(wal).size > 0) {
      throw new TenantryError('TENANT_STATE', `tenant "${row.tenant_id}" has a non-empty ${path.basename(wal)}; mount and dismount it again`, {
        tenantId: row.tenant_id,
      });
    }
    const open = this.moves.openForTenant(row.tenant_id);
    const size = fs.statSync(row.file).size;
    if (open?.mode === 'staged' && open.sha256 !== null && open.size === size) return { tenantId: row.tenant_id, path: row.file, size, sha256: open.sha256 };
    const h = sha256File(row.file);
    return { tenantId: row.tenant_id, path: row.file, size: h.size, sha256: h.sha256 };
  }

  /**
   * Moves a tenant to another deployment: pre-check (nothing changes if it fails) -> dismount -> copy with
   * SHA-256 -> verify -> mount on the destination -> verify -> remove here. The move journal makes it recoverable:
   * on failure, and on the next open after a crash, the tenant is mounted back here as it was, unless the
   * destination has it mounted and verified; then the removal here is finished.
   */
  moveTenant(
    tenantId: string,
    dest: Deployment,
    opts: { actor?: string } = {},
  ): { tenantId: string; report: MovePrecheckReport; sha256: string; size: number; opId: string } {
    const row = this.tenantRow(tenantId);
    checkAllowed(row.state as TenantState, 'move', row.tenant_id);
    if (path.resolve(dest.folder) === path.resolve(this.folder))
      throw new TenantryError('BAD_INPUT', 'the destination is this deployment', { destination: dest.folder });
    const report = this.precheckMove(row.tenant_id, dest.destinationFacts());
    if (!report.ok) {
      throw new TenantryError('MOVE_PRECHECK_FAILED', `tenant "${row.tenant_id}" cannot move to "${dest.name}": ${report.problems.join('; ')}`, { report });
    }
    let opId = '';
    return this.deploymentOp('tenant.move', { tenantId: row.tenant_id, destination: dest.folder }, opts.actor, (id) => {
      opId = id;
      faultPoint('move', 'after-precheck');
      this.moves.start({ move_id: id, tenant_id: row.tenant_id, destination: dest.folder, prior_state: row.state, started_at: nowIso() });
      faultPoint('move', 'after-journal');
      let phase: MoveRow['phase'] = 'started';
      try {
        const exported = this.exportTenantFile(row.tenant_id, opts);
        this.moves.phase(id, 'dismounted', nowIso(), { sha256: exported.sha256, size: exported.size });
        phase = 'dismounted';
        faultPoint('move', 'after-dismount');
        dest.importTenantFile(exported.path, { expectedSha256: exported.sha256, faultOp: 'move', ...(opts.actor !== undefined ? { actor: opts.actor } : {}) });
        if (!dest.hasMountedTenant(row.tenant_id))
          throw new TenantryError('MOVE_FAILED', `tenant "${row.tenant_id}" did not verify on "${dest.name}" after mount`, { tenantId: row.tenant_id });
        const there = dest
          .tenantApps(row.tenant_id)
          .map((a) => `${a.id}@${a.version}`)
          .sort();
        const here = report.apps.map((a) => `${a.id}@${a.version}`).sort();
        if (there.join(',') !== here.join(','))
          throw new TenantryError('MOVE_FAILED', `tenant "${row.tenant_id}" shows other apps on "${dest.name}" after mount`, { there, here });
        this.moves.phase(id, 'mounted-on-destination', nowIso());
        phase = 'mounted-on-destination';
        faultPoint('move', 'after-destination-verify');
        this.forgetTenant(row.tenant_id);
        faultPoint('move', 'after-source-remove');
        this.moves.finish(id, 'moved', nowIso());
        return { tenantId: row.tenant_id, report, sha256: exported.sha256, size: exported.size, opId };
      } catch (e) {
        if (phase === 'mounted-on-destination') {
          // The destination has it, verified: finishing the removal here is the way forward.
          this.forgetTenant(row.tenant_id);
          this.moves.finish(id, 'moved', nowIso(), (e as Error).message);
          return { tenantId: row.tenant_id, report, sha256: '', size: 0, opId };
        }
        dest.discardUnregisteredCopy(row.tenant_id);
        if (dest.registry.get(row.tenant_id) && phase !== 'started') {
          dest.forgetTenant(row.tenant_id);
        }
        this.remountAfterFailedMove(row.tenant_id, row.state);
        this.moves.finish(id, 'rolled-back', nowIso(), (e as Error).message);
        const info = toErrorInfo(e);
        throw new TenantryError('MOVE_FAILED', `moving tenant "${row.tenant_id}" to "${dest.name}" failed and was undone: ${info.message}`, {
          tenantId: row.tenant_id,
          cause: info,
        });
      }
    });
  }

  private remountAfterFailedMove(tenantId: string, priorState: string): void {
    const row = this.registry.get(tenantId);
    if (!row) return;
    if (row.state === 'dismounted' && priorState !== 'dismounted') {
      this.track([tenantId], () => {
        this.registry.setState(tenantId, priorState as TenantState);
        this.registry.setMounted(tenantId, nowIso());
      });
    }
  }

  private recoverMove(m: MoveRow): void {
    if (m.mode === 'staged') {
      // Not completed, so the destination holds at most a staged copy it will not mount by itself: undo.
      this.remountAfterFailedMove(m.tenant_id, m.prior_state);
      this.moves.finish(m.move_id, 'rolled-back', nowIso(), 'undone on recovery: the process ended before the move was completed');
      return;
    }
    let destHas = false;
    let dest: Deployment | null = null;
    try {
      dest = Deployment.open(m.destination);
      destHas = dest.hasMountedTenant(m.tenant_id);
      if (!destHas) dest.discardUnregisteredCopy(m.tenant_id);
    } catch {
      destHas = false;
    } finally {
      dest?.close();
    }
    if (destHas) {
      this.forgetTenant(m.tenant_id);
      this.moves.finish(m.move_id, 'moved', nowIso(), 'finished on recovery');
    } else {
      this.remountAfterFailedMove(m.tenant_id, m.prior_state);
      this.moves.finish(m.move_id, 'rolled-back', nowIso(), 'undone on recovery');
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // the contract

  async invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    const def = OPERATIONS[op] as (typeof OPERATIONS)[OperationName] | undefined;
    if (!def) throw new TenantryError('BAD_INPUT', `unknown operation "${String(op)}"`, { op });
    const parsed = def.input.safeParse(input);
    if (!parsed.success)
      throw new TenantryError('BAD_INPUT', describeIssues(op, parsed.error.issues), {
        op,
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
      });
    return dispatch(this, op, parsed.data as ParsedInput<N>);
  }
}
