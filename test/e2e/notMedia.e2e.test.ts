import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

/** A file whose name claims a format its bytes are not: the row, Retry and the stats say what the bytes are. */
describe('a text file named .mp4 in the window', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-not-media-');
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  it('fails as a text file, offers no target to retry it to, and is counted as one', async () => {
    await dropFiles(page, [{ name: 'holiday.mp4', bytes: Buffer.from('These are my holiday notes, not a video.\n') }]);
    const row = page.getByRole('listitem', { name: 'holiday.mp4: Failed' });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.locator('.job-pair').textContent()).resolves.toBe('Text file->MP4');
    await expect(row.getByTestId('error-message').textContent()).resolves.toMatch(/text file/);
    // Nothing it could become is offered; Retry stays for a file replaced since.
    await expect(row.getByRole('combobox').count()).resolves.toBe(0);
    await expect(row.getByRole('button', { name: 'Retry holiday.mp4' }).isVisible()).resolves.toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }

    // The same after a restart: the kept row still knows what its bytes are.
    await served.stop();
    served = await startServe(home);
    await page.goto(served.url);
    const kept = page.getByRole('listitem', { name: 'holiday.mp4: Failed' });
    await kept.waitFor();
    await expect(kept.locator('.job-pair').textContent()).resolves.toBe('Text file->MP4');
    await expect(kept.getByRole('combobox').count()).resolves.toBe(0);

    await page.getByRole('tab', { name: 'Stats' }).click();
    const stats = page.getByRole('region', { name: 'Stats' });
    await stats.getByRole('row', { name: /^Text file->MP4/ }).waitFor();
    expect(await stats.innerText()).not.toContain('MP4->MP4');
  }, 120_000);
});
