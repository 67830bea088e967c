// A full offline audit with every server stopped, in Chromium: the demo's two deployments are served by two real
// `tenantry serve` processes and added to the console as remote connections only. Changes are made through the
// console (an install, an uninstall and an upgrade from the matrix; a move of a tenant from one server to the other
// through the move wizard, remote to remote), so the snapshots before and after differ. Then both servers are
// killed (and seen to have exited), the console host is restarted on its data folder and the page reloaded, and
// everything is done from the cache through the UI: the matrix of both deployments with its "as of", a tenant's
// detail on each, the audit log searched, filtered and its chain verified, the operation logs searched and filtered
// (their sources labelled cached), two snapshots compared (installed, upgraded, uninstalled, moved out and in), and
// the audit report exported as HTML (rendered to PDF as "Print" would) and CSV, their content checked. Each view is
// checked with axe (WCAG 2.1 A/AA) and photographed at 1440x900 in both themes (e2e/output/offline-remote-*.png).
// Before that, a server-to-server move whose SOURCE server dies (SIGKILL at a fault point, right after dismounting
// the tenant): what the wizard shows, and the tenant put back when that server starts again.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { OUTPUT, shotPath, startConsole, type ConsoleHost } from './support/console-host.js';
import { serveDeployment, type RemoteServer } from './support/remote.js';
import { api, confirmMove, deploymentCall, parseCsv } from './support/workflows.js';
import { checkView as checkViewOf, navButton } from './support/views.js';
import { DEMO_CORE as CORE, DEMO_LITWARE as LITWARE, DEMO_LOYALTY as LOYALTY } from '../platform/demo/demo-apps.js';

/** East, Contoso Loyalty 1.0.0.0 with 2.0.0.0 published: upgraded from the matrix */
const UPGRADED = 'contoso-wholesale';
/** East to West, server to server, through the move wizard */
const MOVED = 'fabrikam-eu';

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let page: Page;
let eastServer: RemoteServer;
let westServer: RemoteServer;
let east = '';
let west = '';
/** chosen from the fleet as first read: an East tenant without Contoso Loyalty (installed), one with it (uninstalled) */
let installedOn = '';
let uninstalledFrom = '';

test.beforeAll(async ({ browser }) => {
  host = await startConsole();
  [eastServer, westServer] = await Promise.all([serveDeployment(path.join(host.demo, 'east')), serveDeployment(path.join(host.demo, 'west'))]);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
});
test.afterAll(async () => {
  await page?.context().close();
  await eastServer?.stop();
  await westServer?.stop();
  await host?.stop();
  host?.cleanup();
});

/** axe at WCAG 2.1 A and AA, then a screenshot in each theme (e2e/support/views.ts). */
const checkView = (name: string): Promise<void> => checkViewOf(page, `offline-remote-${name}`, { waitForToast: true });

const nav = (label: string) => navButton(page, label);
const cell = (tenant: string, appId: string) => page.locator(`[data-tenant="${tenant}"] [role="gridcell"][data-app-id="${appId}"]`);

async function findTenant(tenant: string): Promise<void> {
  await page.getByLabel('Find a tenant', { exact: true }).fill(tenant);
  await expect(page.locator(`[data-tenant="${tenant}"]`)).toBeVisible();
}

async function saved(d: Download, name: string): Promise<string> {
  const file = path.join(OUTPUT, name);
  fs.mkdirSync(OUTPUT, { recursive: true });
  await d.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

/** Runs the plan dialog opened from the matrix's selection bar and closes it on success. */
async function runFromMatrix(verb: 'Install' | 'Upgrade' | 'Uninstall', tenant: string, expectText: RegExp | string): Promise<void> {
  await page
    .getByRole('toolbar', { name: 'Actions on the selection' })
    .getByRole('button', { name: new RegExp(`^${verb}( \\(\\d+\\))?$`) })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.locator(`[data-testid="plan-item"][data-tenant="${tenant}"]`)).toBeVisible();
  await dialog.getByRole('button', { name: new RegExp(`${verb} on 1 tenant`) }).click();
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(dialog.getByTestId('job-item')).toContainText(expectText);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);
}

