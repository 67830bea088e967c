// The data archive across the fleet: every mounted tenant's archived data on every connected deployment, each
// entry with whether (and how) it can be restored: the published version an install would pick, and whether it
// is restored as it is or restored and upgraded (with the upgrade steps that would run). Offline, the last list
// read is served from the cache, marked not live. Also the CSV export of one archive, read page by page.
import type { ArchiveFleet, Connection, FleetArchiveEntry, RestoreInfo, SourceStatus } from '../../shared/api/console.js';
import { TenantryError, toErrorInfo } from '../../shared/api/errors.js';
import type { ArchiveEntry, CatalogEntry, TenantApp } from '../../shared/api/operations.js';
import { diffAppSchema } from '../../shared/domain/schema-diff.js';
import { compareVersions } from '../../shared/domain/version.js';
import { toCsv } from '../../shared/domain/csv.js';
import { mapLimit } from './fleet.js';
import { upgradeStepsFrom } from './package-definitions.js';
import type { ServiceContext } from './service-context.js';

const ARCHIVE_KEY = 'archives';
/** Both versions extend the same tables by name, so the diff needs no application to resolve them. */
const NO_APPLICATION = { name: 'application', publisher: 'unknown', version: '1.0.0.0', objects: [] };
const EXPORT_PAGE = 1000;

interface ArchiveRead {
  entries: FleetArchiveEntry[];
}

/** Where an archive could go back: decided as the engine's install would (newest published version, never older than the archive). */
export function restoreInfo(
  entry: Pick<ArchiveEntry, 'appId' | 'appName' | 'version' | 'kind'>,
  catalog: readonly Pick<CatalogEntry, 'id' | 'version'>[],
  installed: readonly Pick<TenantApp, 'id' | 'version'>[],
  deploymentName: string,
): RestoreInfo {
  const none = (reason: string): RestoreInfo => ({ possible: false, version: null, action: null, upgradeSteps: [], reason });
  if (entry.kind === 'column') return none(`a field removed by a force sync: kept for reference, not restored by an install; export or discard it`);
  const id = entry.appId.toLowerCase();
  const have = installed.find((a) => a.id.toLowerCase() === id);
  if (have) return none(`${entry.appName} ${have.version} is installed; archived data is restored only when the extension is installed`);
  const versions = catalog
    .filter((c) => c.id.toLowerCase() === id)
    .map((c) => c.version)
    .sort(compareVersions);
  const newest = versions.at(-1);
  if (!newest) return none(`${entry.appName} is not published on ${deploymentName}: publish ${entry.version} or newer to restore it`);
  if (compareVersions(newest, entry.version) < 0)
    return none(`the archive is of ${entry.version}, newer than any published version (${newest}): publish ${entry.version} or newer`);
  if (newest === entry.version)
    return {
      possible: true,
      version: newest,
      action: 'restore',
      upgradeSteps: [],
      reason: `the archived data is of this same version: it comes back as it is, with the extension's other archived tables`,
    };
  return {
    possible: true,
    version: newest,
    action: 'restore-and-upgrade',
    upgradeSteps: [],
    reason: `${newest} is the newest published version: the data comes back and is upgraded from ${entry.version}`,
  };
}

export class ArchiveService {
  constructor(private readonly ctx: ServiceContext) {}

  async fleet(refresh: boolean): Promise<ArchiveFleet> {
    const conns = this.ctx.connections();
    const reads = await Promise.all(conns.map((c) => (refresh ? this.readLive(c) : Promise.resolve(this.cached(c)))));
    return {
      live: reads.length > 0 && reads.every((r) => r.status.live),
      deployments: reads.map((r) => r.status),
      entries: reads.flatMap((r) => r.entries),
    };
  }

  private cached(c: Connection, error?: unknown): { status: SourceStatus; entries: FleetArchiveEntry[] } {
    const hit = this.ctx.cache.get<ArchiveRead>(c.id, ARCHIVE_KEY);
    return {
      status: { connectionId: c.id, name: c.name, live: false, asOf: hit?.takenAt ?? null, ...(error !== undefined ? { error: toErrorInfo(error) } : {}) },
      entries: (hit?.value.entries ?? []).map((e) => ({ ...e, connectionName: c.name })),
    };
  }

  private async readLive(c: Connection): Promise<{ status: SourceStatus; entries: FleetArchiveEntry[] }> {
    const d = this.ctx.driverFor(c.id);
    try {
      const [catalog, list] = await Promise.all([d.invoke('app.catalog', {}), d.invoke('tenant.list', {})]);
      const mounted = list.tenants.filter((t) => t.state !== 'dismounted');
      const perTenant = await mapLimit(mounted, 8, async (t) => {
        const archives = await d.invoke('archive.list', { tenantId: t.id }).catch(() => ({ archives: [] as ArchiveEntry[] }));
        if (archives.archives.length === 0) return [];
        const apps = await d.invoke('tenant.apps', { tenantId: t.id }).catch(() => ({ apps: [] as TenantApp[] }));
        return archives.archives.map((a): FleetArchiveEntry => ({
          ...a,
          key: `${c.id}/${t.id}/${a.archiveId}`,
          connectionId: c.id,
          connectionName: c.name,
          tenantId: t.id,
          restore: restoreInfo(a, catalog.apps, apps.apps, c.name),
        }));
      });
      const entries = perTenant.flat();
      await this.addUpgradeSteps(c.id, entries);
      entries.sort(
        (a, b) =>
          a.tenantId.localeCompare(b.tenantId) || a.appName.localeCompare(b.appName) || a.company.localeCompare(b.company) || a.table.localeCompare(b.table),
      );
      const asOf = new Date().toISOString();
      this.ctx.cache.put(c.id, ARCHIVE_KEY, { entries } satisfies ArchiveRead, asOf);
      return { status: { connectionId: c.id, name: c.name, live: true, asOf }, entries };
    } catch (e) {
      return this.cached(c, e);
    }
  }

