// Verbs for deployments and extensions: deployment new/info, app new/pack/info/keygen/tenants, publish,
// unpublish, install, uninstall, upgrade, sync, repair, info. Each names the NAV cmdlet it mirrors.
import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { TenantryError } from '../../shared/api/errors.js';
import type { OperationOutput } from '../../shared/api/operations.js';
import type { SigningKey } from '../package/index.js';
import type { CliContext } from './context.js';
import { formatBytes } from '../../shared/domain/bytes.js';
import { appLabel, renderTable, shortTime } from './format.js';
import { action, collect, example, positiveInt, ReportedFailure, type VerbEnv } from './verb-kit.js';

export function addAppVerbs(program: Command, env: VerbEnv): void {
  // ---- deployment ------------------------------------------------------------------------------------------
  const deployment = program.command('deployment').description('Create or describe a deployment (a server instance: application, app catalog, tenants)');
  example(
    action<{ name?: string }>(
      deployment
        .command('new')
        .description('Create a local deployment folder with the default application (mirrors New-NAVServerInstance)')
        .argument('<folder>', 'an empty or missing folder')
        .option('--name <name>', 'a display name for the deployment'),
      env,
      async (ctx, [folder], o) => {
        const target = ctx.resolvePath(folder!);
        const name = o.name ?? (path.basename(target) || 'deployment');
        const [{ Deployment }, { DEFAULT_APPLICATION }] = await Promise.all([import('../engine/deployment.js'), import('../engine/default-application.js')]);
        const d = Deployment.create(target, { application: DEFAULT_APPLICATION, name });
        try {
          const info = await d.invoke('deployment.info', {});
          ctx.emit(info, () => `created deployment "${info.name}" in ${info.folder} (${info.application.name} ${info.application.version})\n`);
        } finally {
          d.close();
        }
      },
    ),
    'tenantry deployment new ./east --name "East (primary)"',
  );
  example(
    action(
      deployment.command('info').description('Show the deployment: application, number of tenants and apps (mirrors Get-NAVServerInstance)'),
      env,
      async (ctx) => {
        const info = await ctx.run('deployment.info', {});
        ctx.emit(info, () =>
          renderTable(
            ['Property', 'Value'],
            [
              ['Name', info.name],
              ['Folder', info.folder],
              ['Application', `${info.application.name} ${info.application.version} (${info.application.publisher})`],
              ['Tenants', info.tenants],
              ['Published apps', info.apps],
              ['Format version', info.formatVersion],
            ],
            ctx.style,
            200,
          ),
        );
      },
    ),
    'tenantry deployment info --deployment ./east',
  );

  // ---- app (development side) --------------------------------------------------------------------------------
  const app = program.command('app').description('Create, pack and inspect extension packages; list the tenants of an extension');
  example(
    action<{ name: string; publisher: string; id?: string; idRangeFrom?: number }>(
      app
        .command('new')
        .description(
          'Scaffold an extension source folder: app.json, a table, a page, a permission set, table data (mirrors New-NAVAppManifest + New-NAVAppManifestFile)',
        )
        .argument('<dir>', 'an empty or missing folder')
        .requiredOption('--name <name>', 'the extension name')
        .requiredOption('--publisher <publisher>', 'the publisher')
        .option('--id <guid>', 'the extension id (default: a new GUID)')
        .option('--id-range-from <n>', 'first id of the range of 100 object ids (default 50100)', positiveInt),
      env,
      async (ctx, [dir], o) => {
        const target = ctx.resolvePath(dir!);
        const { newSourceFolder, readSourceFolder } = await packageApi();
        newSourceFolder(target, {
          name: o.name,
          publisher: o.publisher,
          ...(o.id ? { id: o.id } : {}),
          ...(o.idRangeFrom ? { idRangeFrom: o.idRangeFrom } : {}),
        });
        const def = readSourceFolder(target);
        ctx.emit({ dir: target, manifest: def.manifest }, () => `created ${appLabel(def.manifest)} (${def.manifest.id}) in ${target}\n`);
      },
    ),
    'tenantry app new ./my-ext --name "Customer Rewards" --publisher Contoso',
  );
  example(
    action<{ out?: string; signKey?: string }>(
      app
        .command('pack')
        .description('Pack an extension source folder into a .app file, optionally signed (mirrors New-NAVAppPackage)')
        .argument('<dir>', 'the source folder (app.json, objects/, data/)')
        .option('--out <file>', 'the .app file to write (default: <Publisher>_<Name>_<version>.app in the current folder)')
        .option('--sign-key <file>', 'a signing key made by "tenantry app keygen"'),
      env,
      async (ctx, [dir], o) => {
        const source = ctx.resolvePath(dir!);
        const { packageFileName, packSourceFolder, readPackage, readSourceFolder } = await packageApi();
        const def = readSourceFolder(source);
        const outFile = o.out ? ctx.resolvePath(o.out) : ctx.resolvePath(packageFileName(def.manifest));
        const signingKey = o.signKey ? await readSigningKey(ctx.resolvePath(o.signKey)) : undefined;
        const packed = await packSourceFolder(source, { outFile, ...(signingKey ? { signingKey } : {}) });
        const info = readPackage(packed.bytes, { verify: 'skip' }, outFile);
        const value = {
          file: packed.file ?? outFile,
          size: packed.bytes.length,
          sha256: info.sha256,
          signed: signingKey !== undefined,
          app: refOf(def.manifest),
        };
        ctx.emit(value, () => `packed ${appLabel(def.manifest)} -> ${value.file} (${formatBytes(value.size)}, ${value.signed ? 'signed' : 'unsigned'})\n`);
      },
    ),
    'tenantry app pack ./my-ext --out ./out/rewards.app --sign-key ./contoso-key.json',
  );
  example(
    action<{ out: string }>(
      app
        .command('keygen')
        .description('Create an Ed25519 signing key file for "app pack --sign-key" (kept private: mode 0600)')
        .requiredOption('--out <file>', 'the key file to create (refused if it exists)'),
      env,
      async (ctx, _args, o) => {
        const file = ctx.resolvePath(o.out);
        const key = (await packageApi()).generateSigningKey();
        fs.writeFileSync(file, JSON.stringify(key, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
        ctx.emit({ file, keyId: key.keyId, publicKey: key.publicKey }, () => `wrote signing key ${key.keyId} to ${file}\npublic key: ${key.publicKey}\n`);
      },
    ),
    'tenantry app keygen --out ./contoso-key.json',
  );
  example(
    action(
      app
        .command('info')
        .description("Read a package's manifest, objects and signature from the file (mirrors Get-NAVAppInfo -Path)")
        .argument('<file>', 'a .app file'),
      env,
      async (ctx, [file]) => {
        const target = ctx.resolvePath(file!);
        const bytes = readFileOrThrow(target);
        const haveDeployment = ctx.globals.deployment !== undefined || ctx.io.env['TENANTRY_DEPLOYMENT'] !== undefined;
        const info = haveDeployment
          ? await ctx.run('app.info', { package: bytes.toString('base64'), fileName: path.basename(target) })
          : await localPackageInfo(bytes, target);
        // The manifest module carries the zod schemas: loaded here, not at start (help stays light).
        const { manifestDetails } = await import('../../shared/domain/manifest.js');
        ctx.emit(info, () => renderPackageInfo(ctx, info, manifestDetails(info.manifest)));
      },
    ),
    'tenantry app info ./Contoso_Contoso-Core_1.0.0.0.app',
  );
  example(
    action(
      app
        .command('tenants')
        .description('List the tenants that have an extension installed (mirrors Get-NAVAppTenant)')
        .argument('<app>', 'extension GUID or name'),
      env,
      async (ctx, [appKey]) => {
        const out = await ctx.run('app.tenants', { appId: appKey! });
        ctx.emit(out, () =>
          out.tenants.length === 0
            ? `"${out.app.name}" by ${out.app.publisher} is not installed in any tenant\n`
            : renderTable(
                ['Tenant', 'Version', 'Data version', 'Sync'],
                out.tenants.map((t) => [t.tenantId, t.version, t.dataVersion, t.syncState]),
                ctx.style,
              ),
        );
      },
    ),
    'tenantry app tenants "Contoso Loyalty" --deployment ./east',
  );

  // ---- catalog -------------------------------------------------------------------------------------------------
  example(
    action<{ skipVerification?: boolean }>(
      program
        .command('publish')
        .description(
          'Publish .app packages to the deployment; several at once are put in dependency order, a folder means its *.app files (mirrors Publish-NAVApp)',
        )
        .argument('<files...>', '.app files or folders of them')
        .option('--skip-verification', 'accept unsigned packages (logged)'),
      env,
      async (ctx, _args, o) => {
        const files = expandAppFiles(ctx, lastVariadic(_args));
        const packages = files.map((f) => ({ package: readFileOrThrow(f).toString('base64'), fileName: path.basename(f) }));
        const skipVerification = o.skipVerification === true;
        if (packages.length === 1) {
          const out = await ctx.run('app.publish', { ...packages[0]!, skipVerification }, true);
          ctx.emit(out, () => publishLine(out.status, out.app, out.sha256, out.skippedVerification));
        } else {
          const out = await ctx.run('app.publishMany', { packages, skipVerification }, true);
          ctx.emit(out, () => out.results.map((r) => publishLine(r.status, r.app, r.sha256, skipVerification)).join(''));
        }
      },
    ),
    'tenantry publish ./out --skip-verification --deployment ./east',
    'tenantry publish Contoso_Contoso-Loyalty_1.0.0.0.app Contoso_Contoso-Core_1.0.0.0.app',
  );
  example(
    action<{ version: string }>(
      program
        .command('unpublish')
        .description('Remove a version of an extension from the catalog; refused while installed or depended on (mirrors Unpublish-NAVApp)')
        .argument('<app>', 'extension GUID or name')
        .requiredOption('--version <version>', 'the version to unpublish'),
      env,
      async (ctx, [appKey], o) => {
        const out = await ctx.run('app.unpublish', { appId: appKey!, version: o.version }, true);
        ctx.emit(out, () => `unpublished ${appLabel(out.app)}\n`);
      },
    ),
    'tenantry unpublish "Contoso Loyalty" --version 1.0.0.0',
  );

  // ---- tenant-side lifecycle -----------------------------------------------------------------------------------
  example(
    action<{ tenant: string[]; version?: string; installDependencies?: boolean; data: boolean }>(
      program
        .command('install')
        .description('Install an extension in one or more tenants: schema, archived data restored or table data loaded, permissions (mirrors Install-NAVApp)')
        .argument('<app>', 'extension GUID or name')
        .requiredOption('--tenant <id>', 'tenant id (repeat for several)', collect)
        .option('--version <version>', 'a published version (default: the newest)')
        .option('--install-dependencies', 'install missing dependencies first')
        .option('--no-data', "do not load the package's table data"),
      env,
      async (ctx, [appKey], o) => {
        const out = await ctx.run(
          'tenant.install',
          {
            tenantIds: o.tenant,
            appId: appKey!,
            ...(o.version ? { version: o.version } : {}),
            installDependencies: o.installDependencies === true,
            loadData: o.data,
          },
          true,
        );
        reportPerTenant(ctx, out, out.results, (r) => `${r.tenantId}: ${r.action ?? 'installed'} ${r.installed.map(appLabel).join(', ') || '(nothing to do)'}`);
      },
    ),
    'tenantry install "Contoso Loyalty" --tenant contoso-retail --tenant fabrikam-eu --install-dependencies',
  );
  example(
    action<{ tenant: string[]; withDependents?: boolean; doNotSaveData?: boolean; yes?: boolean }>(
      program
        .command('uninstall')
        .description('Uninstall an extension from tenants; its data is archived unless --do-not-save-data (mirrors Uninstall-NAVApp)')
        .argument('<app>', 'extension GUID or name')
        .requiredOption('--tenant <id>', 'tenant id (repeat for several)', collect)
        .option('--with-dependents', 'also uninstall the extensions that depend on it (dependents first)')
        .option('--do-not-save-data', 'delete the data instead of archiving it (needs --yes)')
        .option('--yes', 'acknowledge a destructive change'),
      env,
      async (ctx, [appKey], o) => {
        const results: OperationOutput<'tenant.uninstall'>[] = [];
        const failures: { tenantId: string; error: TenantryError }[] = [];
        for (const tenantId of o.tenant) {
          try {
            results.push(
              await ctx.run(
                'tenant.uninstall',
                {
                  tenantId,
                  appId: appKey!,
                  uninstallDependents: o.withDependents === true,
                  doNotSaveData: o.doNotSaveData === true,
                  acknowledge: o.yes === true,
                },
                true,
              ),
            );
          } catch (e) {
            // One tenant: the error is the outcome. Several: report each and go on, like install does.
            if (o.tenant.length === 1 || !(e instanceof TenantryError)) throw e;
            failures.push({ tenantId, error: e });
          }
        }
        const value = o.tenant.length === 1 ? results[0] : { results, failures: failures.map((f) => ({ tenantId: f.tenantId, error: f.error.toInfo() })) };
        ctx.emit(value, () =>
          results
            .map((r) => {
              const archived = r.archives.reduce((n, a) => n + a.rows, 0);
              const what = r.uninstalled.map(appLabel).join(', ');
              return `${r.tenantId}: uninstalled ${what}; ${r.rowsDiscarded > 0 ? `${r.rowsDiscarded} rows deleted` : `${archived} rows archived in ${r.archives.length} archive(s)`}\n`;
            })
            .join(''),
        );
        for (const f of failures) ctx.io.stderr(`error ${f.error.code}: ${f.tenantId}: ${f.error.message}\n`);
        if (failures.length > 0) throw new ReportedFailure();
      },
    ),
    'tenantry uninstall "Contoso Loyalty" --tenant contoso-retail --with-dependents',
    'tenantry uninstall "Litware Customer Insights" --tenant adatum-hq --do-not-save-data --yes',
  );
  example(
    action<{ tenant: string[]; version?: string; force?: boolean; yes?: boolean; whatIf?: boolean }>(
      program
        .command('upgrade')
        .description('Upgrade tenants to a newer published version and run its data upgrade steps in every company (mirrors Start-NAVAppDataUpgrade)')
        .argument('<app>', 'extension GUID or name')
        .requiredOption('--tenant <id>', 'tenant id (repeat for several)', collect)
        .option('--version <version>', 'the target version (default: the newest published)')
        .option('--force', 'accept a schema change that loses data (the removed data is archived, as a force sync does)')
        .option('--yes', 'acknowledge the loss shown by --force')
        .option('--what-if', 'change nothing: show the schema changes per tenant and the rows a forced upgrade would archive'),
      env,
      async (ctx, [appKey], o) => {
        if (o.whatIf) {
          const checks: OperationOutput<'tenant.upgradeCheck'>[] = [];
          for (const t of o.tenant)
            checks.push(await ctx.run('tenant.upgradeCheck', { tenantId: t, appId: appKey!, ...(o.version ? { version: o.version } : {}) }));
          ctx.emit(o.tenant.length === 1 ? checks[0] : { results: checks }, () =>
            checks
              .map((c) => {
                const lost = c.rowsLost.reduce((n, r) => n + r.rows, 0);
                const head = `${c.tenantId}: ${c.installed ? `${c.from ?? '-'} -> ${c.to}` : `not installed${c.from ? ` (archived ${c.from}: restored, then upgraded)` : ''}`}; ${c.changes.length} schema change(s)${c.changes.some((x) => x.destructive) ? `, a forced upgrade archives ${lost} row(s)` : ''}\n`;
                const changes =
                  c.changes.length > 0
                    ? renderTable(
                        ['Change', 'Table', 'Field', 'Destructive', 'Description'],
                        c.changes.map((x) => [x.kind, x.table, x.field, x.destructive ? 'yes' : 'no', x.description]),
                        ctx.style,
                        80,
                      )
                    : '';
                const rows =
                  c.rowsLost.length > 0
                    ? renderTable(
                        ['Company', 'Table', 'Field', 'Rows lost'],
                        c.rowsLost.map((r) => [r.company, r.table, r.field, r.rows]),
                        ctx.style,
                      )
                    : '';
                return head + changes + rows;
              })
              .join(''),
          );
          return;
        }
        const out = await ctx.run(
          'tenant.upgrade',
          {
            tenantIds: o.tenant,
            appId: appKey!,
            ...(o.version ? { version: o.version } : {}),
            ...(o.force ? { force: true, acknowledge: o.yes === true } : {}),
          },
          true,
        );
        reportPerTenant(ctx, out, out.results, (r) =>
          r.action === 'up-to-date'
            ? `${r.tenantId}: already at ${r.to ?? r.from ?? '?'}`
            : `${r.tenantId}: ${r.action ?? 'upgraded'} ${r.from ?? '-'} -> ${r.to ?? '-'}${r.stepsRun.length > 0 ? ` (steps: ${r.stepsRun.join(', ')})` : ''}`,
        );
      },
    ),
    'tenantry upgrade "Contoso Loyalty" --tenant contoso-retail --version 2.0.0.0',
    'tenantry upgrade "Contoso Loyalty" --tenant coho-winery --version 3.0.0.0 --what-if',
  );
  example(
    action<{ tenant: string; mode: 'add' | 'force' | 'clean' | 'check-only'; yes?: boolean }>(
      program
        .command('sync')
        .description("Synchronize a tenant's schema with its extensions; check-only is a dry run (mirrors Sync-NAVApp / Sync-NAVTenant)")
        .argument('[app]', 'extension GUID or name (default: every installed extension)')
        .requiredOption('--tenant <id>', 'tenant id')
        .addOption(
          new Option(
            '--mode <mode>',
            'add (non-destructive), force (destructive, archives), clean (drop schema and archives of uninstalled versions), check-only',
          )
            .choices(['add', 'force', 'clean', 'check-only'])
            .default('add'),
        )
        .option('--yes', 'acknowledge a destructive change (force, clean)'),
      env,
      async (ctx, [appKey], o) => {
        const out = await ctx.run('tenant.sync', { tenantId: o.tenant, ...(appKey ? { appId: appKey } : {}), mode: o.mode, acknowledge: o.yes === true }, true);
        ctx.emit(out, () => {
          const lines = [`${out.tenantId}: sync ${out.mode} ${out.applied ? 'applied' : 'not applied (dry run)'}; state ${out.state}\n`];
          if (out.changes.length > 0)
            lines.push(
              renderTable(
                ['Change', 'Table', 'Field', 'Destructive', 'Description'],
                out.changes.map((c) => [c.kind, c.table, c.field, c.destructive ? 'yes' : 'no', c.description]),
                ctx.style,
                80,
              ),
            );
          else lines.push('no schema changes\n');
          if (out.rowsLost.length > 0)
            lines.push(
              renderTable(
                ['Company', 'Table', 'Field', 'Rows lost'],
                out.rowsLost.map((r) => [r.company, r.table, r.field, r.rows]),
                ctx.style,
              ),
            );
          if (out.discarded.length > 0) lines.push(`discarded ${out.discarded.length} archive(s), ${out.discarded.reduce((n, a) => n + a.rows, 0)} rows\n`);
          return lines.join('');
        });
      },
    ),
    'tenantry sync --tenant contoso-retail --mode check-only',
    'tenantry sync "Contoso Loyalty" --tenant contoso-retail --mode force --yes',
  );
  example(
    action<{ version?: string }>(
      program
        .command('repair')
        .description('Recompile published extensions against the current application and report what no longer compiles (mirrors Repair-NAVApp)')
        .argument('[app]', 'extension GUID or name (default: all)')
        .option('--version <version>', 'one version only'),
      env,
      async (ctx, [appKey], o) => {
        const out = await ctx.run('app.repair', { ...(appKey ? { appId: appKey } : {}), ...(o.version ? { version: o.version } : {}) }, true);
        ctx.emit(out, () =>
          renderTable(
            ['Name', 'Publisher', 'Version', 'Result'],
            out.results.map((r) => [r.app.name, r.app.publisher, r.app.version, r.ok ? 'ok' : r.problems.map((p) => `${p.code}: ${p.message}`).join('; ')]),
            ctx.style,
            120,
          ),
        );
        if (out.results.some((r) => !r.ok)) {
          ctx.io.stderr(
            `error COMPILE_FAILED: ${out.results
              .filter((r) => !r.ok)
              .map((r) => appLabel(r.app))
              .join(', ')} no longer compile\n`,
          );
          throw new ReportedFailure();
        }
      },
    ),
    'tenantry repair --deployment ./east',
  );
  example(
    action<{ tenant?: string }>(
      program
        .command('info')
        .description('The app catalog, or with --tenant the extensions installed in a tenant (mirrors Get-NAVAppInfo)')
        .option('--tenant <id>', "show this tenant's extensions: version, data version, sync state, upgrade available, archived versions"),
      env,
      async (ctx, _args, o) => {
        if (o.tenant) {
          const out = await ctx.run('tenant.apps', { tenantId: o.tenant });
          ctx.emit(out, () =>
            out.apps.length === 0
              ? `no extensions installed in ${out.tenantId}\n`
              : renderTable(
                  ['Name', 'Publisher', 'Version', 'Data version', 'Sync', 'Upgrade available', 'Archived', 'Id'],
                  out.apps.map((a) => [a.name, a.publisher, a.version, a.dataVersion, a.syncState, a.upgradeAvailable, a.archivedVersions.join(', '), a.id]),
                  ctx.style,
                ),
          );
          return;
        }
        const out = await ctx.run('app.catalog', {});
        ctx.emit(out, () =>
          out.apps.length === 0
            ? 'no extensions published\n'
            : renderTable(
                ['Name', 'Publisher', 'Version', 'Tenants', 'Signed', 'Published', 'Id'],
                out.apps.map((a) => [
                  a.name,
                  a.publisher,
                  a.version,
                  a.tenantCount,
                  a.signed ? 'yes' : a.skippedVerification ? 'no (skipped)' : 'no',
                  shortTime(a.publishedAt),
                  a.id,
                ]),
                ctx.style,
              ),
        );
      },
    ),
    'tenantry info --deployment ./east',
    'tenantry info --tenant contoso-retail --json',
  );
}

// ------------------------------------------------------------------------------------------------------------

/** The package library, loaded on first use so help and usage errors stay fast. */
const packageApi = () => import('../package/index.js');

function lastVariadic(args: string[]): string[] {
  // commander hands a variadic argument over as one array in processedArgs
  const first = args[0] as unknown;
  return Array.isArray(first) ? (first as string[]) : args;
}

function refOf(m: { id: string; name: string; publisher: string; version: string }) {
  return { id: m.id, name: m.name, publisher: m.publisher, version: m.version };
}

function readFileOrThrow(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TenantryError(
      'NOT_FOUND',
      `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (e as Error).message}`,
      { file },
    );
  }
}

/** Files as given; a folder stands for the *.app files directly in it (sorted, so the order is stable). */
export function expandAppFiles(ctx: CliContext, args: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const p = ctx.resolvePath(a);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      throw new TenantryError('NOT_FOUND', `${p}: no such file or folder`, { file: p });
    }
    if (st.isDirectory()) {
      const apps = fs
        .readdirSync(p)
        .filter((n) => n.toLowerCase().endsWith('.app'))
        .sort()
        .map((n) => path.join(p, n));
      if (apps.length === 0) throw new TenantryError('NOT_FOUND', `${p}: the folder holds no .app files`, { file: p });
      out.push(...apps);
    } else out.push(p);
  }
  return [...new Set(out)];
}

