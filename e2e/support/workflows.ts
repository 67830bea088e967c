// Helpers for the workflow specs: the console's host API called with this session's token (for setup and to
// read back what the UI did), a next version of a demo extension built with writePackage, and a CSV reader.
import path from 'node:path';
import type { ConsoleInput, ConsoleOperationName, ConsoleOutput } from '../../shared/api/console.js';
import type { OperationInput, OperationName, OperationOutput } from '../../shared/api/operations.js';
import type { AppDefinition } from '../../shared/domain/app-definition.js';
import { DEMO_EXTENSIONS_DIR } from '../../platform/demo/demo-sources.js';
import { readSourceFolder, writePackage } from '../../platform/package/index.js';
import { expect, type Browser, type Page } from '@playwright/test';
import { startConsole, type ConsoleHost } from './console-host.js';

export async function api<N extends ConsoleOperationName>(host: ConsoleHost, op: N, input: ConsoleInput<N>): Promise<ConsoleOutput<N>> {
  const token = new URL(host.openUrl).hash.replace('#session=', '');
  const res = await fetch(`${host.url}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenantry-session': token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  if (!body.ok) throw new Error(`${op}: ${body.error?.code}: ${body.error?.message}`);
  return body.value as ConsoleOutput<N>;
}

export async function deploymentCall<N extends OperationName>(
  host: ConsoleHost,
  connectionId: string,
  op: N,
  input: OperationInput<N>,
): Promise<OperationOutput<N>> {
  return (await api(host, 'deployment.call', { connectionId, op, input })) as OperationOutput<N>;
}

/** An object with a property that is exactly `name` (a field, a control bound to it, an action on it). */
const names = (v: unknown, name: string): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as Record<string, unknown>).some((x) => x === name);

function without(value: unknown, name: string): unknown {
  if (Array.isArray(value)) return value.filter((v) => !names(v, name)).map((v) => without(v, name));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        const next = without(v, name);
        if ((k === 'upgrade' || k === 'install') && Array.isArray(next))
          return [k, next.filter((s) => ((s as { actions?: unknown[] }).actions ?? []).length > 0)];
        return [k, next];
      }),
    );
  }
  return value;
}

/** A demo extension at a new version, without one field (and whatever names it); base64 for app.publish. */
export function vNext(folder: string, version: string, dropField?: string): string {
  const base = readSourceFolder(path.join(DEMO_EXTENSIONS_DIR, folder));
  const def: AppDefinition = {
    ...base,
    manifest: { ...base.manifest, version },
    objects: dropField ? (without(base.objects, dropField) as AppDefinition['objects']) : base.objects,
  };
  return writePackage(def).toString('base64');
}

/** RFC 4180: quoted cells, doubled quotes, CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A console with the demo's two local deployments connected (East, West) and a page on it at 1440x900, dark. */
export interface DemoConsole {
  host: ConsoleHost;
  page: Page;
  east: string;
  west: string;
}

export async function openDemoConsole(browser: Browser): Promise<DemoConsole> {
  const host = await startConsole();
  const east = (await api(host, 'connections.add', { kind: 'local', name: 'East', folder: path.join(host.demo, 'east') })).id;
  const west = (await api(host, 'connections.add', { kind: 'local', name: 'West', folder: path.join(host.demo, 'west') })).id;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto(host.openUrl);
  await expect(page.locator('[role="row"].m-group')).toHaveCount(2);
  return { host, page, east, west };
}

/** Closes the page and stops the console (what openDemoConsole started), whichever of them exist. */
export async function closeDemoConsole(c: Partial<DemoConsole>): Promise<void> {
  await c.page?.context().close();
  await c.host?.stop();
  c.host?.cleanup();
}

/** The move wizard's final confirmation (it names source, destination and tenants): confirmed with its button. */
export async function confirmMove(page: Page, destination: string): Promise<void> {
  await page
    .getByRole('dialog')
    .getByRole('button', { name: new RegExp(`^Move \\d+ tenants? to ${destination}$`) })
    .click();
}
