#!/usr/bin/env node
// `npm start`: opens the Tenantry console connected to two demo deployments.
// 1. On first run, creates the demo deployments (east, west) in the user data folder: $TENANTRY_HOME, or
//    ~/.config/tenantry (the console's own database lives beside them, in console/).
// 2. If the Electron binary is there (or can be fetched with electron's own install script), builds and
//    launches the desktop app. Otherwise builds the renderer if needed, starts the browser host on 127.0.0.1,
//    prints the URL to open, and says why Electron was not used.
// Options: --browser (skip Electron), --port <n>, --no-demo.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const home = path.resolve(process.env.TENANTRY_HOME ?? path.join(os.homedir(), '.config', 'tenantry'));
const demo = path.join(home, 'demo');
const consoleData = path.join(home, 'console');
const log = (line) => process.stdout.write(`${line}\n`);

fs.mkdirSync(home, { recursive: true, mode: 0o700 });

// 1. The demo deployments, once.
if (!flag('--no-demo') && !fs.existsSync(path.join(demo, 'east', 'deployment.sqlite'))) {
  if (fs.existsSync(demo)) fs.rmSync(demo, { recursive: true, force: true }); // a half-made demo from an interrupted run
  log(`Creating the demo deployments in ${demo} ...`);
  execFileSync(process.execPath, [path.join(root, 'bin', 'tenantry.mjs'), 'demo', demo], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
const demoConnections = flag('--no-demo')
  ? []
  : [
      { name: 'East', folder: path.join(demo, 'east') },
      { name: 'West', folder: path.join(demo, 'west') },
    ];

// 2. Electron, if it can run here.
function electronBinary() {
  const pathFile = path.join(root, 'node_modules', 'electron', 'path.txt');
  if (!fs.existsSync(pathFile)) return undefined;
  const bin = path.join(root, 'node_modules', 'electron', 'dist', fs.readFileSync(pathFile, 'utf8').trim());
  return fs.existsSync(bin) ? bin : undefined;
}

function whyNotElectron() {
  if (flag('--browser')) return 'you asked for the browser host (--browser)';
  if (!fs.existsSync(path.join(root, 'node_modules', 'electron', 'install.js'))) return 'the electron package is not installed';
  if (!electronBinary()) {
    log('The Electron binary is missing; trying to fetch it (node node_modules/electron/install.js) ...');
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'electron', 'install.js')], {
      cwd: root,
      stdio: 'pipe',
      timeout: 120_000,
      encoding: 'utf8',
    });
    if (r.status !== 0 || !electronBinary()) {
      const output = `${r.stderr ?? ''}\n${r.stdout ?? ''}\n${r.error?.message ?? ''}`
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      const detail = output.find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l) && !l.startsWith('at ')) ?? output.at(-1) ?? 'no output';
      return `the Electron binary is not installed and could not be downloaded (${detail})`;
    }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return 'there is no display ($DISPLAY and $WAYLAND_DISPLAY are unset)';
  return undefined;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function buildRendererIfNeeded() {
  const index = path.join(root, 'renderer', 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(root, 'renderer', 'src')),
    newestMtime(path.join(root, 'shared')),
    fs.statSync(path.join(root, 'renderer', 'index.html')).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  log('Building the renderer ...');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
    { cwd: root, stdio: 'inherit' },
  );
}

const reason = whyNotElectron();
buildRendererIfNeeded();

if (!reason) {
  log('Building the Electron main process ...');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs')], { cwd: root, stdio: 'inherit' });
  const child = spawn(electronBinary(), [root], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TENANTRY_CONSOLE_DATA: consoleData, TENANTRY_ADD_LOCAL: JSON.stringify(demoConnections) },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const hostArgs = ['--import', 'tsx', path.join(root, 'electron', 'web', 'main.ts'), '--data', consoleData, '--renderer', path.join(root, 'renderer', 'dist')];
  for (const c of demoConnections) hostArgs.push('--local', `${c.name}=${c.folder}`);
  const port = option('--port');
  if (port) hostArgs.push('--port', port);
  const child = spawn(process.execPath, hostArgs, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      log(line);
      return;
    }
    if (msg.ready) {
      log('');
      log(`Electron was not used: ${reason}.`);
      log('The console runs in your browser instead, served on this machine only:');
      log('');
      log(`  ${msg.openUrl}`);
      log('');
      log(`Data: ${home} (demo deployments in demo/, the console's database in console/). Stop with Ctrl+C.`);
    }
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