  /**
   * For restores that upgrade: reads both packages once per (app, from, to), names the upgrade steps that would run,
   * and checks that the archived data fits the newer schema; when it does not (a field or table removed), the
   * restore goes to the archived version itself if it is still published.
   */
  private async addUpgradeSteps(connectionId: string, entries: FleetArchiveEntry[]): Promise<void> {
    const wanted = new Map<string, FleetArchiveEntry[]>();
    for (const e of entries) {
      if (e.restore.action !== 'restore-and-upgrade' || !e.restore.version) continue;
      const k = `${e.appId}@${e.version}->${e.restore.version}`;
      wanted.set(k, [...(wanted.get(k) ?? []), e]);
    }
    const d = this.ctx.driverFor(connectionId);
    const published = new Set((await d.invoke('app.catalog', {})).apps.map((a) => `${a.id.toLowerCase()}@${a.version}`));
    for (const list of wanted.values()) {
      const first = list[0]!;
      const target = await this.ctx.definitions.get(d, first.appId, first.restore.version!);
      const sourcePublished = published.has(`${first.appId.toLowerCase()}@${first.version}`);
      const source = sourcePublished ? await this.ctx.definitions.get(d, first.appId, first.version) : null;
      const lost = 'def' in target && source && 'def' in source ? diffAppSchema(source.def, target.def, NO_APPLICATION).filter((c) => c.destructive) : [];
      for (const e of list) {
        if (lost.length > 0) {
          const why = lost.map((c) => c.description).join('; ');
          e.restore = sourcePublished
            ? {
                possible: true,
                version: e.version,
                action: 'restore',
                upgradeSteps: [],
                reason: `the newest version ${e.restore.version} does not fit this data (${why}): ${e.version}, still published, takes it back as it is`,
              }
            : {
                possible: false,
                version: null,
                action: null,
                upgradeSteps: [],
                reason: `the newest version ${e.restore.version} does not fit this data (${why}) and ${e.version} is not published`,
              };
          continue;
        }
        if ('def' in target) {
          e.restore.upgradeSteps = upgradeStepsFrom(target.def, e.version);
          e.restore.reason +=
            e.restore.upgradeSteps.length > 0 ? `; upgrade steps run: ${e.restore.upgradeSteps.join(', ')}` : '; no upgrade step applies to this version';
        } else {
          e.restore.reason += `; its upgrade steps could not be read (${target.error.message})`;
        }
      }
    }
  }

  /** One archive as CSV (RFC 4180, formula cells neutralised), read page by page; the export is audit-logged. */
  async exportCsv(input: {
    connectionId: string;
    tenantId: string;
    archiveId: number;
  }): Promise<{ fileName: string; mimeType: string; content: string; rows: number }> {
    const c = this.ctx.connection(input.connectionId);
    const d = this.ctx.driverFor(c.id);
    const first = await d.invoke('archive.rows', { tenantId: input.tenantId, archiveId: input.archiveId, offset: 0, limit: EXPORT_PAGE });
    const header = first.columns.map((col) => col.name);
    const rows: unknown[][] = first.rows.map((r) => header.map((h) => r[h] ?? null));
    for (let offset = first.rows.length; offset < first.total;) {
      const page = await d.invoke('archive.rows', { tenantId: input.tenantId, archiveId: input.archiveId, offset, limit: EXPORT_PAGE });
      if (page.rows.length === 0) break;
      for (const r of page.rows) rows.push(header.map((h) => r[h] ?? null));
      offset += page.rows.length;
    }
    if (rows.length !== first.total) {
      throw new TenantryError(
        'INTERNAL',
        `archive ${input.archiveId} of tenant "${input.tenantId}" changed while it was exported (${rows.length} of ${first.total} rows read); export it again`,
        input,
      );
    }
    const a = first.archive;
    const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_');
    const fileName = `${safe(input.tenantId)}-${safe(a.appName)}-${safe(a.version)}-${safe(a.company)}-${safe(a.table)}.csv`;
    this.ctx.audit.append({
      actor: this.ctx.actor,
      action: 'archive.export',
      connectionId: c.id,
      connectionName: c.name,
      target: input.tenantId,
      params: { archiveId: input.archiveId, app: a.appName, version: a.version, company: a.company, table: a.table, rows: rows.length },
      result: 'succeeded',
    });
    return { fileName, mimeType: 'text/csv', content: toCsv(header, rows), rows: rows.length };
  }
}
