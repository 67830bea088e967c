// Install and uninstall plans: what the console shows before acting, and what the engine executes.
import type { AppDefinition } from './app-definition.js';
import type { AppRef } from './conflicts.js';

export interface InstallPlan {
  /** dependency order, dependencies first, the target last */
  install: AppRef[];
  missing: { id: string; name: string; minVersion: string; requiredBy: string }[];
  alreadyInstalled: AppRef[];
}

export interface UninstallPlan {
  /** reverse dependency order: dependents first, target last */
  uninstall: AppRef[];
  /** dependents, when !withDependents */
  blockedBy: AppRef[];
}

export function planInstall(target: AppDefinition, catalog: readonly AppDefinition[], installed: readonly { id: string; version: string }[]): InstallPlan {
  void target;
  void catalog;
  void installed;
  return { install: [], missing: [], alreadyInstalled: [] };
}

export function planUninstall(targetId: string, installed: readonly AppDefinition[], withDependents: boolean): UninstallPlan {
  void targetId;
  void installed;
  void withDependents;
  return { uninstall: [], blockedBy: [] };
}
