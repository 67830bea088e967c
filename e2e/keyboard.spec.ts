// Every console workflow completed from the keyboard alone, in Chromium against real local deployments made by
// `tenantry demo`: only page.keyboard (Tab, Shift+Tab, arrows, Enter, Space, typing, Ctrl+K for the command
// palette) — no click, no fill. A bulk install from the matrix; the data archive (an entry chosen, its rows read,
// exported as CSV, restored; another discarded with typed confirmation); the move wizard (tenant and destination,
// pre-check, the missing package published, the move, its result); the upgrade wizard (extension and version,
// tenant, plan, force sync acknowledged, run, results); and the offline audit actions (search, filter, verify,
// compare, export) with every deployment unreachable. At each step the focused element shows a visible focus
// indicator; each outcome is read back through the deployment. Screenshots at 1440x900 in both themes, axe clean:
// e2e/output/kb-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Download, type Locator, type Page } from '@playwright/test';
import { OUTPUT, type ConsoleHost } from './support/console-host.js';
import { api, closeDemoConsole, deploymentCall, openDemoConsole, parseCsv, vNext } from './support/workflows.js';
import { checkView as checkViewOf } from './support/views.js';
import { DEMO_CORE as CORE, DEMO_LITWARE as LITWARE, DEMO_LOYALTY as LOYALTY } from '../platform/demo/demo-apps.js';

const ADATUM_FR = 'Adatum HQ France SAS';

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let page: Page;
let east = '';
let west = '';

test.beforeAll(async ({ browser }) => {
  ({ host, page, east, west } = await openDemoConsole(browser));
});
test.afterAll(async () => closeDemoConsole({ host, page }));

/** axe at WCAG 2.1 A and AA, then a screenshot in each theme (e2e/support/views.ts). */
const checkView = (name: string): Promise<void> => checkViewOf(page, `kb-${name}`, { waitForToast: true });

/** What has the focus, and whether it shows it: :focus-visible with an outline or an inset ring. */
async function focusState(): Promise<{ tag: string; name: string; visible: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', name: '', visible: false };
    const s = getComputedStyle(el);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    const ring = s.boxShadow !== 'none';
    // a grid shows its focus on the active row or cell as well as around itself
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? '',
      visible: el.matches(':focus-visible') && (outline || ring),
    };
  });
}

async function expectFocusVisible(): Promise<void> {
  const f = await focusState();
  expect(f.visible, `focus indicator on <${f.tag}> "${f.name}"`).toBe(true);
}

/** Tab (or Shift+Tab) until `target` has the focus; then its focus must be visible. */
async function tabTo(target: Locator, opts: { back?: boolean; max?: number } = {}): Promise<void> {
  await target.waitFor({ state: 'attached' });
  for (let i = 0; i <= (opts.max ?? 60); i++) {
    if (await target.evaluate((el) => el === document.activeElement)) {
      await expectFocusVisible();
      return;
    }
    await page.keyboard.press(opts.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`could not reach ${target.toString()} with ${opts.back ? 'Shift+Tab' : 'Tab'}; the focus is on ${JSON.stringify(await focusState())}`);
}

/** A view through the command palette (Ctrl+K, type, Enter). */
async function go(command: string, heading: string): Promise<void> {
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: heading, level: 2 })).toBeVisible();
  // the keyboard continues in the new view, not at the top of the page
  await expect.poll(async () => (await focusState()).tag).not.toBe('body');
}

/** Arrow Down in a grid (aria-activedescendant) until its active row matches `selector`. */
async function arrowToRow(grid: Locator, selector: string): Promise<void> {
  await page.keyboard.press('Home');
  for (let i = 0; i < 200; i++) {
    const hit = await grid.evaluate((g, sel) => {
      const id = g.getAttribute('aria-activedescendant');
      return (id ? document.getElementById(id) : null)?.matches(sel) ?? false;
    }, selector);
    if (hit) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no row ${selector} in ${grid.toString()}`);
}

/** Chooses an option of a focused <select> with the arrow keys (Home, then Down). */
async function chooseOption(select: Locator, label: RegExp): Promise<void> {
  await expect(select).toBeFocused();
  await page.keyboard.press('Home');
  for (let i = 0; i < 50; i++) {
    if (label.test(await select.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text ?? ''))) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option ${label} in ${select.toString()}`);
}

