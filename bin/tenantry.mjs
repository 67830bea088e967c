#!/usr/bin/env node
// The `tenantry` command: runs the CLI built ahead of time into dist/cli/ (scripts/build-cli.mjs, run by
// `npm install`'s prepare step), so a call does not compile TypeScript first. In a checkout whose build is missing
// or older than the sources, it builds it once (about a second) and says so on stderr.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist', 'cli', 'tenantry.js');

/** The newest modification time under the CLI's sources (platform/, shared/), in ms. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of ['platform', 'shared']) walk(path.join(root, dir));
  return newest;
}

// Staleness (a walk over the sources) is checked only in a development checkout (a git work tree), not at every call
// of an installed copy, whose build the prepare step made; TENANTRY_CLI_NO_REBUILD=1 skips it there too.
const devCheckout = fs.existsSync(path.join(root, '.git')) && process.env['TENANTRY_CLI_NO_REBUILD'] !== '1';
const stale = !fs.existsSync(built) || (devCheckout && fs.statSync(built).mtimeMs < newestSource());
if (stale) {
  // One build at a time (tests start many CLIs at once): the others wait for it.
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  const lock = path.join(root, 'dist', 'cli.build-lock');
  let fd;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch {
    fd = undefined;
  }
  if (fd !== undefined) {
    try {
      process.stderr.write('tenantry: building the CLI into dist/cli/ (its build was missing or older than the sources) ...\n');
      const { execFileSync } = await import('node:child_process');
      execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs'), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  } else {
    const until = Date.now() + 120_000;
    while (fs.existsSync(lock) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (fs.existsSync(lock)) fs.rmSync(lock, { force: true }); // a build that died: the next call builds again
  }
}
const { runFromProcess } = await import(pathToFileURL(built).href);
await runFromProcess();
