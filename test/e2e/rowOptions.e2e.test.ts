import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

/** The longest edge of a picture on disk. */
const longestEdge = async (file: string) => {
  const { width, height } = await sharp(file).metadata();
  return Math.max(width!, height!);
};

describe('options of their own on review rows, and a Retry after a restart that keeps them', () => {
  let browser: Browser;
  let served: ServedApp | undefined;
  let home: string;
  let media: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-row-options-');
    media = tempDir('convertr-row-options-media-');
    outDir = tempDir('convertr-row-options-out-');
    for (const name of ['small.png', 'plain.png', 'later.png']) makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x480', '-frames:v', '1', path.join(media, name)]);
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await saveOutputSettings(page, outDir, { review: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(media);
    removeDir(outDir);
  });

  const bytes = (name: string) => ({ name, bytes: readFileSync(path.join(media, name)) });

  it('each review row opens its own options; a choice stays on its row through a reload and converts only that file', async () => {
    await dropFiles(page, [bytes('small.png'), bytes('plain.png')]);
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(2);
    const small = page.getByRole('listitem', { name: 'small.png' });
    const plain = page.getByRole('listitem', { name: 'plain.png' });
    await small.getByRole('button', { name: 'Options for small.png' }).click();
    await small.getByLabel('Longest edge in pixels').fill('64');
    await expect.poll(() => small.getByRole('button', { name: /^Options for small\.png/ }).textContent()).toBe('Options for small.png (changed)');
    // A typing mistake is named under its field and is not taken as the row's choice.
    await plain.getByRole('button', { name: 'Options for plain.png' }).click();
    await plain.getByLabel('Longest edge in pixels').fill('3');
    await expect(plain.locator('.field-error').textContent()).resolves.toMatch(/whole number of pixels/);
    await plain.getByLabel('Longest edge in pixels').fill('');
    await expect(plain.getByLabel('Longest edge in pixels').inputValue()).resolves.toBe('');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await axeProblems(page)).map((p) => `review row options (${scheme}): ${p}`)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'review-row-options.png') });
    await page.waitForTimeout(500);

    await page.reload();
    await expect.poll(() => page.getByTestId('pending-row').count(), { timeout: 15_000 }).toBe(2);
    await page.getByRole('button', { name: 'Options for small.png (changed)' }).click();
    await expect(page.getByRole('listitem', { name: 'small.png' }).getByLabel('Longest edge in pixels').inputValue()).resolves.toBe('64');
    await page.getByRole('button', { name: 'Options for plain.png', exact: true }).click();
    await expect(page.getByRole('listitem', { name: 'plain.png' }).getByLabel('Longest edge in pixels').inputValue()).resolves.toBe('');

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('listitem', { name: 'small.png: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem', { name: 'plain.png: Done' }).waitFor({ timeout: 60_000 });
    expect(await longestEdge(path.join(outDir, 'small.jpg'))).toBe(64);
    expect(await longestEdge(path.join(outDir, 'plain.jpg'))).toBe(640);
  }, 120_000);

  it('a Retry after a restart converts with the options the cancelled job had', async () => {
    await page.getByRole('button', { name: 'Pause all' }).click();
    await dropFiles(page, [bytes('later.png')]);
    const later = page.getByRole('listitem', { name: 'later.png' });
    await later.getByRole('button', { name: 'Options for later.png' }).click();
    await later.getByLabel('Longest edge in pixels').fill('48');
    await expect.poll(() => later.getByRole('button', { name: /^Options for later\.png/ }).textContent()).toBe('Options for later.png (changed)');
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel later.png' }).click();
    await page.getByRole('listitem', { name: 'later.png: Cancelled' }).waitFor({ timeout: 30_000 });

    // A restart: the same data folder, a new process; the cancelled row comes back from history.
    await served!.stop();
    served = await startServe(home);
    await page.goto(served.url);
    await page.getByRole('button', { name: 'Retry later.png' }).click();
    await page.getByRole('listitem', { name: 'later.png: Done' }).waitFor({ timeout: 60_000 });
    expect(await longestEdge(path.join(outDir, 'later.jpg'))).toBe(48);
  }, 120_000);
});
