// The real command as a child process (node bin/tenantry.mjs): a representative subset, for what in-process
// runs cannot show: the bin works from any cwd, exit codes reach the shell, stdout/stderr are separate streams.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCode, parseJson, spawnCli, TempDirs } from './cli-harness.js';

const temp = new TempDirs();
let root = '';
beforeAll(() => {
  root = temp.make();
});
afterAll(() => temp.cleanup());

describe('bin/tenantry.mjs', () => {
  it('prints help (exit 0) and refuses an unknown verb (exit 2), from any folder', async () => {
    const [help, bad] = await Promise.all([spawnCli(['--help'], { cwd: root }), spawnCli(['bogus'], { cwd: root })]);
    expectCode(help, 0);
    expect(help.stdout).toContain('Usage: tenantry');
    expect(help.stdout).not.toMatch(/\u001b\[/); // no colour when not a terminal
    expectCode(bad, 2);
    expect(bad.stderr).toContain("unknown command 'bogus'");
    expect(bad.stdout).toBe('');
  });

  it('works against a deployment: 0 with JSON on stdout, 1 with the error code on stderr', async () => {
    expectCode(await spawnCli(['deployment', 'new', 'east'], { cwd: root }), 0);
    // TENANTRY_DEPLOYMENT instead of --deployment, from another cwd
    const env = { TENANTRY_DEPLOYMENT: path.join(root, 'east') };
    const created = expectCode(await spawnCli(['tenant', 'new', 'spawned', '--json'], { cwd: '/', env }), 0);
    expect(parseJson<{ id: string; state: string }>(created)).toMatchObject({ id: 'spawned', state: 'operational' });
    const refused = expectCode(await spawnCli(['install', 'Nothing Published', '--tenant', 'spawned'], { cwd: '/', env }), 1);
    expect(refused.stderr).toMatch(/^error [A-Z_]+: .*Nothing Published/m);
    expect(refused.stdout).toBe('');
    const asJson = expectCode(await spawnCli(['tenant', 'new', 'spawned', '--json'], { cwd: '/', env }), 1);
    expect(parseJson<{ error: { code: string } }>(asJson).error.code).toBe('TENANT_EXISTS');
    expect(asJson.stderr).toMatch(/^error TENANT_EXISTS: /m);
  });
});