/** Clears a focused text field from the keyboard. */
async function clearField(): Promise<void> {
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Backspace');
}

async function saved(d: Download, name: string): Promise<string> {
  const file = path.join(OUTPUT, name);
  fs.mkdirSync(OUTPUT, { recursive: true });
  await d.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

test('a bulk install from the matrix: a cell chosen with the arrows and Space, the plan run, the result closed', async () => {
  const fleet = await api(host, 'fleet.snapshot', {});
  const d = fleet.deployments.find((x) => x.connectionId === east)!;
  const has = (key: string, app: string, installed = true): boolean =>
    d.cells.some((c) => c.tenantKey === key && c.appId === app && (!installed || c.installed));
  const tenant = d.tenants.find((t) => !has(t.key, CORE) && !has(t.key, LOYALTY, false) && !has(t.key, LITWARE))!.tenantId;

  await go('Matrix', 'Tenants × Extensions');
  await tabTo(page.getByLabel('Find a tenant', { exact: true }));
  await page.keyboard.type(tenant);
  await expect(page.locator('[data-tenant]')).toHaveCount(1);
  const grid = page.getByRole('grid', { name: 'Tenants by extension' });
  await tabTo(grid);
  for (let i = 0; i < 40 && (await page.locator('.m-cell.active').getAttribute('data-app-id')) !== LOYALTY; i++) await page.keyboard.press('ArrowRight');
  await expect(page.locator(`[data-tenant="${tenant}"] .m-cell.active`)).toHaveAttribute('data-app-id', LOYALTY);
  await page.keyboard.press('Space');
  await expect(page.locator('[role="gridcell"][aria-selected="true"]')).toHaveCount(1);
  const bar = page.getByRole('toolbar', { name: 'Actions on the selection' });
  await tabTo(bar.getByRole('button', { name: /^Install/ }));
  await checkView('matrix-selection');
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toContainText('Contoso Core');
  await tabTo(dialog.getByRole('button', { name: /Install on 1 tenant/ }));
  await page.keyboard.press('Enter');
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1);
  await tabTo(dialog.getByRole('button', { name: 'Done' }));
  await checkView('matrix-job-done');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  // the selection bar that opened the dialog is gone with the selection: the focus is back on the grid
  await expect(grid).toBeFocused();

  const apps = (await deploymentCall(host, east, 'tenant.get', { tenantId: tenant })).apps.map((a) => `${a.name} ${a.version}`);
  expect(apps).toEqual(expect.arrayContaining(['Contoso Core 1.0.0.0', 'Contoso Loyalty 2.0.0.0']));
  await tabTo(page.getByLabel('Find a tenant', { exact: true }), { back: true });
  await clearField();
});

