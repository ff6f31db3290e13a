import { readFileSync, readdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

describe('the review list survives a reload and a restart', () => {
  let browser: Browser;
  let served: ServedApp | undefined;
  let home: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-review-kept-');
    outDir = tempDir('convertr-review-kept-out-');
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

  async function expectRows(): Promise<void> {
    await expect.poll(() => page.getByTestId('pending-row').count(), { timeout: 15_000 }).toBe(2);
    // The presets' names arrive on their own channel: the choices show once they are there.
    await expect.poll(() => page.getByLabel('Target for pug.heic').inputValue()).toBe('png');
    await expect.poll(() => page.getByLabel('Preset for voice.wav').inputValue()).toBe('podcast-mp3');
    await expect.poll(() => page.getByLabel('Target for voice.wav').inputValue()).toBe('mp3');
  }

  it('keeps each waiting file with its target and preset, then converts them with those choices', async () => {
    await saveOutputSettings(page, outDir, { review: true });
    await dropFiles(page, [
      { name: 'pug.heic', bytes: readFileSync(corpus('heic/pug.heic')) },
      { name: 'voice.wav', bytes: readFileSync(corpus('audio/ms-adpcm.wav')) },
    ]);
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(2);
    await page.getByLabel('Target for pug.heic').selectOption('png');
    await page.getByLabel('Preset for voice.wav').selectOption({ label: 'Podcast MP3, mono 96 kbps' });
    await page.waitForTimeout(500);

    await page.reload();
    await expectRows();

    // A restart of the app: the same data folder, a new process.
    await served!.stop();
    served = await startServe(home);
    await page.goto(served.url);
    await expectRows();

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('listitem', { name: 'pug.heic: Done' }).waitFor({ timeout: 60_000 });
    const voice = page.getByRole('listitem', { name: 'voice.wav: Done' });
    await voice.waitFor({ timeout: 60_000 });
    await expect(voice.getByText('Podcast MP3, mono 96 kbps').count()).resolves.toBe(1);
    expect(readdirSync(outDir).sort()).toEqual(['pug.png', 'voice.mp3']);
    // Started rows are no longer waiting, after a reload either.
    await page.reload();
    await page.getByRole('listitem', { name: 'pug.heic: Done' }).waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('pending-row').count()).resolves.toBe(0);
  }, 180_000);

  it('a Retry after a reload keeps the preset of the failed job', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Start converting at once').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Email video, under 25 MB' });
    await dropFiles(page, [{ name: 'clip.mov', bytes: Buffer.from('not a movie at all, only words '.repeat(64)) }]);
    const failed = page.getByRole('listitem', { name: 'clip.mov: Failed' });
    await failed.waitFor({ timeout: 60_000 });
    await expect(failed.locator('.job-preset').textContent()).resolves.toBe('Email video, under 25 MB');

    await page.reload();
    await page.getByRole('listitem', { name: 'clip.mov: Failed' }).getByRole('button', { name: 'Retry clip.mov' }).click();
    const again = page.getByRole('listitem', { name: 'clip.mov: Failed' });
    await again.waitFor({ timeout: 60_000 });
    await expect.poll(() => again.locator('.job-preset').textContent(), { timeout: 10_000 }).toBe('Email video, under 25 MB');
  }, 120_000);

  it('a Retry picker belongs to its row: a choice made on one row never shows on the row that takes its place', async () => {
    await page.getByLabel('Preset', { exact: true }).selectOption('');
    await page.getByLabel('Target format').selectOption('png');
    // A HEIC cut off after its first box: its bytes say HEIC, so its Retry offers what a HEIC can become.
    const garbage = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic'), Buffer.alloc(64)]);
    await dropFiles(page, [{ name: 'first.heic', bytes: garbage }, { name: 'second.heic', bytes: garbage }]);
    await page.getByRole('listitem', { name: 'first.heic: Failed' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem', { name: 'second.heic: Failed' }).waitFor({ timeout: 60_000 });
    // Only what a HEIC can become is offered for a retry.
    const offered = await page.getByLabel('Target for retrying first.heic').evaluate((select: HTMLSelectElement) => [...select.options].map((o) => o.value));
    expect(offered).toContain('webp');
    expect(offered).not.toContain('mp4');
    await page.getByLabel('Target for retrying first.heic').selectOption('webp');
    await page.getByRole('button', { name: 'Remove first.heic from the list' }).click();
    await page.getByRole('listitem', { name: 'first.heic: Failed' }).waitFor({ state: 'detached' });
    await expect(page.getByLabel('Target for retrying second.heic').inputValue()).resolves.toBe('png');
  }, 120_000);
});
