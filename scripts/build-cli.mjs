#!/usr/bin/env node
// Builds the `tenantry` CLI ahead of time: esbuild bundles platform/cli/main.ts and what it imports into
// dist/cli/ (ES modules, split at every dynamic import so `--help` loads only commander and the verbs' help, and the
// engine, the server, the contract's schemas load when a verb needs them). Packages stay in node_modules
// (better-sqlite3 is native). Run by `npm install` / `npm ci` (the `prepare` script) and by bin/tenantry.mjs
// when the build is missing or older than the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli');

// Built beside, then swapped in, so a CLI starting meanwhile finds the old build or the new one, never half of one.
const staging = `${outdir}.building-${process.pid}`;
fs.rmSync(staging, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { tenantry: 'platform/cli/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: staging,
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
fs.writeFileSync(path.join(staging, 'build-info.json'), JSON.stringify({ builtAt: new Date().toISOString() }) + '\n');
const old = `${outdir}.old-${process.pid}`;
if (fs.existsSync(outdir)) fs.renameSync(outdir, old);
fs.renameSync(staging, outdir);
fs.rmSync(old, { recursive: true, force: true });
if (!process.argv.includes('--quiet')) process.stdout.write(`built ${path.relative(root, outdir)}/tenantry.js\n`);
