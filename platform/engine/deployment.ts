// A local deployment: a folder with deployment.sqlite (application, app catalog, tenant registry, operation log,
// move journal) and tenants/<id>.sqlite, one database per tenant. Class Deployment offers every operation of
// platform.md and the contract's invoke(op, input); it is a facade: each method is one call into the module that
// holds the logic (README.md lists them), over the shared state of deployment-core.ts. Each tenant operation is ONE
// transaction of the tenant database with its tenant log row inside (bookkeeping.ts); the deployment's registry is
// reconciled from the tenant afterwards (and again on open after a crash), so the tenant database is the truth.
import type Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CHANGE_RETENTION, type ChangesPage, type Snapshot } from '../../shared/api/changes.js';
import { TenantryError } from '../../shared/api/errors.js';
import {
  describeIssues,
  type ArchiveEntry,
  type CatalogEntry,
  type DestinationFacts,
  type Invoker,
  type LogEntry,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type TenantApp,
  type TenantSummary,
} from '../../shared/api/operations.js';
import type { AppRef } from '../../shared/domain/conflicts.js';
import type { MovePrecheckReport } from '../../shared/domain/move-precheck.js';
import { ApplicationSchema, type Application } from '../../shared/domain/objects.js';
import * as archive from './archive.js';
import * as bookkeeping from './bookkeeping.js';
import * as catalog from './catalog.js';
import type { PublishOptions, PublishResult } from './catalog.js';
import * as feed from './change-feed.js';
import { openDatabase } from './db/open-database.js';
import { DEFAULT_APPLICATION } from './default-application.js';
import { attachCore, DEPLOYMENT_FILE, DeploymentCore, TENANTS_DIR, type OpenDeploymentOptions } from './deployment-core.js';
import { invokeOperation } from './invoke.js';
import * as moves from './moves.js';
import type { TransferFile } from './moves.js';
import type { RecordValues } from './records.js';
import { JobRepository } from './repositories/job-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import type { TenantRepository } from './repositories/tenant-repository.js';
import { refuseIfServed } from './server-lock.js';
import * as lifecycle from './tenant-lifecycle.js';
import type { ExportedTenantFile } from './tenant-lifecycle.js';
import * as operations from './tenant-operations.js';
import type { PerTenantInstall, PerTenantUpgrade } from './tenant-operations.js';
import type { SyncMode, UpgradeOptions, UpgradeResult } from './tenant-ops.js';
import * as records from './tenant-records.js';
import { TokenStore } from './token-store.js';

export { DEPLOYMENT_FILE, MAX_OPEN_TENANTS, TENANTS_DIR, normalizeTenantId, type OpenDeploymentOptions } from './deployment-core.js';
export type { PublishOptions, PublishResult } from './catalog.js';
export type { ExportedTenantFile } from './tenant-lifecycle.js';
export { INSTALL_BATCH, type PerTenantInstall, type PerTenantUpgrade } from './tenant-operations.js';
export type { TransferFile } from './moves.js';

const FORMAT = 'tenantry-deployment';

export interface CreateDeploymentOptions extends OpenDeploymentOptions {
  application?: Application;
  name?: string;
}

export class Deployment implements Invoker {
  private readonly core: DeploymentCore;

  private constructor(folder: string, db: Database.Database, opts: OpenDeploymentOptions = {}) {
    this.core = new DeploymentCore(folder, db, Math.max(1, Math.trunc(opts.changeRetention ?? DEFAULT_CHANGE_RETENTION)));
    attachCore(this, this.core);
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
    this.core.close();
  }

  get folder(): string {
    return this.core.folder;
  }

  get tenantsDir(): string {
    return this.core.tenantsDir;
  }

  get name(): string {
    return this.core.name;
  }

  get application(): Application {
    return this.core.app;
  }

  info(): OperationOutput<'deployment.info'> {
    return this.core.info();
  }

  /** The newest seq of the change feed. */
  get changeSeq(): number {
    return this.core.changes.latest();
  }

