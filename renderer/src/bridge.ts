import type { ConvertrBridge } from '../../preload/contract';

declare global {
  interface Window {
    convertr?: ConvertrBridge;
  }
}

/** The one module that touches `window.convertr`. */
export function bridge(): ConvertrBridge | undefined {
  return window.convertr;
}
