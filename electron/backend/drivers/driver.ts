// A driver runs operations of the management contract on one deployment: the local engine in a worker
// thread, or a remote server over HTTP. The console's services only ever see this interface.
import type { RemoteJobEvent } from '../../../shared/api/jobs.js';
import type { Invoker, OperationInput, OperationName, OperationOutput } from '../../../shared/api/operations.js';

/** What a caller may watch while a long operation runs (a remote driver runs it as a server job). */
export interface InvokeOptions {
  /** the server accepted the job: its id */
  onJob?(jobId: string): void;
  /** each event of the server job, in order, replayed after a dropped connection without repeats */
  onEvent?(event: RemoteJobEvent): void;
}

export interface Driver extends Invoker {
  readonly kind: 'local' | 'remote';
  invoke<N extends OperationName>(op: N, input: OperationInput<N>, opts?: InvokeOptions): Promise<OperationOutput<N>>;
  close(): Promise<void>;
}

/** Where the progress of one job item goes (jobs.ts ItemReporter has this shape). */
export interface StepSink {
  step(name: string, patch: { label?: string; state?: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped'; detail?: string }): void;
}

/**
 * Maps a server job's events onto one step of a console job item: "Server job <id>" running, its detail the
 * engine step reached (install: after-schema ...), then succeeded or failed with the job.
 */
export function serverJobSteps(sink: StepSink | undefined): InvokeOptions | undefined {
  if (!sink) return undefined;
  let label = 'Server job';
  let steps = 0;
  return {
    onJob: (jobId) => {
      label = `Server job ${jobId.slice(0, 8)}`;
      sink.step('server-job', { label, state: 'running', detail: 'accepted by the server' });
    },
    onEvent: (e) => {
      if (e.type === 'step' && e.step) {
        steps++;
        sink.step('server-job', { label, detail: `${e.step} (step ${steps})` });
      } else if (e.type === 'state' && e.state) {
        const final = e.state === 'succeeded' ? 'succeeded' : e.state === 'running' || e.state === 'queued' ? 'running' : 'failed';
        const detail =
          e.state === 'running' || e.state === 'queued'
            ? `${e.state} on the server`
            : `${e.state} on the server after ${steps} engine steps${e.error ? `: ${e.error.message}` : ''}`;
        sink.step('server-job', { label, state: final, detail });
      }
    },
  };
}
