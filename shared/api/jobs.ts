// Jobs of a remote deployment: a long operation of the contract (`long: true`) started with POST /api/v1/jobs runs
// on the server; its state, progress, outcome and events are kept in the deployment database, so a client that
// disconnects reads them later. Events stream as SSE (tenant by tenant, step by step) and replay from an event id.
// Cancellation takes effect between tenants. Pure TypeScript + zod. (The console's own jobs are in console.ts.)
import { z } from 'zod';
import { ErrorInfoSchema, OPERATIONS, type OperationName } from './operations.js';

export const REMOTE_JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const RemoteJobStateSchema = z.enum(REMOTE_JOB_STATES);
export type RemoteJobState = z.infer<typeof RemoteJobStateSchema>;
export const FINAL_JOB_STATES: readonly RemoteJobState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/** The operations that may run as jobs: those the contract marks long. */
export const LONG_OPERATIONS = (Object.keys(OPERATIONS) as OperationName[]).filter((n) => OPERATIONS[n].long);

export function isLongOperation(name: string): name is OperationName {
  return (LONG_OPERATIONS as readonly string[]).includes(name);
}

export const StartJobRequestSchema = z
  .object({
    operation: z.string().min(1).max(100),
    input: z.unknown(),
  })
  .strict();

export const StartJobResponseSchema = z.object({ jobId: z.string() });

export const JobProgressSchema = z.object({
  /** Steps in all: tenants for a per-tenant operation, otherwise 1. */
  total: z.number().int(),
  done: z.number().int(),
  /** The tenant (or step) being worked on, if any. */
  current: z.string().nullable(),
});

export const RemoteJobSchema = z.object({
  id: z.string(),
  operation: z.string(),
  state: RemoteJobStateSchema,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  progress: JobProgressSchema,
  cancelRequested: z.boolean(),
  /** The operation's output (also after a cancel: the part that ran), or null. */
  result: z.unknown().nullable(),
  error: ErrorInfoSchema.nullable(),
});
export type RemoteJob = z.infer<typeof RemoteJobSchema>;

export const RemoteJobEventSchema = z.object({
  /** Per job, from 1; the SSE event id (resume with Last-Event-ID). */
  seq: z.number().int().min(1),
  jobId: z.string(),
  at: z.string(),
  type: z.enum(['state', 'tenant-started', 'step', 'tenant-finished']),
  state: RemoteJobStateSchema.optional(),
  tenantId: z.string().optional(),
  /** A step of the engine inside one tenant's operation (e.g. install: after-schema). */
  step: z.string().optional(),
  ok: z.boolean().optional(),
  error: ErrorInfoSchema.optional(),
  done: z.number().int(),
  total: z.number().int(),
});
export type RemoteJobEvent = z.infer<typeof RemoteJobEventSchema>;
