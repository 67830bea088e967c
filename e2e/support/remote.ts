// A remote deployment for the e2e specs, run as a person would: `tenantry token new` for an admin token, then
// `tenantry serve --deployment <folder> --listen 127.0.0.1:0` as a child process. It can be killed (as a crash or a
// network cut would look to the console) and started again on the same port; the CLI can be run against it by URL
// or, while it is down, against its folder. The spec stops it by itself (stop()).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './console-host.js';

const BIN = path.join(ROOT, 'bin/tenantry.mjs');

export interface RemoteServer {
  readonly url: string;
  readonly token: string;
  readonly folder: string;
  /** kills the server process (SIGKILL: no goodbye to its clients) and waits for it to exit */
  kill(): Promise<void>;
  /** resolves when the server process has exited (killed, or by itself at a fault point) */
  exited(): Promise<void>;
  /** starts it again on the same address */
  restart(): Promise<void>;
  /** the `tenantry` CLI against the server's URL with the token; answers the JSON it printed */
  cli<T = unknown>(args: string[]): T;
  /** the `tenantry` CLI against the deployment folder (only while the server is down) */
  cliOnFolder<T = unknown>(args: string[]): T;
  /** stops the server if it runs (SIGTERM) */
  stop(): Promise<void>;
}

/** A child environment without a deployment or token the developer may have set in their shell. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TENANTRY_')) env[k] = v;
  return env;
}

function run<T>(args: string[]): T {
  const out = execFileSync(process.execPath, [BIN, ...args, '--json'], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.toString('utf8')) as T;
}

function listen(folder: string, address: string, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; url: string; exited: Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--deployment', folder, '--listen', address, '--json'], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      try {
        // the first line is the listening address; the server's log lines follow it on stdout
        resolve({ child, url: (JSON.parse(out.split('\n')[0] ?? '') as { url: string }).url, exited });
      } catch {
        // not the whole JSON line yet
      }
    });
    void exited.then(() => reject(new Error(`tenantry serve exited before listening: ${err}`)));
  });
}

/**
 * Makes an admin token for `folder` and serves it on 127.0.0.1 (a free port). `env` is added to the server's
 * environment (TENANTRY_FAULT=<op>:<k> makes it SIGKILL itself at a fault point); restart() starts it without.
 */
export async function serveDeployment(folder: string, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<RemoteServer> {
  const { token } = run<{ token: string }>(['token', 'new', '--deployment', folder, '--scope', 'admin', '--name', 'console-e2e']);
  let current = await listen(folder, '127.0.0.1:0', opts.env);
  const url = current.url;
  const address = new URL(url).host;
  let running = true;
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    if (!running) return;
    running = false;
    current.child.kill(signal);
    await current.exited;
  };
  return {
    url,
    token,
    folder,
    kill: () => halt('SIGKILL'),
    exited: async () => {
      await current.exited;
      running = false;
    },
    restart: async () => {
      await halt('SIGTERM');
      current = await listen(folder, address);
      running = true;
    },
    cli: <T>(args: string[]) => run<T>([...args, '--deployment', url, '--token', token]),
    cliOnFolder: <T>(args: string[]) => {
      if (running) throw new Error('the folder is served: use cli() against the URL');
      return run<T>([...args, '--deployment', folder]);
    },
    stop: () => halt('SIGTERM'),
  };
}
