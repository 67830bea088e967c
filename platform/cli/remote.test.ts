// The CLI against a server URL: the same verbs give the same JSON, exit codes and error codes as against a folder
// (long operations going through server jobs, with progress on stderr); tokens (`token new/list/revoke`), `serve`
// as a child process, tenant moves folder<->server and server<->server, and the transport rules.
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationOutput } from '../../shared/api/index.js';
import { DEMO_EXTENSIONS_DIR, demoExtensionFolders } from '../demo/demo-sources.js';
import { Deployment } from '../engine/deployment.js';
import { createServer } from '../server/server.js';
import { spawnServer } from '../server/test-support/servers.js';
import { expectCode, parseJson, runCli, spawnCli, TempDirs, type RunResult } from './cli-harness.js';

const temp = new TempDirs();
let root = '';
let apps = '';
let served: Deployment;
let app: FastifyInstance;
let url = '';
let token = '';

const run = (...args: string[]) => runCli(args, { cwd: root });

beforeAll(async () => {
  root = temp.make();
  apps = path.join(root, 'apps');
  for (const folder of demoExtensionFolders())
    expectCode(await run('app', 'pack', path.join(DEMO_EXTENSIONS_DIR, folder), '--out', path.join(apps, `${folder}.app`)), 0);
  expectCode(await run('deployment', 'new', 'local', '--name', 'Twin'), 0);
  expectCode(await run('deployment', 'new', 'served', '--name', 'Twin'), 0);
  token = parseJson<{ token: string }>(
    expectCode(await run('token', 'new', '--deployment', 'served', '--scope', 'admin', '--name', 'cli-test', '--json'), 0),
  ).token;
  served = Deployment.open(path.join(root, 'served'));
  app = await createServer({ deployment: served });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await app.close();
  served.close();
  temp.cleanup();
});

/** Values that differ between any two runs (ids, times, paths, sizes on disk, who) are blanked; the rest must match. */
const VOLATILE = new Set([
  'opId',
  'moveId',
  'startedAt',
  'endedAt',
  'createdAt',
  'mountedAt',
  'installedAt',
  'publishedAt',
  'archivedAt',
  'grantedAt',
  'file',
  'folder',
  'sizeBytes',
  'bytes',
  'actor',
  'publishedBy',
  'jobId',
]);
/** A refusal's `ref` (the server's request or job id, for its log) exists only remotely: checked on its own below. */
const REMOTE_ONLY = new Set(['ref']);
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !REMOTE_ONLY.has(k))
        .map(([k, x]) => [k, VOLATILE.has(k) ? '<volatile>' : normalize(x)]),
    );
  return v;
}

function outcome(r: RunResult): { code: number; json: unknown; error: string | null } {
  let json: unknown = null;
  try {
    json = normalize(JSON.parse(r.stdout));
  } catch {
    json = r.stdout;
  }
  return { code: r.code, json, error: /^error ([A-Z_]+):/m.exec(r.stderr)?.[1] ?? null };
}

