import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

describe('review step: dropped files wait for Start, each with its own target and preset', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-review-');
    outDir = tempDir('convertr-review-out-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(outDir);
  });

  it('holds a drop as pending rows, converts each with the target and preset picked before Start, and shows a skipped file as Skipped', async () => {
    await saveOutputSettings(page, outDir, { review: true });
    await dropFiles(page, [
      { name: 'pug.heic', bytes: readFileSync(corpus('heic/pug.heic')) },
      { name: 'portrait.jpg', bytes: readFileSync(corpus('image/portrait_6.jpg')) },
    ]);
    const pending = page.getByTestId('pending-row');
    await expect.poll(() => pending.count()).toBe(2);
    // Nothing was enqueued: no job rows, nothing written.
    await page.waitForTimeout(300);
    await expect(page.getByTestId('job-row').count()).resolves.toBe(0);
    expect(readdirSync(outDir)).toEqual([]);

    await page.getByLabel('Preset for pug.heic').selectOption({ label: 'Web photo, 2048 px JPG' });
    await expect(page.getByLabel('Target for pug.heic').inputValue()).resolves.toBe('jpg');
    await page.getByLabel('Target for pug.heic').selectOption('png');
    await page.getByLabel('Target for portrait.jpg').selectOption('webp');

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      const problems = await axeProblems(page);
      expect(problems, `${scheme}: ${problems.join('\n')}`).toEqual([]);
      const file = path.join(SCREENSHOTS, `review-rows-${scheme}-1280x800.png`);
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(5000);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const pug = page.getByRole('listitem', { name: 'pug.heic: Done' });
    const portrait = page.getByRole('listitem', { name: 'portrait.jpg: Done' });
    await pug.waitFor({ timeout: 60_000 });
    await portrait.waitFor({ timeout: 60_000 });
    await expect(pending.count()).resolves.toBe(0);
    await expect(pug.getByText('Web photo, 2048 px JPG').count()).resolves.toBe(1);
    expect(readdirSync(outDir).sort()).toEqual(['portrait.webp', 'pug.png']);
    await expect(sharp(path.join(outDir, 'pug.png')).metadata().then((m) => m.format)).resolves.toBe('png');
    await expect(sharp(path.join(outDir, 'portrait.webp')).metadata().then((m) => m.format)).resolves.toBe('webp');

    // The same name again, with Skip for a taken name: the row reads Skipped, with the reason, and nothing changes on disk.
    const before = statSync(path.join(outDir, 'portrait.webp')).mtimeMs;
    await page.getByLabel("If the output's name is taken").selectOption('skip');
    await page.getByLabel('Target format').selectOption('webp');
    await dropFiles(page, [{ name: 'portrait.jpg', bytes: readFileSync(corpus('image/portrait_6.jpg')) }]);
    await expect.poll(() => pending.count()).toBe(1);
    await expect(page.getByLabel('Target for portrait.jpg').inputValue()).resolves.toBe('webp');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const skipped = page.getByRole('listitem', { name: 'portrait.jpg: Skipped' });
    await skipped.waitFor({ timeout: 60_000 });
    await expect(skipped.getByTestId('skip-reason').textContent()).resolves.toMatch(/^Skipped: \S/);
    await expect(skipped.getByRole('link', { name: /Download/ }).count()).resolves.toBe(0);
    // Counted as skipped in the queue's header, not as a success.
    await expect(page.getByTestId('count-skipped').textContent()).resolves.toBe('1 skipped');
    await expect(page.getByTestId('count-succeeded').textContent()).resolves.toBe('2 succeeded');
    expect(readdirSync(outDir).sort()).toEqual(['portrait.webp', 'pug.png']);
    expect(statSync(path.join(outDir, 'portrait.webp')).mtimeMs).toBe(before);
  }, 120_000);
});
