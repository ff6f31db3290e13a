import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

/** The values and labels a <select> offers. */
async function offered(page: Page, label: string): Promise<{ values: string[]; labels: string[] }> {
  return page.getByLabel(label, { exact: true }).evaluate((select: HTMLSelectElement) => ({
    values: [...select.options].map((o) => o.value),
    labels: [...select.options].map((o) => o.textContent ?? ''),
  }));
}

describe('only what can work is offered, and files Smart skips are rows', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-choices-');
    outDir = tempDir('convertr-choices-out-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
    await saveOutputSettings(page, outDir, { review: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(outDir);
  });

  it('review rows offer each file its own targets and presets, a picture preset goes to the pictures only, and Smart says what it will do', async () => {
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Web photo, 2048 px JPG' });
    await dropFiles(page, [
      { name: 'pug.heic', bytes: readFileSync(corpus('heic/pug.heic')) },
      { name: 'portrait.jpg', bytes: readFileSync(corpus('image/portrait_6.jpg')) },
      { name: 'voice.wav', bytes: readFileSync(corpus('audio/ms-adpcm.wav')) },
    ]);
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(3);

    // A HEIC cannot become a video or music; a JPG cannot take the Podcast preset; a WAV cannot take a photo preset.
    const heicTargets = await offered(page, 'Target for pug.heic');
    expect(heicTargets.values).toContain('png');
    expect(heicTargets.values).not.toContain('mp4');
    expect(heicTargets.values).not.toContain('mp3');
    const jpgPresets = await offered(page, 'Preset for portrait.jpg');
    expect(jpgPresets.labels).toContain('Web photo, 2048 px JPG');
    expect(jpgPresets.labels.some((l) => /Podcast/.test(l))).toBe(false);
    const wavPresets = await offered(page, 'Preset for voice.wav');
    expect(wavPresets.labels.some((l) => /Podcast/.test(l))).toBe(true);
    expect(wavPresets.labels.some((l) => /photo|video/i.test(l))).toBe(false);
    expect((await offered(page, 'Target for voice.wav')).values).not.toContain('jpg');

    // The toolbar's picture preset went to the pictures; the WAV kept Smart, which says what it will make.
    await expect(page.getByLabel('Preset for pug.heic').inputValue()).resolves.toBe('web-photo');
    await expect(page.getByLabel('Preset for voice.wav').inputValue()).resolves.toBe('');
    await expect(page.getByLabel('Target for voice.wav').inputValue()).resolves.toBe('smart');
    await expect(page.getByLabel('Target for voice.wav').locator('option[value="smart"]').textContent()).resolves.toBe('Smart: MP3');

    // A JPG left to Smart says, before Start, that it will be skipped and why.
    await page.getByLabel('Preset for portrait.jpg').selectOption('');
    await page.getByLabel('Target for portrait.jpg').selectOption('smart');
    const jpgRow = page.getByRole('listitem', { name: 'portrait.jpg', exact: true });
    await expect(jpgRow.getByTestId('pending-skip').textContent()).resolves.toMatch(/Already JPG/);
    await expect(page.getByRole('listitem', { name: 'voice.wav', exact: true }).getByTestId('pending-skip').count()).resolves.toBe(0);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      const problems = await axeProblems(page);
      expect(problems, `${scheme}: ${problems.join('\n')}`).toEqual([]);
      const file = path.join(SCREENSHOTS, `review-choices-${scheme}-1280x800.png`);
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(5000);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByRole('listitem', { name: 'pug.heic: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem', { name: 'voice.wav: Done' }).waitFor({ timeout: 60_000 });
    const skipped = page.getByRole('listitem', { name: 'portrait.jpg: Skipped' });
    await skipped.waitFor({ timeout: 30_000 });
    await expect(skipped.getByTestId('skip-reason').textContent()).resolves.toMatch(/Already JPG/);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await expect(page.getByTestId('count-skipped').textContent()).resolves.toBe('1 skipped');
    expect(readdirSync(outDir).sort()).toEqual(['pug.jpg', 'voice.mp3']);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      const problems = await axeProblems(page);
      expect(problems, `${scheme}: ${problems.join('\n')}`).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `skipped-row-${scheme}-1280x800.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    // Kept like any finished row: a reload shows it again, reason and all.
    await page.reload();
    const kept = page.getByRole('listitem', { name: 'portrait.jpg: Skipped' });
    await kept.waitFor({ timeout: 30_000 });
    await expect(kept.getByTestId('skip-reason').textContent()).resolves.toMatch(/Already JPG/);
  }, 180_000);

  it('a picture preset on a mixed drop converted at once converts the pictures with it and the sound with Smart', async () => {
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Start converting at once').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Thumbnail, 512 px WEBP' });
    await dropFiles(page, [
      { name: 'arrow.heic', bytes: readFileSync(corpus('heic/arrow.heic')) },
      { name: 'six.wav', bytes: readFileSync(corpus('audio/sixchan.wav')) },
    ]);
    await page.getByRole('listitem', { name: 'arrow.heic: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem', { name: 'six.wav: Done' }).waitFor({ timeout: 60_000 });
    await expect(page.getByRole('listitem', { name: 'arrow.heic: Done' }).getByText('Thumbnail, 512 px WEBP').count()).resolves.toBe(1);
    expect(readdirSync(outDir)).toEqual(expect.arrayContaining(['arrow.webp', 'six.mp3']));
  }, 120_000);

  it('files Smart leaves alone are neutral Skipped rows whose reason tells already-converted, damaged and HDR apart, not an alert, and are kept after a reload', async () => {
    await page.getByLabel('Preset', { exact: true }).selectOption('');
    await page.getByLabel('Target format').selectOption('smart');
    await dropFiles(page, [
      { name: 'already.jpg', bytes: readFileSync(corpus('image/portrait_6.jpg')) },
      { name: 'broken.mp4', bytes: readFileSync(corpus('video/broken.mp4')) },
      { name: 'hdr.mp4', bytes: readFileSync(corpus('video/hlg10-color-test.mp4')) },
    ]);
    const reasons = { 'already.jpg': /^Skipped: Already JPG: nothing to convert\.$/, 'broken.mp4': /damaged/, 'hdr.mp4': /HDR/ };
    for (const [name, reason] of Object.entries(reasons)) {
      const row = page.getByRole('listitem', { name: `${name}: Skipped` });
      await row.waitFor({ timeout: 30_000 });
      await expect(row.getByTestId('skip-reason').textContent()).resolves.toMatch(reason);
      await expect(row.getByTestId('skip-reason').textContent()).resolves.not.toMatch(name === 'already.jpg' ? /damaged|HDR/ : /Already/);
    }
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.reload();
    for (const [name, reason] of Object.entries(reasons)) {
      const row = page.getByRole('listitem', { name: `${name}: Skipped` });
      await row.waitFor({ timeout: 30_000 });
      await expect(row.getByTestId('skip-reason').textContent()).resolves.toMatch(reason);
    }
    expect(readdirSync(outDir).filter((f) => /^(already|broken|hdr)/.test(f))).toEqual([]);
  }, 60_000);
});
