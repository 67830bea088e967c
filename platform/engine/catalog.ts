// The application and the app catalog: resolve an app by id or name, publish (one or many), unpublish, list,
// package bytes and info, the tenants of an app, repair (recompile), and setApplication (application upgrade).
import { TenantryError } from '../../shared/api/errors.js';
import { type CatalogEntry, describeIssues, type OperationOutput } from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { compileApp, type CompileProblem } from '../../shared/domain/compile.js';
import type { AppRef } from '../../shared/domain/conflicts.js';
import { DependencyCycleError, dependencyOrder } from '../../shared/domain/dependency-graph.js';
import { describeApp, GUID_PATTERN } from '../../shared/domain/manifest.js';
import { type Application, ApplicationSchema } from '../../shared/domain/objects.js';
import { compareVersions, isAtLeast } from '../../shared/domain/version.js';
import { readPackage } from '../package/index.js';
import { deploymentOp, reconcileRegistry } from './bookkeeping.js';
import { appChange, appendChange, catalogMirrorEntry, deploymentMirror, track } from './change-feed.js';
import { type DeploymentCore, SYSTEM_ACTOR } from './deployment-core.js';
import type { CatalogRow } from './repositories/catalog-repository.js';
import { nowIso } from './repositories/statement-cache.js';
import { TenantRepository } from './repositories/tenant-repository.js';
import { appRef } from './tenant-ops.js';

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

export function lowerIds(def: AppDefinition): AppDefinition {
  return {
    ...def,
    manifest: { ...def.manifest, id: def.manifest.id.toLowerCase(), dependencies: def.manifest.dependencies.map((d) => ({ ...d, id: d.id.toLowerCase() })) },
  };
}

export function problemsError(def: AppDefinition, problems: readonly CompileProblem[], fileName?: string): TenantryError {
  const first = problems[0];
  const code = first?.code ?? 'COMPILE_FAILED';
  const where = fileName ? `${fileName}: ` : '';
  return new TenantryError(code, `${where}${describeApp(def.manifest)} does not compile: ${problems.map((p) => p.message).join('; ')}`, {
    problems,
    app: appRef(def),
  });
}

/** An app named by GUID or by (unique, case-insensitive) name, in the catalog or installed in a tenant. */
export function resolveAppId(c: DeploymentCore, key: string, tenant?: TenantRepository): string {
  if (GUID_PATTERN.test(key)) return key.toLowerCase();
  const ids = new Set(c.catalogRepo.byName(key).map((r) => r.app_id));
  if (tenant) for (const a of tenant.installed()) if (a.name.toLowerCase() === key.toLowerCase()) ids.add(a.app_id);
  if (tenant) for (const a of tenant.archives()) if (a.app_name.toLowerCase() === key.toLowerCase()) ids.add(a.app_id);
  if (ids.size === 1) return [...ids][0] as string;
  if (ids.size > 1)
    throw new TenantryError('BAD_INPUT', `the name "${key}" is ambiguous: ${[...ids].join(', ')}; name the app by id`, { app: key, ids: [...ids] });
  throw new TenantryError('NOT_PUBLISHED', `no extension named "${key}" is published in deployment "${c.name}"`, { app: key });
}

