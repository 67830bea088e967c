// Test support for the CLI tests: run main() in-process with captured output, spawn the real bin, temp folders,
// and demo packages packed once per suite. Not used by the CLI itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from './main.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(REPO_ROOT, 'bin', 'tenantry.mjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** main() in-process: same code path as the bin, without the cost of a new node + tsx per call. */
export async function runCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    env: { TENANTRY_ACTOR: 'cli-test', ...opts.env },
    cwd: opts.cwd ?? process.cwd(),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** The real command: node bin/tenantry.mjs, as a child process. */
export function spawnCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, TENANTRY_ACTOR: 'cli-test', ...opts.env })) if (v !== undefined) env[k] = v;
    delete env['TENANTRY_DEPLOYMENT'];
    if (opts.env?.['TENANTRY_DEPLOYMENT']) env['TENANTRY_DEPLOYMENT'] = opts.env['TENANTRY_DEPLOYMENT'];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Parses stdout of a --json run, with the whole result in the message when it is not JSON. */
export function parseJson<T>(r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

/** Asserts the exit code, showing the output when it differs (vitest's message alone says nothing useful). */
export function expectCode(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

export class TempDirs {
  private readonly dirs: string[] = [];
  make(prefix = 'tenantry-cli-'): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }
  cleanup(): void {
    for (const d of this.dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  }
}
