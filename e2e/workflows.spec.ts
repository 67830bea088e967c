// The console's workflows end to end in Chromium against real local deployments made by `tenantry demo`:
// the data archive (rows page by page, CSV export, restore by reinstalling: the same rows in all three; discard
// with typed confirmation), the tenant move wizard (a pre-check that finds a missing extension, fixed by
// publishing it from the wizard; the move with its steps; a move that fails and is undone, with the proof read
// back from the source; the pre-check saved as HTML and PDF), the upgrade wizard (reached from the matrix; a plan
// with schema changes and steps; an upgrade blocked by a removed field under add sync, then run with force sync
// once the rows with a value are acknowledged, the field's data then read in the data archive; waves that stop at
// the first failure),
// and a full offline audit with every deployment unreachable. Each step is checked with axe (WCAG 2.1 A/AA) and
// photographed at 1440x900 in both themes under e2e/output/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Download, type Page } from '@playwright/test';
import { OUTPUT, shotPath, type ConsoleHost } from './support/console-host.js';
import { api, closeDemoConsole, confirmMove, deploymentCall, openDemoConsole, parseCsv, vNext } from './support/workflows.js';
import { checkView as checkViewOf, navButton } from './support/views.js';
import { DEMO_LOYALTY as LOYALTY } from '../platform/demo/demo-apps.js';

const ADATUM_FR = 'Adatum HQ France SAS';
const COHO_UK = 'Coho Winery UK Ltd.';

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
const checkView = (name: string): Promise<void> => checkViewOf(page, `wf-${name}`, { waitForToast: true });

const nav = (label: string) => navButton(page, label);

async function saved(d: Download, name: string): Promise<string> {
  const file = path.join(OUTPUT, name);
  fs.mkdirSync(OUTPUT, { recursive: true });
  await d.saveAs(file);
  return fs.readFileSync(file, 'utf8');
}

/** An HTML report as a page of its own: a screenshot and a PDF (what "Print or save as PDF" produces). */
async function renderReport(html: string, name: string): Promise<void> {
  const p = await page.context().newPage();
  await p.setContent(html);
  await p.screenshot({ path: shotPath(name), fullPage: false });
  await p.pdf({ path: path.join(OUTPUT, `${name}.pdf`), format: 'A4', printBackground: true });
  await p.close();
}

