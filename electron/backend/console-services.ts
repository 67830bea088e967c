// The console services behind the console contract (shared/api/console.ts): one object that the Electron main
// process and the browser host both serve unchanged. `handle(op, input)` parses the input with the contract's
// schema, acts, and answers `{ok, value}` or `{ok: false, error}`; nothing here imports electron.
import crypto from 'node:crypto';
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
import { TenantryError, isTenantryError, toErrorInfo, type ErrorInfo, type Result } from '../../shared/api/errors.js';
import {
  OPERATIONS,
  describeIssues,
  type ArchiveEntry,
  type LogEntry,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type TenantApp,
} from '../../shared/api/operations.js';
import { ArchiveService } from './archive-service.js';
import { AuditLog } from './audit-log.js';
import { MirrorCache, SnapshotCache } from './cache.js';
import { ConnectionsRepository } from './connections-repository.js';
import { openConsoleDb, type Db } from './db.js';
import type { Driver, InvokeOptions } from './drivers/driver.js';
import { LocalDriver } from './drivers/local-driver.js';
import { RemoteDriver, checkTransport } from './drivers/remote-driver.js';
import { fleetOf, mergeExtensions, readDeployment, type DeploymentRead, type ExtensionFacts, type LiveRead } from './fleet.js';
import { OpLogCache, SnapshotHistory } from './history.js';
import { RemoteSync } from './remote-sync.js';
import { JobService } from './jobs.js';
import { MoveService } from './move-service.js';
import { PackageDefinitions } from './package-definitions.js';
import { buildPlan } from './plan.js';
import { auditReportCsv, auditReportHtml, type AuditReportInput } from './reports.js';
import { fileKeySecretBox, type SecretBox } from './secret-box.js';
import type { ServiceContext } from './service-context.js';
import { UpgradeService } from './upgrade-service.js';
import type { Logger } from 'pino';
import { silentLog } from '../../platform/engine/log.js';

export interface ConsoleServicesOptions {
  /** the console's own folder: console.sqlite, and the key file when no OS keychain is given */
  dataDir: string;
  host: 'electron' | 'browser';
  secrets?: SecretBox;
  actor?: string;
  version?: string;
  /** one line per operation and per job end (console-log.ts in the hosts); none: nothing is logged */
  log?: Logger;
}

/** The handler of one console operation: its parsed input to its output. */
export type ConsoleHandler<N extends ConsoleOperationName> = (input: ConsoleParsedInput<N>) => ConsoleOutput<N> | Promise<ConsoleOutput<N>>;
export type ConsoleHandlers = { [N in ConsoleOperationName]: ConsoleHandler<N> };

const FLEET_KEY = 'fleet';
const OVERVIEW_KEY = 'overview';
const ARCHIVE_KEY = 'archives';
const TENANTS_KEY = 'tenants';

/** What an offline tenant summary needs of each tenant beyond the fleet snapshot. */
type TenantFacts = Record<
  string,
  { sizeBytes: number; createdAt: string; mountedAt: string | null; alternateIds: string[]; applicationVersion: string; file: string }
>;
const tenantKey = (tenantId: string): string => `tenant:${tenantId.toLowerCase()}`;

export function defaultActor(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return `console@${os.hostname()}`;
  }
}

/** Calls to a connection while it is suspended (a local move has its folder open) wait, then go to a fresh driver. */
class GatedDriver implements Driver {
  constructor(
    readonly kind: 'local' | 'remote',
    private readonly gate: Promise<void>,
    private readonly next: () => Driver,
  ) {}
  async invoke<N extends OperationName>(op: N, input: OperationInput<N>, opts?: InvokeOptions): Promise<OperationOutput<N>> {
    await this.gate;
    return this.next().invoke(op, input, opts);
  }
  async close(): Promise<void> {
    // nothing of its own to release
  }
}

