// The preload: exposes to the renderer, through contextBridge, one named function per console operation
// (window.tenantry["tenant.detail"](input) ...), a job-event subscription and menu commands. Never
// ipcRenderer itself, never a generic channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CONSOLE_OPERATION_NAMES, JOB_EVENT_CHANNEL, ipcChannel } from '../../shared/api/console-names.js';

const REFUSAL = /^(?:Error invoking remote method '[^']+': )?(?:\w*Error: )?([A-Z_]+): ([\s\S]*)$/;

/** Electron passes only a message across IPC; main sends "CODE: message", turned back into {code, message}. */
async function invoke(channel: string, input: unknown): Promise<unknown> {
  try {
    return await ipcRenderer.invoke(channel, input);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const m = REFUSAL.exec(text);
    throw Object.assign(new Error(m ? m[2] : text), { code: m ? m[1] : 'INTERNAL' });
  }
}

const api: Record<string, unknown> = {};
for (const op of CONSOLE_OPERATION_NAMES) {
  const channel = ipcChannel(op);
  api[op] = (input: unknown) => invoke(channel, input);
}
api['onJobEvent'] = (listener: (event: unknown) => void) => {
  const wrapped = (_e: IpcRendererEvent, event: unknown): void => listener(event);
  ipcRenderer.on(JOB_EVENT_CHANNEL, wrapped);
  return () => ipcRenderer.removeListener(JOB_EVENT_CHANNEL, wrapped);
};
api['onMenuCommand'] = (listener: (command: string) => void) => {
  const wrapped = (_e: IpcRendererEvent, command: unknown): void => {
    if (typeof command === 'string') listener(command);
  };
  ipcRenderer.on('tenantry:menu', wrapped);
  return () => ipcRenderer.removeListener('tenantry:menu', wrapped);
};

contextBridge.exposeInMainWorld('tenantry', Object.freeze(api));
