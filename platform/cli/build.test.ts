// The CLI runs from JavaScript built ahead of time (scripts/build-cli.mjs into dist/cli/), and what `--help` and a
// usage error load stays small: the statically imported graph of the entry holds commander and node's built-ins
// only; the engine, the server and the contract's zod schemas load when a verb needs them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, expectCode, spawnCli } from './cli-harness.js';

const DIST = path.join(REPO_ROOT, 'dist', 'cli');

/** Every module reached from `file` through static imports (chunks followed, packages listed by name). */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(path.join(DIST, file), 'utf8');
  for (const m of text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gms)) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('./')) staticGraph(spec.slice(2), seen);
    else seen.add(spec);
  }
  return seen;
}

describe('the built CLI', () => {
  it('bin/tenantry.mjs runs dist/cli/tenantry.js', async () => {
    const r = expectCode(await spawnCli(['--help']), 0);
    expect(r.stdout).toContain('Usage: tenantry');
    expect(fs.existsSync(path.join(DIST, 'tenantry.js'))).toBe(true);
    expect(fs.readFileSync(path.join(REPO_ROOT, 'bin', 'tenantry.mjs'), 'utf8')).not.toMatch(/from 'tsx|tsx\/esm/);
  });

  it('loads only commander and node built-ins before a verb runs', async () => {
    expectCode(await spawnCli(['--help']), 0); // (re)builds when a source is newer
    const packages = [...staticGraph('tenantry.js')].filter((m) => !m.endsWith('.js'));
    expect(packages.filter((m) => !m.startsWith('node:')).sort()).toEqual(['commander']);
  });
});
