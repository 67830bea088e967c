// Runs the browser host as a program: `node --import tsx electron/web/main.ts --data <dir> [--port n]
// [--renderer <dir>] [--local <name>=<folder> ...]`. Prints one JSON line {"ready": true, "url", "openUrl"}
// once it listens, and stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openConsoleLog } from '../backend/console-log.js';
import { ConsoleServices } from '../backend/console-services.js';
import { startWebHost } from './web-host.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    port: { type: 'string' },
    renderer: { type: 'string' },
    local: { type: 'string', multiple: true },
    token: { type: 'string' },
  },
  strict: true,
});
if (!values.data) {
  process.stderr.write('usage: electron/web/main.ts --data <console data folder> [--port n] [--renderer dir] [--local name=folder ...]\n');
  process.exit(2);
}

const dataDir = path.resolve(values.data);
const services = new ConsoleServices({ dataDir, host: 'browser', log: await openConsoleLog(dataDir) });
// Connections named on the command line are added once (by name); later launches keep what the user changed.
const existing = new Set((await services.call('connections.list', {})).map((c) => c.name.toLowerCase()));
for (const spec of values.local ?? []) {
  const eq = spec.indexOf('=');
  const name = spec.slice(0, eq);
  const folder = spec.slice(eq + 1);
  if (eq <= 0 || existing.has(name.toLowerCase())) continue;
  const r = await services.handle('connections.add', { kind: 'local', name, folder });
  if (!r.ok) process.stderr.write(`could not add connection ${name}: ${r.error.message}\n`);
}

const host = await startWebHost({
  services,
  rendererDir: path.resolve(values.renderer ?? path.join(here, '../../renderer/dist')),
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values.token ? { token: values.token } : {}),
});
process.stdout.write(JSON.stringify({ ready: true, url: host.url, openUrl: host.openUrl }) + '\n');

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await host.close();
  await services.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