test('data archive: the rows shown, the exported CSV and the rows restored are the same rows', async () => {
  await nav('Data archive').click();
  await expect(page.getByRole('heading', { name: 'Data archive', level: 2 })).toBeVisible();
  await expect(page.getByTestId('archive-entry-row').first()).toBeVisible();
  await checkView('archive-entries');

  await page.getByLabel('Search the archive').fill('adatum');
  const entry = page.locator(`[data-testid="archive-entry-row"][data-table="Customer"][data-company="${ADATUM_FR}"]`);
  await entry.click();
  const detail = page.getByTestId('archive-detail');
  await expect(detail).toContainText('Contoso Loyalty 2.0.0.0');
  await expect(page.getByTestId('restore-info')).toContainText('Restored by installing 2.0.0.0');
  const rowCount = Number(await page.getByTestId('archive-detail-rows').textContent());
  expect(rowCount).toBeGreaterThan(0);

  // the rows, as the view shows them
  await detail.getByRole('button', { name: 'Read rows' }).click();
  const grid = page.getByTestId('archive-rows');
  await expect(grid.getByTestId('archive-row')).toHaveCount(rowCount);
  const headers = (await grid.getByRole('columnheader').allTextContents()).map((h) => (h === 'Row id' ? '_rid' : h));
  const shown = await grid
    .getByTestId('archive-row')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '')));
  await checkView('archive-rows');

  // the CSV
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = parseCsv(await saved(csvDownload, 'wf-archive-export.csv'));
  expect(csv[0]).toEqual(headers);
  const fromCsv = csv.slice(1);
  const norm = (cells: string[]): string[] => cells.map((c) => (c === '—' ? '' : c));
  const byRid = (rows: string[][]): Map<string, string[]> => new Map(rows.map((r) => [r[0]!, norm(r)]));
  expect(byRid(fromCsv)).toEqual(byRid(shown));

  // the fleet view: which tenants hold archived data of Contoso Loyalty, and how much
  await page.getByLabel('Search the archive').fill('');
  await page.getByRole('tab', { name: /By extension/ }).click();
  const holding = page.locator('[data-testid="holding"][data-app="Contoso Loyalty"]');
  await expect(holding.locator('[data-testid="holding-tenant"][data-tenant="adatum-hq"]')).toBeVisible();
  await checkView('archive-by-extension');
  await page.getByRole('tab', { name: /Entries/ }).click();

  // The archive shows a field never given a value as empty (NULL as stored); the record API shows the type's
  // blank value (0, false, the empty GUID), as NAV does. Same data: compare blank as blank.
  const archived = (await api(host, 'archive.fleet', { refresh: false })).entries.find(
    (e) => e.tenantId === 'adatum-hq' && e.table === 'Customer' && e.company === ADATUM_FR,
  )!;
  const types = (await deploymentCall(host, east, 'archive.rows', { tenantId: 'adatum-hq', archiveId: archived.archiveId, limit: 1 })).columns;
  const BLANK: Record<string, string> = { Integer: '0', BigInteger: '0', Decimal: '0', Boolean: 'false', Guid: '00000000-0000-0000-0000-000000000000' };
  const blankOf = headers.map((h) => BLANK[types.find((c) => c.name === h)?.type ?? ''] ?? '');
  const blanks = (cells: string[]): string[] => cells.map((c, i) => (c === '' ? blankOf[i]! : c));

  // restore by reinstalling, through the install plan and progress screens
  await page.getByLabel('Search the archive').fill('adatum');
  await entry.click();
  await detail.getByRole('button', { name: 'Restore…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('plan-item')).toContainText('restores');
  await checkView('archive-restore-plan');
  await dialog.getByRole('button', { name: /Install on 1 tenant/ }).click();
  await expect(dialog.locator('[data-testid="job-item"][data-state="succeeded"]')).toHaveCount(1);
  await expect(dialog.getByTestId('job-item')).toContainText('restored');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const restored = await deploymentCall(host, east, 'record.page', { tenantId: 'adatum-hq', company: ADATUM_FR, table: 'Customer', limit: 1000 });
  const fromTable = new Map(restored.rows.map((r) => [String(r._rid), headers.map((h) => (r[h] === null || r[h] === undefined ? '' : String(r[h])))]));
  for (const [rid, cells] of byRid(shown)) expect(fromTable.get(rid), `row ${rid} after the restore`).toEqual(blanks(cells));
  await expect(page.locator(`[data-testid="archive-entry-row"][data-tenant="adatum-hq"]`)).toHaveCount(0);
});

