import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { corpus, removeDir, tempDir } from '../helpers/media';

/** Where an Electron binary can be had: ELECTRON_PATH, or the one a normal install with network downloads. */
function electronBinary(): { path?: string; reason?: string } {
  if (process.env['ELECTRON_PATH']) return existsSync(process.env['ELECTRON_PATH']) ? { path: process.env['ELECTRON_PATH'] } : { reason: `ELECTRON_PATH=${process.env['ELECTRON_PATH']} does not exist` };
  try {
    const candidate = createRequire(import.meta.url)('electron') as unknown;
    if (typeof candidate === 'string' && existsSync(candidate)) return { path: candidate };
    return { reason: 'the electron package is installed but its binary was never downloaded (no network here)' };
  } catch (error) {
    return { reason: `electron cannot be resolved: ${(error as Error).message}` };
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
