import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toAppError } from '../core/errors.js';
import { createDesktopRuntime } from '../shell/desktopRuntime.js';
import { electronSqliteBinding } from '../../native/sqlite/electronBinding.js';
import type { EventChannel, EventPayload } from '../../preload/contract.js';
import { BatchNotifier } from './batchNotifier.js';
import { contractHandlers } from '../shell/contractHandlers.js';
import { electronNotifications, electronTray } from './electronAdapters.js';
import { registerInvokeHandlers, trustedSenderCheck } from '../shell/handleInvoke.js';
import { CONTENT_SECURITY_POLICY, createMainWindow } from './mainWindow.js';
import { chosenFolder, folderDialogOptions } from './folderDialog.js';
import { TrayController } from './trayController.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const resources = app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(here, '../../resources');
const rendererIndex = path.join(here, '../renderer/index.html');

/** Files and folders named on the command line (a second launch hands them to the first). */
function pathsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-')).map((a) => path.resolve(cwd, a));
}

function start(): void {
  const dataDir = process.env['CONVERTR_HOME'] ? path.resolve(process.env['CONVERTR_HOME']) : app.getPath('userData');
  const nativeBinding = electronSqliteBinding(app.getAppPath(), { electronVersion: process.versions.electron, packaged: app.isPackaged });
  const runtime = createDesktopRuntime(dataDir, {
    jobUpdated: (view) => {
      send('job:update', view);
      refreshTray();
    },
    batchFinished: (outcome) => {
      lastOutputFolder = outcome.outputFolder ?? lastOutputFolder;
      send('batch:finished', outcome);
      notifier.batchFinished(outcome);
    },
    foldersChanged: () => send('folders:changed', {}),
  }, { nativeBinding });
  const { service, settings, hardware } = runtime;

  let window: BrowserWindow | undefined;
  // A closed window's contents are destroyed: Electron throws on a send to them.
  const send = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => {
    if (window && !window.isDestroyed()) window.webContents.send(channel, payload);
  };
  const showWindow = () => {
    if (!window || window.isDestroyed()) window = openWindow();
    window.show();
    window.focus();
  };
  const notifier = new BatchNotifier(electronNotifications, () => settings.get().notifications, (batchId) => {
    showWindow();
    send('batch:show', { batchId });
  });
  let lastOutputFolder: string | null = null;

  const tray = new TrayController(electronTray(resources, () => window), {
    showWindow,
    togglePause: () => (service.isPaused() ? service.resume() : service.pause()),
    // settings:set tells the window itself (settingsChanged below); the tray only waits for it to be saved.
    setMode: (mode) => {
      Promise.resolve(handlers['settings:set']({ mode })).catch((error: unknown) => dialog.showErrorBox('Convertr: the mode could not be changed', toAppError(error).message));
    },
    openOutputFolder: () => lastOutputFolder && void shell.openPath(lastOutputFolder),
    quit: () => app.quit(),
  });
  function refreshTray() {
    tray.update(service.list().jobs, service.isPaused(), settings.get().mode);
  }

  const handlers = contractHandlers(service, settings, runtime.watch, runtime, {
    version: app.getVersion(),
    ffmpeg: runtime.ffmpeg,
    hardware,
    reveal: (file) => shell.showItemInFolder(file),
    chooseFiles: async (folders) => {
      const result = await dialog.showOpenDialog({ properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'] });
      return result.canceled ? [] : result.filePaths;
    },
    chooseFolder: async (purpose) => {
      const options = folderDialogOptions(purpose);
      return chosenFolder(await (window && !window.isDestroyed() ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options)));
    },
    settingsChanged: (next) => {
      send('settings:changed', next);
      refreshTray();
    },
    protectedFolders: { code: app.getAppPath(), renderer: path.dirname(rendererIndex), data: dataDir },
  }, runtime.reviewList);
  registerInvokeHandlers(ipcMain, handlers, trustedSenderCheck(pathToFileURL(rendererIndex).href, process.env['ELECTRON_RENDERER_URL']));

  function openWindow(): BrowserWindow {
    const created = createMainWindow({ preload: path.join(here, '../preload/index.cjs'), rendererIndex, icon: path.join(resources, 'icon.png') });
    created.on('close', (event) => {
      if (service.activeCount() > 0 && !quitting) {
        event.preventDefault();
        created.hide();
      }
    });
    return created;
  }

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    if (service.activeCount() === 0) return;
    event.preventDefault();
    void runtime.close().finally(() => app.exit(0));
  });
  app.on('second-instance', (_event, argv, cwd) => {
    showWindow();
    const paths = pathsFromArgv(argv, cwd);
    if (paths.length > 0) void service.enqueue(paths, null).catch((error: unknown) => dialog.showErrorBox('Convertr', toAppError(error).message));
  });
  app.on('window-all-closed', () => {
    if (service.activeCount() === 0) app.quit();
  });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  window = openWindow();
  void runtime.prepare().finally(() => service.restore());
  void runtime.watch.startEnabled().catch((error: unknown) => dialog.showErrorBox('Convertr: a batch folder could not start', toAppError(error).message));
  refreshTray();
  const initial = pathsFromArgv(process.argv, process.cwd());
  if (initial.length > 0) void service.enqueue(initial, null);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    try {
      start();
    } catch (error) {
      dialog.showErrorBox('Convertr could not start', toAppError(error).message);
      app.exit(1);
    }
  });
}
