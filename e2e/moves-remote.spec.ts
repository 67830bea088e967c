// The tenant move wizard with a remote side, in Chromium: East is a local demo deployment, West the other demo
// deployment served by `tenantry serve` (a child process with a token). (1) A tenant moves from East to the server
// through the wizard, step by step; it is read back through the server and is gone from East. (2) A move whose
// destination server dies while adopting the tenant (started with TENANTRY_FAULT=receive:1, it SIGKILLs itself
// right after verifying the received file): the wizard shows the failure and the proof that the tenant is back and
// whole on East; the server, started again, does not hold it. Each end state is checked with axe and photographed
// at 1440x900 in both themes (e2e/output/wf-move-remote-*.png).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { RemoteClient } from '../platform/remote/client.js';
import { startConsole, type ConsoleHost } from './support/console-host.js';
import { serveDeployment, type RemoteServer } from './support/remote.js';
import { api, confirmMove, deploymentCall } from './support/workflows.js';
import { checkView as checkViewOf, navButton } from './support/views.js';

test.describe.configure({ mode: 'serial' });

let host: ConsoleHost;
let page: Page;
let server: RemoteServer | undefined;
let east = '';
let west = '';

test.beforeAll(async ({ browser }) => {
  host = await startConsole();
  server = await serveDeployment(path.join(host.demo, 'west'));
  east = (await api(host, 'connections.add', { kind: 'local', name: 'East', folder: path.join(host.demo, 'east') })).id;
  west = (await api(host, 'connections.add', { kind: 'remote', name: 'West', url: server.url, token: server.token, allowInsecure: false })).id;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto(host.openUrl);
  await expect(page.locator('[role="row"].m-group')).toHaveCount(2);
});
test.afterAll(async () => {
  await page?.context().close();
  await server?.stop();
  await host?.stop();
  host?.cleanup();
});

/** axe at WCAG 2.1 A and AA, then a screenshot in each theme (e2e/support/views.ts). */
const checkView = (name: string): Promise<void> => checkViewOf(page, `wf-move-remote-${name}`, { waitForToast: true });

const nav = (label: string) => navButton(page, label);

/** The server's own answer, through its HTTP API with the token (not through the console). */
async function onServer(s: RemoteServer, tenantId: string): Promise<{ state: string; apps: string[] } | 'not found'> {
  const client = new RemoteClient({ url: s.url, token: s.token, attempts: 2, baseDelayMs: 50, maxDelayMs: 100 });
  try {
    const t = await client.invoke('tenant.get', { tenantId });
    return { state: t.state, apps: t.apps.map((a) => a.name).sort() };
  } catch (e) {
    if ((e as { code?: string }).code === 'TENANT_NOT_FOUND') return 'not found';
    throw e;
  } finally {
    client.close();
  }
}

async function chooseAndCheck(tenantId: string): Promise<void> {
  await page.getByLabel('Find a tenant to move').fill(tenantId);
  await page.locator(`[data-testid="move-tenant"][data-tenant="${tenantId}"]`).click();
  await page.getByLabel('Destination deployment').selectOption(west);
  await page.getByRole('button', { name: 'Run the pre-check' }).click();
  await expect(page.getByTestId('precheck-verdict')).toContainText('Ready: 1 tenant can move to West.');
}

test('move to a remote server: the tenant arrives there, read back through the server, and leaves East', async () => {
  const before = await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-eu' });
  await nav('Tenant moves').click();
  await expect(page.getByRole('heading', { name: 'Move tenants' })).toBeVisible();
  await chooseAndCheck('fabrikam-eu');
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await confirmMove(page, 'West');

  await expect(page.getByTestId('move-result')).toContainText('Moved.', { timeout: 60_000 });
  const item = page.locator('[data-testid="job-item"][data-tenant="fabrikam-eu"]');
  await expect(item).toHaveAttribute('data-state', 'succeeded');
  for (const step of ['precheck', 'dismount', 'transfer', 'verify-copy', 'mount', 'verify-mount', 'finish'])
    await expect(item.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded');
  await expect(item.getByTestId('transfer-bytes')).toContainText(/\d KiB of \d.* · .*\/s$/);
  await expect(item.getByTestId('job-proof')).toContainText('no longer there');
  await checkView('result');

  expect(await onServer(server!, 'fabrikam-eu')).toEqual({ state: 'operational', apps: before.apps.map((a) => a.name).sort() });
  await expect(deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-eu' })).rejects.toThrow(/TENANT_NOT_FOUND/);
});

test('a move whose destination server dies while adopting the tenant is undone: the proof reads it back whole on East', async () => {
  // The same West folder, served again by a server that SIGKILLs itself at its first "receive" fault point (the
  // received file verified, about to be placed): the connection is pointed at it.
  await server!.stop();
  server = await serveDeployment(path.join(host.demo, 'west'), { env: { TENANTRY_FAULT: 'receive:1' } });
  await api(host, 'connections.update', { id: west, url: server.url, token: server.token });
  const before = await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-us' });

  await page.getByRole('button', { name: 'Start another move' }).click();
  await chooseAndCheck('fabrikam-us');
  await page.getByRole('button', { name: 'Move 1 tenant' }).click();
  await confirmMove(page, 'West');
  await expect(page.getByTestId('move-result')).toContainText('The move failed.', { timeout: 60_000 });
  await server.exited(); // it really died at the fault point

  const item = page.locator('[data-testid="job-item"][data-tenant="fabrikam-us"]');
  await expect(item).toHaveAttribute('data-state', 'failed');
  for (const step of ['precheck', 'dismount']) await expect(item.locator(`[data-step="${step}"]`)).toHaveAttribute('data-state', 'succeeded');
  await expect(item.locator('[data-step="transfer"]')).toHaveAttribute('data-state', 'failed');
  await expect(item.locator('[data-step="mount"]')).toHaveAttribute('data-state', 'skipped');
  await expect(item.locator('[data-step="rollback"]')).toHaveAttribute('data-state', 'succeeded');
  const proof = item.getByTestId('job-proof');
  await expect(proof).toContainText('operational (before the move: operational)');
  await expect(proof).toContainText('Same as before the move');
  await expect(proof).toContainText('a staged copy there is never mounted by itself');
  await checkView('failed');

  const now = await deploymentCall(host, east, 'tenant.get', { tenantId: 'fabrikam-us' });
  expect({ state: now.state, apps: now.apps }).toEqual({ state: before.state, apps: before.apps });
  // started again (without the fault), the server does not hold the tenant
  await server.restart();
  expect(await onServer(server, 'fabrikam-us')).toBe('not found');
});
