import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { corpus, makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

/** The row's picture has arrived and decoded (a data: URL the page's CSP allows). */
async function thumbnailWidth(row: Locator): Promise<number> {
  const image = row.getByTestId('job-thumb');
  await image.waitFor({ timeout: 30_000 });
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
  return image.evaluate((img: HTMLImageElement) => img.naturalWidth);
}

describe('rows show a picture, size and length before and after, and stay as history across restarts until cleared', () => {
  let browser: Browser;
  let served: ServedApp | undefined;
  let home: string;
  let media: string;
  let page: Page;
  const violations: string[] = [];

  async function open(): Promise<void> {
    served = await startServe(home);
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }

  async function restart(): Promise<void> {
    await served?.stop();
    served = undefined;
    await open();
  }

  beforeAll(async () => {
    home = tempDir('convertr-rows-');
    media = tempDir('convertr-rows-media-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(media, 'clip.mp4')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=d=2', path.join(media, 'tone.wav')]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to load/i.test(message.text())) violations.push(message.text());
    });
    await open();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(media);
  });

  it('converts a video and a photo, shows each with its picture, resolution, length and sizes, keeps them after a restart, and Clear finished removes them for good', async () => {
    await page.getByLabel('Target format').selectOption('mkv');
    await dropFiles(page, [{ name: 'clip.mp4', bytes: readFileSync(path.join(media, 'clip.mp4')) }]);
    const clip = page.getByRole('listitem', { name: 'clip.mp4: Done' });
    await clip.waitFor({ timeout: 60_000 });
    await page.getByLabel('Target format').selectOption('webp');
    await dropFiles(page, [{ name: 'portrait.jpg', bytes: readFileSync(corpus('image/portrait_6.jpg')) }]);
    const photo = page.getByRole('listitem', { name: 'portrait.jpg: Done' });
    await photo.waitFor({ timeout: 60_000 });
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'tone.wav', bytes: readFileSync(path.join(media, 'tone.wav')) }, { name: 'broken.wav', bytes: Buffer.from('RIFF, but nothing after it') }]);
    const tone = page.getByRole('listitem', { name: 'tone.wav: Done' });
    const broken = page.getByRole('listitem', { name: 'broken.wav: Failed' });
    await tone.waitFor({ timeout: 60_000 });
    await broken.waitFor({ timeout: 60_000 });

    const checkRows = async () => {
      expect(await thumbnailWidth(clip)).toBeGreaterThan(0);
      expect(await thumbnailWidth(photo)).toBeGreaterThan(0);
      await expect(clip.getByTestId('job-facts').textContent()).resolves.toBe('1280×720 · 0:03 · ');
      // portrait_6.jpg is stored 4032 wide with EXIF orientation 6: as viewed (and as written) it is portrait.
      await expect(photo.getByTestId('job-facts').textContent()).resolves.toMatch(/^(\d+)×(\d+) · $/);
      const [, width, height] = /^(\d+)×(\d+)/.exec((await photo.getByTestId('job-facts').textContent())!)!;
      expect(Number(height)).toBeGreaterThan(Number(width));
      for (const row of [clip, photo, tone]) await expect(row.getByTestId('job-size').textContent()).resolves.toMatch(/^\d+(\.\d)? (KB|MB) → \d+(\.\d)? (KB|MB)$/);
      // Sound has no picture, and a file that cannot be read has none either: both show their kind's icon.
      await expect(tone.getByTestId('job-facts').textContent()).resolves.toBe('0:02 · ');
      await page.waitForTimeout(500);
      for (const row of [tone, broken]) {
        await expect(row.getByTestId('job-thumb').count()).resolves.toBe(0);
        await expect(row.getByRole('img', { name: 'Audio' }).count()).resolves.toBe(1);
      }
    };
    await checkRows();

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      const problems = await axeProblems(page);
      expect(problems, `${scheme}: ${problems.join('\n')}`).toEqual([]);
      const file = path.join(SCREENSHOTS, `finished-rows-${scheme}-1280x800.png`);
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(5000);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // The server restarts on the same data folder: the finished rows are still there, with their facts and pictures.
    await restart();
    await clip.waitFor({ timeout: 15_000 });
    await photo.waitFor({ timeout: 15_000 });
    await broken.waitFor();
    await expect(page.getByTestId('job-row').count()).resolves.toBe(4);
    await checkRows();
    await expect(page.getByTestId('count-succeeded').textContent()).resolves.toBe('3 succeeded');
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('1 failed');
    // Nothing ran again: the queue shows no running row and nothing interrupted.
    await expect(page.getByRole('heading', { name: 'Interrupted command-line batches' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.getByTestId('drop-target').waitFor();
    await restart();
    await page.getByTestId('drop-target').waitFor();
    await expect(page.getByTestId('job-row').count()).resolves.toBe(0);
    expect(violations).toEqual([]);
  }, 180_000);
});