test('adds both servers as remote connections, and the console syncs them', async () => {
  await page.goto(host.openUrl);
  await page.getByRole('button', { name: 'Add a connection' }).click();
  for (const [name, server] of [
    ['East', eastServer],
    ['West', westServer],
  ] as const) {
    await page.getByRole('button', { name: 'Remote server' }).click();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Server URL').fill(server.url);
    await page.getByLabel('Access token').fill(server.token);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.locator('.ok-box').filter({ hasText: 'Connected.' })).toBeVisible();
    await page.getByRole('button', { name: 'Add connection' }).click();
    const conn = page.locator(`[data-testid="connection"][data-name="${name}"]`);
    await expect(conn).toContainText(server.url);
    await expect(conn).toContainText('online');
  }
  const conns = await api(host, 'connections.list', {});
  expect(conns.map((c) => c.kind)).toEqual(['remote', 'remote']);
  east = conns.find((c) => c.name === 'East')!.id;
  west = conns.find((c) => c.name === 'West')!.id;

  await nav('Matrix').click();
  await expect(page.locator('[role="row"].m-group')).toHaveCount(2);
  const fleet = await api(host, 'fleet.snapshot', {});
  const e = fleet.deployments.find((d) => d.connectionId === east)!;
  const has = (key: string, app: string, installed = true): boolean =>
    e.cells.some((c) => c.tenantKey === key && c.appId === app && (!installed || c.installed));
  const free = e.tenants.filter((t) => t.tenantId !== MOVED && !has(t.key, CORE) && !has(t.key, LOYALTY, false) && !has(t.key, LITWARE));
  const holding = e.tenants.filter(
    (t) => t.tenantId !== UPGRADED && t.tenantId !== MOVED && e.cells.some((c) => c.tenantKey === t.key && c.appId === LOYALTY && c.installed === '2.0.0.0'),
  );
  expect(free.length).toBeGreaterThan(0);
  expect(holding.length).toBeGreaterThan(0);
  installedOn = free[0]!.tenantId;
  uninstalledFrom = holding[0]!.tenantId;
  expect(e.cells.find((c) => c.tenantKey === e.tenants.find((t) => t.tenantId === UPGRADED)!.key && c.appId === LOYALTY)?.installed).toBe('1.0.0.0');
});

