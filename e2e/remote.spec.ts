// The console against a remote deployment, in Chromium: a real `tenantry serve` of the demo's West deployment on
// 127.0.0.1 with a token made by `tenantry token new`. Add the connection with its URL and token, find a tenant in
// the matrix, install an extension with its dependency on three remote tenants (server jobs, their progress as
// steps) and see the cells change; kill the server: the matrix shows the cached state with its time under the
// offline banner, read-only; a change is made meanwhile with the CLI on the deployment; the server comes back and
// the console catches up from the change feed by itself; a change through the CLI against the server appears on
// focus. Screenshots at 1440x900 in both themes: e2e/output/remote-*.png. The server is stopped by the spec.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startConsole, type ConsoleHost } from './support/console-host.js';
import { serveDeployment, type RemoteServer } from './support/remote.js';
import { checkView as checkViewOf, navButton } from './support/views.js';
import { DEMO_CORE as CORE, DEMO_LOYALTY as LOYALTY, DEMO_SHIPPING as SHIPPING } from '../platform/demo/demo-apps.js';

/** West tenants without Contoso Core: installing Contoso Loyalty brings it along */
const TARGETS = ['lucerne-publishing', 'wingtip-toys', 'woodgrove-bank'];

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let server: RemoteServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  host = await startConsole();
  server = await serveDeployment(path.join(host.demo, 'west'));
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
});
test.afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await host?.stop();
  host?.cleanup();
});

/** axe at WCAG 2.1 A and AA, then a screenshot in each theme (e2e/support/views.ts). */
const checkView = (name: string): Promise<void> => checkViewOf(page, `remote-${name}`, { by: 'button' });

const nav = (label: string) => navButton(page, label);
const cell = (tenant: string, appId: string) => page.locator(`[data-tenant="${tenant}"] [role="gridcell"][data-app-id="${appId}"]`);

async function findTenant(tenant: string): Promise<void> {
  await page.getByLabel('Find a tenant').fill(tenant);
  await expect(page.locator(`[data-tenant="${tenant}"]`)).toBeVisible();
}

test('adds the remote server with its URL and token', async () => {
  await page.goto(host.openUrl);
  await page.getByRole('button', { name: 'Add a connection' }).click();
  await page.getByRole('button', { name: 'Remote server' }).click();
  await page.getByLabel('Name').fill('West (remote)');
  await page.getByLabel('Server URL').fill(server.url);
  // a wrong token is refused by the server, and said so
  await page.getByLabel('Access token').fill('tnt_0000000000000000_not-a-token');
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'UNAUTHORIZED' })).toBeVisible();
  await page.getByLabel('Access token').fill(server.token);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.locator('.ok-box').filter({ hasText: 'Connected.' })).toContainText('6 tenants');
  await page.getByRole('button', { name: 'Add connection' }).click();
  const conn = page.locator('[data-testid="connection"][data-name="West (remote)"]');
  await expect(conn).toBeVisible();
  await expect(conn).toContainText(server.url);
  await expect(conn).toContainText('online');
  await checkView('connections');
});

test('finds a remote tenant in the matrix', async () => {
  await nav('Matrix').click();
  await expect(page.getByRole('grid', { name: 'Tenants by extension' })).toBeVisible();
  await findTenant('relecloud');
  await expect(cell('relecloud', LOYALTY)).toContainText('2.0.0.0');
  await expect(cell('relecloud', CORE)).toContainText('1.0.0.0');
  await page.getByLabel('Find a tenant').fill('');
  await checkView('matrix');
});

