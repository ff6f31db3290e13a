import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';
import { readFileSync } from 'node:fs';

describe('presets editor: mono and a fixed audio bitrate', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let media: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-preset-sound-');
    media = tempDir('convertr-preset-sound-media-');
    outDir = tempDir('convertr-preset-sound-out-');
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    [home, media, outDir].forEach(removeDir);
  });

  it('shows a built-in\'s mono and bitrate when copied, saves a changed copy, and a drop converted with it has that sound', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('In one folder:').check();
    await page.getByLabel('Output folder', { exact: true }).fill(outDir);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();

    const editor = page.getByRole('region', { name: 'Presets' });
    await editor.getByRole('button', { name: 'Copy Podcast MP3, mono 96 kbps into a new preset' }).click();
    const form = editor.getByRole('form', { name: 'New preset' });
    await expect(form.getByLabel(/Mono sound/).isChecked()).resolves.toBe(true);
    await expect(form.getByLabel(/Audio bitrate in kbps/).inputValue()).resolves.toBe('96');
    await form.getByLabel(/Audio bitrate in kbps/).fill('4');
    await form.getByRole('button', { name: 'Save preset' }).click();
    await expect(form.getByText('An audio bitrate is a whole number of kbps from 8 to 512.').isVisible()).resolves.toBe(true);
    expect(await axeProblems(page)).toEqual([]);
    await form.getByLabel(/Audio bitrate in kbps/).fill('64');
    await form.getByLabel('Name', { exact: true }).fill('Talk 64');
    await form.getByRole('button', { name: 'Save preset' }).click();
    await expect.poll(() => editor.getByTestId('presets-status').textContent()).toBe('Saved the preset "Talk 64".');
    await expect(editor.getByTestId('preset-item').filter({ hasText: 'Talk 64' }).textContent()).resolves.toMatch(/mono, 64 kbps/);

    const wav = path.join(media, 'talk.wav');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=4:color=pink:sample_rate=44100', '-ac', '2', wav]);
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Talk 64' });
    await dropFiles(page, [{ name: 'talk.wav', bytes: readFileSync(wav) }]);
    await page.getByRole('listitem', { name: 'talk.wav: Done' }).waitFor({ timeout: 60_000 });
    expect(ffprobe(path.join(outDir, 'talk.mp3')).streams[0]).toMatchObject({ codec_name: 'mp3', channels: 1, bit_rate: '64000' });
  }, 90_000);
});
