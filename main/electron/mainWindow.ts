import { BrowserWindow, shell } from 'electron';

export { CONTENT_SECURITY_POLICY } from '../shell/contentSecurityPolicy.js';

/** The secure defaults every window gets: isolated, sandboxed, no Node, no navigation, no new windows. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
} as const;

export function createMainWindow(options: { preload: string; rendererIndex: string; icon: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    title: 'Convertr',
    icon: options.icon,
    show: false,
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: options.preload },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(options.rendererIndex);
  return window;
}
