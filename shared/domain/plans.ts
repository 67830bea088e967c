// Install and uninstall plans: what the console shows before acting, and what the engine executes.
// Install: the target's dependencies that are not installed are taken from the catalog (the newest
// version at or above each minimum), dependencies first and the target last. A dependency installed
// below the minimum asked for is listed as missing (it needs an upgrade first).
// Uninstall: the target's installed dependents (transitively) block it, unless they go too, in which
// case they are uninstalled first, in reverse dependency order.
import type { AppDefinition } from './app-definition.js';
import { toAppRef, type AppRef } from './conflicts.js';
import { dependencyOrder, dependentsOf } from './dependency-graph.js';
import type { Dependency } from './manifest.js';
import { compareVersions, isAtLeast } from './version.js';

export interface InstallPlan {
  /** dependency order, dependencies first, the target last */
  install: AppRef[];
  missing: { id: string; name: string; minVersion: string; requiredBy: string }[];
  alreadyInstalled: AppRef[];
}

export interface UninstallPlan {
  /** reverse dependency order: dependents first, target last; empty when blocked */
  uninstall: AppRef[];
  /** installed dependents (nearest first), when !withDependents */
  blockedBy: AppRef[];
}

const key = (s: string): string => s.toLowerCase();

function newestInCatalog(id: string, catalog: readonly AppDefinition[]): AppDefinition | undefined {
  let best: AppDefinition | undefined;
  for (const c of catalog) if (key(c.manifest.id) === key(id) && (!best || compareVersions(c.manifest.version, best.manifest.version) > 0)) best = c;
  return best;
}

/** What installing `target` takes in a tenant that has `installed`. If the target itself is installed it is listed in alreadyInstalled and not in install. */
export function planInstall(target: AppDefinition, catalog: readonly AppDefinition[], installed: readonly { id: string; version: string }[]): InstallPlan {
  const plan: InstallPlan = { install: [], missing: [], alreadyInstalled: [] };
  const installedVersion = new Map(installed.map((i) => [key(i.id), i.version]));
  const done = new Set<string>();

  const refOfInstalled = (d: { id: string; name: string; publisher: string }, version: string): AppRef => {
    const entry = catalog.find((c) => key(c.manifest.id) === key(d.id) && c.manifest.version === version);
    return entry ? toAppRef(entry) : { id: key(d.id), name: d.name, publisher: d.publisher, version };
  };

  const visitDeps = (app: AppDefinition): void => {
    for (const d of app.manifest.dependencies) visitDep(d, app.manifest.name);
  };
  const visitDep = (d: Dependency, requiredBy: string): void => {
    const id = key(d.id);
    const have = installedVersion.get(id);
    if (have !== undefined) {
      if (isAtLeast(have, d.version)) {
        if (!done.has(id)) plan.alreadyInstalled.push(refOfInstalled(d, have));
      } else plan.missing.push({ id, name: d.name, minVersion: d.version, requiredBy });
      done.add(id);
      return;
    }
    const planned = plan.install.find((r) => r.id === id);
    if (planned) {
      if (!isAtLeast(planned.version, d.version)) plan.missing.push({ id, name: d.name, minVersion: d.version, requiredBy });
      return;
    }
    // In progress (a cycle) or already reported missing: nothing more to add.
    if (done.has(id)) return;
    done.add(id);
    const found = newestInCatalog(id, catalog);
    if (!found || !isAtLeast(found.manifest.version, d.version)) {
      plan.missing.push({ id, name: d.name, minVersion: d.version, requiredBy });
      return;
    }
    visitDeps(found);
    plan.install.push(toAppRef(found));
  };

  const targetId = key(target.manifest.id);
  const have = installedVersion.get(targetId);
  if (have !== undefined) {
    plan.alreadyInstalled.push(refOfInstalled(target.manifest, have));
    return plan;
  }
  done.add(targetId);
  visitDeps(target);
  plan.install.push(toAppRef(target));
  return plan;
}

/** What uninstalling `targetId` takes; nothing to do (both lists empty) when it is not installed. */
export function planUninstall(targetId: string, installed: readonly AppDefinition[], withDependents: boolean): UninstallPlan {
  const nodes = installed.map((def) => ({ id: def.manifest.id, name: def.manifest.name, dependencies: def.manifest.dependencies, def }));
  const target = nodes.find((n) => key(n.id) === key(targetId));
  if (!target) return { uninstall: [], blockedBy: [] };
  const dependents = dependentsOf(target.id, nodes);
  if (!withDependents && dependents.length > 0) return { uninstall: [], blockedBy: dependents.map((n) => toAppRef(n.def)) };
  const order = dependencyOrder([target, ...dependents]).reverse();
  return { uninstall: order.map((n) => toAppRef(n.def)), blockedBy: [] };
}