test('data archive: an entry chosen, its rows read, exported as CSV and restored', async () => {
  await go('Data archive', 'Data archive');
  await tabTo(page.getByLabel('Search the archive'));
  await page.keyboard.type('adatum');
  const entries = page.getByRole('grid', { name: 'Archive entries' });
  await tabTo(entries);
  await arrowToRow(entries, `[data-table="Customer"][data-company="${ADATUM_FR}"]`);
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('archive-detail');
  await expect(detail).toContainText('Contoso Loyalty 2.0.0.0');
  const rowCount = Number(await page.getByTestId('archive-detail-rows').textContent());
  expect(rowCount).toBeGreaterThan(0);

  await tabTo(detail.getByRole('button', { name: 'Read rows' }));
  await page.keyboard.press('Enter');
  const rows = page.getByRole('grid', { name: 'Archived rows of Customer' });
  await expect(rows.getByTestId('archive-row')).toHaveCount(rowCount);
  // the rows take the keyboard: the grid has the focus and End goes to the last row
  await expect(rows).toBeFocused();
  await expectFocusVisible();
  await page.keyboard.press('End');
  await expect(rows.locator('.vtable-row.active')).toHaveAttribute('aria-rowindex', String(rowCount + 1));
  await checkView('archive-rows');

  await tabTo(detail.getByRole('button', { name: 'Export CSV' }), { back: true });
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const csv = parseCsv(await saved(csvDownload, 'kb-archive-export.csv'));
  expect(csv.length).toBe(rowCount + 1);

  await tabTo(detail.getByRole('button', { name: 'Restore…' }));
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toContainText('restores');
  await tabTo(dialog.getByRole('button', { name: /Install on 1 tenant/ }));
  await page.keyboard.press('Enter');
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1);
  await expect(dialog.getByTestId('job-item')).toContainText('restored');
  await tabTo(dialog.getByRole('button', { name: 'Done' }));
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect.poll(async () => (await focusState()).tag).not.toBe('body');

  const restored = await deploymentCall(host, east, 'record.page', { tenantId: 'adatum-hq', company: ADATUM_FR, table: 'Customer', limit: 1000 });
  expect(restored.rows.length).toBe(rowCount);
  await expect(page.locator('[data-testid="archive-entry-row"][data-tenant="adatum-hq"]')).toHaveCount(0);
});

test('data archive: discard with the row count typed', async () => {
  await deploymentCall(host, east, 'tenant.uninstall', { tenantId: 'tailspin-toys', appId: 'Item Attributes' });
  await tabTo(page.getByRole('button', { name: 'Refresh archive' }));
  await page.keyboard.press('Enter');
  await tabTo(page.getByLabel('Search the archive'));
  await clearField();
  await page.keyboard.type('tailspin-toys');
  const entries = page.getByRole('grid', { name: 'Archive entries' });
  await expect(entries.getByTestId('archive-entry-row').first()).toBeVisible();
  const before = await entries.getByTestId('archive-entry-row').count();
  await tabTo(entries);
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('archive-detail');
  await expect(detail).toContainText('tailspin-toys');
  const rows = Number(await page.getByTestId('archive-detail-rows').textContent());
  await tabTo(detail.getByRole('button', { name: 'Discard…' }));
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog');
  const typed = dialog.getByLabel(/Type .* to confirm/);
  // the dialog takes the focus to its field
  await expect(typed).toBeFocused();
  await expectFocusVisible();
  const confirm = dialog.getByRole('button', { name: /^Discard/ });
  await page.keyboard.type(String(rows + 1));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(confirm).toBeDisabled();
  await clearField();
  await page.keyboard.type(String(rows));
  await expect(confirm).toBeEnabled();
  await checkView('archive-discard');
  // Tab stays inside the dialog
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
  }
  await tabTo(typed);
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(entries.getByTestId('archive-entry-row')).toHaveCount(before - 1);
  await expect.poll(async () => (await focusState()).tag).not.toBe('body');

  const audit = await api(host, 'audit.list', { filter: { action: 'archive.discard' } });
  expect(audit.entries[0]).toMatchObject({ result: 'succeeded', target: 'tailspin-toys' });
  const left = (await api(host, 'archive.fleet', { refresh: true })).entries.filter((e) => e.tenantId === 'tailspin-toys');
  expect(left.length).toBe(before - 1);
});

