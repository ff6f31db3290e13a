// A stand-in for Electron's main-process API that records what the app does when it starts, so the built main
// bundle can be started under plain Node. It writes its record to FAKE_ELECTRON_REPORT (JSON) and exits.
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const report = {
  singleInstanceLock: 0,
  windows: [],
  loadedFiles: [],
  ipcChannels: [],
  trays: [],
  trayImages: [],
  errorBoxes: [],
  csp: null,
  permissionHandler: false,
  navigationPrevented: null,
  windowOpenAction: null,
  ipcProbe: null,
  openDialogs: [],
  folderPick: null,
  sent: [],
  uncaught: [],
  trayModeClick: null,
  sendAfterDestroy: null,
  exitCode: null,
  sqliteAddons: [],
};

const handlers = new Map();

/**
 * What crosses between the main process and the window is a structured clone (Electron's IPC serializes with
 * V8's serializer): a Promise, a function or a class instance's methods do not survive, and a Promise or a
 * function throws. v8.serialize throws on the same values.
 */
function structuredCopy(value) {
  try {
    return v8.deserialize(v8.serialize(value));
  } catch (error) {
    throw new Error(`An object could not be cloned. (${error.message})`);
  }
}

/** An uncaught error in Electron's main process (a menu click that throws, a rejected promise) is recorded, as the crash dialog would show it. */
process.on('uncaughtException', (error) => report.uncaught.push(String(error?.message ?? error)));
process.on('unhandledRejection', (error) => report.uncaught.push(String(error?.message ?? error)));

// As Electron's main process reports itself; main decides from this which better-sqlite3 build to load.
if (process.env.FAKE_ELECTRON_VERSION) process.versions.electron = process.env.FAKE_ELECTRON_VERSION;

class FakeWebContents extends EventEmitter {
  constructor() {
    super();
    this.windowOpenHandler = undefined;
    this.destroyed = false;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** As Electron's: the payload is cloned on its way to the window, and a destroyed window's contents refuse it. */
  send(channel, ...args) {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
    report.sent.push({ channel, payload: structuredCopy(args[0]) });
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.webContents = new FakeWebContents();
    this.destroyed = false;
    report.windows.push({ ...options, webPreferences: { ...options.webPreferences } });
  }
  loadFile(file) {
    report.loadedFiles.push(file);
    return Promise.resolve();
  }
  loadURL(url) {
    report.loadedFiles.push(url);
    return Promise.resolve();
  }
  show() {
    this.#alive();
  }
  hide() {
    this.#alive();
  }
  focus() {
    this.#alive();
  }
  isDestroyed() {
    return this.destroyed;
  }
  setProgressBar() {
    this.#alive();
  }
  /** As Electron's: the window and its contents are gone; anything but isDestroyed() then throws. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  #alive() {
    if (this.destroyed) throw new TypeError('Object has been destroyed');
  }
}

class FakeImage {
  resize() {
    return this;
  }
}

export const nativeImage = {
  createFromPath(file) {
    report.trayImages.push(file);
    return new FakeImage();
  },
};

export class Tray {
  constructor(image) {
    report.trays.push({ hasImage: image instanceof FakeImage });
  }
  setImage() {}
  setToolTip(text) {
    report.trayToolTip = text;
  }
  setContextMenu(menu) {
    report.trayMenu = menu.items.map((item) => item.label ?? item.type);
    trayMenuItems = menu.items;
  }
}

let trayMenuItems = [];

export const Menu = { buildFromTemplate: (items) => ({ items }) };

export class Notification extends EventEmitter {
  static isSupported() {
    return true;
  }
  show() {}
}

export const ipcMain = {
  handle(channel, handler) {
    report.ipcChannels.push(channel);
    handlers.set(channel, handler);
  },
  /** What the window's ipcRenderer.invoke does: the request is cloned on its way in, the answer on its way out. */
  async invokeFromWindow(channel, url, request) {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredCopy(await handler({ senderFrame: { url } }, structuredCopy(request)));
  },
  removeHandler(channel) {
    handlers.delete(channel);
  },
};

export const dialog = {
  showErrorBox(title, content) {
    report.errorBoxes.push(`${title}: ${content}`);
  },
  /** Answers with FAKE_ELECTRON_PICK_FOLDER (cancelled when unset), recording what the app asked for. */
  showOpenDialog: async (...args) => {
    const options = args.at(-1);
    report.openDialogs.push({ parentIsWindow: args.length === 2 && args[0] instanceof BrowserWindow, title: options.title, properties: options.properties });
    const picked = process.env.FAKE_ELECTRON_PICK_FOLDER;
    return picked ? { canceled: false, filePaths: [picked] } : { canceled: true, filePaths: [] };
  },
};

export const shell = { openPath: async () => '', showItemInFolder() {}, openExternal: async () => {} };

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(listener) {
        listener({ responseHeaders: {} }, ({ responseHeaders }) => {
          report.csp = responseHeaders['Content-Security-Policy']?.[0] ?? null;
        });
      },
    },
    setPermissionRequestHandler(handler) {
      handler(undefined, 'media', (granted) => {
        report.permissionHandler = granted === false;
      });
    },
  },
};

