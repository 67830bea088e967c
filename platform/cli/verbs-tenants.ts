// Verbs for tenants, their archived data, their records and the operation log: tenant new/list/show/mount/
// dismount/move/remove-apps/objects/subscribers/permissions, archive list/rows/export/discard, data
// insert/modify/delete/rows, log, and demo. Each names the NAV cmdlet it mirrors where there is one.
import fs from 'node:fs';
import { Command } from 'commander';
import { TenantryError } from '../../shared/api/errors.js';
import type { OperationOutput } from '../../shared/api/operations.js';
import { openLocal, openRemote } from './connect.js';
import { isUrl, type CliContext } from './context.js';
import { formatBytes } from '../../shared/domain/bytes.js';
import { appLabel, renderTable, shortTime, type Cell } from './format.js';
import { action, collect, example, jsonObject, nonNegativeInt, positiveInt, ReportedFailure, type VerbEnv } from './verb-kit.js';

export function addTenantVerbs(program: Command, env: VerbEnv): void {
  const tenant = program.command('tenant').description('Create, list, mount, dismount and move tenants');
  example(
    action<{ company?: string[]; alternateId?: string[] }>(
      tenant
        .command('new')
        .description('Create a tenant database with one or more companies and mount it (mirrors New-NAVTenant / Mount-NAVTenant)')
        .argument('<id>', 'tenant id: letters, digits and "-"')
        .option('--company <name>', 'a company (repeat for several; default: the standard demo company)', (v: string, prev: string[] | undefined) => [
          ...(prev ?? []),
          v,
        ])
        .option('--alternate-id <host>', 'an alternate id, e.g. a host name (repeatable)', collect),
      env,
      async (ctx, [id], o) => {
        const out = await ctx.run(
          'tenant.create',
          { tenantId: id!, ...(o.company ? { companies: o.company } : {}), ...(o.alternateId ? { alternateIds: o.alternateId } : {}) },
          true,
        );
        ctx.emit(out, () => `created tenant ${out.id} (${out.state}) with companies: ${out.companies.join(', ')}\n`);
      },
    ),
    'tenantry tenant new contoso-retail --company "Contoso Retail UK" --company "Contoso Retail DE"',
  );
  example(
    action(tenant.command('list').description('List the tenants of the deployment with their state (mirrors Get-NAVTenant)'), env, async (ctx) => {
      const out = await ctx.run('tenant.list', {});
      ctx.emit(out, () =>
        out.tenants.length === 0
          ? 'no tenants\n'
          : renderTable(
              ['Tenant', 'State', 'Apps', 'Companies', 'Size', 'Application', 'Alternate ids'],
              out.tenants.map((t) => [
                t.id,
                t.state === 'failed' && t.failedOperation ? `failed (${t.failedOperation})` : t.state,
                t.installedApps,
                t.companies.length,
                formatBytes(t.sizeBytes),
                t.applicationVersion,
                t.alternateIds.join(', '),
              ]),
              ctx.style,
            ),
      );
    }),
    'tenantry tenant list --deployment ./east',
  );
  example(
    action(
      tenant
        .command('show')
        .description('Show one tenant: state, companies, installed extensions (mirrors Get-NAVTenant -Tenant)')
        .argument('<id>', 'tenant id'),
      env,
      async (ctx, [id]) => {
        const out = await ctx.run('tenant.get', { tenantId: id! });
        ctx.emit(out, () => {
          const head = renderTable(
            ['Property', 'Value'],
            [
              ['Tenant', out.id],
              ['State', out.state === 'failed' && out.failedOperation ? `failed (${out.failedOperation})` : out.state],
              ['Companies', out.companies.join(', ')],
              ['Application', out.applicationVersion],
              ['Alternate ids', out.alternateIds.join(', ')],
              ['File', `${out.file} (${formatBytes(out.sizeBytes)})`],
              ['Created', shortTime(out.createdAt)],
              ['Mounted', shortTime(out.mountedAt)],
            ],
            ctx.style,
            200,
          );
          const apps =
            out.apps.length === 0
              ? 'no extensions installed\n'
              : renderTable(
                  ['Name', 'Publisher', 'Version', 'Data version', 'Sync', 'Upgrade available'],
                  out.apps.map((a) => [a.name, a.publisher, a.version, a.dataVersion, a.syncState, a.upgradeAvailable]),
                  ctx.style,
                );
          return `${head}\n${apps}`;
        });
      },
    ),
    'tenantry tenant show contoso-retail',
  );
  example(
    action(
      tenant
        .command('mount')
        .description(
          'Mount a dismounted tenant, or adopt a tenant database file; refused when its application version or extensions do not match (mirrors Mount-NAVTenant)',
        )
        .argument('<tenant>', 'a tenant id, or the path of a tenant .sqlite file'),
      env,
      async (ctx, [arg]) => {
        const isFile = /[\\/]/.test(arg!) || arg!.toLowerCase().endsWith('.sqlite');
        const conn = await ctx.invoker();
        let input: { file: string } | { tenantId: string } = isFile ? { file: ctx.resolvePath(arg!) } : { tenantId: arg! };
        if (isFile && conn.uploadTenantFile) {
          // A server does not read files of this machine: send the file, then mount it by id.
          input = { tenantId: (await conn.uploadTenantFile(ctx.resolvePath(arg!))).tenantId };
        }
        const out = await ctx.run('tenant.mount', input, true);
        ctx.emit(out, () => `mounted tenant ${out.id} (${out.state}, ${out.installedApps} extension(s))\n`);
      },
    ),
    'tenantry tenant mount contoso-retail',
    'tenantry tenant mount ../backup/contoso-retail.sqlite',
  );
  example(
    action(
      tenant
        .command('dismount')
        .description('Dismount a tenant: sessions end and its database file is safe to copy (mirrors Dismount-NAVTenant)')
        .argument('<id>', 'tenant id'),
      env,
      async (ctx, [id]) => {
        const out = await ctx.run('tenant.dismount', { tenantId: id! }, true);
        ctx.emit(out, () => `dismounted tenant ${out.tenantId}; file ${out.file}\n`);
      },
    ),
    'tenantry tenant dismount contoso-retail',
  );
  example(
    action<{ to: string; toToken?: string; precheckOnly?: boolean }>(
      tenant
        .command('move')
        .description(
          'Move a tenant to another deployment (folder or server): pre-check, dismount, copy with checksum, verify, mount; rolled back on any failure (Dismount-NAVTenant + Mount-NAVTenant)',
        )
        .argument('<id>', 'tenant id')
        .requiredOption('--to <folder|url>', 'the destination deployment folder or server URL')
        .option('--to-token <token>', 'API token for a destination URL (or TENANTRY_TO_TOKEN; default: the source token)')
        .option('--precheck-only', 'only report whether the move can go ahead; change nothing'),
      env,
      async (ctx, [id], o) =>
        moveTenant(ctx, id!, isUrl(o.to) ? o.to : ctx.resolvePath(o.to), o.precheckOnly === true, o.toToken ?? ctx.io.env['TENANTRY_TO_TOKEN']),
    ),
    'tenantry tenant move contoso-retail --to ./west --precheck-only',
    'tenantry tenant move contoso-retail --to ./west --deployment ./east',
    'tenantry tenant move contoso-retail --deployment https://east:7049 --token tnt_... --to https://west:7049 --to-token tnt_...',
  );
  example(
    action<{ doNotSaveData?: boolean; yes?: boolean }>(
      tenant
        .command('remove-apps')
        .description('Uninstall every extension from a dismounted tenant, archiving their data unless --do-not-save-data (mirrors Remove-NAVAppsForTenant)')
        .argument('<id>', 'tenant id (dismounted)')
        .option('--do-not-save-data', 'delete the data instead of archiving it (needs --yes)')
        .option('--yes', 'acknowledge a destructive change'),
      env,
      async (ctx, [id], o) => {
        const out = await ctx.run('tenant.removeApps', { tenantId: id!, doNotSaveData: o.doNotSaveData === true, acknowledge: o.yes === true }, true);
        ctx.emit(out, () =>
          out.removed.length === 0
            ? `${out.tenantId}: no extensions to remove\n`
            : `${out.tenantId}: removed ${out.removed.map(appLabel).join(', ')}; ${out.rowsDiscarded > 0 ? `${out.rowsDiscarded} rows deleted` : `${out.archives.reduce((n, a) => n + a.rows, 0)} rows archived`}\n`,
        );
      },
    ),
    'tenantry tenant remove-apps contoso-retail',
  );
  example(
    action(
      tenant
        .command('objects')
        .description('The merged view of a tenant: every object with the extension it comes from (AllObj with App Package ID)')
        .argument('<id>', 'tenant id'),
      env,
      async (ctx, [id]) => {
        const out = await ctx.run('tenant.objects', { tenantId: id! });
        ctx.emit(out, () =>
          renderTable(
            ['Type', 'Id', 'Name', 'Extends', 'From'],
            out.objects.map((o) => [o.type, o.id, o.name, o.extends, o.ownerAppId ? o.ownerAppName : '(application)']),
            ctx.style,
          ),
        );
      },
    ),
    'tenantry tenant objects contoso-retail',
  );
  example(
    action(
      tenant
        .command('subscribers')
        .description('The event subscribers registered in a tenant, in firing order (like the Plugin Registration Tool)')
        .argument('<id>', 'tenant id'),
      env,
      async (ctx, [id]) => {
        const out = await ctx.run('tenant.subscribers', { tenantId: id! });
        ctx.emit(out, () =>
          out.subscribers.length === 0
            ? 'no subscribers\n'
            : renderTable(
                ['Event', 'Table', 'Stage', 'Order', 'Extension', 'Codeunit', 'Subscriber', 'Action'],
                out.subscribers.map((s) => [s.event, s.table, s.stage, s.order, s.appName, s.codeunit, s.name, s.action ? String(s.action['op'] ?? '') : null]),
                ctx.style,
              ),
        );
      },
    ),
    'tenantry tenant subscribers contoso-retail',
  );
  example(
    action(
      tenant.command('permissions').description('The permission sets granted in a tenant and the extension each comes from').argument('<id>', 'tenant id'),
      env,
      async (ctx, [id]) => {
        const out = await ctx.run('tenant.permissionSets', { tenantId: id! });
        ctx.emit(out, () =>
          renderTable(
            ['Permission set', 'Id', 'Extension', 'Permissions', 'Granted'],
            out.permissionSets.map((p) => [p.name, p.id, p.ownerAppId ? p.appName : '(application)', p.permissions.length, shortTime(p.grantedAt)]),
            ctx.style,
          ),
        );
      },
    ),
    'tenantry tenant permissions contoso-retail',
  );

  // ---- archive --------------------------------------------------------------------------------------------------
  const archive = program.command('archive').description("A tenant's archived extension data (NAV App Data Archive): list, read, export, discard");
  example(
    action<{ tenant: string }>(
      archive
        .command('list')
        .description('List archived data: extension, version, company, table, rows, bytes, when')
        .requiredOption('--tenant <id>', 'tenant id'),
      env,
      async (ctx, _a, o) => {
        const out = await ctx.run('archive.list', { tenantId: o.tenant });
        ctx.emit(out, () =>
          out.archives.length === 0
            ? `no archived data in ${o.tenant}\n`
            : renderTable(
                ['Archive', 'Extension', 'Version', 'Company', 'Table', 'Kind', 'Rows', 'Size', 'Archived', 'Reason'],
                out.archives.map((a) => [
                  a.archiveId,
                  a.appName,
                  a.version,
                  a.company,
                  a.table,
                  a.kind,
                  a.rows,
                  formatBytes(a.bytes),
                  shortTime(a.archivedAt),
                  a.reason,
                ]),
                ctx.style,
              ),
        );
      },
    ),
    'tenantry archive list --tenant contoso-retail',
  );
  example(
    action<{ tenant: string; offset: number; limit: number }>(
      archive
        .command('rows')
        .description('Read the rows of one archive, page by page')
        .argument('<archiveId>', 'an id from "archive list"', positiveInt)
        .requiredOption('--tenant <id>', 'tenant id')
        .option('--offset <n>', 'rows to skip', nonNegativeInt, 0)
        .option('--limit <n>', 'rows to show', positiveInt, 50),
      env,
      async (ctx, args, o) => {
        const archiveId = args[0] as unknown as number;
        const out = await ctx.run('archive.rows', { tenantId: o.tenant, archiveId, offset: o.offset, limit: o.limit });
        ctx.emit(out, () => {
          const cols = out.columns.map((c) => c.name);
          const table = renderTable(
            cols,
            out.rows.map((r) => cols.map((c) => r[c] as Cell)),
            ctx.style,
            40,
          );
          return `${table}rows ${out.rows.length === 0 ? 0 : o.offset + 1}-${o.offset + out.rows.length} of ${out.total} (${out.archive.appName} ${out.archive.version}, ${out.archive.company}, ${out.archive.table})\n`;
        });
      },
    ),
    'tenantry archive rows 3 --tenant contoso-retail --offset 50 --limit 50',
  );
  example(
    action<{ tenant: string; out?: string }>(
      archive
        .command('export')
        .description('Export one archive as CSV (RFC 4180; cells starting with = + - @ are neutralised)')
        .argument('<archiveId>', 'an id from "archive list"', positiveInt)
        .requiredOption('--tenant <id>', 'tenant id')
        .option('--out <file>', 'write the CSV to this file (default: standard output)'),
      env,
      async (ctx, args, o) => {
        const archiveId = args[0] as unknown as number;
        const out = await ctx.run('archive.export', { tenantId: o.tenant, archiveId });
        if (o.out) {
          const file = ctx.resolvePath(o.out);
          fs.writeFileSync(file, out.csv);
          ctx.emit({ file, rows: out.rows, fileName: out.fileName }, () => `wrote ${out.rows} rows to ${file}\n`);
        } else ctx.emit(out, () => out.csv);
      },
    ),
    'tenantry archive export 3 --tenant contoso-retail --out loyalty.csv',
  );
  example(
    action<{ tenant: string; app?: string; yes?: boolean; confirmRows?: number }>(
      archive
        .command('discard')
        .description('Delete archived data for good; shows the row count and needs --yes (or --confirm-rows <exact count>)')
        .argument('[archiveId]', 'an id from "archive list"', positiveInt)
        .requiredOption('--tenant <id>', 'tenant id')
        .option('--app <app>', 'discard every archive of this extension instead of one archive')
        .option('--confirm-rows <n>', 'the exact number of rows that will be deleted', nonNegativeInt)
        .option('--yes', 'acknowledge: discard after showing the row count'),
      env,
      async (ctx, args, o) => discardArchive(ctx, args[0] as unknown as number | undefined, o),
    ),
    'tenantry archive discard 3 --tenant contoso-retail --yes',
    'tenantry archive discard --app "Contoso Loyalty" --tenant contoso-retail --confirm-rows 120',
  );

  // ---- data -----------------------------------------------------------------------------------------------------
  const data = program.command('data').description("Read and write a tenant's records on its merged view (application + installed extensions)");
  const tenantCompany = (c: Command) =>
    c.requiredOption('--tenant <id>', 'tenant id').option('--company <name>', 'company (default: the only company of the tenant)');
  example(
    action<{ tenant: string; company?: string; values: Record<string, string | number | boolean | null> }>(
      tenantCompany(
        data.command('insert').description('Insert a record, extension fields included; subscribers fire').argument('<table>', 'table name'),
      ).requiredOption('--values <json>', 'field name -> value, as a JSON object', jsonObject),
      env,
      async (ctx, [table], o) => {
        const company = await companyOf(ctx, o.tenant, o.company);
        const out = await ctx.run('record.insert', { tenantId: o.tenant, company, table: table!, values: o.values }, true);
        ctx.emit(out, () => `inserted row ${out.rid} into ${table} (${company})\n`);
      },
    ),
    `tenantry data insert Customer --tenant contoso-retail --company "Contoso Retail UK" --values '{"No.":"C00010","Name":"Adatum Corporation","Loyalty Points":120}'`,
  );
  example(
    action<{
      tenant: string;
      company?: string;
      key: Record<string, string | number | boolean | null>;
      values: Record<string, string | number | boolean | null>;
    }>(
      tenantCompany(data.command('modify').description('Change fields of the record with the given primary key').argument('<table>', 'table name'))
        .requiredOption('--key <json>', 'primary key fields, as a JSON object', jsonObject)
        .requiredOption('--values <json>', 'field name -> new value, as a JSON object', jsonObject),
      env,
      async (ctx, [table], o) => {
        const company = await companyOf(ctx, o.tenant, o.company);
        const out = await ctx.run('record.modify', { tenantId: o.tenant, company, table: table!, key: o.key, changes: o.values }, true);
        ctx.emit(out, () => `modified row ${out.rid} of ${table} (${company})\n`);
      },
    ),
    `tenantry data modify Customer --tenant contoso-retail --key '{"No.":"C00010"}' --values '{"Credit Limit (LCY)":5000}'`,
  );
  example(
    action<{ tenant: string; company?: string; key: Record<string, string | number | boolean | null> }>(
      tenantCompany(data.command('delete').description('Delete the record with the given primary key').argument('<table>', 'table name')).requiredOption(
        '--key <json>',
        'primary key fields, as a JSON object',
        jsonObject,
      ),
      env,
      async (ctx, [table], o) => {
        const company = await companyOf(ctx, o.tenant, o.company);
        const out = await ctx.run('record.delete', { tenantId: o.tenant, company, table: table!, key: o.key }, true);
        ctx.emit(out, () => `deleted row ${out.rid} of ${table} (${company})\n`);
      },
    ),
    `tenantry data delete Customer --tenant contoso-retail --key '{"No.":"C00010"}'`,
  );
  example(
    action<{ tenant: string; company?: string; offset: number; limit: number; orderBy?: string; desc?: boolean; fields?: string[] }>(
      tenantCompany(data.command('rows').description('Read a page of records, with the extension each column comes from').argument('<table>', 'table name'))
        .option('--offset <n>', 'rows to skip', nonNegativeInt, 0)
        .option('--limit <n>', 'rows to show', positiveInt, 50)
        .option('--order-by <field>', 'sort by this field (default: insertion order)')
        .option('--desc', 'sort descending')
        .option('--fields <names>', 'only these columns in the table, comma-separated (--json always has every field)', collect),
      env,
      async (ctx, [table], o) => {
        const company = await companyOf(ctx, o.tenant, o.company);
        const out = await ctx.run('record.page', {
          tenantId: o.tenant,
          company,
          table: table!,
          offset: o.offset,
          limit: o.limit,
          ...(o.orderBy ? { orderBy: o.orderBy } : {}),
          descending: o.desc === true,
        });
        ctx.emit(out, () => {
          const wanted = o.fields?.map((f) => f.toLowerCase());
          const unknown = o.fields?.filter((f) => !out.columns.some((c) => c.name.toLowerCase() === f.toLowerCase())) ?? [];
          if (unknown.length > 0)
            throw new TenantryError('BAD_INPUT', `table "${table}" has no field ${unknown.map((u) => `"${u}"`).join(', ')}`, { table, fields: unknown });
          const cols = out.columns.map((c) => c.name).filter((n) => wanted === undefined || wanted.includes(n.toLowerCase()));
          const t = renderTable(
            cols,
            out.rows.map((r) => cols.map((c) => r[c] as Cell)),
            ctx.style,
            40,
          );
          return `${t}rows ${out.rows.length === 0 ? 0 : o.offset + 1}-${o.offset + out.rows.length} of ${out.total} (${table}, ${company})\n`;
        });
      },
    ),
    'tenantry data rows Customer --tenant contoso-retail --company "Contoso Retail UK" --limit 20',
    'tenantry data rows Customer --tenant coho-winery --fields "No.,Name,Loyalty Points,Lifetime Points"',
  );

  // ---- log, demo ------------------------------------------------------------------------------------------------
  example(
    action<{ tenant?: string; limit: number }>(
      program
        .command('log')
        .description('The operation log of the deployment, or of one tenant (who, what, when, result)')
        .option('--tenant <id>', "only this tenant's operations")
        .option('--limit <n>', 'entries to show (newest first)', positiveInt, 50),
      env,
      async (ctx, _a, o) => {
        const out = o.tenant ? await ctx.run('tenant.log', { tenantId: o.tenant, limit: o.limit }) : await ctx.run('log.list', { limit: o.limit });
        ctx.emit(out, () =>
          out.entries.length === 0
            ? 'no operations logged\n'
            : renderTable(
                ['Started', 'Operation', 'Tenant', 'Actor', 'Result', 'Error'],
                out.entries.map((e) => [
                  shortTime(e.startedAt),
                  e.operation,
                  e.tenantId,
                  e.actor,
                  e.result,
                  e.errorCode ? `${e.errorCode}: ${e.errorMessage ?? ''}` : null,
                ]),
                ctx.style,
                80,
              ),
        );
      },
    ),
    'tenantry log --tenant contoso-retail --limit 20',
  );
  example(
    action<{ seed: number }>(
      program
        .command('demo')
        .description('Create two demo deployments (east, west) with published extensions, twenty tenants, data, installs, an archive and a pending upgrade')
        .argument('<folder>', 'an empty or missing folder')
        .option('--seed <n>', 'random seed (the same seed gives the same demo)', nonNegativeInt, 2017),
      env,
      async (ctx, [folder], o) => {
        const { generateDemo } = await import('../demo/generate.js');
        const summary = await generateDemo(ctx.resolvePath(folder!), { seed: o.seed, progress: (line) => (ctx.json ? undefined : ctx.io.stderr(`${line}\n`)) });
        ctx.emit(summary, () => summary.lines.join('\n') + '\n');
      },
    ),
    'tenantry demo ./demo && tenantry tenant list --deployment ./demo/east',
  );
}

