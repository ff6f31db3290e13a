// A stand-in for Electron's main-process API that records what the app does when it starts, so the built main
// bundle can be started under plain Node. It writes its record to FAKE_ELECTRON_REPORT (JSON) and exits.
import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';

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
  exitCode: null,
  sqliteAddons: [],
};

const handlers = new Map();

// As Electron's main process reports itself; main decides from this which better-sqlite3 build to load.
if (process.env.FAKE_ELECTRON_VERSION) process.versions.electron = process.env.FAKE_ELECTRON_VERSION;

class FakeWebContents extends EventEmitter {
  constructor() {
    super();
    this.windowOpenHandler = undefined;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  send() {}
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
  show() {}
  hide() {}
  focus() {}
  isDestroyed() {
    return this.destroyed;
  }
  setProgressBar() {}
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
  }
}

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

/** Once start-up settles: try the window's hardening, ask one IPC channel as the window would, then quit. */
async function probeAndQuit() {
  const window = app.createdWindows[0];
  if (window) {
    const navigation = { prevented: false, preventDefault() { this.prevented = true; } };
    window.webContents.emit('will-navigate', navigation, 'https://example.invalid/');
    report.navigationPrevented = navigation.prevented;
    report.windowOpenAction = window.webContents.windowOpenHandler?.({ url: 'https://example.invalid/' })?.action ?? null;
  }
  const info = handlers.get('app:info');
  const rendererUrl = report.loadedFiles[0] ? new URL(`file://${report.loadedFiles[0]}`).href : '';
  if (info) {
    report.ipcProbe = {
      trusted: await info({ senderFrame: { url: rendererUrl } }, {}),
      untrusted: await info({ senderFrame: { url: 'https://example.invalid/' } }, {}),
    };
  }
  const chooseFolder = handlers.get('dialog:chooseFolder');
  if (chooseFolder) report.folderPick = await chooseFolder({ senderFrame: { url: rendererUrl } }, { purpose: 'output' });
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
