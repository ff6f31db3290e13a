import { readFileSync, readdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
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
    await expect(page.getByLabel('Target for pug.heic').inputValue()).resolves.toBe('png');
    await expect(page.getByLabel('Preset for voice.wav').inputValue()).resolves.toBe('podcast-mp3');
    await expect(page.getByLabel('Target for voice.wav').inputValue()).resolves.toBe('mp3');
  }

  it('keeps each waiting file with its target and preset, then converts them with those choices', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Let me review them first').check();
    await page.getByLabel('In one folder:').check();
    await page.getByLabel('Output folder').fill(outDir);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.getByRole('tab', { name: 'Queue' }).click();
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
});
