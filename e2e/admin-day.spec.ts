// Issue 11, defects 1, 6, 7 and 8, in Chromium against the demo's two real local deployments: a button that starts a
// job starts it once however often it is clicked (the plan dialog's install, the archive's discard, the move);
// the Deployments page never shows another deployment's figures while the chosen one loads; the move wizard
// preselects no destination and asks for a final confirmation naming source, destination and tenants; a cancelled
// move says how many moved and how many were not started, and resumes the rest. Each step
// is checked with axe (WCAG 2.1 A/AA) in both themes and photographed under e2e/output/admin-day-*.png.
import { expect, test, type Page } from '@playwright/test';
import type { ConsoleHost } from './support/console-host.js';
import { api, closeDemoConsole, confirmMove, deploymentCall, openDemoConsole } from './support/workflows.js';
import { checkView as checkViewOf, navButton } from './support/views.js';
import { DEMO_CORE as CORE, DEMO_LITWARE as LITWARE, DEMO_LOYALTY as LOYALTY } from '../platform/demo/demo-apps.js';

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let page: Page;
let east = '';
let west = '';

test.beforeAll(async ({ browser }) => {
  ({ host, page, east, west } = await openDemoConsole(browser));
});
test.afterAll(async () => closeDemoConsole({ host, page }));

const checkView = (name: string): Promise<void> => checkViewOf(page, `admin-day-${name}`, { waitForToast: true });
const nav = (label: string) => navButton(page, label);
const jobCount = async (): Promise<number> => (await api(host, 'jobs.list', { limit: 500 })).length;

test('defect 1: double-clicking "Install on 1 tenant" in the plan dialog starts one job, which installs', async () => {
  const fleet = await api(host, 'fleet.snapshot', { refresh: true });
  const d = fleet.deployments.find((x) => x.connectionId === east)!;
  const has = (key: string, app: string): boolean => d.cells.some((c) => c.tenantKey === key && c.appId === app && (c.installed || c.archived.length > 0));
  const tenant = d.tenants.find((t) => t.state === 'operational' && !has(t.key, CORE) && !has(t.key, LOYALTY) && !has(t.key, LITWARE))!;
  expect(tenant, 'a tenant of East without Contoso Loyalty').toBeDefined();

  await page.getByLabel('Find a tenant').fill(tenant.tenantId);
  await page.locator(`[data-tenant="${tenant.tenantId}"] [role="gridcell"][data-app-id="${LOYALTY}"]`).click();
  await page
    .getByRole('toolbar', { name: 'Actions on the selection' })
    .getByRole('button', { name: /^Install/ })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toHaveCount(1);
  await checkView('plan');

  const before = await jobCount();
  await dialog.getByRole('button', { name: /Install on 1 tenant/ }).dblclick();
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1);
  await expect(dialog.getByTestId('job-item')).not.toContainText('already installed');
  expect(await jobCount()).toBe(before + 1);
  await checkView('plan-ran-once');
  await dialog.getByRole('button', { name: 'Done' }).click();
  const after = await deploymentCall(host, east, 'tenant.get', { tenantId: tenant.tenantId });
  expect(after.apps.some((a) => a.id === LOYALTY)).toBe(true);
  await page.getByLabel('Find a tenant').fill('');
});

test('defect 1 (regression guard, this one passed before too): double-clicking Discard in the typed confirmation discards once', async () => {
  await deploymentCall(host, east, 'tenant.uninstall', { tenantId: 'tailspin-toys', appId: 'Item Attributes' });
  await nav('Data archive').click();
  await page.getByRole('button', { name: 'Refresh archive' }).click();
  await page.getByLabel('Search the archive').fill('tailspin-toys');
  const rows = page.getByTestId('archive-entry-row');
  await rows.first().click();
  const count = Number(await page.getByTestId('archive-detail-rows').textContent());
  await page.getByTestId('archive-detail').getByRole('button', { name: 'Discard…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Type .* to confirm/).fill(String(count));
  await checkView('discard');
  const audited = async (): Promise<number> => (await api(host, 'audit.list', { filter: { action: 'archive.discard' } })).entries.length;
  const before = await audited();
  await dialog.getByRole('button', { name: /^Discard/ }).dblclick();
  await expect(dialog).toHaveCount(0);
  await expect.poll(audited).toBe(before + 1);
  const entries = (await api(host, 'audit.list', { filter: { action: 'archive.discard' } })).entries;
  expect(entries[0]).toMatchObject({ result: 'succeeded', target: 'tailspin-toys' });
  await page.getByLabel('Search the archive').fill('');
});

test("defect 7: choosing another deployment shows a loading state, never the previous one's figures", async () => {
  await nav('Deployments').click();
  // the figures, as a person sees them: the cards under "Tenants by state"
  const figures = page.getByRole('heading', { name: 'Tenants by state' });
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('East');
  await expect(figures).toBeVisible();
  await checkView('overview-east');

  // hold West's answer until the page has been looked at: what shows while it is on its way
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/api/deployment.overview', async (route) => {
    const body = route.request().postData() ?? '';
    if (body.includes(west)) await held;
    await route.continue();
  });
  try {
    await page.getByRole('group', { name: 'Deployment' }).getByRole('button', { name: 'West' }).click();
    await expect(page.getByRole('heading', { level: 2 })).toHaveText('West');
    await expect(page.getByRole('heading', { name: 'Reading the deployment…' })).toBeVisible();
    await expect(figures).toHaveCount(0);
    await checkView('overview-loading');
  } finally {
    release();
  }
  await expect(figures).toBeVisible();
  await expect(page.getByTestId('overview-figures')).toHaveAttribute('data-connection', west);
  await page.unroute('**/api/deployment.overview');
  await checkView('overview-west');
});