export class ConsoleServices {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly jobs: JobService;
  readonly history: SnapshotHistory;
  readonly opLogs: OpLogCache;
  private readonly connections: ConnectionsRepository;
  private readonly cache: SnapshotCache;
  /** remote deployments: the mirror of each server's change feed, and its follower */
  private readonly mirrors: MirrorCache;
  private readonly syncs = new Map<string, RemoteSync>();
  private readonly drivers = new Map<string, Driver>();
  private readonly gates = new Map<string, Promise<void>>();
  private readonly archives: ArchiveService;
  private readonly moves: MoveService;
  private readonly upgrades: UpgradeService;
  private readonly reads = new Map<string, DeploymentRead>();
  private readonly actor: string;
  private readonly secrets: SecretBox;
  private readonly log: Logger;

  constructor(private readonly opts: ConsoleServicesOptions) {
    this.log = opts.log ?? silentLog();
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    this.db = openConsoleDb(path.join(opts.dataDir, 'console.sqlite'));
    this.secrets = opts.secrets ?? fileKeySecretBox(opts.dataDir);
    this.actor = opts.actor ?? defaultActor();
    this.connections = new ConnectionsRepository(this.db, this.secrets);
    this.cache = new SnapshotCache(this.db);
    this.mirrors = new MirrorCache(this.db);
    this.audit = new AuditLog(this.db);
    this.jobs = new JobService(this.db, {
      driverFor: (id) => this.driverFor(id),
      connectionName: (id) => this.connectionName(id),
      appName: (cid, appId) => this.appName(cid, appId),
      actor: this.actor,
      audit: this.audit,
    });
    this.history = new SnapshotHistory(this.db);
    this.opLogs = new OpLogCache(this.db);
    const ctx: ServiceContext = {
      actor: this.actor,
      connections: () => this.connections.list(),
      connection: (id) => this.connections.get(id),
      driverFor: (id) => this.driverFor(id),
      appName: (cid, appId) => this.appName(cid, appId),
      cache: this.cache,
      audit: this.audit,
      jobs: this.jobs,
      definitions: new PackageDefinitions(),
      suspend: (id) => this.suspend(id),
    };
    this.jobs.onEvent((e) => this.logJobEvent(e));
    this.archives = new ArchiveService(ctx);
    this.moves = new MoveService(ctx);
    this.upgrades = new UpgradeService(ctx);
  }

  onJobEvent(listener: (e: JobEvent) => void): () => void {
    return this.jobs.onEvent(listener);
  }

  /**
   * The one entry point of every transport. Each call gets an id and leaves one log line (operation, connection,
   * tenant, duration, outcome); a refusal carries the id as `ref`, so the error a person sees finds its line.
   */
  async handle(op: string, rawInput: unknown): Promise<Result<unknown>> {
    const opId = crypto.randomUUID();
    const t0 = performance.now();
    const r = await this.answer(op, rawInput);
    const input = (rawInput ?? {}) as { connectionId?: unknown; tenantId?: unknown };
    const line = {
      opId,
      op,
      connectionId: typeof input.connectionId === 'string' ? input.connectionId : undefined,
      tenant: typeof input.tenantId === 'string' ? input.tenantId : undefined,
      durationMs: Math.round((performance.now() - t0) * 10) / 10,
      outcome: r.ok ? 'ok' : r.error.code,
    };
    if (r.ok) {
      // reads are polled (the fleet every few seconds): their successes only at debug level
      if (isConsoleOperation(op) && CONSOLE_OPERATIONS[op].kind === 'read') this.log.debug(line, `${op} ok`);
      else this.log.info(line, `${op} ok`);
      return r;
    }
    // the server's own ref (its request or job id) stays in this line; the person gets this line's id
    this.log.warn({ ...line, remoteRef: r.error.ref, message: r.error.message }, `${op} ${r.error.code}`);
    return { ok: false, error: { ...r.error, ref: opId } };
  }

