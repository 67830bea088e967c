// The IPC handlers of the console contract: one channel per operation, each checking its sender before
// anything else and parsing its input with the contract's schema. Electron passes only an Error's message
// across IPC, so a refusal becomes `CODE: message` and the preload turns it back into {code, message}.
import { CONSOLE_OPERATIONS, CONSOLE_OPERATION_NAMES, type ConsoleOperationName } from '../../shared/api/console.js';
import { ipcChannel } from '../../shared/api/console-names.js';
import type { Result } from '../../shared/api/errors.js';
import { describeIssues } from '../../shared/api/operations.js';
import { isTrustedSender, type IpcSender } from './security.js';

export interface ConsoleHandler {
  handle(op: string, input: unknown): Promise<Result<unknown>>;
}

/** The part of an IpcMainInvokeEvent the check needs. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string } | null | undefined;
}

export class IpcRefusal extends Error {
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'IpcRefusal';
  }
}

export function makeIpcHandler(op: ConsoleOperationName, services: ConsoleHandler, windowIds: ReadonlySet<number>) {
  return async (event: InvokeEventLike, input: unknown): Promise<unknown> => {
    const sender: IpcSender = { senderId: event.sender.id, frameUrl: event.senderFrame?.url };
    if (!isTrustedSender(sender, windowIds)) {
      throw new IpcRefusal('FORBIDDEN', `${op} refused: the call did not come from the console window`);
    }
    const parsed = CONSOLE_OPERATIONS[op].input.safeParse(input ?? {});
    if (!parsed.success) throw new IpcRefusal('BAD_INPUT', describeIssues(op, parsed.error.issues));
    // services.handle parses again: harmless, and keeps the services safe when called from elsewhere.
    const r = await services.handle(op, input ?? {});
    if (!r.ok) throw new IpcRefusal(r.error.code, r.error.message);
    return r.value;
  };
}

/** Every (channel, handler) pair main registers with ipcMain.handle. */
export function ipcHandlers(services: ConsoleHandler, windowIds: ReadonlySet<number>): [string, ReturnType<typeof makeIpcHandler>][] {
  return CONSOLE_OPERATION_NAMES.map((op) => [ipcChannel(op), makeIpcHandler(op, services, windowIds)]);
}
