// Tenant moves between two connected deployments: the pre-check (changes nothing; per tenant the engine's report,
// which missing packages the source's catalog can provide, and which installed apps depend on them), the ways
// out (copy packages from the source's catalog to the destination), and the move itself as a job with one item
// per tenant and its steps (pre-check, dismount, transfer with bytes and speed, verify, mount, verify, remove
// from the source). On failure the engine mounts the tenant back on the source; the job then reads the tenant
// back from both sides and keeps that as the proof.
//
// Between two local deployments the move is the engine's moveTenant, run in the source's worker with the
// destination opened there (its own worker stopped meanwhile). A move with a remote side runs the platform's
// transport-neutral orchestrator (moveTenantBetween: move.begin / upload / move.complete / tenant.mount, or
// move.abort) in this process: a server through its RemoteClient, a local side as its folder opened here with its
// worker stopped meanwhile (a folder is never open twice).
import fs from 'node:fs';
import path from 'node:path';
import type { Connection, JobProof, JobStep, MovePrecheck, MovePrecheckTenant, MoveRequest } from '../../shared/api/console.js';
import { TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { AppRefOut, CatalogEntry, OperationOutput } from '../../shared/api/operations.js';
import { isAllowed, type TenantState } from '../../shared/domain/tenant-state.js';
import { Deployment } from '../../platform/engine/deployment.js';
import { localSide } from '../../platform/remote/local-side.js';
import { moveTenantBetween, type MoveSide } from '../../platform/remote/move.js';
import { remoteSide } from '../../platform/remote/remote-side.js';
import { LocalDriver } from './drivers/local-driver.js';
import { RemoteDriver } from './drivers/remote-driver.js';
import type { ItemOutcome, ItemReporter, WorkflowItem } from './jobs.js';
import { installedDependents } from './plan.js';
import { formatBytes } from '../../shared/domain/bytes.js';
import { movePrecheckHtml } from './reports.js';
import type { ServiceContext } from './service-context.js';

const ref = (a: { id: string; name: string; publisher: string; version: string }): AppRefOut => ({
  id: a.id,
  name: a.name,
  publisher: a.publisher,
  version: a.version,
});

/** The steps of one tenant's move, in order. */
export function moveSteps(source: string, destination: string): JobStep[] {
  return [
    { name: 'precheck', label: `Pre-check against ${destination}`, state: 'pending' },
    { name: 'dismount', label: `Dismount on ${source}`, state: 'pending' },
    { name: 'transfer', label: `Transfer to ${destination}`, state: 'pending' },
    { name: 'verify-copy', label: 'Verify checksum and integrity', state: 'pending' },
    { name: 'mount', label: `Mount on ${destination}`, state: 'pending' },
    { name: 'verify-mount', label: `Verify on ${destination}`, state: 'pending' },
    { name: 'finish', label: `Remove from ${source}`, state: 'pending' },
  ];
}

/** Engine step (fault point of moveTenant / importTenantFile) -> the step it ends and the step it starts. */
const ENGINE_STEPS: Record<string, { ends?: string; starts?: string }> = {
  'after-precheck': { ends: 'precheck' },
  'after-journal': { starts: 'dismount' },
  'after-dismount': { ends: 'dismount', starts: 'transfer' },
  'after-copy': { ends: 'transfer', starts: 'verify-copy' },
  'after-verify': { ends: 'verify-copy', starts: 'mount' },
  'after-mount': { ends: 'mount', starts: 'verify-mount' },
  'after-destination-verify': { ends: 'verify-mount', starts: 'finish' },
  'after-source-remove': { ends: 'finish' },
};

const appsText = (apps: readonly { name: string; version: string }[]): string =>
  apps.length === 0 ? 'none' : apps.map((a) => `${a.name} ${a.version}`).join(', ');

export class MoveService {
  constructor(private readonly ctx: ServiceContext) {}

  private supported(src: Connection, dst: Connection): { ok: true } | { ok: false; reason: string } {
    if (src.id === dst.id) return { ok: false, reason: `${src.name} is both the source and the destination: choose another destination` };
    return { ok: true };
  }

  async precheck(req: MoveRequest): Promise<MovePrecheck> {
    const src = this.ctx.connection(req.sourceId);
    const dst = this.ctx.connection(req.destinationId);
    const s = this.ctx.driverFor(src.id);
    const d = this.ctx.driverFor(dst.id);
    const [facts, srcInfo, srcCatalog, dstInfo] = await Promise.all([
      d.invoke('move.destinationFacts', {}),
      s.invoke('deployment.info', {}),
      s.invoke('app.catalog', {}),
      d.invoke('deployment.info', {}),
    ]);
    const support = this.supported(src, dst);
    const tenants: MovePrecheckTenant[] = [];
    for (const tenantId of req.tenantIds) {
      try {
        const t = await s.invoke('tenant.get', { tenantId });
        const report = await s.invoke('move.precheck', { tenantId, destination: facts });
        if (!isAllowed(t.state as TenantState, 'move')) {
          // the engine refuses to move a tenant in the middle of something (sync or data upgrade pending, failed)
          report.problems.push(`tenant "${t.id}" is ${t.state}: it must be operational (or dismounted) to move`);
          report.ok = false;
        }
        const absent = report.apps.filter((a) => a.status !== 'present');
        const publishable = absent.map((a) => ({
          ...ref(a),
          available: srcCatalog.apps.some((c) => c.id.toLowerCase() === a.id.toLowerCase() && c.version === a.version),
        }));
        const dependents = absent
          .flatMap((a) => installedDependents(a.id, t.apps, srcCatalog.apps))
          .filter((x, i, all) => all.findIndex((y) => y.id === x.id) === i && !absent.some((a) => a.id === x.id));
        tenants.push({
          tenantId: t.id,
          state: t.state,
          companies: t.companies,
          sizeBytes: report.sizeBytes,
          report,
          publishable,
          dependents: dependents.map(ref),
        });
      } catch (e) {
        tenants.push({ tenantId, state: null, companies: [], sizeBytes: 0, report: null, publishable: [], dependents: [], error: toErrorInfo(e) });
      }
    }
    return {
      at: new Date().toISOString(),
      source: {
        connectionId: src.id,
        name: src.name,
        kind: src.kind,
        application: { name: srcInfo.application.name, version: srcInfo.application.version },
        catalogSize: srcCatalog.apps.length,
        tenantCount: srcInfo.tenants,
      },
      destination: {
        connectionId: dst.id,
        name: dst.name,
        kind: dst.kind,
        application: facts.application,
        catalogSize: facts.catalog.length,
        tenantCount: dstInfo.tenants,
      },
      supported: support.ok,
      ...(support.ok ? {} : { unsupportedReason: support.reason }),
      ok: support.ok && tenants.every((t) => t.report?.ok === true),
      tenants,
    };
  }

  async report(req: MoveRequest): Promise<{ fileName: string; mimeType: string; content: string }> {
    const p = await this.precheck(req);
    const stamp = p.at.replace(/[:.]/g, '-');
    return {
      fileName: `move-precheck-${p.source.name}-to-${p.destination.name}-${stamp}.html`.replace(/[^A-Za-z0-9._-]+/g, '_'),
      mimeType: 'text/html',
      content: movePrecheckHtml(p, this.ctx.actor),
    };
  }

  /** Publishes versions from one deployment's catalog on another (the package bytes, checked by SHA-256). */
  async copyPackages(input: { fromId: string; toId: string; apps: { id: string; version: string }[] }): Promise<{
    results: { id: string; name: string; version: string; status: 'published' | 'unchanged' | 'failed'; error?: { code: string; message: string } }[];
  }> {
    const from = this.ctx.connection(input.fromId);
    const to = this.ctx.connection(input.toId);
    const s = this.ctx.driverFor(from.id);
    const d = this.ctx.driverFor(to.id);
    const catalog = (await s.invoke('app.catalog', {})).apps;
    const results: { id: string; name: string; version: string; status: 'published' | 'unchanged' | 'failed'; error?: { code: string; message: string } }[] =
      [];
    // dependencies first: a package publishes only when what it depends on is there
    const order = dependencyFirst(input.apps, catalog);
    for (const want of order) {
      const entry = catalog.find((c) => c.id.toLowerCase() === want.id.toLowerCase() && c.version === want.version);
      const name = entry?.name ?? want.id;
      try {
        if (!entry)
          throw new TenantryError('NOT_PUBLISHED', `${want.id} ${want.version} is not published on ${from.name}`, { appId: want.id, version: want.version });
        const pkg = await s.invoke('app.package', { appId: entry.id, version: entry.version });
        // An unsigned package was accepted on the source with verification skipped (logged there); the copy says so too.
        const out = await d.invoke('app.publish', { package: pkg.package, fileName: pkg.fileName, skipVerification: !entry.signed, actor: this.ctx.actor });
        if (out.sha256 !== pkg.sha256)
          throw new TenantryError(
            'INTERNAL',
            `${name} ${entry.version}: ${to.name} holds other bytes (SHA-256 ${out.sha256}) than ${from.name} (${pkg.sha256})`,
          );
        results.push({ id: entry.id, name, version: entry.version, status: out.status });
        this.ctx.audit.append({
          actor: this.ctx.actor,
          action: 'app.publish',
          connectionId: to.id,
          connectionName: to.name,
          params: { appId: entry.id, name, version: entry.version, from: from.name, sha256: pkg.sha256, skipVerification: !entry.signed, status: out.status },
          result: 'succeeded',
          opId: out.opId,
        });
      } catch (e) {
        const info = toErrorInfo(e);
        results.push({ id: want.id, name, version: want.version, status: 'failed', error: { code: info.code, message: info.message } });
        this.ctx.audit.append({
          actor: this.ctx.actor,
          action: 'app.publish',
          connectionId: to.id,
          connectionName: to.name,
          params: { appId: want.id, version: want.version, from: from.name },
          result: 'failed',
          error: `${info.code}: ${info.message}`,
        });
      }
    }
    return { results };
  }

  /** Starts the move job; refuses what this console cannot move, before anything runs. */
  start(req: MoveRequest): string {
    const src = this.ctx.connection(req.sourceId);
    const dst = this.ctx.connection(req.destinationId);
    const support = this.supported(src, dst);
    if (!support.ok) throw new TenantryError('BAD_INPUT', support.reason, { sourceId: src.id, destinationId: dst.id });
    const items: WorkflowItem[] = req.tenantIds.map((tenantId) => ({
      connectionId: src.id,
      tenantId,
      label: `move ${tenantId} from ${src.name} to ${dst.name}`,
      steps: moveSteps(src.name, dst.name),
    }));
    const title = `Move ${req.tenantIds.length === 1 ? req.tenantIds[0] : `${req.tenantIds.length} tenants`} from ${src.name} to ${dst.name}`;
    return this.ctx.jobs.startWorkflow({
      kind: 'move',
      title,
      spec: { sourceId: src.id, destinationId: dst.id, tenantIds: req.tenantIds },
      items,
      stopOnFailure: false,
      run: (item, _idx, report) => this.moveOne(src, dst, item.tenantId, report),
      audit: () => ({ action: 'tenant.move', params: { source: src.name, destination: dst.name } }),
    });
  }

  private async moveOne(src: Connection, dst: Connection, tenantId: string, report: ItemReporter): Promise<ItemOutcome> {
    if (src.kind === 'remote' || dst.kind === 'remote') return this.moveBetween(src, dst, tenantId, report);
    const s = this.ctx.driverFor(src.id);
    if (!(s instanceof LocalDriver) || !dst.folder)
      throw new TenantryError('BAD_INPUT', `${src.name} → ${dst.name}: only moves between two local deployments run here`);
    report.step('precheck', { state: 'running' });
    const before = await s.invoke('tenant.get', { tenantId });
    const facts = await this.ctx.driverFor(dst.id).invoke('move.destinationFacts', {});
    const pre = await s.invoke('move.precheck', { tenantId, destination: facts });
    if (!pre.ok) {
      report.step('precheck', { state: 'failed', detail: pre.problems.join('; ') });
      skipRest(report, 'precheck');
      return { state: 'failed', errorCode: 'MOVE_PRECHECK_FAILED', message: `nothing changed: ${pre.problems.join('; ')}` };
    }
    report.step('precheck', {
      detail: `application ${pre.application.destination}; ${pre.apps.length} extension(s) present; tenant id free; ${formatBytes(pre.sizeBytes)} to transfer`,
    });

    const release = await this.ctx.suspend(dst.id);
    const tenantsDir = path.join(dst.folder, 'tenants');
    let current = 'precheck';
    let transferStart = 0;
    let poll: NodeJS.Timeout | undefined;
    const stopPoll = (): void => {
      if (poll) clearInterval(poll);
      poll = undefined;
    };
    try {
      const result = await s.moveTenant(tenantId, dst.folder, {
        actor: this.ctx.actor,
        onStep: ({ name, at }) => {
          const m = ENGINE_STEPS[name];
          if (!m) return;
          if (m.ends) {
            if (m.ends === 'transfer') {
              stopPoll();
              const secs = Math.max((at - transferStart) / 1000, 0.001);
              report.step('transfer', {
                state: 'succeeded',
                bytes: pre.sizeBytes,
                totalBytes: pre.sizeBytes,
                bytesPerSecond: Math.round(pre.sizeBytes / secs),
                detail: `${formatBytes(pre.sizeBytes)} copied with SHA-256`,
              });
            } else report.step(m.ends, { state: 'succeeded' });
          }
          if (m.starts) {
            current = m.starts;
            report.step(m.starts, { state: 'running' });
            if (m.starts === 'transfer') {
              transferStart = at;
              report.step('transfer', { bytes: 0, totalBytes: pre.sizeBytes });
              // The engine copies synchronously in the source's worker; the copy's size is watched from here.
              poll = setInterval(() => {
                const bytes = importedBytes(tenantsDir);
                if (bytes === null) return;
                const secs = Math.max((Date.now() - transferStart) / 1000, 0.001);
                report.step('transfer', { bytes, totalBytes: pre.sizeBytes, bytesPerSecond: Math.round(bytes / secs) });
              }, 150);
            }
          }
        },
      });
      stopPoll();
      release();
      report.step('verify-copy', { detail: `SHA-256 ${result.sha256.slice(0, 16)}… matches; integrity check ok` });
      return await this.readBackAfterMove(src, dst, tenantId, before.state, result, report.step.bind(report), report);
    } catch (e) {
      stopPoll();
      release();
      const info = toErrorInfo(e);
      report.step(current, { state: 'failed', detail: info.message });
      skipRest(report, current);
      report.step('rollback', { label: `Mounted back on ${src.name}`, state: 'running' });
      // The proof: the tenant read back from the source (state and apps as before) and absent from the destination.
      const proof = await this.readBack(src, dst, tenantId, before);
      report.step('rollback', {
        state: proof.ok ? 'succeeded' : 'failed',
        detail: proof.ok ? `${tenantId} is ${before.state} on ${src.name} with the same extensions` : 'the tenant is not as it was: see the read-back',
      });
      report.proof(proof);
      return { state: 'failed', errorCode: info.code, message: info.message };
    }
  }

  /**
   * A move with a remote side, through the orchestrator. A local side is its folder opened in this process for the
   * move (its worker stopped and new calls to it held meanwhile), then closed and its worker started again.
   */
  private async moveBetween(src: Connection, dst: Connection, tenantId: string, report: ItemReporter): Promise<ItemOutcome> {
    // steps named so far: on failure the others are skipped (here "finish" runs before "mount")
    const touched = new Set<string>();
    const step: ItemReporter['step'] = (name, patch) => {
      touched.add(name);
      report.step(name, patch);
    };
    step('precheck', { state: 'running' });
    const s = this.ctx.driverFor(src.id);
    const before = await s.invoke('tenant.get', { tenantId });
    const facts = await this.ctx.driverFor(dst.id).invoke('move.destinationFacts', {});
    const pre = await s.invoke('move.precheck', { tenantId, destination: facts });
    if (!pre.ok) {
      step('precheck', { state: 'failed', detail: pre.problems.join('; ') });
      skipRest(report, 'precheck');
      return { state: 'failed', errorCode: 'MOVE_PRECHECK_FAILED', message: `nothing changed: ${pre.problems.join('; ')}` };
    }

    const opened: { release: () => void; d: Deployment | null }[] = [];
    const sideOf = async (c: Connection): Promise<MoveSide> => {
      if (c.kind === 'remote') {
        const d = this.ctx.driverFor(c.id);
        if (!(d instanceof RemoteDriver))
          throw new TenantryError('UNAVAILABLE', `${c.name} is busy (suspended for another move); try again when it ends`, { connectionId: c.id });
        return remoteSide(d.client);
      }
      if (!c.folder) throw new TenantryError('BAD_INPUT', `${c.name} has no deployment folder`, { connectionId: c.id });
      const held: { release: () => void; d: Deployment | null } = { release: await this.ctx.suspend(c.id), d: null };
      opened.push(held);
      held.d = Deployment.open(c.folder);
      return localSide(held.d, { actor: this.ctx.actor });
    };
    const closeLocal = (): void => {
      for (const h of opened.splice(0)) {
        try {
          h.d?.close();
        } finally {
          h.release();
        }
      }
    };

    let current = 'precheck';
    let transferStart = 0;
    let sent = 0;
    const enter = (name: string): void => {
      if (current !== name) step(current, { state: 'succeeded' });
      current = name;
      step(name, { state: 'running' });
    };
    try {
      const source = await sideOf(src);
      const destination = await sideOf(dst);
      const result = await moveTenantBetween(source, destination, tenantId, {
        actor: this.ctx.actor,
        progress: (raw) => {
          // the orchestrator names the sides by URL or folder; the wizard by connection name
          const line = raw.split(source.label).join(src.name).split(destination.label).join(dst.name);
          if (line.startsWith('pre-check OK')) {
            step('precheck', {
              state: 'succeeded',
              detail: `application ${pre.application.destination}; ${pre.apps.length} extension(s) present; tenant id free; ${formatBytes(pre.sizeBytes)} to transfer`,
            });
            current = 'dismount';
            step('dismount', { state: 'running' });
          } else if (line.startsWith('dismounted on')) {
            step('dismount', { detail: line });
            enter('transfer');
            transferStart = Date.now();
            step('transfer', { bytes: 0, totalBytes: pre.sizeBytes });
          } else if (line.startsWith('sent to')) {
            const secs = Math.max((Date.now() - transferStart) / 1000, 0.001);
            const total = sent || pre.sizeBytes;
            step('transfer', {
              state: 'succeeded',
              bytes: total,
              totalBytes: total,
              bytesPerSecond: Math.round(total / secs),
              detail: `${formatBytes(total)} sent to ${dst.name}`,
            });
            current = 'verify-copy';
            step('verify-copy', { state: 'succeeded', detail: `${dst.name} checked the SHA-256 and the integrity and staged it dismounted` });
            current = 'finish';
            step('finish', { state: 'running', detail: `${src.name} releases the tenant before ${dst.name} mounts it` });
          } else if (line.startsWith('released by')) {
            step('finish', { detail: `released by ${src.name}` });
            current = 'mount';
            step('mount', { state: 'running' });
          } else if (line.startsWith('mounted on')) {
            step('mount', { state: 'succeeded', detail: line });
            current = 'verify-mount';
            step('verify-mount', { state: 'running' });
          }
        },
        onBytes: (n, total) => {
          sent = n;
          const secs = Math.max((Date.now() - transferStart) / 1000, 0.001);
          step('transfer', { bytes: n, totalBytes: total, bytesPerSecond: Math.round(n / secs) });
        },
      });
      closeLocal();
      step('verify-mount', { state: 'succeeded' });
      step('verify-copy', { detail: `SHA-256 ${result.sha256.slice(0, 16)}… matches; integrity check ok` });
      return await this.readBackAfterMove(src, dst, tenantId, before.state, result, step, report, (gone) =>
        step('finish', { state: gone ? 'succeeded' : 'failed', detail: gone ? `no longer on ${src.name}` : `still registered on ${src.name}` }),
      );
    } catch (e) {
      closeLocal();
      const info = toErrorInfo(e);
      step(current, { state: 'failed', detail: info.message });
      for (const name of moveSteps('', '').map((x) => x.name)) if (!touched.has(name)) report.step(name, { state: 'skipped' });
      step('rollback', { label: `Mounted back on ${src.name}`, state: 'running' });
      const proof = await this.readBack(src, dst, tenantId, before);
      step('rollback', {
        state: proof.ok ? 'succeeded' : 'failed',
        detail: proof.ok ? `${tenantId} is ${before.state} on ${src.name} with the same extensions` : 'the tenant is not as it was: see the read-back',
      });
      report.proof(proof);
      return { state: 'failed', errorCode: info.code, message: info.message };
    }
  }

  /**
   * After a move that succeeded: the tenant read back on the destination and looked for on the source, the proof of
   * both, and the item's outcome. `afterVerify` reports a step of its own once the source has been read.
   */
  private async readBackAfterMove(
    src: Connection,
    dst: Connection,
    tenantId: string,
    stateBefore: string,
    result: { sha256: string; size: number; opId: string },
    step: ItemReporter['step'],
    report: ItemReporter,
    afterVerify?: (gone: boolean) => void,
  ): Promise<ItemOutcome> {
    const there = await this.ctx.driverFor(dst.id).invoke('tenant.get', { tenantId });
    const gone = await this.ctx
      .driverFor(src.id)
      .invoke('tenant.get', { tenantId })
      .then(
        () => false,
        (e: unknown) => toErrorInfo(e).code === 'TENANT_NOT_FOUND',
      );
    step('verify-mount', { detail: `${there.state}; ${there.apps.length} extension(s): ${appsText(there.apps)}` });
    afterVerify?.(gone);
    report.proof(
      proofOf(`Read back after the move`, gone && there.state === stateBefore, [
        { label: `State on ${dst.name}`, value: there.state },
        { label: `Extensions on ${dst.name}`, value: appsText(there.apps) },
        { label: `Companies`, value: there.companies.join(', ') },
        { label: `On ${src.name}`, value: gone ? 'no longer there' : 'still registered' },
        { label: 'SHA-256', value: result.sha256 },
      ]),
    );
    return { state: 'succeeded', message: `moved to ${dst.name}: ${formatBytes(result.size)}, SHA-256 ${result.sha256.slice(0, 12)}…`, opId: result.opId };
  }

  private async readBack(src: Connection, dst: Connection, tenantId: string, before: OperationOutput<'tenant.get'>): Promise<JobProof> {
    const facts: JobProof['facts'] = [];
    let ok = true;
    try {
      const now = await this.ctx.driverFor(src.id).invoke('tenant.get', { tenantId });
      const same = now.state === before.state && appsText(now.apps) === appsText(before.apps);
      ok &&= same;
      facts.push({ label: `State on ${src.name}`, value: `${now.state} (before the move: ${before.state})` });
      facts.push({ label: `Extensions on ${src.name}`, value: appsText(now.apps) });
      facts.push({ label: 'Same as before the move', value: same ? 'yes' : `no (before: ${appsText(before.apps)})` });
    } catch (e) {
      ok = false;
      facts.push({ label: `On ${src.name}`, value: `cannot be read: ${toErrorInfo(e).message}` });
    }
    try {
      await this.ctx.driverFor(dst.id).invoke('tenant.get', { tenantId });
      ok = false;
      facts.push({ label: `On ${dst.name}`, value: 'present (check it before retrying)' });
    } catch (e) {
      const info = toErrorInfo(e);
      if (info.code === 'TENANT_NOT_FOUND') facts.push({ label: `On ${dst.name}`, value: 'not present' });
      else if (dst.kind === 'remote' && info.code === 'UNAVAILABLE') {
        // A server that went away mid-move holds at most a staged, dismounted copy, which it never mounts by itself.
        facts.push({ label: `On ${dst.name}`, value: `unreachable (${info.message}); a staged copy there is never mounted by itself` });
      } else {
        facts.push({ label: `On ${dst.name}`, value: `cannot be read: ${info.message}` });
        ok = false;
      }
    }
    return proofOf(`Read back from ${src.name} after the failure`, ok, facts);
  }
}

function proofOf(title: string, ok: boolean, facts: JobProof['facts']): JobProof {
  return { title, ok, facts, readAt: new Date().toISOString() };
}

function skipRest(report: ItemReporter, failed: string): void {
  const order = moveSteps('', '').map((s) => s.name);
  for (const name of order.slice(order.indexOf(failed) + 1)) report.step(name, { state: 'skipped' });
}

/** Bytes of the copy in progress in a destination's tenants folder (the engine names it .import-<uuid>.sqlite). */
function importedBytes(tenantsDir: string): number | null {
  try {
    const f = fs.readdirSync(tenantsDir).find((n) => n.startsWith('.import-') && n.endsWith('.sqlite'));
    return f ? fs.statSync(path.join(tenantsDir, f)).size : null;
  } catch {
    return null;
  }
}

/** The apps in the order to publish them: each after the dependencies it has in the same list. */
export function dependencyFirst(apps: readonly { id: string; version: string }[], catalog: readonly CatalogEntry[]): { id: string; version: string }[] {
  const out: { id: string; version: string }[] = [];
  const pending = [...apps];
  const depsOf = (a: { id: string; version: string }): string[] =>
    (catalog.find((c) => c.id.toLowerCase() === a.id.toLowerCase() && c.version === a.version)?.dependencies ?? []).map((d) => d.id.toLowerCase());
  while (pending.length > 0) {
    const i = pending.findIndex((a) => depsOf(a).every((d) => !pending.some((p) => p !== a && p.id.toLowerCase() === d)));
    out.push(...pending.splice(i < 0 ? 0 : i, 1));
  }
  return out;
}
