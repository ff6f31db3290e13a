import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_FORMATS } from '../core/formats.js';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools.js';
import { invokeChannels } from '../../preload/contract.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'Convertr',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadFile(path.join(here, '../renderer/index.html'));
  return window;
}

function registerHandlers(): void {
  ipcMain.handle('app:info', (event, raw: unknown) => {
    if (event.senderFrame?.url && !event.senderFrame.url.startsWith('file://')) return { ok: false, error: { code: 'USAGE', message: 'Unknown sender.' } };
    const request = invokeChannels['app:info'].request.safeParse(raw ?? {});
    if (!request.success) return { ok: false, error: { code: 'USAGE', message: request.error.message } };
    const tools = locateFfmpegToolsFromEnvironment();
    return { ok: true, value: { version: app.getVersion(), ffmpeg: 'missing' in tools ? tools.missing : tools.ffmpeg.path, outputFormats: [...OUTPUT_FORMATS] } };
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
    });
    registerHandlers();
    createWindow();
  });
  app.on('window-all-closed', () => app.quit());
}
