// Messages between the console and the worker thread that owns a local deployment.
import type { ErrorInfo } from '../../../shared/api/errors.js';

export type WorkerRequest = { type: 'invoke'; id: number; op: string; input: unknown } | { type: 'close'; id: number };
export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ErrorInfo };
export interface WorkerInit {
  folder: string;
}
