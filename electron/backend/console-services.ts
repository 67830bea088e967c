// The console services behind the console contract (shared/api/console.ts): one object that the Electron main
// process and the browser host both serve unchanged. `handle(op, input)` parses the input with the contract's
// schema, acts, and answers `{ok, value}` or `{ok: false, error}`; nothing here imports electron.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONSOLE_OPERATIONS,
  isConsoleOperation,
  type Connection,
  type ConnectionDraft,
  type ConsoleOperationName,
  type ConsoleOutput,
  type ConsoleParsedInput,
  type DeploymentOverview,
  type DeploymentSnapshot,
  type JobEvent,
  type TenantDetail,
} from '../../shared/api/console.js';
import { TenantryError, toErrorInfo, type ErrorInfo, type Result } from '../../shared/api/errors.js';
import { OPERATIONS, describeIssues, type OperationName } from '../../shared/api/operations.js';
import { AuditLog } from './audit-log.js';
import { SnapshotCache } from './cache.js';
import { ConnectionsRepository } from './connections-repository.js';
import { openConsoleDb, type Db } from './db.js';
import type { Driver } from './drivers/driver.js';
import { LocalDriver } from './drivers/local-driver.js';
import { RemoteDriver, checkTransport } from './drivers/remote-driver.js';
import { fleetOf, mergeExtensions, readDeployment, type DeploymentRead, type ExtensionFacts } from './fleet.js';
import { JobService } from './jobs.js';
import { buildPlan } from './plan.js';
import { fileKeySecretBox, type SecretBox } from './secret-box.js';

export interface ConsoleServicesOptions {
  /** the console's own folder: console.sqlite, and the key file when no OS keychain is given */
  dataDir: string;
  host: 'electron' | 'browser';
  secrets?: SecretBox;
  actor?: string;
  version?: string;
}

const FLEET_KEY = 'fleet';
const OVERVIEW_KEY = 'overview';
const tenantKey = (tenantId: string): string => `tenant:${tenantId.toLowerCase()}`;

export function defaultActor(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `console@${os.hostname()}`;
  }
}

export class ConsoleServices {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly jobs: JobService;
  private readonly connections: ConnectionsRepository;
  private readonly cache: SnapshotCache;
  private readonly drivers = new Map<string, Driver>();
  private readonly reads = new Map<string, DeploymentRead>();
  private readonly actor: string;
  private readonly secrets: SecretBox;

  constructor(private readonly opts: ConsoleServicesOptions) {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    this.db = openConsoleDb(path.join(opts.dataDir, 'console.sqlite'));
    this.secrets = opts.secrets ?? fileKeySecretBox(opts.dataDir);
    this.actor = opts.actor ?? defaultActor();
    this.connections = new ConnectionsRepository(this.db, this.secrets);
    this.cache = new SnapshotCache(this.db);
    this.audit = new AuditLog(this.db);
    this.jobs = new JobService(this.db, {
      driverFor: (id) => this.driverFor(id),
      connectionName: (id) => this.connectionName(id),
      appName: (cid, appId) => this.appName(cid, appId),
      actor: this.actor,
      audit: this.audit,
    });
  }

  onJobEvent(listener: (e: JobEvent) => void): () => void {
    return this.jobs.onEvent(listener);
  }