/** A key file from "app keygen" (only its privateKeyPem is needed; the rest is derived and checked). */
async function readSigningKey(file: string): Promise<SigningKey> {
  const text = readFileOrThrow(file).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TenantryError('BAD_INPUT', `${file}: not a signing key file (not JSON); make one with "tenantry app keygen"`, { file });
  }
  const pem = (parsed as { privateKeyPem?: unknown } | null)?.privateKeyPem;
  if (typeof pem !== 'string')
    throw new TenantryError('BAD_INPUT', `${file}: not a signing key file (no privateKeyPem); make one with "tenantry app keygen"`, { file });
  return (await packageApi()).signingKeyFromPem(pem);
}

type PackageInfoOut = OperationOutput<'app.info'>;

/** The same shape as the app.info operation, read from the file without a deployment. */
async function localPackageInfo(bytes: Buffer, file: string): Promise<PackageInfoOut> {
  const { readPackage } = await packageApi();
  let info;
  try {
    info = readPackage(bytes, { verify: 'require' }, file);
  } catch (e) {
    if (!(e instanceof TenantryError) || e.code !== 'SIGNATURE_MISSING') throw e;
    info = readPackage(bytes, { verify: 'skip' }, file);
  }
  const def = info.definition;
  return {
    manifest: def.manifest,
    sha256: info.sha256,
    size: info.size,
    signed: info.signature !== undefined,
    signerKeyId: info.signature?.keyId ?? null,
    objects: def.objects.map((o) => ({ type: o.type, id: o.id, name: o.name, ...('extends' in o ? { extends: o.extends } : {}) })),
    tableData: def.tableData.map((t) => ({ table: t.table, rows: t.rows.length })),
    publishedVersions: [],
  };
}