export function publishedVersion(c: DeploymentCore, appId: string, version: string | undefined): { row: CatalogRow; def: AppDefinition } {
  const cache = c.loadCatalog();
  const versions = [...cache.values()].filter((e) => e.row.app_id === appId);
  if (versions.length === 0) throw new TenantryError('NOT_PUBLISHED', `extension ${appId} is not published in deployment "${c.name}"`, { appId });
  if (version !== undefined) {
    const e = cache.get(`${appId}@${version}`);
    if (!e) {
      const name = versions[0]?.row.name ?? appId;
      throw new TenantryError(
        'NOT_PUBLISHED',
        `"${name}" ${version} is not published in deployment "${c.name}"; published: ${versions.map((v) => v.row.version).join(', ')}`,
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

export function readForPublish(bytes: Uint8Array, opts: PublishOptions) {
  const info = readPackage(
    bytes,
    opts.trustedPublicKeys
      ? { verify: opts.skipVerification ? 'skip' : 'require', trustedPublicKeys: opts.trustedPublicKeys }
      : { verify: opts.skipVerification ? 'skip' : 'require' },
    opts.fileName,
  );
  return { info, def: lowerIds(info.definition) };
}

export function publish(c: DeploymentCore, bytes: Uint8Array, opts: PublishOptions = {}): PublishResult {
  const params = { fileName: opts.fileName ?? null, size: bytes.length, skipVerification: opts.skipVerification ?? false };
  let opId = '';
  const r = deploymentOp(c, 'app.publish', params, opts.actor, (id) => {
    opId = id;
    const { info, def } = readForPublish(bytes, opts);
    const checked = checkPublish(c, info, def, opts, []);
    if (checked.row) insertCatalogRow(c, checked.row, bytes, def);
    return checked.result;
  });
  return { ...r, opId };
}

/** Decides unchanged / refused / to publish, compiling against the catalog plus `pending` (publishMany). */
export function checkPublish(
  c: DeploymentCore,
  info: { sha256: string; size: number; signature?: { publicKey: string; keyId: string } | undefined },
  def: AppDefinition,
  opts: PublishOptions,
  pending: readonly AppDefinition[],
): { result: Omit<PublishResult, 'opId'>; row: CatalogRow | null } {
  const m = def.manifest;
  const existing = c.catalogRepo.get(m.id, m.version);
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
  const problems = compileApp(def, c.app, [...c.catalogAccess().all(), ...pending]);
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

export function insertCatalogRow(c: DeploymentCore, row: CatalogRow, bytes: Uint8Array, def: AppDefinition): void {
  c.db.transaction(() => {
    c.catalogRepo.insert(row, bytes);
    appChange(c, row.app_id, row.version, def);
  })();
  c.catalogCache?.set(`${row.app_id}@${row.version}`, { row, def });
}

/**
 * Publishes several packages: all are read and validated first (nothing is published if one fails), ordered by
 * their dependencies (a cycle is refused naming it), compiled in that order, then inserted in one transaction.
 */
export function publishMany(
  c: DeploymentCore,
  files: readonly { bytes: Uint8Array; fileName?: string }[],
  opts: Omit<PublishOptions, 'fileName'> = {},
): { results: (Omit<PublishResult, 'opId'> & { fileName: string | null })[]; opId: string } {
  let opId = '';
  const results = deploymentOp(
    c,
    'app.publishMany',
    { files: files.map((f) => f.fileName ?? null), skipVerification: opts.skipVerification ?? false },
    opts.actor,
    (id) => {
      opId = id;
      const withName = (fileName: string | undefined): PublishOptions => (fileName === undefined ? { ...opts } : { ...opts, fileName });
      const read = files.map((f) => ({ ...readForPublish(f.bytes, withName(f.fileName)), file: f }));
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
        const checked = checkPublish(c, r.info, r.def, withName(r.file.fileName), pending);
        if (checked.row) {
          pending.push(r.def);
          toInsert.push({ row: checked.row, bytes: r.file.bytes, def: r.def });
        }
        out.push({ ...checked.result, fileName: r.file.fileName ?? null });
      }
      c.db.transaction(() => {
        for (const t of toInsert) {
          c.catalogRepo.insert(t.row, t.bytes);
          appChange(c, t.row.app_id, t.row.version, t.def);
        }
      })();
      c.catalogCache = null;
      return out;
    },
  );
  return { results, opId };
}

export function unpublish(c: DeploymentCore, appKey: string, version: string, opts: { actor?: string } = {}): { app: AppRef; opId: string } {
  let opId = '';
  const app = deploymentOp(c, 'app.unpublish', { app: appKey, version }, opts.actor, (id) => {
    opId = id;
    const appId = resolveAppId(c, appKey);
    const { row, def } = publishedVersion(c, appId, version);
    const tenants = c.registry.tenantsWithAppVersion(appId, version);
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
    const all = c.catalogAccess().all();
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
    c.db.transaction(() => {
      c.catalogRepo.delete(row.app_id, row.version);
      appChange(c, row.app_id, row.version);
    })();
    c.catalogCache = null;
    return appRef(def);
  });
  return { app, opId };
}

export function catalog(c: DeploymentCore): CatalogEntry[] {
  const counts = c.registry.countsByAppVersion();
  return c.catalogRepo.list().map((r) => {
    const { problems, ...entry } = catalogMirrorEntry(c, r);
    return { ...entry, tenantCount: counts.get(`${r.app_id}@${r.version}`) ?? 0, problems };
  });
}

/** The package bytes of a published version (to copy it to another deployment before a move). */
export function packageBytes(c: DeploymentCore, appKey: string, version: string): Buffer {
  const appId = resolveAppId(c, appKey);
  const bytes = c.catalogRepo.package(appId, version);
  if (!bytes) throw new TenantryError('NOT_PUBLISHED', `${appKey} ${version} is not published in deployment "${c.name}"`, { appId, version });
  return bytes;
}

export function packageInfo(c: DeploymentCore, bytes: Uint8Array, fileName?: string): OperationOutput<'app.info'> {
  const info = readPackage(bytes, { verify: 'skip' }, fileName);
  const def = info.definition;
  const id = def.manifest.id.toLowerCase();
  return {
    manifest: def.manifest,
    sha256: info.sha256,
    size: info.size,
    signed: info.signature !== undefined,
    signerKeyId: info.signature?.keyId ?? null,
    objects: def.objects.map((o) => ('extends' in o ? { type: o.type, id: o.id, name: o.name, extends: o.extends } : { type: o.type, id: o.id, name: o.name })),
    tableData: def.tableData.map((t) => ({ table: t.table, rows: t.rows.length })),
    publishedVersions: c.catalogRepo.versions(id).map((r) => r.version),
  };
}

export function appTenants(c: DeploymentCore, appKey: string): OperationOutput<'app.tenants'> {
  const appId = resolveAppId(c, appKey);
  const versions = c.catalogRepo.versions(appId);
  const first = versions[0];
  const rows = c.registry.tenantsWithApp(appId);
  return {
    app: { id: appId, name: first?.name ?? appKey, publisher: first?.publisher ?? '' },
    tenants: rows.map((r) => ({ tenantId: r.tenant_id, version: r.version, dataVersion: r.data_version, syncState: r.sync_state })),
  };
}

/** Recompiles published versions against the current application and records what no longer compiles. */
export function repair(c: DeploymentCore, appKey?: string, version?: string, opts: { actor?: string } = {}): OperationOutput<'app.repair'> {
  let opId = '';
  const results = deploymentOp(c, 'app.repair', { app: appKey ?? null, version: version ?? null }, opts.actor, (id) => {
    opId = id;
    return repairAll(c, appKey === undefined ? undefined : resolveAppId(c, appKey), version);
  });
  return { results, opId };
}

export function repairAll(c: DeploymentCore, appId?: string, version?: string): OperationOutput<'app.repair'>['results'] {
  const all = c.catalogAccess().all();
  const targets = all.filter((d) => (appId === undefined || d.manifest.id === appId) && (version === undefined || d.manifest.version === version));
  if (appId !== undefined && targets.length === 0)
    throw new TenantryError('NOT_PUBLISHED', `${appId}${version ? ` ${version}` : ''} is not published`, { appId, version });
  const out: OperationOutput<'app.repair'>['results'] = [];
  c.db.transaction(() => {
    for (const def of targets) {
      const others = all.filter((d) => d !== def);
      const problems = compileApp(def, c.app, others).map((p) => ({ code: p.code, message: p.message }));
      c.catalogRepo.setProblems(def.manifest.id, def.manifest.version, JSON.stringify(problems));
      appChange(c, def.manifest.id, def.manifest.version, def);
      out.push({ app: appRef(def), ok: problems.length === 0, problems });
    }
  })();
  c.catalogCache = null;
  return out;
}

/** Application upgrade: a new application version; repair every published app; every tenant needs a sync. */
export function setApplication(c: DeploymentCore, application: Application, opts: { actor?: string } = {}): OperationOutput<'deployment.setApplication'> {
  const parsed = ApplicationSchema.safeParse(application);
  if (!parsed.success) throw new TenantryError('BAD_INPUT', describeIssues('application', parsed.error.issues), { issues: parsed.error.issues });
  return deploymentOp(c, 'deployment.setApplication', { name: parsed.data.name, version: parsed.data.version }, opts.actor, () => {
    const old = c.app;
    c.app = parsed.data;
    try {
      const pending = c.registry
        .list()
        .filter((t) => t.state !== 'dismounted')
        .map((t) => t.tenant_id);
      let repaired: OperationOutput<'app.repair'>['results'] = [];
      track(c, pending, () => {
        c.db.prepare("UPDATE meta SET value = ? WHERE key = 'application'").run(JSON.stringify(parsed.data));
        appendChange(c, { kind: 'deployment', data: deploymentMirror(c) });
        repaired = repairAll(c);
        for (const id of pending) c.registry.setState(id, 'sync-pending');
      });
      for (const id of pending) {
        const row = c.registry.get(id);
        if (row) c.tenantRepo(row).setSyncState(null, 'pending');
        track(c, [id], () => reconcileRegistry(c, id));
      }
      c.stores.clear();
      return { application: { name: parsed.data.name, version: parsed.data.version }, repaired, tenantsSyncPending: pending };
    } catch (e) {
      c.app = old;
      throw e;
    }
  });
}