test('installs an extension with its dependency on three remote tenants as server jobs, with progress', async () => {
  for (const t of TARGETS) {
    await findTenant(t);
    await expect(cell(t, CORE)).not.toContainText('1.0.0.0');
    await cell(t, LOYALTY).click({ modifiers: ['ControlOrMeta'] });
  }
  await page.getByLabel('Find a tenant').fill('');
  const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
  await expect(bar).toContainText('3 cells');
  await bar.getByRole('button', { name: /^Install/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toHaveCount(3);
  for (const item of await dialog.getByTestId('plan-item').all()) await expect(item).toContainText('Contoso Core');
  await dialog.getByRole('button', { name: /Install on 3 tenants/ }).click();

  await expect(dialog.getByTestId('job-item')).toHaveCount(3);
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(3);
  await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '3');
  // each tenant ran as a job on the server; its events are the item's step
  const steps = dialog.locator('[data-step="server-job"]');
  await expect(steps).toHaveCount(3);
  await expect(dialog.locator('[data-step="server-job"][data-state="succeeded"]')).toHaveCount(3);
  await expect(steps.first()).toContainText(/Server job [0-9a-f]{8}/);
  await expect(steps.first()).toContainText(/succeeded on the server after \d+ engine steps/);
  await expect(dialog.getByTestId('job-item').first()).toContainText('installed Contoso Core 1.0.0.0, Contoso Loyalty 2.0.0.0');
  await checkView('job');
  await dialog.getByRole('button', { name: 'Done' }).click();

  for (const t of TARGETS) {
    await findTenant(t);
    await expect(cell(t, LOYALTY)).toContainText('2.0.0.0');
    await expect(cell(t, CORE)).toContainText('1.0.0.0');
  }
  await page.getByLabel('Find a tenant').fill('');
  // the server's own view agrees
  const apps = server.cli<{ apps: { id: string; version: string }[] }>(['info', '--tenant', TARGETS[0]!]).apps;
  expect(apps.map((a) => a.id)).toEqual(expect.arrayContaining([CORE, LOYALTY]));
});

test('with the server killed, the matrix shows the cached state with its time, read-only', async () => {
  const liveAt = await page.locator('.freshness').textContent();
  expect(liveAt).toMatch(/^Live · /);
  await server.kill();
  await page.getByRole('button', { name: 'Refresh' }).click();
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toContainText('Offline.', { timeout: 30_000 });
  await expect(banner).toContainText(/West \(remote\): cached state as of/);
  await expect(page.locator('.freshness')).toContainText(/^Offline · as of /);
  await expect(page.locator('[role="row"].m-group').first()).toContainText('cached as of');
  // what was installed before the server went away is still shown, from the cache
  await findTenant(TARGETS[1]!);
  await expect(cell(TARGETS[1]!, LOYALTY)).toContainText('2.0.0.0');
  await cell(TARGETS[1]!, CORE).click();
  const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
  await expect(bar).toContainText('offline, read-only');
  await expect(bar.getByRole('button', { name: /^Uninstall/ })).toBeDisabled();
  await checkView('offline');
  await bar.getByRole('button', { name: 'Clear selection' }).click();
  await expect(bar).toHaveCount(0);
  await page.getByLabel('Find a tenant').fill('');
  // the tenant detail works from the cache too, and says so
  await page.getByRole('button', { name: `Open tenant ${TARGETS[1]!}` }).click();
  await expect(page.getByTestId('tenant-title')).toHaveText(TARGETS[1]!);
  await expect(page.getByText(/offline, cached as of/)).toBeVisible();
  await checkView('offline-tenant');
  await nav('Matrix').click();
});

test('the server comes back: the console catches up from the feed, with a change made meanwhile and one made since', async () => {
  // meanwhile, with the server down, someone uninstalls Contoso Loyalty from one tenant with the CLI
  server.cliOnFolder(['uninstall', 'Contoso Loyalty', '--tenant', TARGETS[0]!]);
  await server.restart();
  // no click: the console looks again every few seconds while a deployment is offline
  await expect(page.getByTestId('offline-banner')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.locator('.freshness')).toContainText(/^Live · /);
  await findTenant(TARGETS[0]!);
  await expect(cell(TARGETS[0]!, LOYALTY)).toContainText('arch');
  await expect(cell(TARGETS[0]!, LOYALTY)).not.toContainText('2.0.0.0');
  await expect(cell(TARGETS[0]!, LOYALTY)).toHaveAttribute('aria-label', /archived data of 2\.0\.0\.0/);

  // now a change through the CLI against the server: it appears when the console window gets the focus again
  server.cli(['install', 'Fabrikam Shipping', '--tenant', 'blue-yonder-airlines']);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await findTenant('blue-yonder-airlines');
  await expect(cell('blue-yonder-airlines', SHIPPING)).toContainText('1.1.0.0');
  await checkView('caught-up');
  await page.getByLabel('Find a tenant').fill('');
});
