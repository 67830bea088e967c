// A person's tasks in the console, in Chromium against the browser host and real local deployments made by
// `tenantry demo`: add connections, find a tenant, install an extension with its dependency on five tenants
// and watch the progress, see the cells change, uninstall one and see the archive marker, open the tenant
// detail, verify the audit log, go offline and back. Every view is checked with axe (WCAG 2.1 A/AA) and
// photographed at 1440x900 in both themes under e2e/output/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startConsole, type ConsoleHost } from './support/console-host.js';
import { checkView as checkViewOf, navButton } from './support/views.js';
import { DEMO_CORE as CORE, DEMO_LITWARE as LITWARE, DEMO_LOYALTY as LOYALTY } from '../platform/demo/demo-apps.js';

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let page: Page;

test.beforeAll(async ({ browser }) => {
  host = await startConsole();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
});
test.afterAll(async () => {
  await page?.context().close();
  await host?.stop();
  host?.cleanup();
});

/** axe at WCAG 2.1 A and AA, then a screenshot in each theme (e2e/support/views.ts). */
const checkView = (name: string): Promise<void> => checkViewOf(page, `${name}`, { by: 'button' });

const nav = (label: string) => navButton(page, label);
const cell = (tenant: string, appId: string) => page.locator(`[data-tenant="${tenant}"] [role="gridcell"][data-app-id="${appId}"]`);

async function findTenant(tenant: string): Promise<void> {
  const search = page.getByLabel('Find a tenant');
  await search.fill(tenant);
  await expect(page.locator(`[data-tenant="${tenant}"]`)).toBeVisible();
}