// ------------------------------------------------------------------------------------------------------------

/** --company, or the tenant's only company; several and none named is bad usage. */
async function companyOf(ctx: CliContext, tenantId: string, company: string | undefined): Promise<string> {
  if (company) return company;
  const t = await ctx.run('tenant.get', { tenantId });
  if (t.companies.length === 1) return t.companies[0]!;
  throw new TenantryError(
    'BAD_INPUT',
    `tenant "${t.id}" has ${t.companies.length} companies (${t.companies.map((c) => `"${c}"`).join(', ')}): name one with --company`,
    {
      tenantId: t.id,
      companies: t.companies,
    },
  );
}

async function discardArchive(
  ctx: CliContext,
  archiveId: number | undefined,
  o: { tenant: string; app?: string; yes?: boolean; confirmRows?: number },
): Promise<void> {
  if ((archiveId === undefined) === (o.app === undefined))
    throw new TenantryError('BAD_INPUT', 'archive discard: give an archive id or --app <app>, not both and not neither');
  let confirmRows = o.confirmRows;
  if (confirmRows === undefined && o.yes) {
    // --yes: count what will go, show it, and confirm exactly that count (the engine re-checks it)
    const list = await ctx.run('archive.list', { tenantId: o.tenant });
    const key = o.app?.toLowerCase();
    const chosen = list.archives.filter((a) =>
      archiveId !== undefined ? a.archiveId === archiveId : a.appId.toLowerCase() === key || a.appName.toLowerCase() === key,
    );
    confirmRows = chosen.reduce((n, a) => n + a.rows, 0);
    if (chosen.length > 0 && !ctx.json) ctx.io.stderr(`discarding ${chosen.length} archive(s) with ${confirmRows} rows\n`);
  }
  const out = await ctx.run(
    'archive.discard',
    { tenantId: o.tenant, ...(archiveId !== undefined ? { archiveId } : { appId: o.app! }), ...(confirmRows !== undefined ? { confirmRows } : {}) },
    true,
  );
  ctx.emit(out, () => `discarded ${out.discarded.length} archive(s), ${out.rows} rows\n`);
}

