import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { corpus, removeDir, tempDir } from '../helpers/media';

/** Where an Electron binary can be had: ELECTRON_PATH, or the one a normal install with network downloads. */
function electronBinary(): { path?: string; reason?: string } {
  if (process.env['ELECTRON_PATH']) return existsSync(process.env['ELECTRON_PATH']) ? { path: process.env['ELECTRON_PATH'] } : { reason: `ELECTRON_PATH=${process.env['ELECTRON_PATH']} does not exist` };
  // Read where the package keeps its binary rather than require('electron'), which would try to download it.
  try {
    const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const relative = readFileSync(path.join(packageDir, 'path.txt'), 'utf8');
    const candidate = path.join(packageDir, 'dist', relative);
    return existsSync(candidate) ? { path: candidate } : { reason: 'the electron package is installed but its binary was never downloaded (no network here)' };
  } catch {
    return { reason: 'the electron package is installed but its binary was never downloaded (no network here)' };
  }
}

const binary = electronBinary();
if (!binary.path) console.log(`Electron smoke test skipped: ${binary.reason}. Set ELECTRON_PATH to run it.`);

describe.skipIf(!binary.path)('Electron smoke test', () => {
  it('launches the app, converts a file sent through the bridge and asks for one notification', async () => {
    const { _electron } = await import('playwright-core');
    const home = tempDir('convertr-electron-');
    const input = path.join(home, 'photo.heic');
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input);
    // The main process needs better-sqlite3 built for Electron's ABI, as `npm start` prepares it.
    expect(spawnSync(process.execPath, ['--import', 'tsx', 'scripts/prepareElectronNative.ts'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
    const app = await _electron.launch({ executablePath: binary.path!, args: [path.join(ROOT, 'out/main/index.js')], env: { ...process.env, CONVERTR_HOME: home } });
    try {
      await app.evaluate(({ Notification }) => {
        const shown: string[] = [];
        (globalThis as unknown as { shownNotifications: string[] }).shownNotifications = shown;
        Notification.prototype.show = function (this: Electron.Notification) {
          shown.push(this.body);
        };
      });
      const page = await app.firstWindow();
      const result = await page.evaluate(async (file) => {
        const bridge = (window as unknown as { convertr: { invoke: (c: string, r: unknown) => Promise<{ ok: boolean }>; on: (c: string, l: (p: unknown) => void) => () => void } }).convertr;
        const finished = new Promise((resolve) => bridge.on('batch:finished', resolve));
        const enqueued = await bridge.invoke('queue:enqueue', { paths: [file], target: 'jpg' });
        return { enqueued, finished: await finished };
      }, input);
      expect(result.enqueued.ok).toBe(true);
      expect(result.finished).toMatchObject({ succeeded: 1, failed: 0 });
      expect(existsSync(path.join(home, 'photo.jpg'))).toBe(true);
      const shown = await app.evaluate(() => (globalThis as unknown as { shownNotifications: string[] }).shownNotifications);
      expect(shown).toEqual(['1 converted']);
    } finally {
      await app.close();
      removeDir(home);
    }
  }, 120_000);
});
