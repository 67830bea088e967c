// Starts what a person would run: demo deployments made by the real `tenantry demo` CLI, and the browser host
// as a child process on 127.0.0.1. Everything lives in a temporary folder removed afterwards.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUTPUT = path.join(ROOT, 'e2e/output');

export interface ConsoleHost {
  url: string;
  openUrl: string;
  dir: string;
  demo: string;
  dataDir: string;
  stop(): Promise<void>;
  /** stops the host and starts a new one on the same console data folder (cache, audit log, connections) */
  restart(): Promise<void>;
  cleanup(): void;
}

export function makeDemo(dir: string): string {
  const demo = path.join(dir, 'demo');
  execFileSync(process.execPath, [path.join(ROOT, 'bin/tenantry.mjs'), 'demo', demo], { cwd: ROOT, stdio: 'pipe' });
  return demo;
}

export async function startHost(dataDir: string, extraArgs: string[] = []): Promise<{ child: ChildProcess; url: string; openUrl: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'electron/web/main.ts'), '--data', dataDir, '--renderer', path.join(ROOT, 'renderer/dist'), ...extraArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; openUrl: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the browser host exited (code ${code})`)));
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; url: string; openUrl: string };
        if (msg.ready) resolve(msg);
      } catch {
        // not the ready line
      }
    });
  });
  return { child, ...ready };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startConsole(opts: { withDemo?: boolean } = {}): Promise<ConsoleHost> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-e2e-'));
  const demo = opts.withDemo === false ? '' : makeDemo(dir);
  const dataDir = path.join(dir, 'console');
  let host = await startHost(dataDir);

  return {
    get url() {
      return host.url;
    },
    get openUrl() {
      return host.openUrl;
    },
    dir,
    demo,
    dataDir,
    stop: () => stopChild(host.child),
    restart: async () => {
      await stopChild(host.child);
      host = await startHost(dataDir);
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export function shotPath(name: string): string {
  fs.mkdirSync(OUTPUT, { recursive: true });
  return path.join(OUTPUT, `${name}.png`);
}