type PrecheckReport = OperationOutput<'move.precheck'>;

function renderPrecheck(ctx: CliContext, r: PrecheckReport): string {
  const lines = [
    `move pre-check for ${r.tenantId}: ${r.ok ? 'OK' : 'NOT OK'}`,
    `application: source ${r.application.source}, destination ${r.application.destination}${r.application.same ? '' : ' (different)'}`,
    `tenant id free at destination: ${r.tenantIdFree ? 'yes' : 'no'}; size ${formatBytes(r.sizeBytes)}`,
  ];
  const apps =
    r.apps.length > 0
      ? renderTable(
          ['Extension', 'Publisher', 'Version', 'At destination', 'Destination versions'],
          r.apps.map((a) => [a.name, a.publisher, a.version, a.status, a.destinationVersions.join(', ')]),
          ctx.style,
        )
      : 'no extensions installed\n';
  const problems = r.problems.map((p) => `problem: ${p}`);
  const ways = r.waysOut.map((w) => `way out (${w.kind}): ${w.description}`);
  return `${lines.join('\n')}\n${apps}${[...problems, ...ways].map((l) => `${l}\n`).join('')}`;
}

async function moveTenant(ctx: CliContext, tenantId: string, destination: string, precheckOnly: boolean, toToken: string | undefined): Promise<void> {
  if (isUrl(ctx.deploymentTarget()) || isUrl(destination)) return moveWithServer(ctx, tenantId, destination, precheckOnly, toToken);
  const source = await openLocal(ctx.deploymentTarget());
  try {
    const dest = await openLocal(destination);
    try {
      if (precheckOnly) {
        const facts = await dest.invoke('move.destinationFacts', {});
        const report = await source.invoke('move.precheck', { tenantId, destination: facts });
        ctx.emit(report, () => renderPrecheck(ctx, report));
        if (!report.ok) {
          ctx.io.stderr(`error MOVE_PRECHECK_FAILED: tenant "${report.tenantId}" cannot move to ${destination}: ${report.problems.join('; ')}\n`);
          throw new ReportedFailure();
        }
        return;
      }
      const result = source.moveTenant(tenantId, dest, { actor: ctx.actor });
      ctx.emit(
        result,
        () => `moved tenant ${result.tenantId} to ${destination} (${formatBytes(result.size)}, sha256 ${result.sha256.slice(0, 12)}… verified)\n`,
      );
    } finally {
      dest.close();
    }
  } finally {
    source.close();
  }
}