  private async answer(op: string, rawInput: unknown): Promise<Result<unknown>> {
    if (!isConsoleOperation(op)) return { ok: false, error: { code: 'BAD_INPUT', message: `"${op}" is not an operation of the console`, details: { op } } };
    const parsed = CONSOLE_OPERATIONS[op].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'BAD_INPUT',
          message: describeIssues(op, parsed.error.issues),
          details: { op, issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })) },
        },
      };
    }
    try {
      const value = await this.dispatch(op, parsed.data as ConsoleParsedInput<typeof op>);
      return { ok: true, value };
    } catch (e) {
      if (!isTenantryError(e)) this.log.error({ op, err: e }, `${op}: unexpected error`);
      return { ok: false, error: toErrorInfo(e) };
    }
  }

  /** what the log last wrote of each job and job item, so that each end is one line */
  private readonly logged = new Map<string, string>();

  /** One line per tenant a job finishes (with the engine's operation id) and one when the job ends. */
  private logJobEvent({ job, item }: JobEvent): void {
    const final = (state: string) => !['queued', 'running', 'pending'].includes(state);
    if (item && final(item.state) && this.logged.get(`${job.id}/${item.idx}`) !== item.state) {
      this.logged.set(`${job.id}/${item.idx}`, item.state);
      const line = {
        jobId: job.id,
        kind: job.kind,
        connectionId: item.connectionId,
        tenant: item.tenantId,
        engineOpId: item.opId,
        outcome: item.errorCode ?? item.state,
      };
      if (item.state === 'failed') this.log.warn({ ...line, message: item.message }, `${job.title}: ${item.label} ${line.outcome}`);
      else this.log.info(line, `${job.title}: ${item.label} ${line.outcome}`);
    }
    if (!item && final(job.state) && !this.logged.has(job.id)) {
      this.logged.set(job.id, job.state);
      const startedAt = job.startedAt ?? job.createdAt;
      const durationMs = job.endedAt ? Date.parse(job.endedAt) - Date.parse(startedAt) : undefined;
      this.log.info(
        { jobId: job.id, kind: job.kind, state: job.state, done: job.done, total: job.total, durationMs, outcome: job.state },
        `job ${job.title} ${job.state}`,
      );
      for (const k of [...this.logged.keys()]) if (k.startsWith(`${job.id}/`)) this.logged.delete(k);
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

  /**
   * One handler per console operation, keyed by its name: each takes the operation's parsed input and answers its
   * output (types from shared/api/console.ts), so a missing or wrongly typed handler does not compile.
   */
  private readonly handlers: ConsoleHandlers = {
    'console.info': () => ({
      version: this.opts.version ?? '0.1.0',
      host: this.opts.host,
      actor: this.actor,
      dataDir: this.opts.dataDir,
      secrets: this.secrets.kind,
    }),
    'connections.list': () => this.connections.list(),
    'connections.add': (i) => this.addConnection(i),
    'connections.update': (i) => this.updateConnection(i),
    'connections.remove': (i) => this.removeConnection(i),
    'connections.test': (i) => this.testConnection(i),
    'fleet.snapshot': (i) => this.fleet(i.refresh),
    'deployment.overview': (i) => this.overview(i.connectionId),
    'tenant.detail': (i) => this.tenantDetail(i),
    'deployment.call': (i) => this.deploymentCall(i),
    'jobs.plan': (i) => buildPlan(i, (id) => this.driverFor(id)),
    'jobs.start': (i) => this.startJob(i),
    'jobs.list': (i) => this.jobs.list(i.limit),
    'jobs.get': (i) => this.jobs.get(i.jobId),
    'jobs.cancel': (i) => this.cancelJob(i.jobId),
    'audit.list': (i) => this.audit.list(i.limit, i.beforeSeq, i.filter),
    'audit.verify': () => this.audit.verify(),
    'audit.export': (i) => {
      const out = this.audit.export(i.format);
      this.audit.append({ actor: this.actor, action: 'audit.export', params: { format: i.format, fileName: out.fileName }, result: 'succeeded' });
      return out;
    },
    'audit.report': (i) => this.auditReport(i),
    'oplog.search': (i) => this.searchOpLogs(i),
    'snapshots.list': (i) => ({ snapshots: this.history.list(this.connections.get(i.connectionId).id) }),
    'snapshots.compare': (i) => this.history.compare(this.connections.get(i.connectionId).id, i.fromId, i.toId, (id) => this.connectionName(id)),
    'archive.fleet': (i) => this.archives.fleet(i.refresh),
    'archive.exportCsv': (i) => this.archives.exportCsv(i),
    'packages.copy': (i) => this.moves.copyPackages(i),
    'moves.precheck': (i) => this.moves.precheck(i),
    'moves.report': (i) => this.moves.report(i),
    'moves.start': (i) => this.startWorkflow('moves.start', i, () => this.moves.start(i), i.sourceId, i.tenantIds.join(',')),
    'upgrade.plan': (i) => this.upgrades.plan(i),
    'upgrade.start': (i) => {
      const conns = [...new Set(i.targets.map((t) => t.connectionId))];
      return this.startWorkflow(
        'upgrade.start',
        i,
        () => this.upgrades.start(i),
        conns.length === 1 ? conns[0]! : null,
        i.targets.map((t) => t.tenantId).join(','),
      );
    },
  };

  private async dispatch<N extends ConsoleOperationName>(op: N, input: ConsoleParsedInput<N>): Promise<ConsoleOutput<N>> {
    const handler = this.handlers[op] as ConsoleHandler<N> | undefined;
    if (!handler) throw new TenantryError('BAD_INPUT', `"${String(op)}" is not an operation of the console`);
    return handler(input);
  }

  // ---- connections -------------------------------------------------------------------------------

  private driverFor(connectionId: string): Driver {
    const gate = this.gates.get(connectionId);
    if (gate) return new GatedDriver(this.connections.get(connectionId).kind, gate, () => this.driverFor(connectionId));
    const existing = this.drivers.get(connectionId);
    if (existing) return existing;
    const c = this.connections.get(connectionId);
    const d = this.makeDriver(
      c.kind === 'local'
        ? { kind: 'local', name: c.name, folder: c.folder! }
        : { kind: 'remote', name: c.name, url: c.url!, token: this.connections.token(c.id) ?? '', allowInsecure: c.allowInsecure },
    );
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

  /** Stops a connection's engine (after what it is doing) and holds new calls until released. */
  private async suspend(id: string): Promise<() => void> {
    for (let g = this.gates.get(id); g; g = this.gates.get(id)) await g;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    this.gates.set(id, gate);
    await this.dropDriver(id);
    return () => {
      if (this.gates.get(id) === gate) this.gates.delete(id);
      open();
    };
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
    return (
      read?.catalog.find((a) => a.id.toLowerCase() === key || a.name.toLowerCase() === key)?.name ??
      read?.archivedApps.find((a) => a.id.toLowerCase() === key)?.name ??
      appId
    );
  }

  private async probe(d: Driver): Promise<ConsoleOutput<'connections.test'>> {
    try {
      const [info, catalog] = await Promise.all([d.invoke('deployment.info', {}), d.invoke('app.catalog', {})]);
      return {
        ok: true,
        application: { name: info.application.name, version: info.application.version },
        tenantCount: info.tenants,
        extensionCount: new Set(catalog.apps.map((a) => a.id)).size,
      };
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
        if (!probe.ok)
          throw new TenantryError(
            (probe.error?.code as ErrorInfo['code']) ?? 'DEPLOYMENT_INVALID',
            `folder: ${draft.folder} is not a deployment: ${probe.error?.message ?? ''}`.trim(),
            { folder: draft.folder },
          );
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
    if (input.folder !== undefined)
      input = { ...input, folder: (this.normaliseDraft({ kind: 'local', name: before.name, folder: input.folder }) as { folder: string }).folder };
    if (input.url !== undefined || input.allowInsecure !== undefined)
      checkTransport(input.url ?? before.url ?? '', input.allowInsecure ?? before.allowInsecure);
    const { id, ...changes } = input;
    const c = this.connections.update(id, changes);
    await this.dropDriver(id);
    this.reads.delete(id);
    // Another server's feed has other seqs: the mirror of the old one must not be followed from there.
    if (c.kind === 'remote' && c.url !== before.url) {
      this.syncs.delete(id);
      this.mirrors.clear(id);
    }
    this.audit.append({ actor: this.actor, action: 'connections.update', connectionId: c.id, connectionName: c.name, params: input, result: 'succeeded' });
    return c;
  }

  private async removeConnection(input: { id: string }): Promise<{ removed: boolean }> {
    const c = this.connections.get(input.id);
    await this.dropDriver(input.id);
    this.reads.delete(input.id);
    this.syncs.delete(input.id);
    const removed = this.connections.remove(input.id);
    this.audit.append({
      actor: this.actor,
      action: 'connections.remove',
      connectionId: c.id,
      connectionName: c.name,
      params: { id: input.id },
      result: 'succeeded',
    });
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

  /**
   * A live read: a local folder is read whole each time; a remote server is followed through its change feed
   * (remote-sync.ts), so only what changed since the last read travels, and the read is built from the mirror.
   */
  private readLive(c: Connection): Promise<LiveRead> {
    if (c.kind !== 'remote') return readDeployment(c, this.driverFor(c.id));
    let sync = this.syncs.get(c.id);
    if (!sync) {
      sync = new RemoteSync(this.mirrors, c.id, () => {
        const d = this.driverFor(c.id);
        if (!(d instanceof RemoteDriver))
          throw new TenantryError('UNAVAILABLE', `${c.name} is busy (suspended for a move); try again when it ends`, { connectionId: c.id });
        return d;
      });
      this.syncs.set(c.id, sync);
    }
    return sync.read(c);
  }

  /** Reads one deployment live; on failure falls back to its cached read, marked not live with the error. */
  private async readOrCached(c: Connection): Promise<DeploymentRead> {
    try {
      const read = this.remember(c, await this.readLive(c));
      return read;
    } catch (e) {
      const cached = this.cachedRead(c);
      return { ...cached, snapshot: { ...cached.snapshot, error: toErrorInfo(e) } };
    }
  }

  /** Keeps a live read: the cache (offline views), the snapshot history (compare) and the operation log (search). */
  private remember(c: Connection, live: LiveRead): DeploymentRead {
    const { log, tenantSummaries, ...read } = live;
    this.cache.put(c.id, FLEET_KEY, read, read.snapshot.asOf ?? undefined);
    const facts: TenantFacts = {};
    for (const t of tenantSummaries)
      facts[t.id] = {
        sizeBytes: t.sizeBytes,
        createdAt: t.createdAt,
        mountedAt: t.mountedAt,
        alternateIds: t.alternateIds,
        applicationVersion: t.applicationVersion,
        file: t.file,
      };
    this.cache.put(c.id, TENANTS_KEY, facts, read.snapshot.asOf ?? undefined);
    this.reads.set(c.id, read);
    this.history.record(c.id, read);
    this.opLogs.upsert(c.id, log);
    return read;
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
        facts.push({
          id: a.id,
          name: a.name,
          publisher: a.publisher,
          version: a.version,
          dependencies: a.dependencies.map((d) => ({ id: d.id, name: d.name, version: d.version })),
          connectionId: r.snapshot.connectionId,
        });
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
    try {
      const read = this.remember(c, await this.readLive(c));
      const log = { entries: this.opLogs.search({ connectionId: c.id, limit: 25 }, () => c.name).entries };
      const ov = overviewOf(c, read, log.entries);
      this.cache.put(c.id, OVERVIEW_KEY, ov, read.snapshot.asOf ?? undefined);
      return ov;
    } catch (e) {
      const error = toErrorInfo(e);
      const cached = this.cache.get<DeploymentOverview>(c.id, OVERVIEW_KEY);
      if (cached) return { ...cached.value, name: c.name, live: false, asOf: cached.takenAt, error };
      const fleetCached = this.cache.get<DeploymentRead>(c.id, FLEET_KEY);
      if (fleetCached) return { ...overviewOf(c, fleetCached.value, []), live: false, asOf: fleetCached.takenAt, error };
      return {
        connectionId: c.id,
        name: c.name,
        asOf: null,
        live: false,
        error,
        application: null,
        tenantsByState: {},
        tenantCount: 0,
        extensions: [],
        latestOperations: [],
      };
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
      if (cached) return { ...cached.value, live: false, asOf: cached.takenAt, error };
      const summary = this.summaryDetail(c, tenantId, error);
      if (!summary)
        throw new TenantryError(error.code, `${c.name} cannot be reached and tenant "${tenantId}" is not in the cache: ${error.message}`, {
          connectionId: c.id,
          tenantId,
        });
      return summary;
    }
  }

  /**
   * Offline, a tenant whose detail was never read: what the cached fleet snapshot, archive list and operation log
   * know of it (state, companies, installed and archived versions, its operations), marked summaryOnly.
   */
  private summaryDetail(c: Connection, tenantId: string, error: ErrorInfo): TenantDetail | null {
    const fleet = this.cache.get<DeploymentRead>(c.id, FLEET_KEY);
    const t = fleet?.value.snapshot.tenants.find((x) => x.tenantId.toLowerCase() === tenantId.toLowerCase());
    if (!fleet || !t) return null;
    const read = fleet.value;
    const named = (appId: string): { name: string; publisher: string } => {
      const a = read.catalog.find((x) => x.id === appId) ?? read.archivedApps.find((x) => x.id === appId);
      return { name: a?.name ?? appId, publisher: a?.publisher ?? '' };
    };
    const apps: TenantApp[] = read.snapshot.cells
      .filter((cell) => cell.tenantKey === t.key && cell.installed)
      .map((cell) => ({
        id: cell.appId,
        ...named(cell.appId),
        version: cell.installed!,
        dataVersion: cell.installed!,
        syncState: cell.syncPending ? 'pending' : 'synced',
        installedAt: '',
        upgradeAvailable: cell.upgradeTo ?? null,
        archivedVersions: cell.archived,
      }));
    const archive: ArchiveEntry[] = (this.cache.get<{ entries: (ArchiveEntry & { tenantId: string })[] }>(c.id, ARCHIVE_KEY)?.value.entries ?? []).filter(
      (a) => a.tenantId === t.tenantId,
    );
    const log: LogEntry[] = this.opLogs
      .search({ connectionId: c.id, tenantId: t.tenantId, limit: 200 }, () => c.name)
      .entries.map(({ connectionId: _c, connectionName: _n, ...e }) => e);
    const more = this.cache.get<TenantFacts>(c.id, TENANTS_KEY)?.value[t.tenantId];
    return {
      connectionId: c.id,
      connectionName: c.name,
      tenantId: t.tenantId,
      asOf: fleet.takenAt,
      live: false,
      error,
      summaryOnly: true,
      tenant: {
        id: t.tenantId,
        alternateIds: more?.alternateIds ?? [],
        state: t.state,
        failedOperation: t.failedOperation ?? null,
        applicationVersion: more?.applicationVersion ?? read.snapshot.application?.version ?? '',
        companies: t.companies,
        installedApps: apps.length,
        file: more?.file ?? '',
        sizeBytes: more?.sizeBytes ?? 0,
        createdAt: more?.createdAt ?? '',
        mountedAt: more?.mountedAt ?? null,
        apps,
      },
      apps,
      objects: { objects: [], tables: [] },
      permissionSets: [],
      subscribers: [],
      log,
      archive,
    };
  }

  // ---- operations --------------------------------------------------------------------------------

  private async deploymentCall(call: { connectionId: string; op: OperationName; input: unknown }): Promise<unknown> {
    const c = this.connections.get(call.connectionId);
    const spec = OPERATIONS[call.op];
    const input =
      spec.kind === 'write' ? { ...(call.input as Record<string, unknown>), ...('actor' in spec.input.shape ? { actor: this.actor } : {}) } : call.input;
    const target =
      typeof (input as { tenantId?: unknown }).tenantId === 'string'
        ? (input as { tenantId: string }).tenantId
        : Array.isArray((input as { tenantIds?: unknown }).tenantIds)
          ? (input as { tenantIds: string[] }).tenantIds.join(',')
          : null;
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
        this.audit.append({
          actor: this.actor,
          action: call.op,
          connectionId: c.id,
          connectionName: c.name,
          target,
          params: input,
          result: 'failed',
          error: `${info.code}: ${info.message}`,
        });
      }
      throw e;
    }
  }

  private startWorkflow(action: string, params: unknown, start: () => string, connectionId: string | null, target: string): { jobId: string } {
    const jobId = start();
    this.audit.append({
      actor: this.actor,
      action,
      connectionId,
      connectionName: connectionId ? this.connectionName(connectionId) : null,
      target,
      params,
      result: 'succeeded',
      jobId,
    });
    return { jobId };
  }

  private searchOpLogs(f: ConsoleParsedInput<'oplog.search'>): ConsoleOutput<'oplog.search'> {
    const conns = this.connections.list().filter((c) => !f.connectionId || c.id === f.connectionId);
    const { entries, matched } = this.opLogs.search(f, (id) => this.connectionName(id));
    const sources = conns.map((c) => {
      const live = this.reads.get(c.id);
      const cached = this.cache.get<DeploymentRead>(c.id, FLEET_KEY);
      return {
        connectionId: c.id,
        name: c.name,
        live: Boolean(live?.snapshot.live && live.snapshot.asOf === cached?.value.snapshot.asOf),
        asOf: cached?.takenAt ?? null,
      };
    });
    return { entries, matched, sources };
  }

  private auditReport(input: ConsoleParsedInput<'audit.report'>): ConsoleOutput<'audit.report'> {
    const generatedAt = new Date().toISOString();
    const report: AuditReportInput = {
      generatedAt,
      actor: this.actor,
      filter: input.filter,
      verify: this.audit.verify(),
      entries: this.audit.matching(input.filter),
      opLog: input.operationLogs
        ? this.searchOpLogs({
            limit: 2000,
            ...(input.filter?.connectionId ? { connectionId: input.filter.connectionId } : {}),
            ...(input.filter?.query ? { query: input.filter.query } : {}),
          })
        : null,
      compare: input.compare
        ? this.history.compare(this.connections.get(input.compare.connectionId).id, input.compare.fromId, input.compare.toId, (id) => this.connectionName(id))
        : null,
    };
    const stamp = generatedAt.replace(/[:.]/g, '-');
    const out =
      input.format === 'html'
        ? { fileName: `tenantry-audit-report-${stamp}.html`, mimeType: 'text/html', content: auditReportHtml(report) }
        : { fileName: `tenantry-audit-report-${stamp}.csv`, mimeType: 'text/csv', content: auditReportCsv(report) };
    this.audit.append({
      actor: this.actor,
      action: 'audit.report',
      params: { format: input.format, filter: input.filter ?? null, entries: report.entries.length, fileName: out.fileName },
      result: 'succeeded',
    });
    return out;
  }

  private startJob(spec: ConsoleParsedInput<'jobs.start'>): { jobId: string } {
    for (const id of new Set(spec.targets.map((t) => t.connectionId))) this.connections.get(id);
    const jobId = this.jobs.start(spec);
    this.audit.append({
      actor: this.actor,
      action: 'jobs.start',
      params: {
        action: spec.action,
        targets: spec.targets.length,
        installDependencies: spec.installDependencies,
        uninstallDependents: spec.uninstallDependents,
      },
      result: 'succeeded',
      jobId,
    });
    return { jobId };
  }

  private cancelJob(jobId: string): ConsoleOutput<'jobs.cancel'> {
    const job = this.jobs.cancel(jobId);
    return job;
  }
}

function overviewOf(
  c: Connection,
  read: DeploymentRead,
  log: readonly { opId: string; operation: string; actor: string; tenantId: string | null; startedAt: string; result: string; errorMessage: string | null }[],
): DeploymentOverview {
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
    latestOperations: log.map((e) => ({
      opId: e.opId,
      operation: e.operation,
      actor: e.actor,
      tenantId: e.tenantId,
      startedAt: e.startedAt,
      result: e.result,
      error: e.errorMessage,
    })),
  };
}
