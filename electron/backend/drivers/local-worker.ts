// The worker thread that owns one local deployment: every engine call (SQLite, zip, schema work) runs here,
// so the console's main thread, and with it the window, never blocks on a long install or archive.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorInfo } from '../../../shared/api/errors.js';
import { OPERATIONS, type OperationName } from '../../../shared/api/operations.js';
import { Deployment } from '../../../platform/engine/deployment.js';
import { setStepListener } from '../../../platform/engine/fault.js';
import type { WorkerInit, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const { folder } = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('local-worker must run in a worker thread');

let opened: Promise<Deployment> | undefined;
const deployment = (): Promise<Deployment> => (opened ??= Promise.resolve().then(() => Deployment.open(folder)));

// Requests are handled one at a time (the engine's transactions are synchronous anyway), in two lanes: writes
// (operations of kind 'write', moves) before reads, each lane in order. The console's views ask for reads in
// bursts (the fleet snapshot, archives, history); an administrator's install must not wait behind a burst of them.
// A read issued before a write may then see the write's effect, as it would have a moment later anyway.
const lanes: { writes: WorkerRequest[]; reads: WorkerRequest[] } = { writes: [], reads: [] };
let busy = false;

/** close waits for the reads asked before it, like a read; everything else that is not a read is a write. */
function isRead(msg: WorkerRequest): boolean {
  return msg.type === 'close' || (msg.type === 'invoke' && OPERATIONS[msg.op as OperationName]?.kind === 'read');
}

port.on('message', (msg: WorkerRequest) => {
  (isRead(msg) ? lanes.reads : lanes.writes).push(msg);
  // pick after the messages that arrived together are all in their lanes
  if (!busy) {
    busy = true;
    setImmediate(() => void pump());
  }
});

async function pump(): Promise<void> {
  for (let next = lanes.writes.shift() ?? lanes.reads.shift(); next; next = lanes.writes.shift() ?? lanes.reads.shift()) await handle(next);
  busy = false;
}

async function handle(msg: WorkerRequest): Promise<void> {
  let reply: WorkerResponse;
  try {
    if (msg.type === 'close') {
      if (opened) (await opened.catch(() => undefined))?.close();
      opened = undefined;
      reply = { id: msg.id, ok: true, value: null };
    } else if (msg.type === 'move') {
      const d = await deployment();
      // The destination is opened here only for the move (its own worker is stopped meanwhile, see LocalDriver).
      // Each step the engine reaches is posted at once: the main thread shows it while this thread still works.
      const dest = Deployment.open(msg.destination);
      const previous = setStepListener((op, name) => {
        if (op === 'move') port!.postMessage({ id: msg.id, step: { op, name, at: Date.now() } } satisfies WorkerResponse);
      });
      try {
        const value = d.moveTenant(msg.tenantId, dest, msg.actor !== undefined ? { actor: msg.actor } : {});
        reply = { id: msg.id, ok: true, value };
      } finally {
        setStepListener(previous);
        dest.close();
      }
    } else {
      const d = await deployment();
      const value = await d.invoke(msg.op as OperationName, msg.input as never);
      reply = { id: msg.id, ok: true, value };
    }
  } catch (e) {
    if (msg.type === 'invoke' && opened) {
      // A folder that failed to open is retried on the next call (it may have been created since).
      const failedOpen = await opened.then(
        () => false,
        () => true,
      );
      if (failedOpen) opened = undefined;
    }
    reply = { id: msg.id, ok: false, error: toErrorInfo(e) };
  }
  port!.postMessage(reply);
}
