// The plan shown before a matrix action runs: per selected cell, what will happen (install, upgrade, uninstall
// or skip and why), the dependencies that will be added, the dependents that will be removed, the archived data
// an install restores and the rows an uninstall moves to the archive. Reads only; changes nothing.
import type { JobPlan, JobSpec, PlanItem } from '../../shared/api/console.js';
import type { AppRefOut, CatalogEntry, OperationOutput, TenantApp } from '../../shared/api/operations.js';
import { compareVersions } from '../../shared/domain/version.js';
import type { Driver } from './drivers/driver.js';

type Archive = OperationOutput<'archive.list'>['archives'][number];

interface TenantFacts {
  apps: TenantApp[];
  archives: Archive[];
}

/** Newest published version of `id` that is at least `min`. */
function newestAtLeast(catalog: readonly CatalogEntry[], id: string, min = '0.0.0.0'): CatalogEntry | undefined {
  return catalog
    .filter((c) => c.id.toLowerCase() === id.toLowerCase() && compareVersions(c.version, min) >= 0)
    .sort((a, b) => compareVersions(b.version, a.version))[0];
}

const ref = (c: { id: string; name: string; publisher: string; version: string }): AppRefOut => ({
  id: c.id,
  name: c.name,
  publisher: c.publisher,
  version: c.version,
});

/** Dependencies of `target` (transitively) that are not installed, dependencies first. */
export function missingDependencies(
  target: CatalogEntry,
  catalog: readonly CatalogEntry[],
  installed: readonly TenantApp[],
): { add: AppRefOut[]; unpublished: AppRefOut[] } {
  const add: AppRefOut[] = [];
  const unpublished: AppRefOut[] = [];
  const seen = new Set<string>();
  const visit = (entry: CatalogEntry): void => {
    for (const dep of entry.dependencies) {
      const key = dep.id.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      const have = installed.find((a) => a.id.toLowerCase() === key);
      if (have && compareVersions(have.version, dep.version) >= 0) continue;
      const pub = newestAtLeast(catalog, dep.id, dep.version);
      if (!pub) {
        unpublished.push(ref(dep));
        continue;
      }
      visit(pub);
      if (!have) add.push(ref(pub));
    }
  };
  visit(target);
  return { add, unpublished };
}

/** Installed apps that depend on `appId`, directly or not, dependents of dependents first. */
export function installedDependents(appId: string, installed: readonly TenantApp[], catalog: readonly CatalogEntry[]): TenantApp[] {
  const depsOf = (a: TenantApp): string[] => (catalog.find((c) => c.id === a.id && c.version === a.version)?.dependencies ?? []).map((d) => d.id.toLowerCase());
  const out: TenantApp[] = [];
  const visit = (id: string): void => {
    for (const a of installed) {
      if (out.includes(a) || a.id.toLowerCase() === appId.toLowerCase()) continue;
      if (depsOf(a).includes(id.toLowerCase())) {
        visit(a.id);
        if (!out.includes(a)) out.push(a);
      }
    }
  };
  visit(appId);
  return out;
}

/** Rows of the app's tables and of its fields on other tables, per company, from the merged view. */
async function rowsToArchive(d: Driver, tenantId: string, companies: readonly string[], apps: readonly AppRefOut[]): Promise<PlanItem['archive']> {
  if (apps.length === 0) return [];
  const objects = await d.invoke('tenant.objects', { tenantId });
  const out: PlanItem['archive'] = [];
  for (const app of apps) {
    const id = app.id.toLowerCase();
    const tables = objects.tables.filter((t) => t.ownerAppId.toLowerCase() === id || t.fields.some((f) => f.ownerAppId.toLowerCase() === id));
    for (const t of tables) {
      const inCompanies = t.dataPerCompany ? companies : companies.slice(0, 1);
      for (const company of inCompanies) {
        const page = await d.invoke('record.page', { tenantId, company, table: t.name, limit: 1 }).catch(() => undefined);
        if (page && page.total > 0) out.push({ appName: app.name, company: t.dataPerCompany ? company : '(all companies)', table: t.name, rows: page.total });
      }
    }
  }
  return out;
}