test('defect 8: the move destination is chosen by the administrator and the move is confirmed, naming source, destination and tenants', async () => {
  await nav('Tenant moves').click();
  await expect(page.getByRole('heading', { name: 'Move tenants' })).toBeVisible();
  await expect(page.getByLabel('Source deployment')).toHaveValue(east);
  const destination = page.getByLabel('Destination deployment');
  await expect(destination).toHaveValue('');
  await page.getByLabel('Find a tenant to move').fill('fabrikam-eu');
  await page.locator('[data-testid="move-tenant"][data-tenant="fabrikam-eu"]').click();
  await expect(page.getByRole('button', { name: 'Run the pre-check' })).toBeDisabled();
  await expect(page.getByTestId('destination-unset')).toBeVisible();
  await checkView('move-no-destination');

  await destination.selectOption(west);
  await page.getByRole('button', { name: 'Run the pre-check' }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 1 tenant can move to West.');

  // the final confirmation; cancelled, nothing moves
  const jobsBefore = await jobCount();
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading', { name: 'Move 1 tenant from East to West?' })).toBeVisible();
  const facts = dialog.getByTestId('move-confirm');
  await expect(facts).toContainText('FromEast');
  await expect(facts).toContainText('ToWest');
  await expect(facts).toContainText('Tenantsfabrikam-eu');
  await checkView('move-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(await jobCount()).toBe(jobsBefore);
  expect((await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-eu' })).state).toBe('operational');

  // confirmed with a double click: one move job
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await dialog.getByRole('button', { name: 'Move 1 tenant to West' }).dblclick();
  await expect(page.getByTestId('move-result')).toContainText('Moved.');
  expect(await jobCount()).toBe(jobsBefore + 1);
  await checkView('move-moved');
  expect((await deploymentCall(host, west, 'tenant.get', { tenantId: 'fabrikam-eu' })).state).toBe('operational');
});

test('defect 6: a cancelled move says how many moved and how many were not started, and offers to resume the rest', async () => {
  // three tenants of East that are ready to move to West (every installed extension published there)
  const east0 = (await api(host, 'fleet.snapshot', { refresh: true })).deployments.find((d) => d.connectionId === east)!;
  const candidates = east0.tenants.filter((t) => t.state === 'operational').map((t) => t.tenantId);
  const check = await api(host, 'moves.precheck', { sourceId: east, destinationId: west, tenantIds: candidates.slice(0, 50) });
  const ready = check.tenants
    .filter((t) => t.report?.ok)
    .map((t) => t.tenantId)
    .slice(0, 3);
  expect(ready).toHaveLength(3);

  await page.getByRole('button', { name: 'Start another move' }).click();
  await page.getByLabel('Destination deployment').selectOption(west);
  for (const t of ready) {
    await page.getByLabel('Find a tenant to move').fill(t);
    await page.locator(`[data-testid="move-tenant"][data-tenant="${t}"]`).click();
  }
  await page.getByRole('button', { name: 'Run the pre-check' }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 3 tenants can move to West.');
  await page.getByRole('button', { name: 'Move 3 tenants' }).click();
  await confirmMove(page, 'West');
  // cancelled while the first tenant moves: it finishes, the other two never start
  await page.getByRole('button', { name: 'Cancel after this tenant' }).click();
  const result = page.getByTestId('move-result');
  await expect(result).toContainText('Cancelled.');
  await expect(result).not.toContainText('failed');
  const job = (await api(host, 'jobs.list', { limit: 1 }))[0]!;
  const detail = await api(host, 'jobs.get', { jobId: job.id });
  expect(detail.state).toBe('cancelled');
  const moved = detail.items.filter((i) => i.state === 'succeeded').map((i) => i.tenantId);
  const rest = detail.items.filter((i) => i.state === 'cancelled').map((i) => i.tenantId);
  expect(moved.length + rest.length).toBe(3);
  expect(rest.length).toBeGreaterThan(0);
  await expect(result).toContainText(
    `${moved.length} ${moved.length === 1 ? 'tenant' : 'tenants'} moved to West; ${rest.length} ${rest.length === 1 ? 'tenant' : 'tenants'} not started`,
  );
  await checkView('move-cancelled');

  // resume: the pre-check of the tenants not started, ready to move
  await page.getByRole('button', { name: new RegExp(`Resume: check the ${rest.length} tenants? not started`) }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText(`Ready: ${rest.length} ${rest.length === 1 ? 'tenant' : 'tenants'} can move to West.`);
  await expect(page.getByTestId('precheck-tenant')).toHaveCount(rest.length);
  for (const t of rest) await expect(page.locator(`[data-testid="precheck-tenant"][data-tenant="${t}"]`)).toBeVisible();
  await checkView('move-resume');
});
