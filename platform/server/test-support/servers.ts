// Test support for the server tests: real deployments in temp folders served on 127.0.0.1 (port 0), in this process
// or as a child process (`tenantry serve`, so a test can SIGKILL it), with admin and read tokens and clients.
// Not used by the server itself.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppDefinitionInput } from '../../../shared/domain/app-definition.js';
import { Deployment } from '../../engine/deployment.js';
import { COMPANIES, pkg, testApplication } from '../../engine/test-support/fixtures.js';
import { RemoteClient, type RemoteClientOptions } from '../../remote/client.js';
import { createServer, type ServerOptions } from '../server.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = path.join(REPO_ROOT, 'bin', 'tenantry.mjs');

export interface TestServer {
  url: string;
  d: Deployment;
  folder: string;
  /** Admin and read tokens over every tenant. */
  admin: string;
  reader: string;
  client(token?: string, opts?: Partial<RemoteClientOptions>): RemoteClient;
  /** Open connections to the server (a test waits for its sockets to be accepted). */
  connections(): Promise<number>;
  /** Stops the server, closes the deployment and removes the temp folder. */
  stop(): Promise<void>;
}

/** A temp folder holding one new deployment with the test application, `apps` published and `tenants` created. */
export function makeDeployment(opts: { name?: string; apps?: AppDefinitionInput[]; tenants?: string[]; changeRetention?: number; dir?: string } = {}): {
  d: Deployment;
  folder: string;
  dir: string;
} {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tenantry-server-'));
  const folder = path.join(dir, opts.name ?? 'dep');
  const d = Deployment.create(folder, {
    application: testApplication(),
    name: opts.name ?? 'dep',
    ...(opts.changeRetention !== undefined ? { changeRetention: opts.changeRetention } : {}),
  });
  for (const a of opts.apps ?? []) d.publish(pkg(a), { skipVerification: true });
  for (const t of opts.tenants ?? []) d.createTenant(t, { companies: COMPANIES });
  return { d, folder, dir };
}

/** Serves a deployment in this process on 127.0.0.1 with a free port. */
export async function startTestServer(
  opts: { name?: string; apps?: AppDefinitionInput[]; tenants?: string[]; changeRetention?: number; server?: Partial<Omit<ServerOptions, 'deployment'>> } = {},
): Promise<TestServer> {
  const { d, folder, dir } = makeDeployment(opts);
  const admin = d.tokens.create({ scope: 'admin', name: 'admin' }).token;
  const reader = d.tokens.create({ scope: 'read', name: 'reader' }).token;
  const app = await createServer({ deployment: d, ...opts.server });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const clients: RemoteClient[] = [];
  return {
    url,
    d,
    folder,
    admin,
    reader,
    client(token = admin, extra = {}) {
      const c = new RemoteClient({ url, token, baseDelayMs: 20, maxDelayMs: 200, ...extra });
      clients.push(c);
      return c;
    },
    connections: () => new Promise((resolve, reject) => app.server.getConnections((e, n) => (e ? reject(e) : resolve(n)))),
    async stop() {
      for (const c of clients) c.close();
      await app.close();
      d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Resolves when the child has exited. */
  exited: Promise<number | null>;
  stderr(): string;
  /** SIGTERM and wait (a no-op if it is gone already). */
  stop(): Promise<void>;
}

/** `tenantry serve --deployment <folder> --listen 127.0.0.1:0` as a child process; resolves once it listens. */
export function spawnServer(folder: string, extraArgs: string[] = []): Promise<SpawnedServer> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'TENANTRY_DEPLOYMENT' && k !== 'TENANTRY_FAULT') env[k] = v;
  const child = spawn(process.execPath, [BIN, 'serve', '--deployment', folder, '--listen', '127.0.0.1:0', '--json', ...extraArgs], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      try {
        // the first line is the listening address; the server's log lines follow it on stdout
        const info = JSON.parse(out.split('\n')[0] ?? '') as { url: string };
        resolve({
          url: info.url,
          child,
          exited,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      } catch {
        // not all of the JSON yet
      }
    });
    void exited.then((code) => reject(new Error(`tenantry serve exited (${code}) before listening: ${err}`)));
  });
}

/** A raw HTTP call (fetch), for tests of what the server answers to requests the client would never send. */
export async function rawCall(
  url: string,
  method: string,
  route: string,
  opts: { token?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: { ok: boolean; value?: unknown; error?: { code: string; message: string } } | null; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
  if (opts.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${route}`, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}
