// Extension definitions (manifest + objects) read from the package bytes a deployment holds (app.package), for
// the schema diff of an upgrade plan and the upgrade steps a restore would run. Read with verification skipped:
// the deployment verified the package when it was published; nothing here installs it. Cached by SHA-256.
import { toErrorInfo, type ErrorInfo } from '../../shared/api/errors.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import type { Application, Table } from '../../shared/domain/objects.js';
import { compareVersions } from '../../shared/domain/version.js';
import { readPackage } from '../../platform/package/index.js';
import type { Driver } from './drivers/driver.js';

const MAX_CACHED = 64;

export class PackageDefinitions {
  private readonly bySha = new Map<string, AppDefinition>();

  /** The definition of `appId` `version` on that deployment, or the reason it cannot be read. */
  async get(d: Driver, appId: string, version: string): Promise<{ def: AppDefinition } | { error: ErrorInfo }> {
    try {
      const out = await d.invoke('app.package', { appId, version });
      const hit = this.bySha.get(out.sha256);
      if (hit) return { def: hit };
      const def = readPackage(Buffer.from(out.package, 'base64'), { verify: 'skip' }, out.fileName).definition;
      if (this.bySha.size >= MAX_CACHED) this.bySha.delete(this.bySha.keys().next().value as string);
      this.bySha.set(out.sha256, def);
      return { def };
    } catch (e) {
      return { error: toErrorInfo(e) };
    }
  }
}

/** Upgrade steps of `def` that run when upgrading data of version `from` ("codeunit: tag"). */
export function upgradeStepsFrom(def: AppDefinition, from: string): string[] {
  const out: string[] = [];
  for (const o of def.objects) {
    if (o.type !== 'codeunit') continue;
    for (const s of o.upgrade) {
      if (s.fromMin !== undefined && compareVersions(from, s.fromMin) < 0) continue;
      if (s.fromMax !== undefined && compareVersions(from, s.fromMax) > 0) continue;
      out.push(`${o.name}: ${s.tag}`);
    }
  }
  return out;
}

/** Every upgrade step of `def` with its source version range. */
export function upgradeSteps(def: AppDefinition): { codeunit: string; tag: string; fromMin: string | null; fromMax: string | null }[] {
  return def.objects.flatMap((o) =>
    o.type === 'codeunit' ? o.upgrade.map((s) => ({ codeunit: o.name, tag: s.tag, fromMin: s.fromMin ?? null, fromMax: s.fromMax ?? null })) : [],
  );
}

/**
 * An application to resolve table names to ids for the schema diff, built from a tenant's merged view (the
 * console cannot read the deployment's application definition through the contract; the ids are all it needs).
 */
export function lookupApplication(
  app: { name: string; version: string },
  tables: readonly {
    id: number;
    name: string;
    dataPerCompany: boolean;
    primaryKey: string[];
    fields: { name: string; fieldId: number; type: string; length?: number | undefined }[];
  }[],
): Application {
  const objects: Table[] = tables.map((t) => ({
    type: 'table',
    id: t.id,
    name: t.name,
    dataPerCompany: t.dataPerCompany,
    fields: t.fields.map((f) => ({
      id: f.fieldId,
      name: f.name,
      type: f.type as Table['fields'][number]['type'],
      ...(f.length !== undefined ? { length: f.length } : {}),
    })),
    keys: [{ fields: t.primaryKey.length > 0 ? t.primaryKey : [t.fields[0]?.name ?? 'id'] }],
  }));
  return { name: app.name, publisher: 'unknown', version: app.version, objects };
}
