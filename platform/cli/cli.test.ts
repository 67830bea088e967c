// The CLI end to end, in-process (main() with captured output) against real deployment folders: every verb's
// happy path and its refusals, with exit codes 0/1/2 and the error code on stderr or in the --json error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../shared/api/index.js';
import { DEMO_EXTENSIONS_DIR, demoExtensionFolders } from '../demo/demo-sources.js';
import { expectCode, parseJson, runCli, TempDirs, type RunResult } from './cli-harness.js';

const temp = new TempDirs();
let root = '';
let dep = '';
let apps = '';
const D = () => ['--deployment', dep];
const run = (...args: string[]) => runCli(args, { cwd: root });
const runD = (...args: string[]) => runCli([...args, ...D()], { cwd: root });
const jsonOf = async <T>(...args: string[]): Promise<T> => parseJson<T>(expectCode(await runD(...args, '--json'), 0));

type JsonFailure = { error?: { code: string }; results?: { ok: boolean; error?: { code: string } }[] };

/**
 * A refusal: exit 1, `error <CODE>: ...` on stderr, and with --json the same code on stdout: as `{error}` when the
 * operation was refused, or inside the per-tenant `results` of install/upgrade (whose output is still printed).
 */
async function refused(code: string, ...args: string[]): Promise<RunResult> {
  const r = expectCode(await runD(...args), 1);
  expect(r.stderr).toMatch(new RegExp(`error ${code}: `));
  const j = parseJson<JsonFailure>(expectCode(await runD(...args, '--json'), 1));
  expect(j.error?.code ?? j.results?.find((x) => !x.ok)?.error?.code).toBe(code);
  return r;
}

const appFile = (folder: string) => path.join(apps, `${folder}.app`);

beforeAll(async () => {
  root = temp.make();
  dep = path.join(root, 'dep');
  apps = path.join(root, 'apps');
  expectCode(await run('deployment', 'new', 'dep', '--name', 'Test deployment'), 0);
  for (const folder of demoExtensionFolders()) {
    expectCode(await run('app', 'pack', path.join(DEMO_EXTENSIONS_DIR, folder), '--out', appFile(folder)), 0);
  }
});
afterAll(() => temp.cleanup());

describe('deployment', () => {
  it('deployment new refuses a folder that is not empty; deployment info describes it', async () => {
    fs.mkdirSync(path.join(root, 'busy'));
    fs.writeFileSync(path.join(root, 'busy', 'notes.txt'), 'x');
    const r = expectCode(await run('deployment', 'new', 'busy'), 1);
    expect(r.stderr).toMatch(/^error [A-Z_]+: .*busy/m);
    const info = await jsonOf<OperationOutput<'deployment.info'>>('deployment', 'info');
    expect(info).toMatchObject({ name: 'Test deployment', application: { name: 'Tenantry Base Application', version: '1.0.0.0' }, tenants: 0, apps: 0 });
    expect(expectCode(await runD('deployment', 'info'), 0).stdout).toMatch(/Application\s+Tenantry Base Application 1\.0\.0\.0/);
  });

  it('a folder that is not a deployment is refused', async () => {
    const r = expectCode(await runCli(['tenant', 'list', '--deployment', path.join(root, 'busy')]), 1);
    expect(r.stderr).toMatch(/^error DEPLOYMENT_INVALID: /m);
  });
});

