import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../preload/contract';
import { electronSqliteBindingPath, installedBetterSqliteVersion } from '../../native/sqlite/electronBinding';
import { ROOT } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

interface StartupReport {
  singleInstanceLock: number;
  windows: { webPreferences: Record<string, unknown>; icon?: string }[];
  loadedFiles: string[];
  ipcChannels: string[];
  trays: { hasImage: boolean }[];
  trayImages: string[];
  trayMenu?: string[];
  errorBoxes: string[];
  csp: string | null;
  permissionHandler: boolean;
  navigationPrevented: boolean | null;
  windowOpenAction: string | null;
  ipcProbe: { trusted: { ok: boolean; value?: { version: string } }; untrusted: { ok: boolean } } | null;
  exitCode: number | null;
  sqliteAddons: string[];
  openDialogs: { parentIsWindow: boolean; title: string; properties: string[] }[];
  folderPick: { ok: boolean; value?: { path: string | null } } | null;
  /** Every webContents.send, as the window received it (after the structured clone). */
  sent: { channel: string; payload: unknown }[];
  /** Errors thrown into the main process (an uncaught exception or rejection). */
  uncaught: string[];
  trayModeClick: { sent: { channel: string; payload: { mode?: string } }[]; errors: string[]; checkedAfter: string[] } | { error: string } | null;
  sendAfterDestroy: string | null;
}

const MAIN_BUNDLE = path.join(ROOT, 'out/main/index.js');
const REGISTER = path.join(ROOT, 'test/electron/fakeElectron/register.mjs');
const homes: string[] = [];