test('makes changes through the console: install, uninstall, upgrade from the matrix, and a server-to-server move', async () => {
  // install Contoso Loyalty (with Contoso Core) on one East tenant
  await findTenant(installedOn);
  await cell(installedOn, LOYALTY).click();
  await runFromMatrix('Install', installedOn, 'installed Contoso Core 1.0.0.0, Contoso Loyalty 2.0.0.0');
  await findTenant(installedOn);
  await expect(cell(installedOn, LOYALTY)).toContainText('2.0.0.0');

  // uninstall it from another: its data is archived
  await findTenant(uninstalledFrom);
  await cell(uninstalledFrom, LOYALTY).click();
  await runFromMatrix('Uninstall', uninstalledFrom, 'rows archived');
  await findTenant(uninstalledFrom);
  await expect(cell(uninstalledFrom, LOYALTY)).toContainText('arch');

  // upgrade Contoso Loyalty 1.0.0.0 → 2.0.0.0 on a third
  await findTenant(UPGRADED);
  await cell(UPGRADED, LOYALTY).click();
  await runFromMatrix('Upgrade', UPGRADED, /upgrade/i);
  await findTenant(UPGRADED);
  await expect(cell(UPGRADED, LOYALTY)).toContainText('2.0.0.0');
  await page.getByLabel('Find a tenant', { exact: true }).fill('');

  // a tenant moves from the East server to the West server through the move wizard
  await nav('Tenant moves').click();
  await expect(page.getByLabel('Source deployment')).toHaveValue(east);
  await page.getByLabel('Find a tenant to move').fill(MOVED);
  await page.locator(`[data-testid="move-tenant"][data-tenant="${MOVED}"]`).click();
  await page.getByLabel('Destination deployment').selectOption(west);
  await expect(page.getByText(/its database travels with a SHA-256 checksum and is verified and kept dismounted on West/)).toBeVisible();
  await page.getByRole('button', { name: 'Run the pre-check' }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 1 tenant can move to West.');
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await confirmMove(page, 'West');
  await expect(page.getByTestId('move-result')).toContainText('Moved.', { timeout: 90_000 });
  const item = page.locator(`[data-testid="job-item"][data-tenant="${MOVED}"]`);
  await expect(item).toHaveAttribute('data-state', 'succeeded');
  for (const step of ['precheck', 'dismount', 'transfer', 'verify-copy', 'mount', 'verify-mount', 'finish'])
    await expect(item.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded');
  await expect(item.getByTestId('job-proof')).toContainText('no longer there');
  await checkView('move-result');

  // read back through each server (not through the console's cache)
  expect((await deploymentCall(host, west, 'tenant.get', { tenantId: MOVED })).state).toBe('operational');
  await expect(deploymentCall(host, east, 'tenant.get', { tenantId: MOVED })).rejects.toThrow(/TENANT_NOT_FOUND/);
  const viaCli = eastServer.cli<{ apps: { id: string; version: string }[] }>(['info', '--tenant', UPGRADED]).apps;
  expect(viaCli.find((a) => a.id === LOYALTY)?.version).toBe('2.0.0.0');

  // the console's last live read of both: the snapshots it keeps for the audit
  const fleet = await api(host, 'fleet.snapshot', {});
  expect(fleet.deployments.every((d) => d.live)).toBe(true);
  expect((await api(host, 'snapshots.list', { connectionId: east })).snapshots.length).toBeGreaterThanOrEqual(2);
  expect((await api(host, 'snapshots.list', { connectionId: west })).snapshots.length).toBeGreaterThanOrEqual(2);
});

test('a server-to-server move whose SOURCE server dies after dismounting the tenant: the wizard says so; started again, the server puts the tenant back', async () => {
  // East served again by a server that SIGKILLs itself at its second "move-out" fault point: the tenant journaled
  // and dismounted for the move, the file not yet sent
  const tenant = 'fabrikam-us';
  await eastServer.stop();
  eastServer = await serveDeployment(path.join(host.demo, 'east'), { env: { TENANTRY_FAULT: 'move-out:2' } });
  await api(host, 'connections.update', { id: east, url: eastServer.url, token: eastServer.token });
  const before = await deploymentCall(host, east, 'tenant.get', { tenantId: tenant });

  await page.getByRole('button', { name: 'Start another move' }).click();
  await page.getByLabel('Find a tenant to move').fill(tenant);
  await page.locator(`[data-testid="move-tenant"][data-tenant="${tenant}"]`).click();
  await expect(page.getByLabel('Destination deployment')).toHaveValue(west);
  await page.getByRole('button', { name: 'Run the pre-check' }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 1 tenant can move to West.');
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await confirmMove(page, 'West');
  await expect(page.getByTestId('move-result')).toContainText('The move failed.', { timeout: 90_000 });
  await eastServer.exited(); // it really died at the fault point

  const item = page.locator(`[data-testid="job-item"][data-tenant="${tenant}"]`);
  await expect(item).toHaveAttribute('data-state', 'failed');
  await expect(page.getByTestId('move-result')).toContainText('East could not confirm that every tenant whose move failed is back as it was');
  // the source went away mid-dismount: nothing was sent, nothing could be put back from here, and the proof says
  // exactly what could and could not be read
  await expect(item.locator('[data-step="precheck"]')).toHaveAttribute('data-state', 'succeeded');
  await expect(item.locator('[data-step="dismount"]')).toHaveAttribute('data-state', 'failed');
  await expect(item.locator('[data-step="dismount"]')).toContainText('cannot be reached');
  for (const step of ['transfer', 'verify-copy', 'mount', 'verify-mount', 'finish'])
    await expect(item.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'skipped');
  await expect(item.locator('[data-step="rollback"]')).toHaveAttribute('data-state', 'failed');
  const proof = item.getByTestId('job-proof');
  await expect(proof).toContainText(/On East\s*cannot be read: .*cannot be reached/);
  await expect(proof).toContainText(/On West\s*not present/);
  await checkView('source-died');

  // started again (without the fault), East undoes the interrupted move: the tenant is back as it was; West never got it
  await eastServer.restart();
  const now = await deploymentCall(host, east, 'tenant.get', { tenantId: tenant });
  expect({ state: now.state, apps: now.apps }).toEqual({ state: before.state, apps: before.apps });
  await expect(deploymentCall(host, west, 'tenant.get', { tenantId: tenant })).rejects.toThrow(/TENANT_NOT_FOUND/);
  await api(host, 'fleet.snapshot', {});
});

test('every server stopped: the console, reloaded, browses the cached matrix and tenant details of both deployments', async () => {
  await Promise.all([eastServer.kill(), westServer.kill()]);
  // both processes are gone: nothing the console does from here on can reach a server
  await Promise.all([eastServer.exited(), westServer.exited()]);
  for (const s of [eastServer, westServer]) await expect(fetch(`${s.url}/`)).rejects.toThrow();

  await host.restart();
  await page.goto(host.openUrl);
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toContainText('East: cached state as of', { timeout: 60_000 });
  await expect(banner).toContainText('West: cached state as of', { timeout: 60_000 });
  await expect(page.locator('.freshness')).toContainText(/^Offline · as of /);
  const groups = page.locator('[role="row"].m-group');
  await expect(groups).toHaveCount(2);
  await expect(groups.filter({ hasText: 'East' })).toContainText('cached as of');
  await expect(groups.filter({ hasText: 'West' })).toContainText('cached as of');

  await checkView('matrix');
  // the cells as they were when the servers went away, on both deployments
  await findTenant(UPGRADED);
  await expect(cell(UPGRADED, LOYALTY)).toContainText('2.0.0.0');
  await findTenant(installedOn);
  await expect(cell(installedOn, LOYALTY)).toContainText('2.0.0.0');
  await expect(cell(installedOn, CORE)).toContainText('1.0.0.0');
  await findTenant(uninstalledFrom);
  await expect(cell(uninstalledFrom, LOYALTY)).toHaveAttribute('aria-label', /archived data of 2\.0\.0\.0/);
  await findTenant(MOVED);
  await expect(page.locator(`[data-tenant="${MOVED}"]`)).toHaveCount(1);
  // read-only from the cache
  await cell(MOVED, CORE).click();
  const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
  await expect(bar).toContainText('offline, read-only');
  await expect(bar.getByRole('button', { name: /^Install/ })).toBeDisabled();
  await checkView('matrix-read-only');
  await bar.getByRole('button', { name: 'Clear selection' }).click();

  // the moved tenant's detail, now on West, from the cache
  await page.getByRole('button', { name: `Open tenant ${MOVED}` }).click();
  await expect(page.getByTestId('tenant-title')).toHaveText(MOVED);
  await expect(page.getByText(/offline, cached as of/)).toBeVisible();
  await expect(page.getByText('West', { exact: false }).first()).toBeVisible();
  await checkView('tenant-west');

  // a tenant on East, from the cache
  await nav('Matrix').click();
  await findTenant(UPGRADED);
  await page.getByRole('button', { name: `Open tenant ${UPGRADED}` }).click();
  await expect(page.getByTestId('tenant-title')).toHaveText(UPGRADED);
  await expect(page.getByText(/offline, cached as of/)).toBeVisible();
  await expect(page.locator('[data-testid="tenant-app"][data-app="Contoso Loyalty"]')).toContainText('2.0.0.0');
  await checkView('tenant-east');
});

test('every server stopped: the audit log searched, filtered and verified; the operation logs searched from the cache', async () => {
  await nav('Audit log').click();
  await expect(page.getByRole('heading', { name: 'Audit', level: 2 })).toContainText('Audit');
  await expect(page.getByText('(2 of 2 deployments offline now)')).toBeVisible();

  await page.getByLabel('Search the audit log').fill(MOVED);
  await expect(page.getByTestId('audit-count')).toContainText(/\d+ of \d+ entries match/);
  await expect(page.locator('[data-testid="audit-entry"][data-action="tenant.move"]')).toHaveCount(1);
  await page.getByLabel('Search the audit log').fill('');
  await page.getByLabel('Action', { exact: true }).selectOption('tenant.uninstall');
  await expect(page.getByTestId('audit-entry')).not.toHaveCount(0);
  await expect(page.locator('[data-testid="audit-entry"]:not([data-action="tenant.uninstall"])')).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Audit entries' })).toContainText(uninstalledFrom);
  await page.getByLabel('Action', { exact: true }).selectOption('');
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('audit-verify')).toContainText('Verified.');
  await checkView('audit-log');

  await page.getByRole('tab', { name: 'Operation logs' }).click();
  const sources = page.getByTestId('oplog-sources');
  await expect(sources).toContainText('East: cached as of');
  await expect(sources).toContainText('West: cached as of');
  await page.getByLabel('Search the operation logs').fill(UPGRADED);
  await expect(page.locator(`[data-testid="oplog-entry"][data-operation="tenant.upgrade"][data-tenant="${UPGRADED}"]`)).toHaveCount(1);
  await page.getByLabel('Search the operation logs').fill('');
  await page.getByLabel('Deployment', { exact: true }).selectOption(east);
  await page.getByLabel('Tenant id', { exact: true }).fill(uninstalledFrom);
  await expect(page.locator(`[data-testid="oplog-entry"][data-operation="tenant.uninstall"][data-tenant="${uninstalledFrom}"]`)).toHaveCount(1);
  await expect(sources).not.toContainText('West');
  await page.getByLabel('Tenant id', { exact: true }).fill('');
  await page.getByLabel('Deployment', { exact: true }).selectOption('');
  await page.getByLabel('Result', { exact: true }).selectOption('succeeded');
  await expect(page.locator('[data-testid="oplog-entry"][data-result="succeeded"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="oplog-entry"]:not([data-result="succeeded"])')).toHaveCount(0);
  await checkView('operation-logs');
  await page.getByLabel('Result', { exact: true }).selectOption('');
});

let htmlReport = '';

test('every server stopped: two snapshots compared (installed, upgraded, uninstalled, moved), the audit report as HTML, PDF and CSV', async () => {
  await page.getByRole('tab', { name: 'Snapshots' }).click();
  await page.getByLabel('Deployment', { exact: true }).selectOption(east);
  // from the first snapshot kept to the last (the defaults)
  await page.getByRole('button', { name: 'Compare' }).click();
  const cmp = page.getByTestId('snapshot-compare');
  const change = (kind: string, tenant: string) => cmp.locator(`[data-testid="snapshot-change"][data-kind="${kind}"][data-tenant="${tenant}"]`);
  await expect(change('installed', installedOn).filter({ hasText: 'Contoso Loyalty 2.0.0.0 installed' })).toHaveCount(1);
  await expect(change('installed', installedOn).filter({ hasText: 'Contoso Core 1.0.0.0 installed' })).toHaveCount(1);
  await expect(change('upgraded', UPGRADED)).toContainText('Contoso Loyalty upgraded 1.0.0.0 → 2.0.0.0');
  await expect(change('uninstalled', uninstalledFrom)).toContainText('Contoso Loyalty 2.0.0.0 uninstalled');
  await expect(change('archive-added', uninstalledFrom)).toContainText('archived data of Contoso Loyalty 2.0.0.0');
  await expect(change('moved-out', MOVED)).toContainText(`${MOVED} moved to West`);
  await checkView('snapshots-east');

  // the page itself printed (to paper or PDF): the comparison without the console's chrome and buttons
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void ((window as unknown as { printed: number }).printed += 1);
  });
  await page.getByRole('button', { name: 'Print or save as PDF' }).click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Audit report (HTML)' })).toBeHidden();
  await expect(change('moved-out', MOVED)).toBeVisible();
  await page.screenshot({ path: shotPath('offline-remote-audit-print') });
  const pagePdf = await page.pdf({ path: path.join(OUTPUT, 'offline-remote-audit-page.pdf'), format: 'A4' });
  expect(pagePdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  await page.emulateMedia({ media: 'screen' });

  // the report carries this comparison; made now, with both servers gone
  const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Audit report (HTML)' }).click()]);
  htmlReport = await saved(html, 'offline-remote-audit-report.html');
  expect(htmlReport).toContain('Hash chain verified');
  expect(htmlReport).toContain(`${MOVED} moved to West`);
  expect(htmlReport).toContain('Contoso Loyalty upgraded 1.0.0.0 → 2.0.0.0');
  expect(htmlReport).toContain(`Contoso Loyalty 2.0.0.0 uninstalled from ${uninstalledFrom}`);
  expect(htmlReport).toContain(`Contoso Loyalty 2.0.0.0 installed in ${installedOn}`);
  expect(htmlReport).not.toContain('<script');
  // the report is self-contained and printable: rendered as a page of its own and printed to PDF
  const p = await page.context().newPage();
  await p.route('**/*', (route) => route.abort()); // nothing it shows may come from elsewhere
  await p.setContent(htmlReport);
  await p.screenshot({ path: shotPath('offline-remote-audit-report') });
  const pdf = await p.pdf({ path: path.join(OUTPUT, 'offline-remote-audit-report.pdf'), format: 'A4', printBackground: true });
  await p.close();
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Audit report (CSV)' }).click()]);
  const csv = parseCsv(await saved(csvDownload, 'offline-remote-audit-report.csv'));
  expect(csv[0]).toEqual(['source', 'id', 'at', 'actor', 'action', 'connection', 'target', 'result', 'error', 'params', 'hash']);
  expect(csv.some((r) => r[0] === 'console audit' && r[4] === 'tenant.move' && r[6] === MOVED)).toBe(true);
  expect(csv.some((r) => r[0] === 'East operation log' && r[4] === 'tenant.upgrade' && r[6] === UPGRADED)).toBe(true);
  expect(csv.some((r) => r[0] === 'East operation log' && r[4] === 'tenant.uninstall' && r[6] === uninstalledFrom)).toBe(true);
  expect(csv.some((r) => r[0] === 'West operation log')).toBe(true);

  // the other side of the move, on West
  await page.getByLabel('Deployment', { exact: true }).selectOption(west);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(cmp.locator(`[data-testid="snapshot-change"][data-kind="moved-in"][data-tenant="${MOVED}"]`)).toContainText(`${MOVED} moved here from East`);
  await checkView('snapshots-west');

  // the servers are still down: all of the above came from the console's cache
  expect(eastServer.url).not.toBe(westServer.url);
  for (const s of [eastServer, westServer]) await expect(fetch(`${s.url}/`)).rejects.toThrow();
  const audit = await api(host, 'audit.list', { filter: { action: 'audit.report' } });
  expect(audit.entries.slice(0, 2).map((e) => e.result)).toEqual(['succeeded', 'succeeded']);
});