  /** Jobs of the management server, stored in this deployment's database. */
  get jobs(): JobRepository {
    this.core.jobRepo ??= new JobRepository(this.core.db);
    return this.core.jobRepo;
  }

  /** API tokens of the management server, stored in this deployment's database. */
  get tokens(): TokenStore {
    this.core.tokenStore ??= new TokenStore(this.core.db);
    return this.core.tokenStore;
  }

  /** Finishes or undoes what a crash interrupted (operations left 'running', open moves, the feed's mirror). */
  private recover(): void {
    bookkeeping.recoverOperations(this.core);
    for (const m of this.core.moves.open()) moves.recoverMove(this.core, m, (folder) => Deployment.open(folder).core);
    if (this.core.meta('mirror') === undefined) bookkeeping.buildMirror(this.core);
  }

  // ------------------------------------------------------------------------------------------------------------
  // the change feed (change-feed.ts)

  snapshot(scope?: { tenants: ReadonlySet<string> }): Snapshot {
    return feed.snapshot(this.core, scope);
  }

  snapshotJson(scope?: { tenants: ReadonlySet<string> }): string {
    return feed.snapshotJson(this.core, scope);
  }

  changesSince(since: number, limit: number, scope?: { tenants: ReadonlySet<string> }): ChangesPage {
    return feed.changesSince(this.core, since, limit, scope);
  }

  // ------------------------------------------------------------------------------------------------------------
  // operation log and tenant versions (bookkeeping.ts)

  hasTenant(tenantId: string): boolean {
    return bookkeeping.hasTenant(this.core, tenantId);
  }

  tenantVersion(tenantId: string): number {
    return bookkeeping.tenantVersion(this.core, tenantId);
  }

  checkVersion(tenantId: string, expected: number): void {
    return bookkeeping.checkVersion(this.core, tenantId, expected);
  }

  tenantLog(tenantId: string, limit = 100): LogEntry[] {
    return bookkeeping.tenantLog(this.core, tenantId, limit);
  }