/** Starts the built main bundle under Node with the fake `electron` module and returns what it recorded. */
function startBuiltApp(env: Record<string, string> = {}): { report: StartupReport; home: string; stderr: string } {
  const home = tempDir('convertr-startup-');
  homes.push(home);
  const reportFile = path.join(home, 'report.json');
  const run = spawnSync(process.execPath, ['--import', REGISTER, MAIN_BUNDLE], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CONVERTR_HOME: path.join(home, 'data'), FAKE_ELECTRON_REPORT: reportFile, FAKE_ELECTRON_USER_DATA: path.join(home, 'userData'), ...env },
  });
  if (!existsSync(reportFile)) throw new Error(`the app did not finish starting (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as StartupReport, home, stderr: run.stderr };
}

afterAll(() => homes.forEach(removeDir));

describe('the built desktop app starts (Electron replaced by a recording fake)', () => {
  it('has been built', () => {
    expect(existsSync(MAIN_BUNDLE), 'run `npx electron-vite build` first').toBe(true);
  });

  const { report, home, stderr } = existsSync(MAIN_BUNDLE) ? startBuiltApp() : ({} as ReturnType<typeof startBuiltApp>);

  it('starts without an error box or an uncaught error', () => {
    expect(report.errorBoxes).toEqual([]);
    expect(report.uncaught).toEqual([]);
    expect(stderr).not.toMatch(/Error|at .*\(/);
  });

  it('takes the single-instance lock once', () => {
    expect(report.singleInstanceLock).toBe(1);
  });

  it('opens one window, isolated, sandboxed, without Node, with a preload that exists', () => {
    expect(report.windows).toHaveLength(1);
    const prefs = report.windows[0]!.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false });
    expect(existsSync(String(prefs['preload']))).toBe(true);
    expect(String(prefs['preload'])).toMatch(/out[\\/]preload[\\/]index\.cjs$/);
    expect(report.loadedFiles).toHaveLength(1);
    expect(existsSync(report.loadedFiles[0]!)).toBe(true);
    expect(existsSync(String(report.windows[0]!.icon))).toBe(true);
  });

  it('denies navigation, new windows and permission requests, and sets the CSP', () => {
    expect(report.navigationPrevented).toBe(true);
    expect(report.windowOpenAction).toBe('deny');
    expect(report.permissionHandler).toBe(true);
    expect(report.csp).toContain("default-src 'self'");
    // Row pictures arrive as data: URLs over the invoke channel: allowed for images only, and nothing remote.
    expect(/img-src ([^;]*)/.exec(report.csp ?? '')?.[1]?.split(' ')).toEqual(["'self'", 'data:', 'blob:']);
    expect(/default-src ([^;]*)/.exec(report.csp ?? '')?.[1]).toBe("'self'");
  });

  it('registers a handler for every invoke channel of the contract, answering only its own page', () => {
    expect([...report.ipcChannels].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(report.ipcProbe?.trusted.ok).toBe(true);
    expect(report.ipcProbe?.trusted.value?.version).toBe('0.0.0-fake');
    expect(report.ipcProbe?.untrusted.ok).toBe(false);
  });

  it('asks the native dialog for one folder, on the window, and answers null when the user cancels', () => {
    expect(report.openDialogs).toEqual([{ parentIsWindow: true, title: 'Choose the folder for converted files', properties: expect.arrayContaining(['openDirectory', 'createDirectory']) as string[] }]);
    expect(report.openDialogs[0]!.properties).not.toContain('openFile');
    expect(report.openDialogs[0]!.properties).not.toContain('multiSelections');
    expect(report.folderPick).toEqual({ ok: true, value: { path: null } });
  });

  it('gives the window the folder the user picked in the native dialog', () => {
    const picked = startBuiltApp({ FAKE_ELECTRON_PICK_FOLDER: '/home/someone/Converted' }).report;
    expect(picked.folderPick).toEqual({ ok: true, value: { path: '/home/someone/Converted' } });
  });

  it('puts an icon in the tray with a menu', () => {
    expect(report.trays).toEqual([{ hasImage: true }]);
    for (const image of report.trayImages) expect(existsSync(image), image).toBe(true);
    expect(report.trayMenu?.length).toBeGreaterThan(0);
  });

  it('switches the mode from the tray: the window is told the new settings, the file keeps them, the menu ticks it', () => {
    const { report: clicked, home: clickedHome } = startBuiltApp({ FAKE_ELECTRON_TRAY_MODE: 'hosted' });
    expect(clicked.trayModeClick).not.toBeNull();
    expect(clicked.trayModeClick).not.toHaveProperty('error');
    const click = clicked.trayModeClick as Extract<StartupReport['trayModeClick'], { sent: unknown }>;
    expect(click.errors).toEqual([]);
    expect(clicked.uncaught).toEqual([]);
    expect(click.sent.filter((s) => s.channel === 'settings:changed').map((s) => s.payload.mode)).toEqual(['hosted']);
    expect(click.checkedAfter).toEqual(['Mode: hosted']);
    expect(JSON.parse(readFileSync(path.join(clickedHome, 'data', 'settings.json'), 'utf8'))).toMatchObject({ mode: 'hosted' });
  });

  it('still switches the mode from the tray after the window is gone, without sending to it', () => {
    const { report: closed } = startBuiltApp({ FAKE_ELECTRON_TRAY_MODE: 'auto', FAKE_ELECTRON_DESTROY_WINDOW: '1' });
    // The fake refuses a send to a destroyed window as Electron does.
    expect(closed.sendAfterDestroy).toBe('Object has been destroyed');
    const click = closed.trayModeClick as Extract<StartupReport['trayModeClick'], { sent: unknown }>;
    expect(click.errors).toEqual([]);
    expect(click.sent).toEqual([]);
    expect(click.checkedAfter).toEqual(['Mode: auto']);
  });

  it('opens the database in the data folder with the Node build under Node', () => {
    expect(existsSync(path.join(home, 'data', 'convertr.db'))).toBe(true);
    expect(report.sqliteAddons).toEqual([createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node')]);
    expect(report.exitCode).toBe(0);
  });

  it('quits at once when another instance holds the lock, opening nothing', () => {
    const second = startBuiltApp({ FAKE_ELECTRON_SECOND_INSTANCE: '1', FAKE_ELECTRON_SETTLE_MS: '300' }).report;
    expect(second.windows).toEqual([]);
    expect(second.ipcChannels).toEqual([]);
  });
});

describe('under Electron, the database module comes from the build kept beside the Node one', () => {
  it('says in one sentence how to get the Electron build when it is missing', () => {
    const appRoot = tempDir('convertr-approot-');
    homes.push(appRoot);
    const { report } = startBuiltApp({ FAKE_ELECTRON_VERSION: '45.5.0', FAKE_ELECTRON_APP_PATH: appRoot, FAKE_ELECTRON_SETTLE_MS: '300' });
    expect(report.errorBoxes).toHaveLength(1);
    expect(report.errorBoxes[0]).toMatch(/no build for Electron 45\.5\.0 yet: start the app with `npm start`/);
    expect(report.exitCode).toBe(1);
  });

  it('loads the addon from the Electron folder, not from node_modules/better-sqlite3', () => {
    const appRoot = tempDir('convertr-approot-');
    homes.push(appRoot);
    const binding = electronSqliteBindingPath(appRoot, { electronVersion: '45.5.0', betterSqliteVersion: installedBetterSqliteVersion(), platform: process.platform, arch: process.arch });
    mkdirSync(path.dirname(binding), { recursive: true });
    // Stands in for the Electron build (which this Node could not load): what matters here is which file is chosen.
    copyFileSync(createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'), binding);
    const { report, home } = startBuiltApp({ FAKE_ELECTRON_VERSION: '45.5.0', FAKE_ELECTRON_APP_PATH: appRoot });
    expect(report.errorBoxes).toEqual([]);
    expect(report.sqliteAddons).toEqual([binding]);
    expect(existsSync(path.join(home, 'data', 'convertr.db'))).toBe(true);
  });
});