describe('extension development: app new, keygen, pack, info', () => {
  it('scaffolds, packs signed and reads the package back', async () => {
    expectCode(await run('app', 'keygen', '--out', 'key.json'), 0);
    expect(fs.statSync(path.join(root, 'key.json')).mode & 0o077).toBe(0);
    expectCode(await run('app', 'keygen', '--out', 'key.json'), 1); // never overwrites a key
    expectCode(
      await run(
        'app',
        'new',
        'rewards',
        '--name',
        'Rewards',
        '--publisher',
        'Tailwind Traders',
        '--id-range-from',
        '98000',
        '--id',
        'aaaaaaaa-0000-4000-8000-000000000001',
      ),
      0,
    );
    expectCode(await run('app', 'new', 'rewards', '--name', 'Rewards', '--publisher', 'Tailwind Traders'), 1); // not empty
    const packed = parseJson<{ file: string; signed: boolean }>(
      expectCode(await run('app', 'pack', 'rewards', '--out', 'out/rewards.app', '--sign-key', 'key.json', '--json'), 0),
    );
    expect(packed).toMatchObject({ file: path.join(root, 'out', 'rewards.app'), signed: true });
    const info = parseJson<OperationOutput<'app.info'>>(expectCode(await run('app', 'info', 'out/rewards.app', '--json'), 0));
    expect(info).toMatchObject({ manifest: { name: 'Rewards', publisher: 'Tailwind Traders', version: '1.0.0.0' }, signed: true });
    expect(info.objects.length).toBeGreaterThan(0);
    const human = expectCode(await run('app', 'info', 'out/rewards.app'), 0).stdout;
    expect(human).toMatch(/Signed\s+yes/);
    expect(human).toMatch(/Name\s+Rewards/);
  });

  it('app info refuses a file that is not a package, naming it', async () => {
    fs.writeFileSync(path.join(root, 'not-a.app'), 'hello');
    const r = expectCode(await run('app', 'info', 'not-a.app'), 1);
    expect(r.stderr).toMatch(/^error PACKAGE_INVALID: .*not-a\.app/m);
    expect(expectCode(await run('app', 'info', 'missing.app'), 1).stderr).toMatch(/^error NOT_FOUND: .*missing\.app/m);
  });

  it('app pack refuses a broken source folder, naming the file', async () => {
    fs.mkdirSync(path.join(root, 'broken'));
    fs.writeFileSync(path.join(root, 'broken', 'app.json'), '{"id": "nope"}');
    const r = expectCode(await run('app', 'pack', 'broken'), 1);
    expect(r.stderr).toMatch(/^error MANIFEST_INVALID: .*app\.json/m);
  });
});

describe('publish', () => {
  it('refuses an unsigned package without --skip-verification; accepts a signed one', async () => {
    await refused('SIGNATURE_MISSING', 'publish', appFile('contoso-core-1.0.0.0'));
    const out = await jsonOf<OperationOutput<'app.publish'>>('publish', 'out/rewards.app');
    expect(out).toMatchObject({ status: 'published', skippedVerification: false, app: { name: 'Rewards' } });
  });

  it('publishes a folder of .app files given in shuffled order, in dependency order', async () => {
    // names chosen so the folder's sorted order puts dependents before their dependencies
    const shuffled = path.join(root, 'shuffled');
    fs.mkdirSync(shuffled);
    const order = [
      'contoso-loyalty-reports-1.0.0.0',
      'fabrikam-shipping-1.1.0.0',
      'contoso-loyalty-2.0.0.0',
      'northwind-credit-control-1.0.0.0',
      'contoso-loyalty-1.0.0.0',
      'fabrikam-shipping-1.0.0.0',
      'contoso-core-1.0.0.0',
    ];
    order.forEach((f, i) => fs.copyFileSync(appFile(f), path.join(shuffled, `${String(i).padStart(2, '0')}-${f}.app`)));
    const out = await jsonOf<OperationOutput<'app.publishMany'>>('publish', 'shuffled', '--skip-verification');
    const names = out.results.map((r) => `${r.app.name}@${r.app.version}`);
    expect(names).toHaveLength(order.length);
    const at = (n: string) => names.findIndex((x) => x.startsWith(`${n}@`));
    expect(at('Contoso Core')).toBeLessThan(at('Contoso Loyalty'));
    expect(at('Contoso Loyalty')).toBeLessThan(at('Contoso Loyalty Reports'));
    expect(at('Contoso Core')).toBeLessThan(at('Fabrikam Shipping'));
    expect(out.results.every((r) => r.status === 'published')).toBe(true);
    // the same files again: nothing changes
    const again = await jsonOf<OperationOutput<'app.publishMany'>>('publish', 'shuffled', '--skip-verification');
    expect(again.results.every((r) => r.status === 'unchanged')).toBe(true);
    // the rest, as separate files
    const rest = [
      'tailspin-field-service-1.0.0.0',
      'litware-customer-insights-1.0.0.0',
      'wideworld-sales-commission-1.0.0.0',
      'adatum-item-attributes-1.0.0.0',
    ].map(appFile);
    const human = expectCode(await runD('publish', ...rest, '--skip-verification'), 0).stdout;
    expect(human.trim().split('\n')).toHaveLength(4);
    expect(human).toMatch(/^published "Tailspin Field Service" by Tailspin Toys 1\.0\.0\.0/m);
    const catalog = await jsonOf<OperationOutput<'app.catalog'>>('info');
    expect(catalog.apps).toHaveLength(12);
    expect(expectCode(await runD('info'), 0).stdout).toMatch(/^Name\s+Publisher\s+Version/);
  });

  it('refuses a dependency cycle, naming the cycle, and publishes none of it', async () => {
    const mk = async (dir: string, name: string, id: string, from: string, dependsOn: { id: string; name: string }) => {
      expectCode(await run('app', 'new', dir, '--name', name, '--publisher', 'Cyclic', '--id', id, '--id-range-from', from), 0);
      const file = path.join(root, dir, 'app.json');
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      manifest['dependencies'] = [{ id: dependsOn.id, name: dependsOn.name, publisher: 'Cyclic', version: '1.0.0.0' }];
      fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
      expectCode(await run('app', 'pack', dir, '--out', `cycle/${dir}.app`), 0);
    };
    const a = { id: 'cccccccc-0000-4000-8000-00000000000a', name: 'Cycle Alpha' };
    const b = { id: 'cccccccc-0000-4000-8000-00000000000b', name: 'Cycle Beta' };
    await mk('cyc-a', a.name, a.id, '98100', b);
    await mk('cyc-b', b.name, b.id, '98200', a);
    const r = await refused('DEPENDENCY_CYCLE', 'publish', 'cycle', '--skip-verification');
    expect(r.stderr).toContain('Cycle Alpha');
    expect(r.stderr).toContain('Cycle Beta');
    const catalog = await jsonOf<OperationOutput<'app.catalog'>>('info');
    expect(catalog.apps.some((x) => x.publisher === 'Cyclic')).toBe(false);
  });

  it('refuses missing files and empty folders, naming them', async () => {
    expect((await refused('NOT_FOUND', 'publish', 'nowhere.app')).stderr).toContain('nowhere.app');
    fs.mkdirSync(path.join(root, 'empty'));
    expect((await refused('NOT_FOUND', 'publish', 'empty')).stderr).toContain('holds no .app files');
  });
});

