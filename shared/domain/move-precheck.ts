// The pre-check of moving a tenant between deployments (seed 003, "Move Tenants from One Server to
// Another"): the same application on both, every installed extension published on the destination at
// the same version, the tenant id free there. It changes nothing; it lists the problems and the ways
// out: publish the missing versions from the source's catalog, or uninstall them before the move (their
// data stays archived in the tenant until they are installed again).
import type { AppRef } from './conflicts.js';
import { describeApp } from './manifest.js';
import { compareVersions } from './version.js';

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

const key = (s: string): string => s.toLowerCase();

export function movePrecheck(input: MovePrecheckInput): MovePrecheckReport {
  const { tenantId, source, destination } = input;
  const src = `${source.application.name} ${source.application.version}`;
  const dst = `${destination.application.name} ${destination.application.version}`;
  const sameApp = key(source.application.name) === key(destination.application.name) && source.application.version === destination.application.version;
  const problems: string[] = [];
  if (!sameApp) problems.push(`the application differs: ${src} on "${source.name}", ${dst} on "${destination.name}"`);

  const apps: MovePrecheckReport['apps'] = input.installed.map((a) => {
    const versions = destination.catalog
      .filter((c) => key(c.id) === key(a.id))
      .map((c) => c.version)
      .sort((x, y) => compareVersions(y, x));
    const unique = [...new Set(versions)];
    const status = unique.includes(a.version) ? 'present' : unique.length > 0 ? 'other-version' : 'missing';
    if (status === 'missing') problems.push(`${describeApp(a)} is installed in tenant "${tenantId}" but not published on "${destination.name}"`);
    if (status === 'other-version')
      problems.push(`${describeApp(a)} is installed in tenant "${tenantId}" but "${destination.name}" has only version ${unique.join(', ')}`);
    return { ...a, status, destinationVersions: unique };
  });

  const tenantIdFree = !destination.tenantIds.some((t) => key(t) === key(tenantId));
  if (!tenantIdFree) problems.push(`tenant id "${tenantId}" is already used on "${destination.name}"`);

  const absent: AppRef[] = apps.filter((a) => a.status !== 'present').map(({ id, name, publisher, version }) => ({ id, name, publisher, version }));
  const waysOut: MovePrecheckReport['waysOut'] = [];
  if (absent.length > 0) {
    const list = absent.map(describeApp).join(', ');
    waysOut.push({
      kind: 'publish-missing',
      apps: absent,
      description: `publish ${list} on "${destination.name}" from the catalog of "${source.name}", then move`,
    });
    waysOut.push({
      kind: 'uninstall-first',
      apps: absent,
      description: `uninstall ${list} (and anything that depends on them) from tenant "${tenantId}" on "${source.name}" before the move; their data stays archived in the tenant until they are installed again`,
    });
  }
  return {
    ok: problems.length === 0,
    tenantId,
    application: { source: src, destination: dst, same: sameApp },
    apps,
    tenantIdFree,
    sizeBytes: input.sizeBytes,
    problems,
    waysOut,
  };
}