  /** The one entry point of every transport. */
  async handle(op: string, rawInput: unknown): Promise<Result<unknown>> {
    if (!isConsoleOperation(op)) return { ok: false, error: { code: 'BAD_INPUT', message: `"${op}" is not an operation of the console`, details: { op } } };
    const parsed = CONSOLE_OPERATIONS[op].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_INPUT', message: describeIssues(op, parsed.error.issues), details: { op, issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })) } } };
    }
    try {
      const value = await this.dispatch(op, parsed.data as never);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  /** Typed entry for in-process callers (tests, the Electron main); throws TenantryError. */
  async call<N extends ConsoleOperationName>(op: N, input: unknown): Promise<ConsoleOutput<N>> {
    const r = await this.handle(op, input);
    if (!r.ok) throw new TenantryError(r.error.code, r.error.message, r.error.details);
    return r.value as ConsoleOutput<N>;
  }

  async close(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.close()));
    this.drivers.clear();
    this.db.close();
  }

  // ---- dispatch ----------------------------------------------------------------------------------

  private async dispatch<N extends ConsoleOperationName>(op: N, input: ConsoleParsedInput<N>): Promise<unknown> {
    const i = input as never;
    switch (op) {
      case 'console.info':
        return { version: this.opts.version ?? '0.1.0', host: this.opts.host, actor: this.actor, dataDir: this.opts.dataDir, secrets: this.secrets.kind };
      case 'connections.list':
        return this.connections.list();
      case 'connections.add':
        return this.addConnection(i);
      case 'connections.update':
        return this.updateConnection(i);
      case 'connections.remove':
        return this.removeConnection(i);
      case 'connections.test':
        return this.testConnection(i);
      case 'fleet.snapshot':
        return this.fleet((input as ConsoleParsedInput<'fleet.snapshot'>).refresh);
      case 'deployment.overview':
        return this.overview((input as ConsoleParsedInput<'deployment.overview'>).connectionId);
      case 'tenant.detail':
        return this.tenantDetail(i);
      case 'deployment.call':
        return this.deploymentCall(i);
      case 'jobs.plan':
        return buildPlan(i, (id) => this.driverFor(id));
      case 'jobs.start':
        return this.startJob(i);
      case 'jobs.list':
        return this.jobs.list((input as ConsoleParsedInput<'jobs.list'>).limit);
      case 'jobs.get':
        return this.jobs.get((input as ConsoleParsedInput<'jobs.get'>).jobId);
      case 'jobs.cancel':
        return this.cancelJob((input as ConsoleParsedInput<'jobs.cancel'>).jobId);
      case 'audit.list': {
        const a = input as ConsoleParsedInput<'audit.list'>;
        return this.audit.list(a.limit, a.beforeSeq);
      }
      case 'audit.verify':
        return this.audit.verify();
      case 'audit.export': {
        const out = this.audit.export((input as ConsoleParsedInput<'audit.export'>).format);
        this.audit.append({ actor: this.actor, action: 'audit.export', params: { format: (input as ConsoleParsedInput<'audit.export'>).format, fileName: out.fileName }, result: 'succeeded' });
        return out;
      }
    }
    throw new TenantryError('BAD_INPUT', `"${String(op)}" is not an operation of the console`);
  }

  // ---- connections -------------------------------------------------------------------------------

  private driverFor(connectionId: string): Driver {
    const existing = this.drivers.get(connectionId);
    if (existing) return existing;
    const c = this.connections.get(connectionId);
    const d = this.makeDriver(c.kind === 'local' ? { kind: 'local', name: c.name, folder: c.folder! } : { kind: 'remote', name: c.name, url: c.url!, token: this.connections.token(c.id) ?? '', allowInsecure: c.allowInsecure });
    this.drivers.set(connectionId, d);
    return d;
  }

  private makeDriver(draft: ConnectionDraft): Driver {
    if (draft.kind === 'local') return new LocalDriver(path.resolve(draft.folder));
    return new RemoteDriver({ url: draft.url, token: draft.token, allowInsecure: draft.allowInsecure });
  }

  private async dropDriver(id: string): Promise<void> {
    const d = this.drivers.get(id);
    this.drivers.delete(id);
    await d?.close();
  }

  private connectionName(id: string): string {
    try {
      return this.connections.get(id).name;
    } catch {
      return id;
    }
  }

  private appName(connectionId: string, appId: string): string {
    const read = this.reads.get(connectionId) ?? this.cache.get<DeploymentRead>(connectionId, FLEET_KEY)?.value;
    const key = appId.toLowerCase();
    return read?.catalog.find((a) => a.id.toLowerCase() === key || a.name.toLowerCase() === key)?.name ?? read?.archivedApps.find((a) => a.id.toLowerCase() === key)?.name ?? appId;
  }

  private async probe(d: Driver): Promise<ConsoleOutput<'connections.test'>> {
    try {
      const [info, catalog] = await Promise.all([d.invoke('deployment.info', {}), d.invoke('app.catalog', {})]);
      return { ok: true, application: { name: info.application.name, version: info.application.version }, tenantCount: info.tenants, extensionCount: new Set(catalog.apps.map((a) => a.id)).size };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  private normaliseDraft(draft: ConnectionDraft): ConnectionDraft {
    if (draft.kind === 'local') {
      const folder = path.resolve(draft.folder.replace(/^~(?=$|[\\/])/, os.homedir()));
      if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
        throw new TenantryError('BAD_INPUT', `folder: ${folder} does not exist or is not a folder`, { folder });
      }
      return { ...draft, folder };
    }
    checkTransport(draft.url, draft.allowInsecure);
    return draft;
  }

  private async addConnection(raw: ConnectionDraft): Promise<Connection> {
    const draft = this.normaliseDraft(raw);
    if (draft.kind === 'local') {
      // A local folder must be a deployment now; a remote one may be unreachable and still be added (offline use).
      const d = this.makeDriver(draft);
      try {
        const probe = await this.probe(d);
        if (!probe.ok) throw new TenantryError((probe.error?.code as ErrorInfo['code']) ?? 'DEPLOYMENT_INVALID', `folder: ${draft.folder} is not a deployment: ${probe.error?.message ?? ''}`.trim(), { folder: draft.folder });
      } finally {
        await d.close();
      }
    }
    const c = this.connections.add(draft);
    this.audit.append({ actor: this.actor, action: 'connections.add', connectionId: c.id, connectionName: c.name, params: raw, result: 'succeeded' });
    return c;
  }

  private async updateConnection(input: ConsoleParsedInput<'connections.update'>): Promise<Connection> {
    const before = this.connections.get(input.id);
    if (input.folder !== undefined) input = { ...input, folder: (this.normaliseDraft({ kind: 'local', name: before.name, folder: input.folder }) as { folder: string }).folder };
    if (input.url !== undefined || input.allowInsecure !== undefined) checkTransport(input.url ?? before.url ?? '', input.allowInsecure ?? before.allowInsecure);
    const { id, ...changes } = input;
    const c = this.connections.update(id, changes);
    await this.dropDriver(id);
    this.reads.delete(id);
    this.audit.append({ actor: this.actor, action: 'connections.update', connectionId: c.id, connectionName: c.name, params: input, result: 'succeeded' });
    return c;
  }

  private async removeConnection(input: { id: string }): Promise<{ removed: boolean }> {
    const c = this.connections.get(input.id);
    await this.dropDriver(input.id);
    this.reads.delete(input.id);
    const removed = this.connections.remove(input.id);
    this.audit.append({ actor: this.actor, action: 'connections.remove', connectionId: c.id, connectionName: c.name, params: { id: input.id }, result: 'succeeded' });
    return { removed };
  }

  private async testConnection(input: ConsoleParsedInput<'connections.test'>): Promise<ConsoleOutput<'connections.test'>> {
    if ('id' in input) return this.probe(this.driverFor(input.id));
    let draft: ConnectionDraft;
    try {
      draft = this.normaliseDraft(input.draft);
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
    const d = this.makeDriver(draft);
    try {
      return await this.probe(d);
    } finally {
      await d.close();
    }
  }

  // ---- reads with the offline cache --------------------------------------------------------------

  /** Reads one deployment live; on failure falls back to its cached read, marked not live with the error. */
  private async readOrCached(c: Connection): Promise<DeploymentRead> {
    try {
      const read = await readDeployment(c, this.driverFor(c.id));
      this.cache.put(c.id, FLEET_KEY, read, read.snapshot.asOf ?? undefined);
      this.reads.set(c.id, read);
      return read;
    } catch (e) {
      const cached = this.cachedRead(c);
      return { ...cached, snapshot: { ...cached.snapshot, error: toErrorInfo(e) } };
    }
  }

  /** refresh=false answers from the cache alone (instantly, marked not live), e.g. to paint before a slow read. */
  private cachedRead(c: Connection): DeploymentRead {
    const cached = this.cache.get<DeploymentRead>(c.id, FLEET_KEY);
    const snapshot: DeploymentSnapshot = cached
      ? { ...cached.value.snapshot, name: c.name, live: false, asOf: cached.takenAt }
      : { connectionId: c.id, name: c.name, kind: c.kind, asOf: null, live: false, application: null, tenants: [], published: [], cells: [] };
    return { snapshot, catalog: cached?.value.catalog ?? [], archivedApps: cached?.value.archivedApps ?? [] };
  }

  private async fleet(refresh: boolean): Promise<ConsoleOutput<'fleet.snapshot'>> {
    const reads = await Promise.all(this.connections.list().map((c) => (refresh ? this.readOrCached(c) : Promise.resolve(this.cachedRead(c)))));
    const facts: ExtensionFacts[] = [];
    for (const r of reads) {
      for (const a of r.catalog) {
        facts.push({ id: a.id, name: a.name, publisher: a.publisher, version: a.version, dependencies: a.dependencies.map((d) => ({ id: d.id, name: d.name, version: d.version })), connectionId: r.snapshot.connectionId });
      }
      for (const a of r.archivedApps) facts.push({ ...a, dependencies: [], connectionId: '' });
    }
    return fleetOf(
      reads.map((r) => r.snapshot),
      mergeExtensions(facts),
    );
  }

  private async overview(connectionId: string): Promise<DeploymentOverview> {
    const c = this.connections.get(connectionId);
    const d = this.driverFor(connectionId);
    try {
      const [read, log] = await Promise.all([readDeployment(c, d), d.invoke('log.list', { limit: 25 })]);
      this.cache.put(c.id, FLEET_KEY, read);
      this.reads.set(c.id, read);
      const ov = overviewOf(c, read, log.entries);
      this.cache.put(c.id, OVERVIEW_KEY, ov, read.snapshot.asOf ?? undefined);
      return ov;
    } catch (e) {
      const error = toErrorInfo(e);
      const cached = this.cache.get<DeploymentOverview>(c.id, OVERVIEW_KEY);
      if (cached) return { ...cached.value, name: c.name, live: false, asOf: cached.takenAt, error };
      const fleetCached = this.cache.get<DeploymentRead>(c.id, FLEET_KEY);
      if (fleetCached) return { ...overviewOf(c, fleetCached.value, []), live: false, asOf: fleetCached.takenAt, error };
      return { connectionId: c.id, name: c.name, asOf: null, live: false, error, application: null, tenantsByState: {}, tenantCount: 0, extensions: [], latestOperations: [] };
    }
  }

  private async tenantDetail(input: { connectionId: string; tenantId: string }): Promise<TenantDetail> {
    const c = this.connections.get(input.connectionId);
    const d = this.driverFor(c.id);
    const tenantId = input.tenantId;
    try {
      const tenant = await d.invoke('tenant.get', { tenantId });
      const mounted = tenant.state !== 'dismounted';
      const none = <T>(v: T): Promise<T> => Promise.resolve(v);
      const [objects, permissionSets, subscribers, log, archive] = await Promise.all([
        mounted ? d.invoke('tenant.objects', { tenantId }) : none({ objects: [], tables: [] }),
        mounted ? d.invoke('tenant.permissionSets', { tenantId }) : none({ permissionSets: [] }),
        mounted ? d.invoke('tenant.subscribers', { tenantId }) : none({ subscribers: [] }),
        d.invoke('tenant.log', { tenantId, limit: 200 }).catch(() => ({ entries: [] })),
        mounted ? d.invoke('archive.list', { tenantId }) : none({ archives: [] }),
      ]);
      const detail: TenantDetail = {
        connectionId: c.id,
        connectionName: c.name,
        tenantId: tenant.id,
        asOf: new Date().toISOString(),
        live: true,
        tenant,
        apps: tenant.apps,
        objects,
        permissionSets: permissionSets.permissionSets,
        subscribers: subscribers.subscribers,
        log: log.entries,
        archive: archive.archives,
      };
      this.cache.put(c.id, tenantKey(tenant.id), detail, detail.asOf ?? undefined);
      return detail;
    } catch (e) {
      const error = toErrorInfo(e);
      // A refusal about the tenant itself (unknown id) is an answer, not an outage: do not serve a stale copy.
      if (error.code === 'TENANT_NOT_FOUND' || error.code === 'BAD_INPUT') throw e;
      const cached = this.cache.get<TenantDetail>(c.id, tenantKey(tenantId));
      if (!cached) throw new TenantryError(error.code, `${c.name} cannot be reached and tenant "${tenantId}" is not in the cache: ${error.message}`, { connectionId: c.id, tenantId });
      return { ...cached.value, live: false, asOf: cached.takenAt, error };
    }
  }

  // ---- operations --------------------------------------------------------------------------------

  private async deploymentCall(call: { connectionId: string; op: OperationName; input: unknown }): Promise<unknown> {
    const c = this.connections.get(call.connectionId);
    const spec = OPERATIONS[call.op];
    const input = spec.kind === 'write' ? { ...(call.input as Record<string, unknown>), ...('actor' in spec.input.shape ? { actor: this.actor } : {}) } : call.input;
    const target = typeof (input as { tenantId?: unknown }).tenantId === 'string' ? (input as { tenantId: string }).tenantId : Array.isArray((input as { tenantIds?: unknown }).tenantIds) ? ((input as { tenantIds: string[] }).tenantIds).join(',') : null;
    try {
      const value = await this.driverFor(c.id).invoke(call.op, input as never);
      if (spec.kind === 'write') {
        const opId = typeof (value as { opId?: unknown }).opId === 'string' ? (value as { opId: string }).opId : null;
        this.audit.append({ actor: this.actor, action: call.op, connectionId: c.id, connectionName: c.name, target, params: input, result: 'succeeded', opId });
      }
      return value;
    } catch (e) {
      if (spec.kind === 'write') {
        const info = toErrorInfo(e);
        this.audit.append({ actor: this.actor, action: call.op, connectionId: c.id, connectionName: c.name, target, params: input, result: 'failed', error: `${info.code}: ${info.message}` });
      }
      throw e;
    }
  }

  private startJob(spec: ConsoleParsedInput<'jobs.start'>): { jobId: string } {
    for (const id of new Set(spec.targets.map((t) => t.connectionId))) this.connections.get(id);
    const jobId = this.jobs.start(spec);
    this.audit.append({ actor: this.actor, action: 'jobs.start', params: { action: spec.action, targets: spec.targets.length, installDependencies: spec.installDependencies, uninstallDependents: spec.uninstallDependents }, result: 'succeeded', jobId });
    return { jobId };
  }

  private cancelJob(jobId: string): ConsoleOutput<'jobs.cancel'> {
    const job = this.jobs.cancel(jobId);
    return job;
  }
}

function overviewOf(c: Connection, read: DeploymentRead, log: readonly { opId: string; operation: string; actor: string; tenantId: string | null; startedAt: string; result: string; errorMessage: string | null }[]): DeploymentOverview {
  const byState: Record<string, number> = {};
  for (const t of read.snapshot.tenants) byState[t.state] = (byState[t.state] ?? 0) + 1;
  const installedIn = new Map<string, number>();
  for (const cell of read.snapshot.cells) if (cell.installed) installedIn.set(cell.appId, (installedIn.get(cell.appId) ?? 0) + 1);
  const apps = new Map<string, DeploymentOverview['extensions'][number]>();
  for (const a of read.catalog) {
    const e = apps.get(a.id) ?? { id: a.id, name: a.name, publisher: a.publisher, versions: [], installedIn: installedIn.get(a.id) ?? 0 };
    e.versions.push(a.version);
    apps.set(a.id, e);
  }
  return {
    connectionId: c.id,
    name: c.name,
    asOf: read.snapshot.asOf,
    live: read.snapshot.live,
    application: read.snapshot.application,
    tenantsByState: byState,
    tenantCount: read.snapshot.tenants.length,
    extensions: [...apps.values()].sort((a, b) => a.publisher.localeCompare(b.publisher) || a.name.localeCompare(b.name)),
    latestOperations: log.map((e) => ({ opId: e.opId, operation: e.operation, actor: e.actor, tenantId: e.tenantId, startedAt: e.startedAt, result: e.result, error: e.errorMessage })),
  };
}
