// connect(): from a --deployment argument to an Invoker of the management contract. A folder opens the local
// engine; an http(s) URL gets the remote client (platform/remote), which runs long operations as server jobs.
// Every verb that works on one deployment goes through invoke(op, input), so both behave the same.
import fs from 'node:fs';
import { TenantryError } from '../../shared/api/errors.js';
import type { Deployment } from '../engine/deployment.js';
import type { RemoteClient } from '../remote/client.js';
import { isUrl, type ConnectOptions, type Connection } from './context.js';
import { describeJobEvent } from './progress.js';

export async function connect(target: string, opts: ConnectOptions = {}): Promise<Connection> {
  if (isUrl(target)) {
    const client = await openRemote(target, opts);
    return {
      target,
      invoke: (op, input) => client.invoke(op, input),
      close: () => client.close(),
      runLong: (op, input, progress) =>
        client.runJob(op, input, (e) => {
          const line = describeJobEvent(e);
          if (line !== null) progress(line);
        }),
      uploadTenantFile: async (file) => {
        const { tenantIdOfFile } = await import('../engine/tenant-file-id.js');
        const { sha256File } = await import('../engine/tenant-files.js');
        const tenantId = tenantIdOfFile(file);
        const { sha256, size } = sha256File(file);
        await client.uploadTenantFile(tenantId, fs.createReadStream(file), { sha256, size });
        return { tenantId };
      },
    };
  }
  const deployment = await openLocal(target);
  return {
    target,
    invoke: (op, input) => deployment.invoke(op, input),
    close: () => deployment.close(),
  };
}

/** The remote client for a URL (checks the transport rules: https, or http to loopback unless insecureHttp). */
export async function openRemote(url: string, opts: ConnectOptions): Promise<RemoteClient> {
  if (!opts.token) throw new TenantryError('UNAUTHORIZED', `${url}: no token given (--token or TENANTRY_TOKEN)`, { url });
  const { RemoteClient } = await import('../remote/client.js');
  return new RemoteClient({
    url,
    token: opts.token,
    insecureHttp: opts.insecureHttp ?? false,
    ...(opts.actor !== undefined ? { actor: opts.actor } : {}),
    ...(opts.onRetry
      ? { onRetry: (r: { attempt: number; delayMs: number; reason: string }) => opts.onRetry?.(`retrying ${url} in ${Math.round(r.delayMs)} ms (${r.reason})`) }
      : {}),
  });
}

/** The local engine itself, for the verbs that need more than the contract (tenant move between two folders). */
export async function openLocal(folder: string): Promise<Deployment> {
  // Loaded on first use: help and usage errors do not pay for loading the engine. The engine refuses a folder that
  // a live server serves (server-lock.ts), naming its URL.
  const { Deployment } = await import('../engine/deployment.js');
  return Deployment.open(folder);
}
