// The only module that talks to the console: through the preload's named functions when running in Electron
// (window.tenantry), else over HTTP to the browser host with the per-launch session token. Features call
// `api.call(op, input)` and never know which transport answered.
import { createParser } from 'eventsource-parser';
import type { ConsoleInput, ConsoleOperationName, ConsoleOutput, JobEvent } from '../../../shared/api/console.js';
import type { OperationInput, OperationName, OperationOutput } from '../../../shared/api/operations.js';

type PreloadApi = Record<ConsoleOperationName, (input: unknown) => Promise<unknown>> & {
  onJobEvent(listener: (e: JobEvent) => void): () => void;
  onMenuCommand?(listener: (command: string) => void): () => void;
};

declare global {
  interface Window {
    tenantry?: PreloadApi;
  }
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** the id of the console's log line for this refusal (logs/console.N.log in the console's data folder) */
    readonly ref?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The short form of a log reference shown to people: enough to find the line (`grep <ref> logs/console.*.log`). */
export const shortRef = (ref: string): string => ref.slice(0, 8);

/** An error as a line for the screen: the contract's code and message, and the reference of its log line. */
export const errorText = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}${e.ref ? ` (ref ${shortRef(e.ref)})` : ''}` : String(e));

const SESSION_KEY = 'tenantry.session';
const SESSION_HEADER = 'x-tenantry-session';

/** The browser host hands the token in the URL fragment once; keep it for this tab and drop it from the address bar. */
function sessionToken(): string | null {
  const m = /(?:^#|&)session=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(SESSION_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  return sessionStorage.getItem(SESSION_KEY);
}

const preload = window.tenantry;
const token = preload ? null : sessionToken();

export const transport: 'electron' | 'browser' = preload ? 'electron' : 'browser';

async function httpCall(op: string, input: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`./api/${op}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SESSION_HEADER]: token ?? '' },
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    throw new ApiError('UNAVAILABLE', `the console host cannot be reached (${e instanceof Error ? e.message : String(e)})`);
  }
  const body = (await res.json().catch(() => null)) as unknown;
  if (!body) throw new ApiError('INTERNAL', `the console host answered ${res.status}`);
  return unwrap(body);
}

type Envelope = { ok: boolean; value?: unknown; error?: { code: string; message: string; details?: Record<string, unknown>; ref?: string } };

/** Both transports answer with the contract's envelope: its value, or an ApiError with its code and details. */
function unwrap(answer: unknown): unknown {
  const body = answer as Envelope;
  if (!body.ok) throw new ApiError(body.error?.code ?? 'INTERNAL', body.error?.message ?? 'failed', body.error?.details, body.error?.ref);
  return body.value;
}

export async function call<N extends ConsoleOperationName>(op: N, input: ConsoleInput<N>): Promise<ConsoleOutput<N>> {
  if (preload) return unwrap(await preload[op](input)) as ConsoleOutput<N>;
  return (await httpCall(op, input)) as ConsoleOutput<N>;
}

/** One operation of the management contract on one connection. */
export async function callDeployment<N extends OperationName>(connectionId: string, op: N, input: OperationInput<N>): Promise<OperationOutput<N>> {
  return (await call('deployment.call', { connectionId, op, input })) as OperationOutput<N>;
}

/** Job progress: IPC events in Electron, server-sent events (read with fetch, reconnecting) in the browser. */
export function onJobEvent(listener: (e: JobEvent) => void): () => void {
  if (preload) return preload.onJobEvent(listener);
  let stopped = false;
  let controller: AbortController | undefined;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch('./api/events', { headers: { [SESSION_HEADER]: token ?? '' }, signal: controller.signal });
        if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
        // TextDecoderStream decodes across chunks; eventsource-parser handles fields split anywhere.
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = createParser({ onEvent: (msg) => listener(JSON.parse(msg.data) as JobEvent) });
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // host restarting or tab sleeping: retry below
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}

export function onMenuCommand(listener: (command: string) => void): () => void {
  return preload?.onMenuCommand ? preload.onMenuCommand(listener) : () => undefined;
}