test('data archive: discard needs the exact row count or the extension name typed', async () => {
  await deploymentCall(host, east, 'tenant.uninstall', { tenantId: 'tailspin-toys', appId: 'Item Attributes' });
  await page.getByRole('button', { name: 'Refresh archive' }).click();
  await page.getByLabel('Search the archive').fill('tailspin-toys');
  const row = page.getByTestId('archive-entry-row').first();
  await row.click();
  const rows = Number(await page.getByTestId('archive-detail-rows').textContent());
  const entries = await page.getByTestId('archive-entry-row').count();
  await page.getByTestId('archive-detail').getByRole('button', { name: 'Discard…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`${rows} ${rows === 1 ? 'row' : 'rows'} will be deleted for good`);
  const confirm = dialog.getByRole('button', { name: /^Discard/ });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill(String(rows + 1));
  await expect(confirm).toBeDisabled();
  await checkView('archive-discard');
  await dialog.getByLabel(/Type .* to confirm/).fill(String(rows));
  await expect(confirm).toBeEnabled();
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('archive-entry-row')).toHaveCount(entries - 1);
  const audit = await api(host, 'audit.list', { filter: { action: 'archive.discard' } });
  expect(audit.entries[0]).toMatchObject({ result: 'succeeded', target: 'tailspin-toys' });
});

test('move: the pre-check finds a missing extension, the wizard publishes it, and the move runs step by step', async () => {
  await nav('Tenant moves').click();
  await expect(page.getByRole('heading', { name: 'Move tenants' })).toBeVisible();
  // choose the tenant from the keyboard: the grid, arrows, Space
  await page.getByLabel('Find a tenant to move').fill('litware');
  const grid = page.getByRole('grid', { name: 'Tenants to move' });
  await grid.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-testid="move-tenant"][data-tenant="litware-labs"]')).toHaveAttribute('aria-selected', 'true');
  // never preselected (issue 11, defect 8): the administrator chooses it
  await expect(page.getByLabel('Destination deployment')).toHaveValue('');
  await page.getByLabel('Destination deployment').selectOption(west);
  await checkView('move-choose');
  await page.getByRole('button', { name: 'Run the pre-check' }).focus();
  await page.keyboard.press('Enter');

  const verdict = page.getByTestId('precheck-verdict');
  await expect(verdict).toContainText('Not ready yet.');
  await expect(page.locator('[data-testid="precheck-app"][data-app="Litware Customer Insights"]')).toHaveAttribute('data-status', 'missing');
  await checkView('move-precheck-missing');

  const [report] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save report (HTML)' }).click()]);
  const html = await saved(report, 'wf-move-precheck-report.html');
  expect(html).toContain('Litware Customer Insights');
  expect(html).not.toContain('<script');
  await renderReport(html, 'wf-move-precheck-report');

  await page.getByRole('button', { name: /Publish 1 missing package on West/ }).click();
  await expect(verdict).toContainText('Ready: 1 tenant can move to West.');
  await expect(page.locator('[data-testid="precheck-app"][data-app="Litware Customer Insights"]')).toHaveAttribute('data-status', 'present');
  await checkView('move-precheck-ready');

  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await confirmMove(page, 'West');
  await expect(page.getByTestId('move-result')).toContainText('Moved.');
  const item = page.locator('[data-testid="job-item"][data-tenant="litware-labs"]');
  await expect(item).toHaveAttribute('data-state', 'succeeded');
  for (const step of ['precheck', 'dismount', 'transfer', 'verify-copy', 'mount', 'verify-mount', 'finish'])
    await expect(item.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded');
  await expect(item.getByTestId('transfer-bytes')).toContainText(/\d KiB of \d.* · .*\/s$/);
  await expect(item.getByTestId('job-proof')).toContainText('no longer there');
  await checkView('move-result');

  const there = await deploymentCall(host, west, 'tenant.get', { tenantId: 'litware-labs' });
  expect(there.apps.map((a) => a.name)).toContain('Litware Customer Insights');
  await expect(deploymentCall(host, east, 'tenant.get', { tenantId: 'litware-labs' })).rejects.toThrow(/TENANT_NOT_FOUND/);
});

test('move: a move that fails is undone, and the wizard shows the tenant read back from the source', async () => {
  const stray = path.join(host.demo, 'west', 'tenants', 'fabrikam-eu.sqlite');
  fs.writeFileSync(stray, 'a copy left over by an earlier attempt');
  try {
    await page.getByRole('button', { name: 'Start another move' }).click();
    await page.getByLabel('Find a tenant to move').fill('fabrikam-eu');
    await page.locator('[data-testid="move-tenant"][data-tenant="fabrikam-eu"]').click();
    await page.getByRole('button', { name: 'Run the pre-check' }).click();
    await expect(page.getByTestId('precheck-verdict')).toContainText('Ready');
    await page.getByRole('button', { name: 'Move 1 tenant' }).click();
    await confirmMove(page, 'West');
    await expect(page.getByTestId('move-result')).toContainText('The move failed.');
    const item = page.locator('[data-testid="job-item"][data-tenant="fabrikam-eu"]');
    await expect(item).toHaveAttribute('data-state', 'failed');
    await expect(item.locator('[data-step="mount"]')).toHaveAttribute('data-state', 'failed');
    await expect(item.locator('[data-step="rollback"]')).toHaveAttribute('data-state', 'succeeded');
    const proof = item.getByTestId('job-proof');
    await expect(proof).toContainText('operational (before the move: operational)');
    await expect(proof).toContainText('not present');
    await checkView('move-failed');
  } finally {
    fs.rmSync(stray, { force: true });
  }
  expect((await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-eu' })).state).toBe('operational');
});

test('upgrade from the matrix: the plan shows schema changes and steps, and the upgrade runs', async () => {
  await nav('Matrix').click();
  await page.getByLabel('Find a tenant').fill('contoso-wholesale');
  await page.locator(`[data-tenant="contoso-wholesale"] [role="gridcell"][data-app-id="${LOYALTY}"]`).click();
  await page.getByRole('toolbar', { name: 'Actions on the selection' }).getByRole('button', { name: 'Upgrade wizard…' }).click();
  await expect(page.getByRole('heading', { name: 'Upgrade an extension' })).toBeVisible();
  await expect(page.locator('[data-testid="upgrade-candidate"][data-tenant="contoso-wholesale"]')).toHaveAttribute('aria-selected', 'true');
  await checkView('upgrade-choose');
  await page.getByRole('button', { name: /Plan the upgrade of 1 tenant/ }).click();
  const plan = page.getByTestId('upgrade-plan');
  await expect(plan.getByTestId('plan-runnable')).toHaveText('1');
  await expect(plan.locator('[data-testid="schema-changes"] [data-kind="field-added"]').first()).toBeVisible();
  await expect(plan.locator('[data-testid="upgrade-plan-item"][data-tenant="contoso-wholesale"]')).toContainText('CONTOSO-LOYALTY-2.0-TIER-NAME');
  await checkView('upgrade-plan');
  await page.getByRole('button', { name: 'Upgrade 1 tenant' }).click();
  await expect(page.getByTestId('upgrade-result')).toContainText('Upgraded.');
  await expect(page.locator('[data-testid="job-item"][data-tenant="contoso-wholesale"]')).toContainText('upgrade step(s) ran');
  await checkView('upgrade-result');
});

test('upgrade: a version that removes a field is blocked, with the rows that would be lost', async () => {
  await deploymentCall(host, east, 'app.publish', { package: vNext('contoso-loyalty-2.0.0.0', '3.0.0.0', 'Lifetime Points'), skipVerification: true });
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await page.getByRole('button', { name: 'Plan another upgrade' }).click();
  await page.getByLabel('Extension', { exact: true }).selectOption({ label: 'Contoso Loyalty · Contoso' });
  await page.getByLabel('Target version', { exact: true }).selectOption('3.0.0.0');
  await page.getByLabel('Find a tenant to upgrade').fill('coho');
  await page.locator('[data-testid="upgrade-candidate"][data-tenant="coho-winery"]').click();
  await page.getByRole('button', { name: /Plan the upgrade of 1 tenant/ }).click();
  const plan = page.getByTestId('upgrade-plan');
  await expect(plan.getByTestId('plan-blocked')).toHaveText('1');
  await expect(plan.locator('[data-testid="schema-changes"] [data-kind="field-removed"]')).toContainText('Lifetime Points');
  const item = plan.locator('[data-testid="upgrade-plan-item"][data-tenant="coho-winery"]');
  await expect(item).toHaveAttribute('data-action', 'blocked');
  await expect(item).toContainText(/loses \d+ rows/);
  await expect(page.getByRole('button', { name: 'Upgrade 0 tenants' })).toBeDisabled();
  await checkView('upgrade-blocked');
});

test('upgrade with force sync: the blocked tenant runs once the rows are acknowledged; the field data is archived', async () => {
  // the plan of the test before: coho-winery blocked by the removed field "Lifetime Points" under add sync
  const plan = page.getByTestId('upgrade-plan');
  const item = plan.locator('[data-testid="upgrade-plan-item"][data-tenant="coho-winery"]');
  await expect(item).toHaveAttribute('data-action', 'blocked');
  const before = await deploymentCall(host, east, 'record.page', { tenantId: 'coho-winery', company: COHO_UK, table: 'Customer', limit: 1000 });
  const lifetime = new Map(before.rows.map((r) => [String(r._rid), r['Lifetime Points']]));

  // keyboard: from add sync, the arrow key chooses force sync
  const force = page.getByRole('radio', { name: /Force sync/ });
  await expect(force).toBeEnabled();
  await page.getByRole('radio', { name: /Add sync/ }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(force).toBeChecked();
  await expect(item).toHaveAttribute('data-forced', 'true');
  await expect(plan.getByTestId('plan-runnable')).toHaveText('1');
  const panel = page.getByTestId('upgrade-force');
  await expect(panel.locator('[data-testid="force-line"][data-tenant="coho-winery"]')).toHaveAttribute('data-removed', 'Customer.Lifetime Points');
  await expect(panel.locator('[data-testid="force-line"][data-tenant="coho-winery"]')).toContainText(COHO_UK);
  const rows = Number(await panel.getByTestId('force-rows').textContent());
  // counted by the engine as the forced upgrade counts (every value that is not NULL, 0s included), never fewer
  // than the non-blank values the record API shows; checked against the archive after the run
  expect(rows).toBeGreaterThanOrEqual([...lifetime.values()].filter((v) => v !== 0 && v !== null).length);

  const run = page.getByRole('button', { name: 'Upgrade 1 tenant with force sync' });
  await expect(run).toBeDisabled();
  const box = page.getByRole('checkbox', { name: /I understand/ });
  await box.focus();
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();
  await expect(run).toBeDisabled();
  const count = page.getByRole('textbox', { name: /Type the number of rows with a value/ });
  await count.fill(String(rows + 1));
  await expect(count).toHaveAttribute('aria-invalid', 'true');
  await expect(run).toBeDisabled();
  await count.fill(String(rows));
  await expect(run).toBeEnabled();
  await checkView('upgrade-force');

  await run.click();
  await expect(page.getByTestId('upgrade-result')).toContainText('Upgraded.');
  await expect(page.getByTestId('upgrade-result')).toContainText('in the data archive');
  await expect(page.locator('[data-testid="job-item"][data-tenant="coho-winery"]')).toContainText(
    `force sync removes Customer.Lifetime Points, archiving ${rows} row(s) with a value`,
  );
  await checkView('upgrade-force-result');
  const coho = await deploymentCall(host, east, 'tenant.get', { tenantId: 'coho-winery' });
  expect(coho.apps.find((a) => a.name === 'Contoso Loyalty')?.version).toBe('3.0.0.0');
  // the rows acknowledged are the rows archived
  const columnArchive = (await deploymentCall(host, east, 'archive.list', { tenantId: 'coho-winery' })).archives.filter((a) => a.kind === 'column');
  expect(columnArchive.map((a) => a.rows)).toEqual([rows]);

  // the archive view: the removed field, archived by the force sync, with the values it held
  await page.getByRole('button', { name: 'Open the data archive' }).click();
  await page.getByLabel('Search the archive').fill('coho');
  const entry = page.locator(`[data-testid="archive-entry-row"][data-tenant="coho-winery"][data-table="Customer"][data-company="${COHO_UK}"]`);
  await entry.click();
  const detail = page.getByTestId('archive-detail');
  await expect(detail).toContainText('removed field');
  await expect(detail).toContainText('by force-sync');
  await expect(detail).toContainText('Contoso Loyalty 2.0.0.0');
  await detail.getByRole('button', { name: 'Read rows' }).click();
  const grid = page.getByTestId('archive-rows');
  await expect(grid.getByTestId('archive-row').first()).toBeVisible();
  const headers = await grid.getByRole('columnheader').allTextContents();
  const at = headers.indexOf('Lifetime Points');
  expect(at).toBeGreaterThan(0);
  // scrolled to the first row that held a value: the value is there, as the tenant had it
  const [firstRid, firstValue] = [...lifetime].find(([, v]) => v !== 0 && v !== null)!;
  const withValue = grid.locator(`[data-testid="archive-row"][data-rid="${firstRid}"]`);
  await withValue.scrollIntoViewIfNeeded();
  await expect(withValue.getByRole('gridcell').nth(at)).toHaveText(String(firstValue));
  const shown = await grid
    .getByTestId('archive-row')
    .evaluateAll(
      (els, i) => els.map((r) => ({ rid: r.getAttribute('data-rid') ?? '', value: r.querySelectorAll('[role="gridcell"]')[i]?.textContent ?? '' })),
      at,
    );
  for (const { rid, value } of shown) expect(value, `row ${rid}`).toBe(String(lifetime.get(rid)));
  await checkView('upgrade-force-archive');
});

test('upgrade in waves stops at the first failure; the failed tenant stays on its old version', async () => {
  await deploymentCall(host, east, 'app.publish', { package: vNext('fabrikam-shipping-1.1.0.0', '1.2.0.0'), skipVerification: true });
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await nav('Upgrades').click();
  await page.getByLabel('Extension', { exact: true }).selectOption({ label: 'Fabrikam Shipping · Fabrikam' });
  await page.getByLabel('Target version', { exact: true }).selectOption('1.2.0.0');
  await page.getByLabel('Find a tenant to upgrade').fill('');
  for (const t of ['contoso-retail', 'fabrikam-us', 'wideworld-importers']) await page.locator(`[data-testid="upgrade-candidate"][data-tenant="${t}"]`).click();
  await page.getByRole('button', { name: /Plan the upgrade of 3 tenants/ }).click();
  await expect(page.getByTestId('plan-runnable')).toHaveText('3');
  await page.getByLabel(/In waves/).check();
  await expect(page.getByRole('spinbutton', { name: 'First ring' })).toHaveValue('1');
  await checkView('upgrade-waves-plan');
  // taken offline for maintenance after the plan was made
  await deploymentCall(host, east, 'tenant.dismount', { tenantId: 'fabrikam-us' });
  await page.getByRole('button', { name: 'Upgrade 3 tenants in waves' }).click();
  await expect(page.getByTestId('job-stopped')).toContainText('first failure (fabrikam-us)');
  await expect(page.locator('[data-testid="job-item"][data-tenant="contoso-retail"]')).toHaveAttribute('data-state', 'succeeded');
  await expect(page.locator('[data-testid="job-item"][data-tenant="fabrikam-us"]')).toHaveAttribute('data-state', 'failed');
  await expect(page.locator('[data-testid="job-item"][data-tenant="wideworld-importers"]')).toHaveAttribute('data-state', 'skipped');
  await expect(page.locator('[data-testid="job-item"][data-tenant="fabrikam-us"]').getByTestId('job-proof')).toContainText(
    'nothing: the upgrade did not start',
  );
  await expect(page.getByTestId('upgrade-result')).toContainText('A failed tenant stays wholly on its old version');
  await checkView('upgrade-waves-stopped');
  await deploymentCall(host, east, 'tenant.mount', { tenantId: 'fabrikam-us' });
  const us = await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-us' });
  expect(us.apps.find((a) => a.name === 'Fabrikam Shipping')?.version).toBe('1.1.0.0');
  const w = await deploymentCall(host, east, 'tenant.get', { tenantId: 'wideworld-importers' });
  expect(w.apps.find((a) => a.name === 'Fabrikam Shipping')?.version).toBe('1.1.0.0');
});

test('offline audit: every deployment unreachable, the console still browses, searches, verifies, compares and reports', async () => {
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  await api(host, 'fleet.snapshot', {});
  await host.stop();
  const moved: [string, string][] = ['east', 'west'].map((n) => [path.join(host.demo, n), path.join(host.demo, `${n}-away`)]);
  for (const [from, to] of moved) fs.renameSync(from, to);
  try {
    await host.restart();
    await page.goto(host.openUrl);
    const banner = page.getByTestId('offline-banner');
    await expect(banner).toContainText('East: cached state as of');
    await expect(banner).toContainText('West: cached state as of');
    await expect(page.locator('[data-tenant="litware-labs"]')).toBeVisible();

    // a tenant never opened: its summary from the cached snapshot and operation log
    await page.getByRole('button', { name: 'Open tenant contoso-retail' }).click();
    await expect(page.getByTestId('tenant-title')).toHaveText('contoso-retail');
    await expect(page.getByText(/offline, cached as of/)).toBeVisible();
    await expect(page.locator('[data-testid="tenant-app"][data-app="Fabrikam Shipping"]')).toContainText('1.2.0.0');
    await checkView('offline-tenant');

    await nav('Audit log').click();
    await page.getByLabel('Search the audit log').fill('litware-labs');
    await expect(page.getByTestId('audit-count')).toContainText(/\d+ of \d+ entries match/);
    await expect(page.locator('[data-testid="audit-entry"][data-action="tenant.move"]')).toHaveCount(1);
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByTestId('audit-verify')).toContainText('Verified.');
    await checkView('offline-audit-log');
    await page.getByLabel('Search the audit log').fill('');

    await page.getByRole('tab', { name: 'Operation logs' }).click();
    await page.getByLabel('Search the operation logs').fill('tenant.move');
    await expect(page.locator('[data-testid="oplog-entry"][data-operation="tenant.move"]').first()).toBeVisible();
    await expect(page.getByTestId('oplog-sources')).toContainText('East: cached');
    await page.getByLabel('Result').selectOption('failed');
    await expect(page.locator('[data-testid="oplog-entry"][data-result="failed"]').first()).toBeVisible();
    await expect(page.locator('[data-testid="oplog-entry"][data-result="succeeded"]')).toHaveCount(0);
    await checkView('offline-operation-logs');

    await page.getByRole('tab', { name: 'Snapshots' }).click();
    await page.getByRole('button', { name: 'Compare' }).click();
    const cmp = page.getByTestId('snapshot-compare');
    await expect(cmp.locator('[data-testid="snapshot-change"][data-kind="moved-out"][data-tenant="litware-labs"]')).toContainText('moved to West');
    await expect(cmp.locator('[data-testid="snapshot-change"][data-kind="upgraded"][data-tenant="contoso-wholesale"]')).toBeVisible();
    await checkView('offline-snapshots');

    const [htmlReport] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Audit report (HTML)' }).click()]);
    const html = await saved(htmlReport, 'wf-audit-report.html');
    expect(html).toContain('Hash chain verified');
    expect(html).toContain('litware-labs moved to West');
    await renderReport(html, 'wf-audit-report');
    const [csvReport] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Audit report (CSV)' }).click()]);
    const csv = parseCsv(await saved(csvReport, 'wf-audit-report.csv'));
    expect(csv[0]).toEqual(['source', 'id', 'at', 'actor', 'action', 'connection', 'target', 'result', 'error', 'params', 'hash']);
    expect(csv.some((r) => r[0] === 'East operation log' && r[4] === 'tenant.move')).toBe(true);
    expect(csv.some((r) => r[0] === 'console audit' && r[4] === 'tenant.move')).toBe(true);
  } finally {
    for (const [from, to] of moved) fs.renameSync(to, from);
  }
});
