import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type ConvertrBridge, type EventChannel, type EventPayload, type InvokeChannel, type InvokeRequest, type InvokeResult } from './contract';

const invokable = new Set<string>(INVOKE_CHANNELS);
const events = new Set<string>(EVENT_CHANNELS);

/** Exposes exactly the contract on `window.convertr`: nothing of ipcRenderer itself leaks to the page. */
const bridge: ConvertrBridge = {
  invoke: <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>) => {
    if (!invokable.has(channel)) return Promise.resolve({ ok: false, error: { code: 'USAGE', message: `Unknown channel ${String(channel)}.` } } as InvokeResult<C>);
    return ipcRenderer.invoke(channel, request) as Promise<InvokeResult<C>>;
  },
  on: <E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void) => {
    if (!events.has(channel)) throw new Error(`Unknown event channel ${String(channel)}.`);
    const wrapped = (_event: IpcRendererEvent, payload: EventPayload<E>) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
  pathsForDroppedFiles: (files: readonly File[]) => Promise.resolve(files.map((file) => webUtils.getPathForFile(file)).filter((p) => p !== '')),
};

contextBridge.exposeInMainWorld('convertr', bridge);
