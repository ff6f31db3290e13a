import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { corpus, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Drops real files on the window the way a user's drag-and-drop does: a DataTransfer with File objects. */
async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const binary = atob(item.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], item.name));
    }
    return transfer;
  }, files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })));
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

describe('the app in a real browser against convertr serve', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-e2e-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  it('converts a dropped iPhone HEIC to JPG and a phone MP4 to MP3, with progress, outputs on disk and stats', async () => {
    await page.evaluate(() => {
      const seen = ((window as unknown as { seen: Set<string> }).seen = new Set<string>());
      new MutationObserver(() => {
        document.querySelectorAll('[data-testid="job-row"]').forEach((row) => {
          if (row.querySelector('[role="progressbar"]')) seen.add(`progress:${row.querySelector('.job-name')?.textContent}`);
          seen.add(`${row.querySelector('.job-name')?.textContent}:${row.querySelector('.badge')?.textContent}`);
        });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByLabel('Target format').selectOption('jpg');
    await dropFiles(page, [{ name: 'IMG_5195.HEIC', bytes: readFileSync(corpus('heic/IMG_5195.HEIC')) }]);
    await page.getByRole('listitem', { name: 'IMG_5195.HEIC: Done' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'vfr-rotated.mp4', bytes: readFileSync(corpus('video/vfr-rotated.mp4')) }]);
    await page.getByRole('listitem', { name: 'vfr-rotated.mp4: Done' }).waitFor({ timeout: 60_000 });

    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
    expect(seen).toContain('progress:IMG_5195.HEIC');
    expect(seen).toContain('progress:vfr-rotated.mp4');
    await expect(page.getByTestId('batch-summary').textContent()).resolves.toMatch(/2 of 2 finished/);
    const outputs = filesUnder(path.join(home, 'inbox')).map((f) => path.basename(f));
    expect(outputs).toEqual(expect.arrayContaining(['IMG_5195.jpg', 'vfr-rotated.mp3']));

    await page.getByRole('tab', { name: 'Stats' }).click();
    await expect(page.getByTestId('total-requests').textContent()).resolves.toBe('2');
    await expect(page.getByRole('row', { name: /HEIC->JPG 1 100.0% 0.0%/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('row', { name: /MP4->MP3 1 100.0% 0.0%/ }).count()).resolves.toBe(1);
  });

  it('shows a failing file\'s error in plain words with what to do', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format').selectOption('smart');
    await dropFiles(page, [{ name: 'holiday.mp4', bytes: Buffer.from('These are my holiday notes, not a video.\n') }]);
    const row = page.getByRole('listitem', { name: 'holiday.mp4: Failed' });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.getByRole('alert').textContent()).resolves.toBe(
      'This is a text file, not audio, video or an image, whatever its name says. This is not audio, video or an image; check that you picked the right file.',
    );
  });

  it('keeps settings across a reload, storing only the hash of the client label', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Automatic').check();
    await page.getByLabel('Notify me when a batch finishes').uncheck();
    await page.getByLabel('Client label').fill('Zebra Studio Berlin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByTestId('settings-status').textContent()).resolves.toBe('Saved.');
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByLabel('Automatic').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Notify me when a batch finishes').isChecked()).resolves.toBe(false);
    await expect(page.getByLabel('Client label').getAttribute('placeholder')).resolves.toMatch(/^set \(stored as cohort_[0-9a-f]{16}\)$/);
    for (const file of filesUnder(home)) expect(readFileSync(file).includes('Zebra Studio')).toBe(false);
  });

  it('adds a batch folder in the window and converts what arrives in it', async () => {
    const watched = path.join(home, 'camera-import');
    mkdirSync(watched);
    await page.getByRole('tab', { name: 'Batch folders' }).click();
    const form = page.getByRole('form', { name: 'New batch folder' });
    await form.getByLabel('Watch folder').fill(watched);
    await form.getByLabel('Convert to').selectOption('png');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('listitem', { name: `Rule ${watched}` });
    await rule.getByText('Watching').waitFor();
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(watched, 'portrait.jpg'));
    await rule.getByText(/^1 converted, 0 failed/).waitFor({ timeout: 30_000 });
    expect(existsSync(path.join(watched, 'converted', 'portrait.png'))).toBe(true);
  });

  it('saves a screenshot of each view in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of ['Queue', 'Stats', 'Settings', 'Batch folders']) {
        await page.getByRole('tab', { name: view }).click();
        await page.waitForTimeout(150);
        const file = path.join(SCREENSHOTS, `${view.toLowerCase().replace(' ', '-')}-${scheme}.png`);
        await page.screenshot({ path: file });
        expect(statSync(file).size).toBeGreaterThan(5000);
      }
    }
  });
});