export const webContents = { getAllWebContents: () => [] };

function addonsLoaded() {
  return readFileSync('/proc/self/maps', 'utf8').split('\n').filter((line) => line.includes('better_sqlite3.node')).map((line) => line.slice(line.indexOf('/'))).filter((v, i, all) => all.indexOf(v) === i);
}

function finish(code) {
  report.exitCode = code;
  report.sqliteAddons = addonsLoaded();
  writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report));
  process.exit(0);
}

/** Clicks the tray's "Mode: <mode>" item as a user would, then lets what it started settle. */
async function clickTrayMode(mode) {
  if (!mode) return;
  const item = trayMenuItems.find((i) => i.label === `Mode: ${mode}`);
  if (!item) {
    report.trayModeClick = { error: `no "Mode: ${mode}" item in the tray menu` };
    return;
  }
  const sentBefore = report.sent.length;
  const uncaughtBefore = report.uncaught.length;
  try {
    item.click?.(item, undefined, {});
  } catch (error) {
    report.uncaught.push(String(error?.message ?? error));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  report.trayModeClick = {
    sent: report.sent.slice(sentBefore),
    errors: report.uncaught.slice(uncaughtBefore),
    checkedAfter: trayMenuItems.filter((i) => i.type === 'radio' && i.checked).map((i) => i.label),
  };
}

/** Once start-up settles: try the window's hardening, ask one IPC channel as the window would, then quit. */
async function probeAndQuit() {
  const window = app.createdWindows[0];
  if (window) {
    const navigation = { prevented: false, preventDefault() { this.prevented = true; } };
    window.webContents.emit('will-navigate', navigation, 'https://example.invalid/');
    report.navigationPrevented = navigation.prevented;
    report.windowOpenAction = window.webContents.windowOpenHandler?.({ url: 'https://example.invalid/' })?.action ?? null;
  }
  const rendererUrl = report.loadedFiles[0] ? new URL(`file://${report.loadedFiles[0]}`).href : '';
  if (handlers.has('app:info')) {
    report.ipcProbe = {
      trusted: await ipcMain.invokeFromWindow('app:info', rendererUrl, {}),
      untrusted: await ipcMain.invokeFromWindow('app:info', 'https://example.invalid/', {}),
    };
  }
  if (handlers.has('dialog:chooseFolder')) report.folderPick = await ipcMain.invokeFromWindow('dialog:chooseFolder', rendererUrl, { purpose: 'output' });
  if (window && process.env.FAKE_ELECTRON_DESTROY_WINDOW === '1') {
    window.destroy();
    try {
      window.webContents.send('batch:show', { batchId: 1 });
      report.sendAfterDestroy = 'sent';
    } catch (error) {
      report.sendAfterDestroy = error.message;
    }
  }
  await clickTrayMode(process.env.FAKE_ELECTRON_TRAY_MODE);
  const quit = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
  app.emit('before-quit', quit);
  if (!quit.defaultPrevented) finish(0);
}

class FakeApp extends EventEmitter {
  constructor() {
    super();
    this.isPackaged = false;
    this.createdWindows = [];
  }
  requestSingleInstanceLock() {
    report.singleInstanceLock++;
    return process.env.FAKE_ELECTRON_SECOND_INSTANCE !== '1';
  }
  whenReady() {
    setTimeout(() => void probeAndQuit(), Number(process.env.FAKE_ELECTRON_SETTLE_MS ?? 1500));
    return Promise.resolve();
  }
  getAppPath() {
    return process.env.FAKE_ELECTRON_APP_PATH ?? process.cwd();
  }
  getPath(name) {
    return `${process.env.FAKE_ELECTRON_USER_DATA ?? '/nonexistent'}/${name}`;
  }
  getVersion() {
    return '0.0.0-fake';
  }
  quit() {
    const quit = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', quit);
    if (!quit.defaultPrevented) finish(0);
  }
  exit(code = 0) {
    finish(code);
  }
}

export const app = new FakeApp();
const OriginalWindow = BrowserWindow;
// Track windows so the probe can reach the one the app created.
const track = OriginalWindow.prototype.loadFile;
OriginalWindow.prototype.loadFile = function (file) {
  if (!app.createdWindows.includes(this)) app.createdWindows.push(this);
  return track.call(this, file);
};

export default { app, BrowserWindow, Menu, Notification, Tray, dialog, ipcMain, nativeImage, session, shell, webContents };