/**
 * A move with a server on either side (or both): the orchestrator of platform/remote runs here, in the CLI
 * process, over the contract and the tenant file routes (a local side is the engine in this process).
 */
async function moveWithServer(ctx: CliContext, tenantId: string, destination: string, precheckOnly: boolean, toToken: string | undefined): Promise<void> {
  const [{ localSide }, { remoteSide }, { moveTenantBetween, precheckMove }] = await Promise.all([
    import('../remote/local-side.js'),
    import('../remote/remote-side.js'),
    import('../remote/move.js'),
  ]);
  const closers: (() => void)[] = [];
  const side = async (target: string, token: string | undefined) => {
    if (isUrl(target)) {
      const client = await openRemote(target, ctx.connectOptions(target, token));
      closers.push(() => client.close());
      return remoteSide(client);
    }
    const d = await openLocal(target);
    closers.push(() => d.close());
    return localSide(d, { actor: ctx.actor });
  };
  try {
    const source = await side(ctx.deploymentTarget(), ctx.token());
    const dest = await side(destination, toToken ?? ctx.token());
    if (precheckOnly) {
      const report = await precheckMove(source, dest, tenantId);
      ctx.emit(report, () => renderPrecheck(ctx, report));
      if (!report.ok) {
        ctx.io.stderr(`error MOVE_PRECHECK_FAILED: tenant "${report.tenantId}" cannot move to ${destination}: ${report.problems.join('; ')}\n`);
        throw new ReportedFailure();
      }
      return;
    }
    const result = await moveTenantBetween(source, dest, tenantId, { actor: ctx.actor, progress: (line) => ctx.io.stderr(`${line}\n`) });
    ctx.emit(result, () => `moved tenant ${result.tenantId} to ${destination} (${formatBytes(result.size)}, sha256 ${result.sha256.slice(0, 12)}… verified)\n`);
  } finally {
    for (const close of closers.reverse()) close();
  }
}