export async function buildPlan(spec: JobSpec, driverFor: (connectionId: string) => Driver): Promise<JobPlan> {
  const catalogs = new Map<string, Promise<CatalogEntry[]>>();
  const tenants = new Map<string, Promise<TenantFacts & { companies: string[] }>>();
  const catalogOf = (cid: string): Promise<CatalogEntry[]> => {
    let p = catalogs.get(cid);
    if (!p)
      catalogs.set(
        cid,
        (p = driverFor(cid)
          .invoke('app.catalog', {})
          .then((c) => c.apps)),
      );
    return p;
  };
  const tenantOf = (cid: string, tid: string): Promise<TenantFacts & { companies: string[] }> => {
    const k = `${cid}/${tid}`;
    let p = tenants.get(k);
    if (!p) {
      const d = driverFor(cid);
      p = Promise.all([d.invoke('tenant.get', { tenantId: tid }), d.invoke('archive.list', { tenantId: tid })]).then(([t, a]) => ({
        apps: t.apps,
        archives: a.archives,
        companies: t.companies,
      }));
      tenants.set(k, p);
    }
    return p;
  };

  const items: PlanItem[] = [];
  for (const target of spec.targets) {
    const d = driverFor(target.connectionId);
    const catalog = await catalogOf(target.connectionId);
    const base = {
      connectionId: target.connectionId,
      tenantId: target.tenantId,
      appId: target.appId,
      addDependencies: [],
      removeDependents: [],
      archive: [],
      restores: [],
    };
    const entry = newestAtLeast(catalog, target.appId);
    let facts: TenantFacts & { companies: string[] };
    try {
      facts = await tenantOf(target.connectionId, target.tenantId);
    } catch (e) {
      items.push({ ...base, appName: entry?.name ?? target.appId, action: 'skip', reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    const installed = facts.apps.find((a) => a.id.toLowerCase() === target.appId.toLowerCase());
    const archived = facts.archives.filter((a) => a.appId.toLowerCase() === target.appId.toLowerCase());
    const appName = entry?.name ?? installed?.name ?? archived[0]?.appName ?? target.appId;
    const restores = [...new Set(archived.map((a) => a.version))].map((v) => {
      const rows = archived.filter((a) => a.version === v).reduce((n, a) => n + a.rows, 0);
      return `archived data of ${v} (${rows} rows)`;
    });

    if (spec.action === 'uninstall') {
      if (!installed) {
        items.push({ ...base, appName, action: 'skip', reason: `${appName} is not installed in ${target.tenantId}` });
        continue;
      }
      const dependents = installedDependents(installed.id, facts.apps, catalog);
      if (dependents.length > 0 && !spec.uninstallDependents) {
        items.push({
          ...base,
          appName,
          action: 'skip',
          reason: `installed extensions depend on ${appName}: ${dependents.map((x) => x.name).join(', ')}`,
          removeDependents: dependents.map(ref),
        });
        continue;
      }
      const archive = await rowsToArchive(d, target.tenantId, facts.companies, [...dependents.map(ref), ref(installed)]);
      items.push({ ...base, appName, action: 'uninstall', fromVersion: installed.version, removeDependents: dependents.map(ref), archive });
      continue;
    }

    const wanted = target.version ? catalog.find((c) => c.id.toLowerCase() === target.appId.toLowerCase() && c.version === target.version) : entry;
    if (!wanted) {
      items.push({
        ...base,
        appName,
        action: 'skip',
        reason: target.version ? `${appName} ${target.version} is not published on this deployment` : `${appName} is not published on this deployment`,
      });
      continue;
    }
    if (spec.action === 'upgrade') {
      const from =
        installed?.version ??
        archived
          .map((a) => a.version)
          .sort(compareVersions)
          .at(-1);
      if (!from) {
        items.push({ ...base, appName, action: 'skip', reason: `${appName} is neither installed nor archived in ${target.tenantId}: install it instead` });
      } else if (compareVersions(wanted.version, from) <= 0) {
        items.push({
          ...base,
          appName,
          action: 'skip',
          reason: compareVersions(wanted.version, from) === 0 ? `${appName} is already at ${from}` : `${wanted.version} is older than ${from}: no downgrades`,
        });
      } else {
        items.push({ ...base, appName, action: 'upgrade', fromVersion: from, toVersion: wanted.version, restores: installed ? [] : restores });
      }
      continue;
    }
    // install
    if (installed) {
      items.push({
        ...base,
        appName,
        action: 'skip',
        reason: `${appName} ${installed.version} is already installed in ${target.tenantId}${installed.upgradeAvailable ? `; upgrade to ${installed.upgradeAvailable} instead` : ''}`,
      });
      continue;
    }
    const { add, unpublished } = missingDependencies(wanted, catalog, facts.apps);
    if (unpublished.length > 0) {
      items.push({
        ...base,
        appName,
        action: 'skip',
        reason: `dependencies not published on this deployment: ${unpublished.map((u) => `${u.name} ${u.version}`).join(', ')}`,
      });
      continue;
    }
    if (add.length > 0 && !spec.installDependencies) {
      items.push({ ...base, appName, action: 'skip', reason: `needs ${add.map((a) => a.name).join(', ')} installed first`, addDependencies: add });
      continue;
    }
    items.push({ ...base, appName, action: 'install', toVersion: wanted.version, addDependencies: add, restores });
  }
  return {
    action: spec.action,
    items,
    runnable: items.filter((i) => i.action !== 'skip').length,
    archivedRows: items.reduce((n, i) => n + i.archive.reduce((m, a) => m + a.rows, 0), 0),
  };
}