test('move wizard: tenant and destination, pre-check, the missing package published, the move and its result', async () => {
  await go('Move tenants', 'Move tenants');
  await tabTo(page.getByLabel('Find a tenant to move'));
  await page.keyboard.type('litware');
  const grid = page.getByRole('grid', { name: 'Tenants to move' });
  await tabTo(grid);
  await arrowToRow(grid, '[data-tenant="litware-labs"]');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-testid="move-tenant"][data-tenant="litware-labs"]')).toHaveAttribute('aria-selected', 'true');
  const destination = page.getByLabel('Destination deployment');
  await tabTo(destination);
  await chooseOption(destination, /^West/);
  await expect(destination).toHaveValue(west);
  await tabTo(page.getByRole('button', { name: 'Run the pre-check' }));
  await checkView('move-choose');
  await page.keyboard.press('Enter');

  await expect(page.getByTestId('precheck-verdict')).toContainText('Not ready yet.');
  await expect(page.locator('[data-testid="precheck-app"][data-app="Litware Customer Insights"]')).toHaveAttribute('data-status', 'missing');
  await tabTo(page.getByRole('button', { name: /Publish 1 missing package on West/ }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 1 tenant can move to West.');
  await tabTo(page.getByRole('button', { name: 'Move 1 tenant' }));
  await checkView('move-ready');
  await page.keyboard.press('Enter');
  // the final confirmation naming source, destination and tenants (issue 11, defect 8)
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Move 1 tenant to West' });
  await tabTo(confirm);
  await checkView('move-confirm');
  await page.keyboard.press('Enter');

  await expect(page.getByTestId('move-result')).toContainText('Moved.');
  await expect(page.locator('[data-testid="job-item"][data-tenant="litware-labs"]')).toHaveAttribute('data-state', 'succeeded');
  await tabTo(page.getByRole('button', { name: 'Open litware-labs on West' }));
  await checkView('move-result');

  const there = await deploymentCall(host, west, 'tenant.get', { tenantId: 'litware-labs' });
  expect(there.apps.map((a) => a.name)).toContain('Litware Customer Insights');
  await expect(deploymentCall(host, east, 'tenant.get', { tenantId: 'litware-labs' })).rejects.toThrow(/TENANT_NOT_FOUND/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tenant-title')).toHaveText('litware-labs');
});

test('upgrade wizard: extension and version, a tenant, the plan, force sync acknowledged, the run and its results', async () => {
  await deploymentCall(host, east, 'app.publish', { package: vNext('contoso-loyalty-2.0.0.0', '3.0.0.0', 'Lifetime Points'), skipVerification: true });
  await go('Upgrade an extension', 'Upgrade an extension');
  // the console reads the deployments again (the new version): from the palette
  await page.keyboard.press('Control+k');
  await page.keyboard.type('Refresh all deployments');
  await page.keyboard.press('Enter');
  const extension = page.getByLabel('Extension', { exact: true });
  await tabTo(extension);
  await chooseOption(extension, /^Contoso Loyalty/);
  const version = page.getByLabel('Target version', { exact: true });
  await expect(version.locator('option', { hasText: '3.0.0.0' })).toHaveCount(1);
  await tabTo(version);
  await chooseOption(version, /^3\.0\.0\.0/);
  await tabTo(page.getByLabel('Find a tenant to upgrade'));
  await page.keyboard.type('coho');
  const grid = page.getByRole('grid', { name: 'Tenants that can be upgraded' });
  await tabTo(grid);
  await arrowToRow(grid, '[data-tenant="coho-winery"]');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-testid="upgrade-candidate"][data-tenant="coho-winery"]')).toHaveAttribute('aria-selected', 'true');
  await tabTo(page.getByRole('button', { name: /Plan the upgrade of 1 tenant/ }));
  await page.keyboard.press('Enter');

  const plan = page.getByTestId('upgrade-plan');
  await expect(plan.getByTestId('plan-blocked')).toHaveText('1');
  // the radio group is one Tab stop; the arrow chooses force sync
  await tabTo(page.getByRole('radio', { name: /Add sync/ }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: /Force sync/ })).toBeChecked();
  await expectFocusVisible();
  const rows = Number(await page.getByTestId('upgrade-force').getByTestId('force-rows').textContent());
  const run = page.getByRole('button', { name: 'Upgrade 1 tenant with force sync' });
  await tabTo(page.getByRole('checkbox', { name: /I understand/ }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('checkbox', { name: /I understand/ })).toBeChecked();
  await tabTo(page.getByRole('textbox', { name: /Type the number of rows with a value/ }));
  await page.keyboard.type(String(rows));
  await expect(run).toBeEnabled();
  await tabTo(run);
  await checkView('upgrade-force');
  await page.keyboard.press('Enter');

  await expect(page.getByTestId('upgrade-result')).toContainText('Upgraded.');
  await expect(page.locator('[data-testid="job-item"][data-tenant="coho-winery"]')).toHaveAttribute('data-state', 'succeeded');
  await tabTo(page.getByRole('button', { name: 'Plan another upgrade' }));
  await checkView('upgrade-result');
  const coho = await deploymentCall(host, east, 'tenant.get', { tenantId: 'coho-winery' });
  expect(coho.apps.find((a) => a.name === 'Contoso Loyalty')?.version).toBe('3.0.0.0');
});

test('offline audit from the keyboard: search, filter, verify, compare snapshots, export the report', async () => {
  await api(host, 'fleet.snapshot', {});
  await host.stop();
  const moved: [string, string][] = ['east', 'west'].map((n) => [path.join(host.demo, n), path.join(host.demo, `${n}-away`)]);
  for (const [from, to] of moved) fs.renameSync(from, to);
  try {
    await host.restart();
    await page.goto(host.openUrl);
    await expect(page.getByTestId('offline-banner')).toContainText('West: cached state as of');
    await go('Audit log', 'Audit');

    await tabTo(page.getByLabel('Search the audit log'));
    await page.keyboard.type('litware-labs');
    await expect(page.getByTestId('audit-count')).toContainText(/\d+ of \d+ entries match/);
    await expect(page.locator('[data-testid="audit-entry"][data-action="tenant.move"]')).toHaveCount(1);
    await clearField();
    const action = page.getByLabel('Action', { exact: true });
    await tabTo(action);
    await chooseOption(action, /^archive\.discard$/);
    await expect(page.getByTestId('audit-entry')).toHaveCount(1);
    await expect(page.getByTestId('audit-entry')).toHaveAttribute('data-action', 'archive.discard');
    await tabTo(page.getByRole('button', { name: 'Verify chain' }));
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('audit-verify')).toContainText('Verified.');
    await checkView('audit-log');

    // the tabs: one Tab stop, the arrows move between them
    await tabTo(page.getByRole('tab', { name: 'Console audit log' }), { back: true });
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Operation logs' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tab', { name: 'Operation logs' })).toBeFocused();
    await tabTo(page.getByLabel('Search the operation logs'));
    await page.keyboard.type('tenant.move');
    await expect(page.locator('[data-testid="oplog-entry"][data-operation="tenant.move"]').first()).toBeVisible();
    await expect(page.getByTestId('oplog-sources')).toContainText('East: cached');
    const result = page.getByLabel('Result', { exact: true });
    await tabTo(result);
    await chooseOption(result, /^succeeded$/);
    await expect(page.locator('[data-testid="oplog-entry"]:not([data-result="succeeded"])')).toHaveCount(0);
    await checkView('operation-logs');

    await tabTo(page.getByRole('tab', { name: 'Operation logs' }), { back: true });
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Snapshots' })).toHaveAttribute('aria-selected', 'true');
    await tabTo(page.getByRole('button', { name: 'Compare' }));
    await page.keyboard.press('Enter');
    const cmp = page.getByTestId('snapshot-compare');
    await expect(cmp.locator('[data-testid="snapshot-change"][data-kind="moved-out"][data-tenant="litware-labs"]')).toContainText('moved to West');
    await expect(cmp.locator('[data-testid="snapshot-change"][data-kind="upgraded"][data-tenant="coho-winery"]')).toBeVisible();
    await checkView('snapshots');

    await tabTo(page.getByRole('button', { name: 'Audit report (HTML)' }), { back: true });
    const [html] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const report = await saved(html, 'kb-audit-report.html');
    expect(report).toContain('Hash chain verified');
    expect(report).toContain('litware-labs moved to West');
    await tabTo(page.getByRole('button', { name: 'Audit report (CSV)' }));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const lines = parseCsv(await saved(csv, 'kb-audit-report.csv'));
    expect(lines.some((r) => r[0] === 'console audit' && r[4] === 'archive.discard')).toBe(true);
    expect(lines.some((r) => r[0] === 'East operation log' && r[4] === 'tenant.move')).toBe(true);
  } finally {
    for (const [from, to] of moved) fs.renameSync(to, from);
  }
});
