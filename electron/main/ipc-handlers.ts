// The IPC handlers of the console contract: one channel per operation, each checking its sender before
// anything else and parsing its input with the contract's schema. Each answers with the contract's envelope,
// `{ok: true, value}` or `{ok: false, error: {code, message, details}}`, exactly as HTTP does, and never throws:
// Electron would pass only a thrown error's message (shared/api/ipc-envelope.ts).
import { CONSOLE_OPERATION_NAMES, type ConsoleOperationName } from '../../shared/api/console.js';
import { ipcChannel } from '../../shared/api/console-names.js';
import { toErrorInfo, type ErrorCode, type Result } from '../../shared/api/errors.js';
import { isTrustedSender, type IpcSender } from './security.js';

export interface ConsoleHandler {
  handle(op: string, input: unknown): Promise<Result<unknown>>;
}

/** The part of an IpcMainInvokeEvent the check needs. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null | undefined;
}

const refusal = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

export function makeIpcHandler(op: ConsoleOperationName, services: ConsoleHandler, windowIds: ReadonlySet<number>) {
  return async (event: InvokeEventLike, input: unknown): Promise<Result<unknown>> => {
    const sender: IpcSender = { senderId: event.sender.id, frameUrl: event.senderFrame?.url };
    if (!isTrustedSender(sender, windowIds)) return refusal('FORBIDDEN', `${op} refused: the call did not come from the console window`);
    try {
      // services.handle parses the input with the contract's schema before it acts, and refuses it with the
      // same details (the issues, the operation) as over HTTP.
      return await services.handle(op, input ?? {});
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  };
}

/** Every (channel, handler) pair main registers with ipcMain.handle. */
export function ipcHandlers(services: ConsoleHandler, windowIds: ReadonlySet<number>): [string, ReturnType<typeof makeIpcHandler>][] {
  return CONSOLE_OPERATION_NAMES.map((op) => [ipcChannel(op), makeIpcHandler(op, services, windowIds)]);
}