  log(opts: { tenantId?: string; limit?: number } = {}): LogEntry[] {
    return bookkeeping.log(this.core, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // the application and the app catalog (catalog.ts)

  resolveAppId(key: string, tenant?: TenantRepository): string {
    return catalog.resolveAppId(this.core, key, tenant);
  }

  publish(bytes: Uint8Array, opts: PublishOptions = {}): PublishResult {
    return catalog.publish(this.core, bytes, opts);
  }

  publishMany(
    files: readonly { bytes: Uint8Array; fileName?: string }[],
    opts: Omit<PublishOptions, 'fileName'> = {},
  ): { results: (Omit<PublishResult, 'opId'> & { fileName: string | null })[]; opId: string } {
    return catalog.publishMany(this.core, files, opts);
  }

  unpublish(appKey: string, version: string, opts: { actor?: string } = {}): { app: AppRef; opId: string } {
    return catalog.unpublish(this.core, appKey, version, opts);
  }

  catalog(): CatalogEntry[] {
    return catalog.catalog(this.core);
  }

  packageBytes(appKey: string, version: string): Buffer {
    return catalog.packageBytes(this.core, appKey, version);
  }

  packageInfo(bytes: Uint8Array, fileName?: string): OperationOutput<'app.info'> {
    return catalog.packageInfo(this.core, bytes, fileName);
  }

  appTenants(appKey: string): OperationOutput<'app.tenants'> {
    return catalog.appTenants(this.core, appKey);
  }

  repair(appKey?: string, version?: string, opts: { actor?: string } = {}): OperationOutput<'app.repair'> {
    return catalog.repair(this.core, appKey, version, opts);
  }

  setApplication(application: Application, opts: { actor?: string } = {}): OperationOutput<'deployment.setApplication'> {
    return catalog.setApplication(this.core, application, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // tenant lifecycle (tenant-lifecycle.ts)

  createTenant(tenantId: string, opts: { companies?: string[]; alternateIds?: string[]; actor?: string } = {}): TenantSummary {
    return lifecycle.createTenant(this.core, tenantId, opts);
  }

  listTenants(): TenantSummary[] {
    return lifecycle.listTenants(this.core);
  }

  getTenant(tenantId: string): TenantSummary & { apps: TenantApp[] } {
    return lifecycle.getTenant(this.core, tenantId);
  }

  mount(target: { tenantId: string } | { file: string }, opts: { actor?: string } = {}): TenantSummary {
    return lifecycle.mount(this.core, target, opts);
  }

  dismount(tenantId: string, opts: { actor?: string } = {}): OperationOutput<'tenant.dismount'> {
    return lifecycle.dismount(this.core, tenantId, opts);
  }

  removeAppsForTenant(tenantId: string, opts: { doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {}): OperationOutput<'tenant.removeApps'> {
    return lifecycle.removeAppsForTenant(this.core, tenantId, opts);
  }

  tenantApps(tenantId: string): TenantApp[] {
    return lifecycle.tenantApps(this.core, tenantId);
  }

  exportTenantFile(tenantId: string, opts: { actor?: string } = {}): ExportedTenantFile {
    return lifecycle.exportTenantFile(this.core, tenantId, opts);
  }

  importTenantFile(file: string, opts: { expectedSha256?: string; actor?: string; faultOp?: string } = {}): TenantSummary {
    return lifecycle.importTenantFile(this.core, file, opts);
  }

  newImportPath(): string {
    return lifecycle.newImportPath(this.core);
  }

  adoptTenantFile(
    temp: string,
    opts: { sha256: string; size: number; expectedSha256: string; tenantId: string; moveId?: string; actor?: string },
  ): TenantSummary {
    return lifecycle.adoptTenantFile(this.core, temp, opts);
  }

  hasMountedTenant(tenantId: string): boolean {
    return lifecycle.hasMountedTenant(this.core, tenantId);
  }

  discardUnregisteredCopy(tenantId: string): void {
    return lifecycle.discardUnregisteredCopy(this.core, tenantId);
  }

  // ------------------------------------------------------------------------------------------------------------
  // install / uninstall / upgrade / sync (tenant-operations.ts)

  install(
    tenantIds: readonly string[],
    appKey: string,
    opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
  ): PerTenantInstall[] {
    return operations.install(this.core, tenantIds, appKey, opts);
  }

  installOne(
    tenantId: string,
    appKey: string,
    opts: { version?: string; installDependencies?: boolean; loadData?: boolean; actor?: string } = {},
  ): PerTenantInstall {
    return operations.installOne(this.core, tenantId, appKey, opts);
  }

  uninstall(
    tenantId: string,
    appKey: string,
    opts: { uninstallDependents?: boolean; doNotSaveData?: boolean; acknowledge?: boolean; actor?: string } = {},
  ): OperationOutput<'tenant.uninstall'> {
    return operations.uninstall(this.core, tenantId, appKey, opts);
  }

  upgrade(tenantIds: string | readonly string[], appKey: string, opts: { version?: string; actor?: string } & UpgradeOptions = {}): PerTenantUpgrade[] {
    return operations.upgrade(this.core, tenantIds, appKey, opts);
  }

  checkUpgrade(tenantId: string, appKey: string, opts: { version?: string } = {}): OperationOutput<'tenant.upgradeCheck'> {
    return operations.checkUpgrade(this.core, tenantId, appKey, opts);
  }

  upgradeOne(tenantId: string, appKey: string, opts: { version?: string; actor?: string } & UpgradeOptions = {}): UpgradeResult & { opId: string } {
    return operations.upgradeOne(this.core, tenantId, appKey, opts);
  }

  sync(tenantId: string, appKey: string | undefined, opts: { mode?: SyncMode; acknowledge?: boolean; actor?: string } = {}): OperationOutput<'tenant.sync'> {
    return operations.sync(this.core, tenantId, appKey, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // merged view, permission sets, subscribers, records (tenant-records.ts)

  mergedView(tenantId: string): OperationOutput<'tenant.objects'> {
    return records.mergedView(this.core, tenantId);
  }

  permissionSets(tenantId: string): OperationOutput<'tenant.permissionSets'> {
    return records.permissionSets(this.core, tenantId);
  }

  subscribers(tenantId: string): OperationOutput<'tenant.subscribers'> {
    return records.subscribers(this.core, tenantId);
  }

  insertRecord(tenantId: string, company: string, table: string, values: RecordValues): { rid: number; record: RecordValues } {
    return records.insertRecord(this.core, tenantId, company, table, values);
  }

  insertMany(tenantId: string, company: string, table: string, rows: readonly RecordValues[]): { inserted: number } {
    return records.insertMany(this.core, tenantId, company, table, rows);
  }

  modifyRecord(tenantId: string, company: string, table: string, key: RecordValues, changes: RecordValues): { rid: number; record: RecordValues } {
    return records.modifyRecord(this.core, tenantId, company, table, key, changes);
  }

  deleteRecord(tenantId: string, company: string, table: string, key: RecordValues): { rid: number; deleted: true } {
    return records.deleteRecord(this.core, tenantId, company, table, key);
  }

  readPage(
    tenantId: string,
    company: string,
    table: string,
    opts: { offset?: number; limit?: number; orderBy?: string; descending?: boolean } = {},
  ): OperationOutput<'record.page'> {
    return records.readPage(this.core, tenantId, company, table, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // archive (archive.ts)

  archiveList(tenantId: string): ArchiveEntry[] {
    return archive.archiveList(this.core, tenantId);
  }

  archiveRows(tenantId: string, archiveId: number, opts: { offset?: number; limit?: number } = {}): OperationOutput<'archive.rows'> {
    return archive.archiveRows(this.core, tenantId, archiveId, opts);
  }

  exportCsv(tenantId: string, archiveId: number): OperationOutput<'archive.export'> {
    return archive.exportCsv(this.core, tenantId, archiveId);
  }

  discardArchive(
    tenantId: string,
    target: { archiveId: number } | { appId: string },
    opts: { confirmRows?: number; actor?: string } = {},
  ): OperationOutput<'archive.discard'> {
    return archive.discardArchive(this.core, tenantId, target, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // moves and staged moves (moves.ts)

  destinationFacts(): DestinationFacts {
    return moves.destinationFacts(this.core);
  }

  precheckMove(tenantId: string, destination: DestinationFacts): MovePrecheckReport {
    return moves.precheckMove(this.core, tenantId, destination);
  }

  beginMove(tenantId: string, destination: string, opts: { actor?: string } = {}): OperationOutput<'move.begin'> {
    return moves.beginMove(this.core, tenantId, destination, opts);
  }

  completeMove(tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.complete'> {
    return moves.completeMove(this.core, tenantId, moveId, opts);
  }

  abortMove(tenantId: string, moveId: string, opts: { reason?: string; actor?: string } = {}): OperationOutput<'move.abort'> {
    return moves.abortMove(this.core, tenantId, moveId, opts);
  }

  discardIncoming(tenantId: string, moveId: string, opts: { actor?: string } = {}): OperationOutput<'move.discardIncoming'> {
    return moves.discardIncoming(this.core, tenantId, moveId, opts);
  }

  tenantFileForTransfer(tenantId: string): TransferFile {
    return moves.tenantFileForTransfer(this.core, tenantId);
  }

  /**
   * Moves a tenant to another deployment: pre-check (nothing changes if it fails) -> dismount -> copy with
   * SHA-256 -> verify -> mount on the destination -> verify -> remove here (moves.ts).
   */
  moveTenant(
    tenantId: string,
    dest: Deployment,
    opts: { actor?: string } = {},
  ): { tenantId: string; report: MovePrecheckReport; sha256: string; size: number; opId: string } {
    return moves.moveTenant(this.core, tenantId, dest.core, opts);
  }

  // ------------------------------------------------------------------------------------------------------------
  // the contract (invoke.ts)

  async invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    return invokeOperation(this.core, op, input);
  }
}
