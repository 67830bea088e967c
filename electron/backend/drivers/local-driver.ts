// The local driver: a deployment folder on this machine, worked on by the engine in a worker thread.
import { Worker } from 'node:worker_threads';
import { TenantryError, type ErrorInfo, type ErrorCode } from '../../../shared/api/errors.js';
import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/operations.js';
import type { Driver } from './driver.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './worker-protocol.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onStep?: (step: { op: string; name: string; at: number }) => void;
}

/** What the engine's moveTenant answers. */
export interface LocalMoveResult {
  tenantId: string;
  sha256: string;
  size: number;
  opId: string;
}

/**
 * Where the worker's code is: beside this module as .js once bundled; as .ts in development and tests, loaded
 * through a bootstrap that registers tsx inside the worker.
 */
function workerEntry(): { url: URL; entry?: string } {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return { url: new URL('./tsx-worker-boot.mjs', self), entry: new URL('./local-worker.ts', self).href };
  return { url: new URL('./local-worker.js', self) };
}

export class LocalDriver implements Driver {
  readonly kind = 'local' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: ErrorInfo | undefined;

  constructor(readonly folder: string) {
    const { url, entry } = workerEntry();
    const init: WorkerInit & { entry?: string } = { folder, ...(entry ? { entry } : {}) };
    this.worker = new Worker(url, { workerData: init });
    this.worker.on('message', (m: WorkerResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if ('step' in m) {
        p.onStep?.(m.step);
        return;
      }
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new TenantryError(m.error.code as ErrorCode, m.error.message, m.error.details));
    });
    const fail = (message: string): void => {
      this.dead = { code: 'UNAVAILABLE', message };
      for (const p of this.pending.values()) p.reject(new TenantryError('UNAVAILABLE', message, { folder }));
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(`the engine for ${folder} stopped: ${e.message}`));
    this.worker.on('exit', (code) => fail(`the engine for ${folder} exited (code ${code})`));
  }

  invoke<N extends OperationName>(op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
    return this.send({ type: 'invoke', id: this.nextId++, op, input }) as Promise<OperationOutput<N>>;
  }

  /**
   * Moves a tenant of this deployment to another local deployment folder with the engine's moveTenant (journal,
   * checksum, verify; undone on failure and on the next open after a crash). The caller must make sure nothing
   * else has the destination open meanwhile. `onStep` sees each step as the engine reaches it.
   */
  moveTenant(
    tenantId: string,
    destination: string,
    opts: { actor?: string; onStep?: (step: { op: string; name: string; at: number }) => void } = {},
  ): Promise<LocalMoveResult> {
    return this.send(
      { type: 'move', id: this.nextId++, tenantId, destination, ...(opts.actor !== undefined ? { actor: opts.actor } : {}) },
      opts.onStep,
    ) as Promise<LocalMoveResult>;
  }

  async close(): Promise<void> {
    if (this.dead) return;
    await this.send({ type: 'close', id: this.nextId++ }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(msg: WorkerRequest, onStep?: Pending['onStep']): Promise<unknown> {
    if (this.dead) return Promise.reject(new TenantryError('UNAVAILABLE', this.dead.message, { folder: this.folder }));
    return new Promise((resolve, reject) => {
      this.pending.set(msg.id, { resolve, reject, ...(onStep ? { onStep } : {}) });
      this.worker.postMessage(msg);
    });
  }
}
