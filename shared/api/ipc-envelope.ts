// Answers across Electron IPC. Handlers return the same `Result` envelope as HTTP (`{ok, value}` or
// `{ok: false, error: {code, message, details}}`) and never throw: Electron passes only the message of a thrown
// error, as "Error invoking remote method '<channel>': <Name>: <message>", which loses the code and the details.
// Should a handler throw anyway, `callOverIpc` reads that string back as well as it can. Pure TypeScript.
import { ERROR_CODES, type ErrorCode, type ErrorInfo, type Result } from './errors.js';

/** Electron's message for an error thrown in an `ipcMain.handle` handler, with our `CODE: message` inside. */
const THROWN = /^(?:Error invoking remote method '[^']*': )?(?:[A-Za-z]*(?:Error|Refusal): )?([A-Z][A-Z_]+): ([\s\S]*)$/;

/** The code and message in what an IPC invoke rejected with (INTERNAL when it carries no code). */
export function errorInfoFromIpcThrow(e: unknown): ErrorInfo {
  const text = e instanceof Error ? e.message : String(e);
  const m = THROWN.exec(text);
  return m && m[1]! in ERROR_CODES
    ? { code: m[1] as ErrorCode, message: m[2]! }
    : { code: 'INTERNAL', message: text.replace(/^Error invoking remote method '[^']*': /, '') };
}

export function isResultEnvelope(v: unknown): v is Result<unknown> {
  if (!v || typeof v !== 'object') return false;
  const r = v as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (r.ok === true) return 'value' in r;
  return r.ok === false && typeof r.error?.code === 'string' && typeof r.error.message === 'string';
}

/** One call over IPC, always answered with the envelope (the preload's side). */
export async function callOverIpc(invoke: (channel: string, input: unknown) => Promise<unknown>, channel: string, input: unknown): Promise<Result<unknown>> {
  try {
    const answer = await invoke(channel, input);
    if (isResultEnvelope(answer)) return answer;
    return { ok: false, error: { code: 'INTERNAL', message: `${channel} answered without the contract's envelope` } };
  } catch (e) {
    return { ok: false, error: errorInfoFromIpcThrow(e) };
  }
}