describe('tenants and the extension lifecycle', () => {
  it('tenant new / list / show', async () => {
    expectCode(await runD('tenant', 'new', 't1', '--company', 'Alpha Ltd.'), 0);
    const t2 = await jsonOf<OperationOutput<'tenant.create'>>(
      'tenant',
      'new',
      't2',
      '--company',
      'Bravo UK',
      '--company',
      'Bravo DE',
      '--alternate-id',
      't2.example.com',
    );
    expect(t2).toMatchObject({ id: 't2', state: 'operational', companies: ['Bravo UK', 'Bravo DE'], alternateIds: ['t2.example.com'] });
    await refused('TENANT_EXISTS', 'tenant', 'new', 'T1');
    await refused('BAD_INPUT', 'tenant', 'new', 'bad id!');
    const list = await jsonOf<OperationOutput<'tenant.list'>>('tenant', 'list');
    expect(list.tenants.map((t) => t.id).sort()).toEqual(['t1', 't2']);
    expect(expectCode(await runD('tenant', 'list'), 0).stdout).toMatch(/^Tenant\s+State\s+Apps/);
    expect(expectCode(await runD('tenant', 'show', 't2'), 0).stdout).toContain('Bravo UK, Bravo DE');
    await refused('TENANT_NOT_FOUND', 'tenant', 'show', 'nobody');
  });

  it('install: refuses a missing dependency, then installs with --install-dependencies in several tenants', async () => {
    const r = await refused('DEPENDENCY_MISSING', 'install', 'Contoso Loyalty', '--tenant', 't1', '--version', '1.0.0.0');
    expect(r.stderr).toContain('Contoso Core');
    const out = await jsonOf<OperationOutput<'tenant.install'>>(
      'install',
      'contoso loyalty',
      '--tenant',
      't1',
      '--tenant',
      't2',
      '--version',
      '1.0.0.0',
      '--install-dependencies',
    );
    expect(out.results.map((x) => [x.tenantId, x.ok])).toEqual([
      ['t1', true],
      ['t2', true],
    ]);
    expect(out.results[0]!.installed.map((a) => a.name)).toEqual(['Contoso Core', 'Contoso Loyalty']);
    const apps = await jsonOf<OperationOutput<'tenant.apps'>>('info', '--tenant', 't1');
    expect(apps.apps.find((a) => a.name === 'Contoso Loyalty')).toMatchObject({ version: '1.0.0.0', upgradeAvailable: '2.0.0.0' });
    expect(expectCode(await runD('info', '--tenant', 't1'), 0).stdout).toMatch(/Contoso Loyalty\s+Contoso\s+1\.0\.0\.0/);
    await refused('ALREADY_INSTALLED', 'install', 'Contoso Loyalty', '--tenant', 't1');
    await refused('NOT_PUBLISHED', 'install', 'No Such App', '--tenant', 't1');
  });

  it('data insert / rows / modify / delete on the merged view, with extension fields and subscribers', async () => {
    expectCode(
      await runD(
        'data',
        'insert',
        'Customer',
        '--tenant',
        't1',
        '--values',
        '{"No.":"C1","Name":"Adatum Corporation","Loyalty Points":120,"Loyalty Level":"Gold"}',
      ),
      0,
    );
    expectCode(await runD('data', 'insert', 'Customer', '--tenant', 't1', '--values', '{"No.":"C2","Name":"Trey Research","Loyalty Points":40}'), 0);
    const page = await jsonOf<OperationOutput<'record.page'>>('data', 'rows', 'Customer', '--tenant', 't1');
    expect(page.total).toBe(2);
    expect(page.rows[0]).toMatchObject({
      'No.': 'C1',
      Name: 'Adatum Corporation',
      'Loyalty Points': 120,
      'Loyalty Level': 'Gold',
      'Loyalty Card No.': 'PENDING',
    });
    expect(page.columns.find((c) => c.name === 'Loyalty Points')!.ownerAppId).not.toBe('');
    const human = expectCode(await runD('data', 'rows', 'Customer', '--tenant', 't1', '--limit', '1'), 0).stdout;
    expect(human).toMatch(/rows 1-1 of 2 \(Customer, Alpha Ltd\.\)/);
    await refused('RECORD_INVALID', 'data', 'insert', 'Customer', '--tenant', 't1', '--values', '{"No.":"C3","Name":"X","Loyalty Points":"lots"}');
    await refused('RECORD_EXISTS', 'data', 'insert', 'Customer', '--tenant', 't1', '--values', '{"No.":"C1","Name":"Again"}');
    // two companies and none named: the CLI says which ones there are
    const r = await refused('BAD_INPUT', 'data', 'insert', 'Customer', '--tenant', 't2', '--values', '{"No.":"C1","Name":"Bravo"}');
    expect(r.stderr).toContain('"Bravo UK", "Bravo DE"');
    expectCode(
      await runD('data', 'insert', 'Customer', '--tenant', 't2', '--company', 'Bravo DE', '--values', '{"No.":"C1","Name":"Bravo","Loyalty Points":7}'),
      0,
    );
    expectCode(await runD('data', 'modify', 'Customer', '--tenant', 't1', '--key', '{"No.":"C2"}', '--values', '{"Credit Limit (LCY)":5000}'), 0);
    expectCode(await runD('data', 'insert', 'Customer', '--tenant', 't1', '--values', '{"No.":"C9","Name":"Temporary"}'), 0);
    expectCode(await runD('data', 'delete', 'Customer', '--tenant', 't1', '--key', '{"No.":"C9"}'), 0);
    await refused('RECORD_NOT_FOUND', 'data', 'delete', 'Customer', '--tenant', 't1', '--key', '{"No.":"C9"}');
    const after = await jsonOf<OperationOutput<'record.page'>>('data', 'rows', 'Customer', '--tenant', 't1', '--order-by', 'No.', '--desc');
    expect(after.rows.map((x) => x['No.'])).toEqual(['C2', 'C1']);
    expect(after.rows[0]!['Credit Limit (LCY)']).toBe(5000);
  });

  it('install refuses a conflicting extension, naming both and the field', async () => {
    const r = await refused('CONFLICT', 'install', 'Litware Customer Insights', '--tenant', 't1');
    expect(r.stderr).toContain('Litware Customer Insights');
    expect(r.stderr).toContain('Contoso Loyalty');
    expect(r.stderr).toContain('Loyalty Points');
  });

  it('upgrade runs the data upgrade steps once; a downgrade is refused', async () => {
    // --what-if first: the schema changes and nothing done
    const check = await jsonOf<OperationOutput<'tenant.upgradeCheck'>>('upgrade', 'Contoso Loyalty', '--tenant', 't1', '--what-if');
    expect(check).toMatchObject({ tenantId: 't1', installed: true, from: '1.0.0.0', to: '2.0.0.0', rowsLost: [] });
    expect(check.changes.map((c) => c.kind)).toContain('field-added');
    expect(expectCode(await runD('upgrade', 'Contoso Loyalty', '--tenant', 't1', '--what-if'), 0).stdout).toMatch(
      /^t1: 1\.0\.0\.0 -> 2\.0\.0\.0; \d+ schema change\(s\)/,
    );
    expect((await jsonOf<OperationOutput<'tenant.get'>>('tenant', 'show', 't1')).apps.find((a) => a.name === 'Contoso Loyalty')?.version).toBe('1.0.0.0');
    const out = await jsonOf<OperationOutput<'tenant.upgrade'>>('upgrade', 'Contoso Loyalty', '--tenant', 't1');
    expect(out.results[0]).toMatchObject({ tenantId: 't1', ok: true, from: '1.0.0.0', to: '2.0.0.0' });
    expect(out.results[0]!.stepsRun.length).toBeGreaterThan(0);
    const page = await jsonOf<OperationOutput<'record.page'>>('data', 'rows', 'Customer', '--tenant', 't1', '--order-by', 'No.');
    expect(page.rows[0]).toMatchObject({ 'No.': 'C1', 'Loyalty Points': 120, 'Lifetime Points': 120, 'Loyalty Tier Name': 'Gold', 'Loyalty Tier': 'Bronze' });
    const again = await jsonOf<OperationOutput<'tenant.upgrade'>>('upgrade', 'Contoso Loyalty', '--tenant', 't1');
    expect(again.results[0]!.stepsRun).toEqual([]);
    await refused('DOWNGRADE', 'upgrade', 'Contoso Loyalty', '--tenant', 't1', '--version', '1.0.0.0');
  });

  it('sync check-only reports and changes nothing; force without --yes is refused', async () => {
    const out = await jsonOf<OperationOutput<'tenant.sync'>>('sync', '--tenant', 't1', '--mode', 'check-only');
    expect(out).toMatchObject({ tenantId: 't1', mode: 'check-only', applied: false });
    expect(expectCode(await runD('sync', 'Contoso Loyalty', '--tenant', 't1', '--mode', 'check-only'), 0).stdout).toContain('dry run');
    expectCode(await runD('sync', '--tenant', 't1'), 0);
  });

  it('unpublish is refused while installed or depended on', async () => {
    await refused('APP_IN_USE', 'unpublish', 'Contoso Loyalty', '--version', '2.0.0.0');
    await refused('APP_IN_USE', 'unpublish', 'Contoso Core', '--version', '1.0.0.0');
    await refused('NOT_PUBLISHED', 'unpublish', 'Contoso Core', '--version', '9.0.0.0');
  });

  it('app tenants, tenant objects, subscribers, permissions', async () => {
    const at = await jsonOf<OperationOutput<'app.tenants'>>('app', 'tenants', 'Contoso Core');
    expect(at.tenants.map((t) => t.tenantId).sort()).toEqual(['t1', 't2']);
    const objects = await jsonOf<OperationOutput<'tenant.objects'>>('tenant', 'objects', 't1');
    expect(objects.objects.find((o) => o.name === 'Loyalty Transaction')).toMatchObject({ type: 'table', ownerAppName: 'Contoso Loyalty' });
    expect(objects.objects.find((o) => o.name === 'Customer')).toMatchObject({ ownerAppId: '' });
    const subs = await jsonOf<OperationOutput<'tenant.subscribers'>>('tenant', 'subscribers', 't1');
    expect(subs.subscribers.some((s) => s.name === 'NewCustomerLoyaltyCard' && s.event === 'record.inserted')).toBe(true);
    const perms = await jsonOf<OperationOutput<'tenant.permissionSets'>>('tenant', 'permissions', 't1');
    expect(perms.permissionSets.map((p) => p.name)).toEqual(expect.arrayContaining(['CONTOSO LOYALTY', 'CONTOSO CORE']));
    expect(expectCode(await runD('tenant', 'subscribers', 't1'), 0).stdout).toMatch(/^Event\s+Table\s+Stage/);
  });

  it('uninstall: refused with dependents, archives with --with-dependents; archive list/rows/export/discard', async () => {
    expectCode(await runD('install', 'Contoso Loyalty Reports', '--tenant', 't1'), 0);
    const blocked = await refused('HAS_DEPENDENTS', 'uninstall', 'Contoso Loyalty', '--tenant', 't1');
    expect(blocked.stderr).toContain('Contoso Loyalty Reports');
    await refused('ACK_REQUIRED', 'uninstall', 'Contoso Loyalty Reports', '--tenant', 't1', '--do-not-save-data');
    const out = await jsonOf<OperationOutput<'tenant.uninstall'>>('uninstall', 'Contoso Loyalty', '--tenant', 't1', '--with-dependents');
    expect(out.uninstalled.map((a) => a.name)).toEqual(['Contoso Loyalty Reports', 'Contoso Loyalty']);
    const list = await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't1');
    const fields = list.archives.find((a) => a.appName === 'Contoso Loyalty' && a.table === 'Customer');
    expect(fields).toMatchObject({ version: '2.0.0.0', company: 'Alpha Ltd.', rows: 2 });
    expect(expectCode(await runD('archive', 'list', '--tenant', 't1'), 0).stdout).toMatch(/^Archive\s+Extension\s+Version/);

    const rows = await jsonOf<OperationOutput<'archive.rows'>>('archive', 'rows', String(fields!.archiveId), '--tenant', 't1');
    expect(rows.total).toBe(2);
    expect(rows.rows.map((x) => x['Loyalty Points']).sort()).toEqual([120, 40].sort());
    expectCode(await runD('archive', 'export', String(fields!.archiveId), '--tenant', 't1', '--out', 'loyalty.csv'), 0);
    const csv = fs.readFileSync(path.join(root, 'loyalty.csv'), 'utf8');
    expect(csv.split(/\r?\n/)[0]).toContain('Loyalty Points');
    expect(expectCode(await runD('archive', 'export', String(fields!.archiveId), '--tenant', 't1'), 0).stdout).toContain('Loyalty Points');

    const noAck = await refused('ACK_REQUIRED', 'archive', 'discard', String(fields!.archiveId), '--tenant', 't1');
    expect(noAck.stderr).toContain('2');
    await refused('ACK_REQUIRED', 'archive', 'discard', String(fields!.archiveId), '--tenant', 't1', '--confirm-rows', '5');
    const gone = await jsonOf<OperationOutput<'archive.discard'>>('archive', 'discard', String(fields!.archiveId), '--tenant', 't1', '--yes');
    expect(gone.rows).toBe(2);
    await refused('ARCHIVE_NOT_FOUND', 'archive', 'rows', String(fields!.archiveId), '--tenant', 't1');
    // reinstalling restores the rest of the archived data (the extension's own tables)
    const re = await jsonOf<OperationOutput<'tenant.install'>>('install', 'Contoso Loyalty', '--tenant', 't1');
    expect(re.results[0]!.action).toBe('restored');
  });

  it('repair recompiles the catalog', async () => {
    const out = await jsonOf<OperationOutput<'app.repair'>>('repair');
    expect(out.results.length).toBe(12);
    expect(out.results.every((r) => r.ok)).toBe(true);
  });

  it('tenant dismount / mount / remove-apps', async () => {
    expectCode(await runD('tenant', 'dismount', 't2'), 0);
    await refused('TENANT_STATE', 'install', 'Item Attributes', '--tenant', 't2');
    await refused('TENANT_STATE', 'tenant', 'remove-apps', 't1');
    const removed = await jsonOf<OperationOutput<'tenant.removeApps'>>('tenant', 'remove-apps', 't2');
    expect(removed.removed.map((a) => a.name).sort()).toEqual(['Contoso Core', 'Contoso Loyalty']);
    expectCode(await runD('tenant', 'mount', 't2'), 0);
    const t2 = await jsonOf<OperationOutput<'tenant.get'>>('tenant', 'show', 't2');
    expect(t2).toMatchObject({ state: 'operational', apps: [] });
    const archives = (await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't2')).archives;
    expect(archives.some((a) => a.reason === 'remove-apps')).toBe(true);
    // discard every archive of one extension by name: --yes counts the rows, shows them and confirms that count
    const coreRows = archives.filter((a) => a.appName === 'Contoso Core').reduce((n, a) => n + a.rows, 0);
    const loyaltyRows = archives.filter((a) => a.appName === 'Contoso Loyalty').reduce((n, a) => n + a.rows, 0);
    expect(loyaltyRows).toBeGreaterThan(0);
    await refused('ACK_REQUIRED', 'archive', 'discard', '--app', 'Contoso Loyalty', '--tenant', 't2');
    const r = expectCode(await runD('archive', 'discard', '--app', 'contoso loyalty', '--tenant', 't2', '--yes'), 0);
    expect(r.stderr).toContain(`with ${loyaltyRows} rows`);
    expect(r.stdout).toContain(`${loyaltyRows} rows`);
    const left = (await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't2')).archives;
    expect(left.every((a) => a.appName === 'Contoso Core')).toBe(true);
    expect(left.reduce((n, a) => n + a.rows, 0)).toBe(coreRows);
    expectCode(await runD('archive', 'discard', '--tenant', 't2', '--yes'), 1); // neither an id nor --app
  });

  it('sync clean removes the archived data of an extension that is not installed, after an acknowledgement', async () => {
    const before = (await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't1')).archives.filter(
      (a) => a.appName === 'Contoso Loyalty Reports',
    );
    expect(before.length).toBeGreaterThan(0);
    await refused('ACK_REQUIRED', 'sync', 'Contoso Loyalty Reports', '--tenant', 't1', '--mode', 'clean');
    const out = await jsonOf<OperationOutput<'tenant.sync'>>('sync', 'Contoso Loyalty Reports', '--tenant', 't1', '--mode', 'clean', '--yes');
    expect(out.discarded.length).toBe(before.length);
    const after = (await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't1')).archives;
    expect(after.some((a) => a.appName === 'Contoso Loyalty Reports')).toBe(false);
  });

  it('tenant move: the pre-check names what is missing; a tenant that fits moves', async () => {
    const dest = path.join(root, 'dest');
    expectCode(await run('deployment', 'new', dest), 0);
    expectCode(await runCli(['publish', appFile('contoso-core-1.0.0.0'), '--skip-verification', '--deployment', dest]), 0);
    expectCode(await runD('install', 'Sales Commission', '--tenant', 't1'), 0);
    const pre = expectCode(await runD('tenant', 'move', 't1', '--to', 'dest', '--precheck-only'), 1);
    expect(pre.stdout).toContain('NOT OK');
    expect(pre.stderr).toMatch(/^error MOVE_PRECHECK_FAILED: .*Sales Commission/m);
    const report = parseJson<OperationOutput<'move.precheck'>>(expectCode(await runD('tenant', 'move', 't1', '--to', 'dest', '--precheck-only', '--json'), 1));
    expect(report.apps.find((a) => a.name === 'Sales Commission')!.status).toBe('missing');
    await refused('MOVE_PRECHECK_FAILED', 'tenant', 'move', 't1', '--to', 'dest');

    expectCode(await runD('tenant', 'new', 't3'), 0);
    expectCode(await runD('install', 'Contoso Core', '--tenant', 't3'), 0);
    expectCode(await runD('data', 'insert', 'Customer', '--tenant', 't3', '--values', '{"No.":"M1","Name":"Mover","Region Code":"NORTH"}'), 0);
    const ok = parseJson<OperationOutput<'move.precheck'>>(expectCode(await runD('tenant', 'move', 't3', '--to', 'dest', '--precheck-only', '--json'), 0));
    expect(ok.ok).toBe(true);
    expectCode(await runD('tenant', 'move', 't3', '--to', 'dest'), 0);
    const there = parseJson<OperationOutput<'record.page'>>(
      expectCode(await runCli(['data', 'rows', 'Customer', '--tenant', 't3', '--deployment', dest, '--json']), 0),
    );
    expect(there.rows[0]).toMatchObject({ 'No.': 'M1', 'Region Code': 'NORTH' });
    const here = await jsonOf<OperationOutput<'tenant.list'>>('tenant', 'list');
    expect(here.tenants.map((t) => t.id)).not.toContain('t3');

    // a dismounted tenant's file can be adopted by another deployment with `tenant mount <file>`
    const dismounted = parseJson<OperationOutput<'tenant.dismount'>>(expectCode(await runCli(['tenant', 'dismount', 't3', '--deployment', dest, '--json']), 0));
    fs.copyFileSync(dismounted.file, path.join(root, 't3-copy.sqlite'));
    const mounted = await jsonOf<OperationOutput<'tenant.mount'>>('tenant', 'mount', 't3-copy.sqlite');
    expect(mounted).toMatchObject({ id: 't3', state: 'operational', installedApps: 1 });
    const back = await jsonOf<OperationOutput<'record.page'>>('data', 'rows', 'Customer', '--tenant', 't3');
    expect(back.rows[0]).toMatchObject({ 'No.': 'M1', 'Region Code': 'NORTH' });
  });

  it('uninstall --do-not-save-data deletes the data after an acknowledgement', async () => {
    expectCode(await runD('data', 'insert', 'Commission Plan', '--tenant', 't1', '--values', '{"Code":"EXTRA","Description":"Extra plan","Rate %":1.5}'), 0);
    const r = await refused('ACK_REQUIRED', 'uninstall', 'Sales Commission', '--tenant', 't1', '--do-not-save-data');
    expect(r.stderr).toMatch(/\d+ rows?/);
    const out = await jsonOf<OperationOutput<'tenant.uninstall'>>('uninstall', 'Sales Commission', '--tenant', 't1', '--do-not-save-data', '--yes');
    expect(out.rowsDiscarded).toBeGreaterThanOrEqual(4);
    expect(out.archives).toEqual([]);
    const archives = (await jsonOf<OperationOutput<'archive.list'>>('archive', 'list', '--tenant', 't1')).archives;
    expect(archives.some((a) => a.appName === 'Sales Commission')).toBe(false);
  });

  it('several tenants at once: each succeeds or fails on its own, and any failure exits 1', async () => {
    const inst = expectCode(await runD('install', 'Item Attributes', '--tenant', 't1', '--tenant', 't404,t2', '--json'), 1);
    const out = parseJson<OperationOutput<'tenant.install'>>(inst);
    expect(out.results.map((r) => [r.tenantId, r.ok, r.error?.code ?? null])).toEqual([
      ['t1', true, null],
      ['t404', false, 'TENANT_NOT_FOUND'],
      ['t2', true, null],
    ]);
    expect(inst.stderr).toMatch(/^error TENANT_NOT_FOUND: t404: /m);
    const un = expectCode(await runD('uninstall', 'Item Attributes', '--tenant', 't1', '--tenant', 't404', '--tenant', 't2', '--json'), 1);
    const unOut = parseJson<{ results: OperationOutput<'tenant.uninstall'>[]; failures: { tenantId: string; error: { code: string } }[] }>(un);
    expect(unOut.results.map((r) => r.tenantId)).toEqual(['t1', 't2']);
    expect(unOut.failures).toEqual([{ tenantId: 't404', error: expect.objectContaining({ code: 'TENANT_NOT_FOUND' }) }]);
  });

  it('log shows the operations with their actor and result', async () => {
    const log = await jsonOf<OperationOutput<'log.list'>>('log', '--limit', '500');
    expect(log.entries.length).toBeGreaterThan(10);
    expect(log.entries.every((e) => e.actor === 'cli-test' || e.actor.length > 0)).toBe(true);
    expect(log.entries.some((e) => e.result === 'failed' && e.errorCode === 'CONFLICT')).toBe(true);
    const t1 = await jsonOf<OperationOutput<'tenant.log'>>('log', '--tenant', 't1');
    expect(t1.entries.every((e) => e.tenantId === null || e.tenantId === 't1')).toBe(true);
    expect(expectCode(await runD('log', '--tenant', 't1', '--limit', '3'), 0).stdout).toMatch(/^Started\s+Operation/);
  });

  it('an app named ambiguously is refused; a GUID is not', async () => {
    expectCode(
      await run(
        'app',
        'new',
        'imposter',
        '--name',
        'Contoso Core',
        '--publisher',
        'Imposter Ltd',
        '--id-range-from',
        '98300',
        '--id',
        'dddddddd-0000-4000-8000-000000000001',
      ),
      0,
    );
    expectCode(await run('app', 'pack', 'imposter', '--out', 'imposter.app'), 0);
    expectCode(await runD('publish', 'imposter.app', '--skip-verification'), 0);
    const r = expectCode(await runD('app', 'tenants', 'contoso core'), 1);
    expect(r.stderr).toMatch(/^error [A-Z_]+: .*ambiguous/im);
    expectCode(await runD('app', 'tenants', 'dddddddd-0000-4000-8000-000000000001'), 0);
    expectCode(await runD('unpublish', 'dddddddd-0000-4000-8000-000000000001', '--version', '1.0.0.0'), 0);
  });
});
