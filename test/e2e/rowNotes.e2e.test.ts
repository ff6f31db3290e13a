import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

describe('a finished row\'s notes, longer than its line, open in full', () => {
  const ui = useWindowInBrowser('row-notes', {
    viewport: { width: 800, height: 600 },
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libmp3lame', path.join(media, 'song.mp3')]);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(media, 'walk.mp4')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  it('a video made into a GIF: the note is cut on the row, "Notes" (by keyboard) shows every word of it inside the row', async () => {
    await page.getByRole('button', { name: /^Convert to/ }).click();
    await page.getByLabel('Target format').selectOption('gif');
    await page.keyboard.press('Escape');
    await dropFiles(page, [{ name: 'walk.mp4', bytes: readFileSync(path.join(media, 'walk.mp4')) }]);
    const row = page.getByRole('listitem', { name: 'walk.mp4: Done' });
    await row.waitFor({ timeout: 60_000 });
    const line = row.locator('.job-sizes');
    await expect(line.evaluate((e) => e.scrollWidth > e.clientWidth), 'the note does not fit its line').resolves.toBe(true);

    await row.getByRole('button', { name: 'Notes for walk.mp4' }).focus();
    await page.keyboard.press('Enter');
    const notes = row.getByTestId('job-notes');
    await notes.waitFor();
    await expect(row.getByRole('button', { name: 'Hide notes for walk.mp4' }).getAttribute('aria-expanded')).resolves.toBe('true');
    const text = (await notes.innerText()).replace(/\s+/g, ' ');
    expect(text).toMatch(/Made a GIF of \d+x\d+ at \d+ frames a second, without sound\./);
    // What the row's line cut off is in the opened notes, and the notes fit in the opened row.
    const lineText = (await line.textContent())!;
    expect(text).toContain(lineText.slice(lineText.indexOf('Made a GIF')).trim());
    const fits = await notes.evaluate((e) => {
      const box = e.getBoundingClientRect();
      const rowBox = e.closest('[data-testid="job-row"]')!.getBoundingClientRect();
      return e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth && box.bottom <= rowBox.bottom + 0.5;
    });
    expect(fits).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }
    await page.keyboard.press('Enter');
    await expect(notes.count()).resolves.toBe(0);

    // A note the row shows whole (Smart leaves an MP3 alone) offers nothing more to open.
    await page.getByRole('button', { name: /^Convert to/ }).click();
    await page.getByLabel('Target format').selectOption('smart');
    await page.keyboard.press('Escape');
    await dropFiles(page, [{ name: 'song.mp3', bytes: readFileSync(path.join(media, 'song.mp3')) }]);
    const skipped = page.getByRole('listitem', { name: 'song.mp3: Skipped' });
    await skipped.waitFor({ timeout: 60_000 });
    await expect(skipped.getByTestId('skip-reason').textContent()).resolves.toBe('Skipped: Already MP3: nothing to convert.');
    await expect(skipped.getByRole('button', { name: /Notes for song\.mp3/ }).count()).resolves.toBe(0);
  }, 90_000);
});
