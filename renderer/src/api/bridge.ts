import type { ConvertrBridge, EventChannel, EventPayload, InvokeChannel, InvokeRequest, InvokeResponse } from '../../../preload/contract';
import { createWebBridge, webDownloadAllUrl, webDownloadUrl, webTokenPresent } from './webBridge';

export { UNAUTHORIZED_EVENT, UPLOAD_FAILED_EVENT } from './webBridge';

/** In a browser tab opened without the web host's token nothing can work; the window says so instead. */
export function missingWebToken(): boolean {
  return window.convertr === undefined && !webTokenPresent();
}

declare global {
  interface Window {
    convertr?: ConvertrBridge;
  }
}

let bridge: ConvertrBridge | undefined;

/** The one module that touches `window.convertr` (the Electron preload), or the web host's bridge in a browser. */
function current(): ConvertrBridge {
  bridge ??= window.convertr ?? createWebBridge();
  return bridge;
}

export class BridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Calls a contract channel; a failure arrives as a BridgeError with the engine's code and words. */
export async function call<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  const result = await current().invoke(channel, request);
  if (!result.ok) throw new BridgeError(result.error.code, result.error.message);
  return result.value;
}

export function subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void {
  return current().on(channel, listener);
}

/** In the browser, a finished file is downloaded; the desktop app shows it in its folder instead (undefined there). */
export function downloadUrl(jobId: number): string | undefined {
  return window.convertr === undefined ? webDownloadUrl(jobId) : undefined;
}

/** The browser window only: every succeeded job's file in one ZIP. */
export function downloadAllUrl(): string | undefined {
  return window.convertr === undefined ? webDownloadAllUrl() : undefined;
}

export function pathsForDroppedFiles(files: readonly File[]): Promise<string[]> {
  return current().pathsForDroppedFiles(files);
}

/** The desktop app has the system's folder picker; the browser window types a folder's path instead. */
export function hasNativeFolderDialog(): boolean {
  return window.convertr !== undefined;
}