describe('the CLI against a URL', () => {
  it('every verb gives the same JSON, exit code and error code as against a folder', async () => {
    const steps: string[][] = [
      ['deployment', 'info'],
      ['publish', apps, '--skip-verification'],
      ['publish', path.join(apps, 'contoso-core-1.0.0.0.app')],
      ['info'],
      ['app', 'info', path.join(apps, 'contoso-loyalty-2.0.0.0.app')],
      ['tenant', 'new', 'r1', '--company', 'Alpha Ltd.'],
      ['tenant', 'new', 'r2'],
      ['tenant', 'new', 'R1'],
      ['tenant', 'new', 'bad id!'],
      ['tenant', 'list'],
      ['install', 'Contoso Loyalty', '--tenant', 'r1', '--tenant', 'r2', '--version', '1.0.0.0', '--install-dependencies'],
      ['install', 'No Such App', '--tenant', 'r1'],
      ['install', 'Contoso Core', '--tenant', 'r1', '--tenant', 'nobody'],
      ['data', 'insert', 'Customer', '--tenant', 'r1', '--values', '{"No.":"C1","Name":"Adatum","Loyalty Points":5}'],
      ['data', 'insert', 'Customer', '--tenant', 'r1', '--values', '{"No.":"C1","Name":"Again"}'],
      ['data', 'modify', 'Customer', '--tenant', 'r1', '--key', '{"No.":"C1"}', '--values', '{"Name":"Adatum Corporation"}'],
      ['data', 'rows', 'Customer', '--tenant', 'r1'],
      ['upgrade', 'Contoso Loyalty', '--tenant', 'r1'],
      ['uninstall', 'Contoso Loyalty', '--tenant', 'r2'],
      ['archive', 'list', '--tenant', 'r2'],
      ['archive', 'rows', '1', '--tenant', 'r2'],
      ['archive', 'export', '1', '--tenant', 'r2'],
      ['sync', '--tenant', 'r1', '--mode', 'check-only'],
      ['app', 'tenants', 'Contoso Core'],
      ['tenant', 'show', 'r1'],
      ['tenant', 'objects', 'r1'],
      ['tenant', 'subscribers', 'r1'],
      ['tenant', 'permissions', 'r1'],
      ['repair'],
      ['unpublish', 'Contoso Core', '--version', '1.0.0.0'],
      ['archive', 'discard', '1', '--tenant', 'r2', '--yes'],
      ['tenant', 'dismount', 'r2'],
      ['tenant', 'remove-apps', 'r2'],
      ['tenant', 'mount', 'r2'],
      ['log', '--tenant', 'r1', '--limit', '5'],
      ['tenant', 'show', 'nobody'],
      ['data', 'insert', 'Customer', '--tenant', 'r1', '--values', 'not json'],
    ];
    for (const step of steps) {
      const local = await run(...step, '--deployment', 'local', '--json');
      const remote = await run(...step, '--deployment', url, '--token', token, '--json');
      expect({ step: step.join(' '), ...outcome(remote) }).toEqual({ step: step.join(' '), ...outcome(local) });
      // a remote refusal names the server's log line: its request id, or its job id for a long operation
      const refused = remote.code === 1 ? (JSON.parse(remote.stdout) as { error?: { ref?: string } }).error : undefined;
      if (refused) expect(refused.ref).toMatch(/^[0-9a-f-]{36}$/);
    }
    // long operations went through server jobs, with their progress on stderr
    const viaJob = await run('upgrade', 'Contoso Loyalty', '--tenant', 'r2', '--deployment', url, '--token', token);
    expect(viaJob.stderr).toMatch(/^job started/m);
    expect(viaJob.stderr).toMatch(/^\[1\/1\] r2: /m);
    expect(served.log({ limit: 5 }).some((l) => l.actor.includes('via token "cli-test"'))).toBe(true);
  });

  it('takes the token from TENANTRY_TOKEN; no token is bad usage (2), a wrong one UNAUTHORIZED (1)', async () => {
    const withEnv = await runCli(['tenant', 'list', '--deployment', url, '--json'], { cwd: root, env: { TENANTRY_TOKEN: token } });
    expect(parseJson<OperationOutput<'tenant.list'>>(expectCode(withEnv, 0)).tenants.map((t) => t.id)).toEqual(['r1', 'r2']);
    const none = expectCode(await run('tenant', 'list', '--deployment', url), 2);
    expect(none.stderr).toContain('--token');
    const wrong = expectCode(
      await run('tenant', 'list', '--deployment', url, '--token', 'tnt_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
      1,
    );
    expect(wrong.stderr).toMatch(/^error UNAUTHORIZED: /m);
    const plain = expectCode(await run('tenant', 'list', '--deployment', 'http://192.0.2.1:7049', '--token', token), 1);
    expect(plain.stderr).toMatch(/^error BAD_INPUT: .*plain http/m);
    const down = expectCode(await runCli(['tenant', 'list', '--deployment', 'http://127.0.0.1:1', '--token', token], { cwd: root }), 1);
    expect(down.stderr).toMatch(/^error UNAVAILABLE: /m);
  });

  it('token list and revoke: a revoked token is refused at once', async () => {
    const made = parseJson<{ token: string; id: string }>(
      expectCode(await run('token', 'new', '--deployment', 'served', '--scope', 'read', '--tenant', 'r1', '--name', 'short-lived', '--json'), 0),
    );
    expect(expectCode(await run('tenant', 'list', '--deployment', url, '--token', made.token), 0).stdout).toContain('r1');
    const list = parseJson<{ tokens: { id: string; name: string; scope: string; tenants: string[] | null }[] }>(
      expectCode(await run('token', 'list', '--deployment', 'served', '--json'), 0),
    );
    expect(list.tokens.find((t) => t.id === made.id)).toMatchObject({ name: 'short-lived', scope: 'read', tenants: ['r1'] });
    expect(JSON.stringify(list)).not.toContain(made.token.split('_')[2]);
    expectCode(await run('token', 'revoke', 'short-lived', '--deployment', 'served'), 0);
    expect(expectCode(await run('tenant', 'list', '--deployment', url, '--token', made.token), 1).stderr).toMatch(/^error UNAUTHORIZED: /m);
    expect(expectCode(await run('token', 'new', '--deployment', url, '--scope', 'read'), 2).stderr).toContain('folder');
  });

  it('tenant move: folder -> server -> server -> folder, and a mount of a file sent to a server', async () => {
    const second = await run('deployment', 'new', 'second', '--name', 'Second');
    expectCode(second, 0);
    const token2 = parseJson<{ token: string }>(expectCode(await run('token', 'new', '--deployment', 'second', '--scope', 'admin', '--json'), 0)).token;
    expectCode(await run('publish', apps, '--skip-verification', '--deployment', 'second'), 0);
    const srv2 = await spawnServer(path.join(root, 'second'));
    try {
      // the folder is served: the CLI refuses to open it directly, naming the URL
      const busy = expectCode(await run('tenant', 'list', '--deployment', 'second'), 1);
      expect(busy.stderr).toContain(srv2.url);
      expectCode(await run('tenant', 'new', 'mv', '--deployment', 'local'), 0);
      expectCode(await run('install', 'Contoso Loyalty', '--tenant', 'mv', '--version', '1.0.0.0', '--install-dependencies', '--deployment', 'local'), 0);
      expectCode(
        await run('data', 'insert', 'Customer', '--tenant', 'mv', '--values', '{"No.":"M1","Name":"Moving","Loyalty Points":3}', '--deployment', 'local'),
        0,
      );
      const rows = parseJson<OperationOutput<'record.page'>>(
        expectCode(await run('data', 'rows', 'Customer', '--tenant', 'mv', '--deployment', 'local', '--json'), 0),
      ).rows;
      const pre = expectCode(await run('tenant', 'move', 'mv', '--deployment', 'local', '--to', url, '--to-token', token, '--precheck-only', '--json'), 0);
      expect(parseJson<{ ok: boolean }>(pre).ok).toBe(true);
      // folder -> server
      const m1 = expectCode(await run('tenant', 'move', 'mv', '--deployment', 'local', '--to', url, '--to-token', token, '--json'), 0);
      expect(parseJson<{ tenantId: string; sha256: string }>(m1)).toMatchObject({ tenantId: 'mv' });
      expect(m1.stderr).toMatch(/^mounted on /m);
      // server -> server, each with its own token
      expectCode(await run('tenant', 'move', 'mv', '--deployment', url, '--token', token, '--to', srv2.url, '--to-token', token2), 0);
      const there = parseJson<OperationOutput<'record.page'>>(
        expectCode(await run('data', 'rows', 'Customer', '--tenant', 'mv', '--deployment', srv2.url, '--token', token2, '--json'), 0),
      ).rows;
      expect(there).toEqual(rows);
      // server -> folder
      expectCode(await run('tenant', 'move', 'mv', '--deployment', srv2.url, '--token', token2, '--to', 'local'), 0);
      expect(
        parseJson<OperationOutput<'record.page'>>(expectCode(await run('data', 'rows', 'Customer', '--tenant', 'mv', '--deployment', 'local', '--json'), 0))
          .rows,
      ).toEqual(rows);
      for (const u of [url, srv2.url]) {
        const t = u === url ? token : token2;
        expect(expectCode(await run('tenant', 'show', 'mv', '--deployment', u, '--token', t), 1).stderr).toMatch(/^error TENANT_NOT_FOUND: /m);
      }
      // a refused move (the id is taken there) changes nothing
      expectCode(await run('tenant', 'new', 'mv', '--deployment', srv2.url, '--token', token2), 0);
      expect(expectCode(await run('tenant', 'move', 'mv', '--deployment', 'local', '--to', srv2.url, '--to-token', token2), 1).stderr).toMatch(
        /^error MOVE_PRECHECK_FAILED: /m,
      );
      expect(parseJson<OperationOutput<'tenant.get'>>(expectCode(await run('tenant', 'show', 'mv', '--deployment', 'local', '--json'), 0)).state).toBe(
        'operational',
      );
      // tenant mount <file> against a server: the file is sent, then mounted
      expectCode(await run('tenant', 'new', 'loose', '--deployment', 'local'), 0);
      const file = parseJson<{ file: string }>(expectCode(await run('tenant', 'dismount', 'loose', '--deployment', 'local', '--json'), 0)).file;
      const copy = path.join(root, 'loose-copy.sqlite');
      fs.copyFileSync(file, copy);
      const mounted = parseJson<OperationOutput<'tenant.mount'>>(
        expectCode(await run('tenant', 'mount', copy, '--deployment', srv2.url, '--token', token2, '--json'), 0),
      );
      expect(mounted).toMatchObject({ id: 'loose', state: 'operational' });
    } finally {
      await srv2.stop();
    }
  });

  it('serve, as the real command: listens, answers, stops on SIGTERM and removes its lock', async () => {
    expectCode(await run('deployment', 'new', 'spawned'), 0);
    const t = parseJson<{ token: string }>(
      expectCode(await spawnCli(['token', 'new', '--deployment', path.join(root, 'spawned'), '--scope', 'read', '--json']), 0),
    ).token;
    const srv = await spawnServer(path.join(root, 'spawned'));
    try {
      expect(fs.existsSync(path.join(root, 'spawned', 'server.lock'))).toBe(true);
      const r = expectCode(await spawnCli(['deployment', 'info', '--json'], { env: { TENANTRY_DEPLOYMENT: srv.url, TENANTRY_TOKEN: t } }), 0);
      expect(parseJson<{ tenants: number }>(r).tenants).toBe(0);
      const refused = expectCode(await spawnCli(['tenant', 'new', 'x', '--deployment', srv.url, '--token', t]), 1);
      expect(refused.stderr).toMatch(/^error FORBIDDEN: /m);
    } finally {
      await srv.stop();
    }
    expect(await srv.exited).toBe(0);
    expect(fs.existsSync(path.join(root, 'spawned', 'server.lock'))).toBe(false);
    expectCode(await run('serve', '--deployment', 'spawned', '--listen', 'nonsense'), 2);
  });
});
