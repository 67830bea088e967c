// The preload: exposes to the renderer, through contextBridge, one named function per console operation
// (window.tenantry["tenant.detail"](input) ..., answering with the contract's {ok, value | error} envelope), a job-event subscription and menu commands. Never
// ipcRenderer itself, never a generic channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CONSOLE_OPERATION_NAMES, JOB_EVENT_CHANNEL, ipcChannel } from '../../shared/api/console-names.js';
import { callOverIpc } from '../../shared/api/ipc-envelope.js';

/** Main answers with the contract's envelope, as HTTP does; the renderer's api.ts unwraps both alike. */
const invoke = (channel: string, input: unknown): Promise<unknown> => callOverIpc((c, i) => ipcRenderer.invoke(c, i), channel, input);

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