/** The fleet as the console sees it, read through the host API with this session's token. */
async function fleet(): Promise<{
  deployments: {
    name: string;
    tenants: { key: string; tenantId: string; connectionId: string }[];
    cells: { tenantKey: string; appId: string; installed?: string; archived: string[] }[];
  }[];
}> {
  const token = new URL(host.openUrl).hash.replace('#session=', '');
  const res = await fetch(`${host.url}/api/fleet.snapshot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenantry-session': token },
    body: '{}',
  });
  return ((await res.json()) as { value: Awaited<ReturnType<typeof fleet>> }).value;
}

test('starts empty and offers to add a connection', async () => {
  await page.goto(host.openUrl);
  await expect(page.getByRole('heading', { name: 'No deployments connected' })).toBeVisible();
  await expect(page).toHaveURL(/^[^#]*$/); // the session token left the address bar
});

test('adds the two demo deployments as connections', async () => {
  await page.getByRole('button', { name: 'Add a connection' }).click();
  for (const name of ['East', 'West']) {
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Deployment folder').fill(path.join(host.demo, name.toLowerCase()));
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByText('Connected.')).toBeVisible();
    await page.getByRole('button', { name: 'Add connection' }).click();
    await expect(page.locator(`[data-testid="connection"][data-name="${name}"]`)).toBeVisible();
    await expect(page.getByLabel('Name')).toHaveValue('');
  }
  // a folder that is not a deployment is refused with its path named, and nothing is added
  const bogus = path.join(host.dir, 'not-a-deployment');
  fs.mkdirSync(bogus);
  await page.getByLabel('Name').fill('Bogus');
  await page.getByLabel('Deployment folder').fill(bogus);
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByRole('alert').filter({ hasText: bogus })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveCount(2);
  await page.getByLabel('Name').fill('');
  await page.getByLabel('Deployment folder').fill('');
  await checkView('connections');
});

test('finds a tenant in the matrix', async () => {
  await nav('Matrix').click();
  await expect(page.getByRole('grid', { name: 'Tenants by extension' })).toBeVisible();
  await expect(page.locator('[role="row"].m-group')).toHaveCount(2);
  await checkView('matrix');
  await findTenant('contoso-wholesale');
  await expect(cell('contoso-wholesale', LOYALTY)).toContainText('1.0.0.0');
  await expect(cell('contoso-wholesale', LOYALTY)).toHaveAttribute('aria-label', /upgrade to 2\.0\.0\.0 available/);
  await page.getByLabel('Find a tenant').fill('');
});

test('moves through the grid with the keyboard and selects with Space', async () => {
  const grid = page.getByRole('grid', { name: 'Tenants by extension' });
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' ');
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(1);
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(4);
  await expect(page.getByRole('toolbar', { name: 'Actions on the selection' })).toContainText('4 cells');
  await page.keyboard.press('Escape');
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(0);
});

let installedOn: string[] = [];

test('installs an extension with its dependency on five tenants, with a plan, progress and results', async () => {
  const f = await fleet();
  const has = (key: string, app: string, installed = true) =>
    f.deployments.some((d) => d.cells.some((c) => c.tenantKey === key && c.appId === app && (!installed || c.installed)));
  const tenants = f.deployments
    .flatMap((d) => d.tenants)
    .filter((t) => !has(t.key, CORE) && !has(t.key, LOYALTY, false) && !has(t.key, LITWARE))
    .slice(0, 5);
  expect(tenants).toHaveLength(5);
  installedOn = tenants.map((t) => t.tenantId);

  // select the Contoso Loyalty cell of each, finding each tenant by search; the selection survives the search
  for (const t of installedOn) {
    await findTenant(t);
    await cell(t, LOYALTY).click({ modifiers: ['ControlOrMeta'] });
  }
  await page.getByLabel('Find a tenant').fill('');
  const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
  await expect(bar).toContainText('5 cells');
  await bar.getByRole('button', { name: /^Install/ }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toHaveCount(5);
  for (const item of await dialog.getByTestId('plan-item').all()) await expect(item).toContainText('Contoso Core');
  await expect(dialog.getByText('Install missing dependencies first')).toBeVisible();
  await checkView('plan-install');

  await dialog.getByRole('button', { name: /Install on 5 tenants/ }).click();
  await expect(dialog.getByTestId('job-item')).toHaveCount(5);
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(5);
  await expect(dialog.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '5');
  await checkView('job-results');
  await dialog.getByRole('button', { name: 'Done' }).click();

  for (const t of installedOn) {
    await findTenant(t);
    await expect(cell(t, LOYALTY)).toContainText('2.0.0.0');
    await expect(cell(t, CORE)).toContainText('1.0.0.0');
  }
});

test('uninstalls one and sees the archive marker', async () => {
  const t = installedOn[0]!;
  await findTenant(t);
  await cell(t, LOYALTY).click();
  await page
    .getByRole('toolbar', { name: 'Actions on the selection' })
    .getByRole('button', { name: /^Uninstall/ })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toHaveCount(1);
  await expect(dialog.getByTestId('plan-item')).toContainText('Contoso Loyalty');
  await checkView('plan-uninstall');
  await dialog.getByRole('button', { name: /Uninstall on 1 tenant/ }).click();
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1);
  await expect(dialog.getByTestId('job-item')).toContainText('rows archived');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(cell(t, LOYALTY)).toContainText('arch');
  await expect(cell(t, LOYALTY)).not.toContainText('2.0.0.0');
  await expect(cell(t, LOYALTY)).toHaveAttribute('aria-label', /archived data of 2\.0\.0\.0/);
});

test('opens the tenant detail with its extensions, merged objects, subscribers, archive and log', async () => {
  const t = installedOn[0]!;
  await page.getByRole('button', { name: `Open tenant ${t}` }).click();
  await expect(page.getByTestId('tenant-title')).toHaveText(t);
  await expect(page.locator('[data-testid="tenant-app"][data-app="Contoso Core"]')).toBeVisible();
  await checkView('tenant-extensions');
  await page.getByRole('tab', { name: /Objects/ }).click();
  await expect(page.getByRole('table', { name: 'Tables in the merged view' })).toContainText('Customer');
  await checkView('tenant-objects');
  await page.getByRole('tab', { name: /Archived data/ }).click();
  await expect(page.getByTestId('archive-entry').first()).toContainText('Contoso Loyalty');
  await checkView('tenant-archive');
  await page.getByRole('tab', { name: /Event subscribers/ }).click();
  await page.getByRole('tab', { name: /Operation log/ }).click();
  await expect(page.getByRole('table', { name: 'Operation log' })).toContainText('uninstall');
  await checkView('tenant-log');
});

test('shows the deployment overview, jobs and a verified audit log', async () => {
  await nav('Deployments').click();
  await expect(page.getByRole('heading', { name: 'Tenants by state' })).toBeVisible();
  await checkView('overview');
  await nav('Jobs').click();
  await expect(page.getByRole('table', { name: 'Jobs' })).toContainText('Install Contoso Loyalty on 5 tenants');
  await checkView('jobs');
  await nav('Audit log').click();
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByTestId('audit-verify')).toContainText('Verified.');
  await expect(page.getByRole('table', { name: 'Audit entries' })).toContainText('tenant.install');
  await checkView('audit');
});

test('the command palette opens a tenant', async () => {
  await page.keyboard.press('Control+k');
  const input = page.getByRole('combobox', { name: 'Command' }).or(page.getByPlaceholder('Type a command, a tenant or an extension…'));
  await expect(input.first()).toBeVisible();
  await input.first().fill('contoso-retail');
  await checkView('palette');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tenant-title')).toHaveText('contoso-retail');
});

test('offline: with a deployment unreachable, the console shows its cached state and when it was taken; then catches up', async () => {
  await host.stop();
  const east = path.join(host.demo, 'east');
  const away = path.join(host.demo, 'east-away');
  fs.renameSync(east, away);
  try {
    await host.restart();
    await page.goto(host.openUrl);
    const banner = page.getByTestId('offline-banner');
    await expect(banner).toContainText('Offline.');
    await expect(banner).toContainText(/East: cached state as of/);
    await expect(page.locator('[role="row"].m-group').first()).toContainText('cached as of');
    await expect(page.locator(`[data-tenant="contoso-wholesale"]`)).toBeVisible();
    // cached state is read-only: a selection there cannot start anything
    await cell('contoso-wholesale', CORE).click();
    const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
    await expect(bar).toContainText('offline, read-only');
    await expect(bar.getByRole('button', { name: /^Uninstall/ })).toBeDisabled();
    await expect(bar.getByRole('button', { name: /^Install/ })).toBeDisabled();
    await checkView('offline');
    await page.keyboard.press('Escape');
  } finally {
    fs.renameSync(away, east);
  }
  await page.getByTestId('offline-banner').getByRole('button', { name: 'Retry now' }).click();
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await expect(page.getByText(/^Live ·/)).toBeVisible();
});