function renderPackageInfo(ctx: CliContext, info: PackageInfoOut, details: [string, string][]): string {
  const m = info.manifest;
  const props: [string, string][] = [
    ['Name', m.name],
    ['Publisher', m.publisher],
    ['Version', m.version],
    ['Id', m.id],
    ['Application', `>= ${m.application}`],
    ['Dependencies', m.dependencies.map((d) => `"${d.name}" by ${d.publisher} >= ${d.version}`).join(', ') || '-'],
    ['Id ranges', m.idRanges.map((r) => `${r.from}-${r.to}`).join(', ')],
    ['Brief', m.brief ?? '-'],
    ...details,
    ['Size', `${formatBytes(info.size)} (sha256 ${info.sha256})`],
    ['Signed', info.signed ? `yes (key ${info.signerKeyId ?? '?'})` : 'no'],
  ];
  if (info.publishedVersions.length > 0) props.push(['Published here', info.publishedVersions.join(', ')]);
  const objects = renderTable(
    ['Type', 'Id', 'Name', 'Extends'],
    info.objects.map((o) => [o.type, o.id, o.name, o.extends]),
    ctx.style,
  );
  const data = info.tableData.length > 0 ? `\nTable data: ${info.tableData.map((t) => `${t.table} (${t.rows} rows)`).join(', ')}\n` : '';
  return `${renderTable(['Property', 'Value'], props, ctx.style, 200)}\n${objects}${data}`;
}

function publishLine(status: 'published' | 'unchanged', app: { name: string; publisher: string; version: string }, sha256: string, skipped: boolean): string {
  return `${status === 'published' ? 'published' : 'unchanged'} ${appLabel(app)} (sha256 ${sha256.slice(0, 12)}…${skipped ? ', verification skipped' : ''})\n`;
}

/** Per-tenant outcomes: successes on stdout, failures as error lines on stderr; exit 1 when any failed. */
function reportPerTenant<R extends { tenantId: string; ok: boolean; error?: { code: string; message: string } | undefined }>(
  ctx: CliContext,
  value: unknown,
  results: readonly R[],
  okLine: (r: R) => string,
): void {
  ctx.emit(value, () =>
    results
      .filter((r) => r.ok)
      .map((r) => `${okLine(r)}\n`)
      .join(''),
  );
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) ctx.io.stderr(`error ${r.error?.code ?? 'INTERNAL'}: ${r.tenantId}: ${r.error?.message ?? 'failed'}\n`);
  if (failed.length > 0) throw new ReportedFailure();
}
