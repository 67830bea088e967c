// Help and bad usage: every verb explains itself with an example and names the cmdlet it mirrors where there is
// one; unknown verbs and flags, missing arguments and bad option values exit 2 with a hint.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { expectCode, parseJson, runCli } from './cli-harness.js';
import { buildProgram } from './program.js';

function leafPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => (c.commands.length > 0 ? [[...prefix, c.name()], ...leafPaths(c, [...prefix, c.name()])] : [[...prefix, c.name()]]));
}

const program = buildProgram({
  io: { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: '/', isTTY: false },
  connector: () => Promise.reject(new Error('unused')),
  contexts: [],
});
const verbs = leafPaths(program).filter((p) => p[0] !== 'help');

describe('tenantry --help', () => {
  it('lists the verbs, the environment and the exit codes', async () => {
    const r = expectCode(await runCli(['--help']), 0);
    for (const verb of [
      'deployment',
      'app',
      'publish',
      'unpublish',
      'install',
      'uninstall',
      'upgrade',
      'sync',
      'repair',
      'info',
      'tenant',
      'archive',
      'data',
      'log',
      'demo',
    ]) {
      expect(r.stdout).toContain(`  ${verb}`);
    }
    expect(r.stdout).toContain('TENANTRY_DEPLOYMENT');
    expect(r.stdout).toMatch(/Exit codes: 0 done; 1 refused or failed .*; 2 bad usage/);
  });

  it('has every verb the brief names', () => {
    const names = verbs.map((p) => p.join(' '));
    for (const v of [
      'deployment new',
      'app new',
      'app pack',
      'app info',
      'app tenants',
      'publish',
      'unpublish',
      'install',
      'uninstall',
      'upgrade',
      'sync',
      'repair',
      'info',
      'archive list',
      'archive rows',
      'archive export',
      'archive discard',
      'tenant new',
      'tenant list',
      'tenant mount',
      'tenant dismount',
      'tenant move',
      'tenant remove-apps',
      'data insert',
      'data rows',
      'log',
      'demo',
    ]) {
      expect(names).toContain(v);
    }
  });

  it.each(verbs.map((v) => [v.join(' '), v] as const))('tenantry %s --help explains it with an example', async (_name, verb) => {
    const r = expectCode(await runCli([...verb, '--help']), 0);
    expect(r.stdout).toContain(`Usage: tenantry ${verb.join(' ')}`);
    expect(r.stdout).toMatch(/\nExamples?:\n {2}tenantry /);
    expect(r.stderr).toBe('');
  });

  it('names the NAV cmdlet each lifecycle verb mirrors', async () => {
    const cmdlets: [string[], string][] = [
      [['publish'], 'Publish-NAVApp'],
      [['unpublish'], 'Unpublish-NAVApp'],
      [['install'], 'Install-NAVApp'],
      [['uninstall'], 'Uninstall-NAVApp'],
      [['upgrade'], 'Start-NAVAppDataUpgrade'],
      [['sync'], 'Sync-NAVApp'],
      [['repair'], 'Repair-NAVApp'],
      [['info'], 'Get-NAVAppInfo'],
      [['app', 'tenants'], 'Get-NAVAppTenant'],
      [['app', 'pack'], 'New-NAVAppPackage'],
      [['tenant', 'remove-apps'], 'Remove-NAVAppsForTenant'],
      [['tenant', 'mount'], 'Mount-NAVTenant'],
      [['tenant', 'dismount'], 'Dismount-NAVTenant'],
    ];
    for (const [verb, cmdlet] of cmdlets) expect((await runCli([...verb, '--help'])).stdout, verb.join(' ')).toContain(cmdlet);
  });

  it('help <verb> works too', async () => {
    const r = expectCode(await runCli(['help', 'publish']), 0);
    expect(r.stdout).toContain('Usage: tenantry publish');
  });
});

describe('bad usage exits 2 with a hint', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown verb', ['instal', 'x'], /unknown command 'instal'/],
    ['unknown flag', ['install', 'x', '--tenant', 't1', '--frobnicate'], /unknown option '--frobnicate'/],
    ['missing argument', ['unpublish', '--version', '1.0.0.0'], /missing required argument 'app'/],
    ['missing required option', ['install', 'x'], /required option '--tenant <id>' not specified/],
    ['bad choice', ['sync', '--tenant', 't1', '--mode', 'destroy'], /argument 'destroy' is invalid/],
    ['bad number', ['data', 'rows', 'Customer', '--tenant', 't1', '--limit', 'many'], /expected a whole number/],
    ['bad JSON', ['data', 'insert', 'Customer', '--tenant', 't1', '--values', '{No.: 1}'], /not valid JSON/],
    ['JSON not an object', ['data', 'insert', 'Customer', '--tenant', 't1', '--values', '[1,2]'], /expected a JSON object/],
    ['group without verb', ['tenant'], /Usage: tenantry tenant/],
    ['no deployment', ['tenant', 'list'], /no deployment given: pass --deployment <folder> or set TENANTRY_DEPLOYMENT/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const r = expectCode(await runCli(args), 2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    if (!/Usage:/.test(r.stderr)) expect(r.stderr).toContain('--help');
  });

  it('--json reports bad usage as a JSON error too', async () => {
    const r = expectCode(await runCli(['install', 'x', '--json']), 2);
    expect(parseJson<{ error: { code: string; message: string } }>(r).error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('--tenant') });
  });

  it('options after a verb belong to the verb (unpublish --version is not the program version)', async () => {
    const r = expectCode(await runCli(['unpublish', 'x', '--version', '1.0.0.0']), 2);
    expect(r.stderr).toContain('no deployment given');
    expect(expectCode(await runCli(['--version']), 0).stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});
