import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, launchChromium, saveOutputSettings, startServe, type ServedApp } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** The x264 settings an MP4 carries in its first picture (x264 writes them as text): the preset shows in them. */
function x264Settings(file: string): { subme: number; crf: number } {
  const text = readFileSync(file).toString('latin1');
  const subme = /subme=(\d+)/.exec(text);
  const crf = /crf=([\d.]+)/.exec(text);
  if (!subme || !crf) throw new Error(`${file} carries no x264 settings`);
  return { subme: Number(subme[1]), crf: Number(crf[1]) };
}

/** Settings' encoding speed: the speed of every window video job that chooses none of its own. */
describe('encoding speed in Settings', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let files: string;
  let out: string;
  let clip: Buffer;

  beforeAll(async () => {
    home = tempDir('convertr-speed-home-');
    files = tempDir('convertr-speed-files-');
    out = tempDir('convertr-speed-out-');
    // MPEG-4 Part 2 in AVI: an MP4 of it is encoded with x264, never remuxed.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '1', '-c:v', 'mpeg4', path.join(files, 'clip.avi')]);
    clip = readFileSync(path.join(files, 'clip.avi'));
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    for (const dir of [home, files, out]) removeDir(dir);
  });

  async function settingsPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Settings' }).click();
    return page;
  }

  it('is Balanced until changed, is kept, and a dropped video converts at that speed', async () => {
    const page = await settingsPage();
    const speed = page.getByRole('group', { name: 'Video encoding' }).getByLabel('Encoding speed');
    await expect(speed.inputValue()).resolves.toBe('balanced');
    await speed.selectOption({ label: 'Fast (larger files)' });
    await saveOutputSettings(page, out);
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => speed.inputValue()).toBe('fast');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }

    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format').selectOption('mp4');
    await dropFiles(page, [{ name: 'clip.avi', bytes: clip }]);
    const row = page.getByRole('listitem', { name: 'clip.avi: Done' });
    await row.waitFor({ timeout: 120_000 });
    // The row says what the job converted with, and the file was made by x264 veryfast (subme 2) at fast's CRF.
    await expect(row.locator('.job-preset').textContent()).resolves.toBe('fast encoding');
    expect(x264Settings(path.join(out, 'clip.mp4'))).toEqual({ subme: 2, crf: 20 });
    await page.close();
  }, 180_000);

  it("a review row's own speed wins over Settings', Balanced included", async () => {
    const page = await settingsPage();
    await saveOutputSettings(page, out, { review: true });
    await page.getByLabel('Target format').selectOption('mp4');
    await dropFiles(page, [{ name: 'clip.avi', bytes: clip }]);
    const pending = page.getByRole('listitem', { name: 'clip.avi', exact: true });
    await pending.getByRole('button', { name: /Options/ }).click();
    const rowSpeed = page.locator('.pending-options').getByLabel('Encoding speed');
    await expect(rowSpeed.inputValue()).resolves.toBe('');
    await expect(rowSpeed.locator('option:checked').textContent()).resolves.toBe('As in Settings: Fast (larger files)');
    expect(await axeProblems(page)).toEqual([]);
    await rowSpeed.selectOption('balanced');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(() => page.getByRole('listitem', { name: 'clip.avi: Done' }).count(), { timeout: 120_000 }).toBe(2);
    const made = readdirSync(out).filter((f) => f.endsWith('.mp4') && f !== 'clip.mp4');
    expect(made).toEqual(['clip (1).mp4']);
    // x264 medium (subme 7) at balanced's CRF 23: the row's Balanced, not Settings' Fast.
    expect(x264Settings(path.join(out, made[0]!))).toEqual({ subme: 7, crf: 23 });
    await page.close();
  }, 180_000);
});
