// The refusals of platform.md's operation table that need a second package version or a second deployment, through
// the CLI against real deployment folders: add-sync removing a field, install of a second version, mount with a
// missing extension, a move to a deployment with another application version, and a forced upgrade that needs an
// acknowledgement. Each refusal names what is wrong and changes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../shared/api/index.js';
import { DEMO_EXTENSIONS_DIR } from '../demo/demo-sources.js';
import { Deployment } from '../engine/deployment.js';
import { DEFAULT_APPLICATION } from '../engine/default-application.js';
import { readSourceFolder, writePackage } from '../package/index.js';
import { expectCode, parseJson, runCli, TempDirs } from './cli-harness.js';

const temp = new TempDirs();
let root = '';
let east = '';
let west = '';
let v1File = '';
let v2File = '';
const on = (dep: string, ...args: string[]) => runCli([...args, '--deployment', dep], { cwd: root });
const json = async <T>(dep: string, ...args: string[]): Promise<T> => parseJson<T>(expectCode(await on(dep, ...args, '--json'), 0));

async function refused(code: string, dep: string, ...args: string[]): Promise<string> {
  const r = expectCode(await on(dep, ...args), 1);
  expect(r.stderr).toMatch(new RegExp(`error ${code}: `));
  return r.stderr;
}

beforeAll(async () => {
  root = temp.make();
  east = path.join(root, 'east');
  west = path.join(root, 'west');
  expectCode(await runCli(['deployment', 'new', east]), 0);
  expectCode(await runCli(['deployment', 'new', west]), 0);
  // v1 is the demo's Northwind Credit Control; v2 drops its field "Credit Insurance Limit".
  const v1 = readSourceFolder(path.join(DEMO_EXTENSIONS_DIR, 'northwind-credit-control-1.0.0.0'));
  const v2 = structuredClone(v1);
  v2.manifest.version = '2.0.0.0';
  for (const o of v2.objects) if (o.type === 'tableextension') o.fields = o.fields.filter((f) => f.name !== 'Credit Insurance Limit');
  v1File = path.join(root, 'nw-1.app');
  v2File = path.join(root, 'nw-2.app');
  fs.writeFileSync(v1File, writePackage(v1));
  fs.writeFileSync(v2File, writePackage(v2));
  expectCode(await on(east, 'publish', v1File, v2File, '--skip-verification'), 0);
  expectCode(await on(east, 'tenant', 'new', 'acme'), 0);
  expectCode(await on(east, 'install', 'Northwind Credit Control', '--tenant', 'acme', '--version', '1.0.0.0'), 0);
  expectCode(await on(east, 'data', 'insert', 'Customer', '--tenant', 'acme', '--values', '{"No.":"C1","Name":"Adatum","Credit Insurance Limit":5000}'), 0);
});
afterAll(() => temp.cleanup());

