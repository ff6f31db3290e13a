import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

describe('a paused row', () => {
  const ui = useWindowInBrowser('paused-row', {
    viewport: { width: 1280, height: 800 },
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', path.join(media, 'later.wav')]);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(media, 'walk.mp4')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  it('claims no time left while paused, says why a file dropped meanwhile waits, and shows the time again once resumed', async () => {
    await page.getByLabel('Target format').selectOption('webm');
    await dropFiles(page, [{ name: 'walk.mp4', bytes: readFileSync(path.join(media, 'walk.mp4')) }]);
    const row = page.getByRole('listitem', { name: /^walk\.mp4/ });
    const eta = row.locator('.job-eta');
    await expect.poll(() => eta.textContent(), { timeout: 60_000 }).toMatch(/left/);

    await page.getByRole('button', { name: 'Pause all' }).click();
    await page.getByRole('listitem', { name: 'walk.mp4: Paused' }).waitFor();
    await expect.poll(() => eta.textContent()).toMatch(/^\d+% done, waiting to resume/);
    expect(await eta.textContent()).not.toMatch(/left|\/s/);

    // A file dropped while everything is paused says why it waits.
    await dropFiles(page, [{ name: 'later.wav', bytes: readFileSync(path.join(media, 'later.wav')) }]);
    const later = page.getByRole('listitem', { name: 'later.wav: Queued' });
    await later.waitFor();
    await expect.poll(() => later.locator('.job-eta').textContent()).toMatch(/the queue is paused \(Resume all starts it\)/);

    await page.getByRole('button', { name: 'Resume all' }).click();
    await page.getByRole('listitem', { name: 'walk.mp4: Converting' }).waitFor();
    await page.getByRole('listitem', { name: /^later\.wav: (Converting|Done)/ }).waitFor({ timeout: 60_000 });
    await expect.poll(() => eta.textContent(), { timeout: 30_000 }).not.toMatch(/waiting to resume/);
    await page.getByRole('button', { name: 'Cancel walk.mp4' }).click();
    await page.getByRole('listitem', { name: 'walk.mp4: Cancelled' }).waitFor();
  }, 120_000);
});
