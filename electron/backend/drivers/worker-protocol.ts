// Messages between the console and the worker thread that owns a local deployment.
import type { ErrorInfo } from '../../../shared/api/errors.js';

export type WorkerRequest =
  | { type: 'invoke'; id: number; op: string; input: unknown }
  /** move a tenant to another local deployment folder (the engine's moveTenant, run in this worker) */
  | { type: 'move'; id: number; tenantId: string; destination: string; actor?: string }
  | { type: 'close'; id: number };
export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorInfo }
  /** a step the engine reached while working on request `id` (sent before its answer) */
  | { id: number; step: { op: string; name: string; at: number } };
export interface WorkerInit {
  folder: string;
}