describe('refusals that need a second version or a second deployment', () => {
  it('install of a second version is refused and says to upgrade', async () => {
    const err = await refused('ALREADY_INSTALLED', east, 'install', 'Northwind Credit Control', '--tenant', 'acme', '--version', '2.0.0.0');
    expect(err).toMatch(/upgrade/i);
  });

  it('an upgrade whose add-sync would remove a field is refused, naming the field; the tenant keeps v1 and its rows', async () => {
    const r = expectCode(await on(east, 'upgrade', 'Northwind Credit Control', '--tenant', 'acme', '--json'), 1);
    const out = parseJson<OperationOutput<'tenant.upgrade'>>(r);
    expect(out.results[0]).toMatchObject({ ok: false, error: { code: 'SYNC_DESTRUCTIVE', message: expect.stringContaining('Credit Insurance Limit') } });
    const apps = await json<OperationOutput<'tenant.apps'>>(east, 'info', '--tenant', 'acme');
    expect(apps.apps.find((a) => a.name === 'Northwind Credit Control')).toMatchObject({ version: '1.0.0.0' });
    const rows = await json<OperationOutput<'record.page'>>(east, 'data', 'rows', 'Customer', '--tenant', 'acme');
    expect(rows.rows[0]).toMatchObject({ 'No.': 'C1', 'Credit Insurance Limit': 5000 });
  });

  it('a check-only sync is a dry run: it changes nothing', async () => {
    const before = await json<OperationOutput<'record.page'>>(east, 'data', 'rows', 'Customer', '--tenant', 'acme');
    const dry = await json<OperationOutput<'tenant.sync'>>(east, 'sync', 'Northwind Credit Control', '--tenant', 'acme', '--mode', 'check-only');
    expect(dry.applied).toBe(false);
    const after = await json<OperationOutput<'record.page'>>(east, 'data', 'rows', 'Customer', '--tenant', 'acme');
    expect(after).toEqual(before);
  });

  it('mount of a tenant whose extension is not published here is refused, listing it; nothing is mounted', async () => {
    const d = parseJson<OperationOutput<'tenant.dismount'>>(expectCode(await on(east, 'tenant', 'dismount', 'acme', '--json'), 0));
    const copy = path.join(root, 'acme-copy.sqlite');
    fs.copyFileSync(d.file, copy);
    const err = await refused('MOUNT_MISSING_APPS', west, 'tenant', 'mount', copy);
    expect(err).toContain('Northwind Credit Control');
    expect(err).toContain('1.0.0.0');
    expect((await json<OperationOutput<'tenant.list'>>(west, 'tenant', 'list')).tenants).toEqual([]);
    expectCode(await on(east, 'tenant', 'mount', 'acme'), 0);
  });

  it('a move to a deployment with another application version is refused by the pre-check; nothing changes on either side', async () => {
    const other = path.join(root, 'other');
    Deployment.create(other, { application: { ...DEFAULT_APPLICATION, version: '2.0.0.0' }, name: 'other' }).close();
    expectCode(await on(other, 'publish', v1File, '--skip-verification'), 0);
    const pre = parseJson<OperationOutput<'move.precheck'>>(
      expectCode(await on(east, 'tenant', 'move', 'acme', '--to', other, '--precheck-only', '--json'), 1),
    );
    expect(pre).toMatchObject({
      ok: false,
      application: { same: false, source: expect.stringContaining('1.0.0.0'), destination: expect.stringContaining('2.0.0.0') },
    });
    const err = await refused('MOVE_PRECHECK_FAILED', east, 'tenant', 'move', 'acme', '--to', other);
    expect(err).toMatch(/application/i);
    expect((await json<OperationOutput<'tenant.get'>>(east, 'tenant', 'show', 'acme')).state).toBe('operational');
    expect((await json<OperationOutput<'tenant.list'>>(other, 'tenant', 'list')).tenants).toEqual([]);
  });

  it('a forced upgrade needs an acknowledgement, then archives the removed field and keeps the other rows', async () => {
    const r = expectCode(await on(east, 'upgrade', 'Northwind Credit Control', '--tenant', 'acme', '--force', '--json'), 1);
    const refusedOut = parseJson<OperationOutput<'tenant.upgrade'>>(r);
    expect(refusedOut.results[0]).toMatchObject({ ok: false, error: { code: 'ACK_REQUIRED', message: expect.stringContaining('1 rows') } });
    const out = await json<OperationOutput<'tenant.upgrade'>>(east, 'upgrade', 'Northwind Credit Control', '--tenant', 'acme', '--force', '--yes');
    expect(out.results[0]).toMatchObject({ ok: true, from: '1.0.0.0', to: '2.0.0.0' });
    const rows = await json<OperationOutput<'record.page'>>(east, 'data', 'rows', 'Customer', '--tenant', 'acme');
    expect(rows.rows[0]).toMatchObject({ 'No.': 'C1', Name: 'Adatum' });
    expect(rows.columns.map((c) => c.name)).not.toContain('Credit Insurance Limit');
    const archives = (await json<OperationOutput<'archive.list'>>(east, 'archive', 'list', '--tenant', 'acme')).archives;
    const kept = archives.find((a) => a.kind === 'column' && a.appName === 'Northwind Credit Control');
    expect(kept).toMatchObject({ rows: 1, version: '1.0.0.0', reason: 'force-sync' });
    const archivedRows = await json<OperationOutput<'archive.rows'>>(east, 'archive', 'rows', String(kept!.archiveId), '--tenant', 'acme');
    expect(JSON.stringify(archivedRows.rows)).toContain('5000');
  });
});
