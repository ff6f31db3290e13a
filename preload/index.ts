import { contextBridge, ipcRenderer } from 'electron';
import type { ConvertrBridge, InvokeChannel, InvokeRequest, InvokeResult } from './contract';

const bridge: ConvertrBridge = {
  invoke: <C extends InvokeChannel>(channel: C, request: InvokeRequest<C>) => ipcRenderer.invoke(channel, request) as Promise<InvokeResult<C>>,
};

contextBridge.exposeInMainWorld('convertr', bridge);
