import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

/** The accessible name (else the text) of what has the keyboard's focus; "BODY" when the page lost it. */
const focused = (page: Page) => page.evaluate(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return 'BODY';
  return element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName;
});

describe('the keyboard keeps its place when a row\'s action takes its control away', () => {
  const ui = useWindowInBrowser('keyboard-focus', {
    viewport: { width: 1280, height: 800 },
    makeInputs: (media) => {
      for (const name of ['first.wav', 'b.wav', 'c.wav', 'd.wav']) makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', path.join(media, name)]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  const bytes = (name: string) => ({ name, bytes: readFileSync(path.join(media, name)) });

  it('Cancel leaves the focus on Retry, Retry on the new job\'s Cancel, Remove and Clear finished on the next row', async () => {
    await dropFiles(page, [bytes('first.wav')]);
    await page.getByRole('listitem', { name: 'first.wav: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause all' }).click();
    await dropFiles(page, [bytes('b.wav'), bytes('c.wav'), bytes('d.wav')]);
    await page.getByRole('listitem', { name: 'd.wav: Queued' }).waitFor();

    await page.getByRole('button', { name: 'Cancel b.wav' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('listitem', { name: 'b.wav: Cancelled' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Retry b.wav');

    await page.keyboard.press('Enter');
    await page.getByRole('listitem', { name: 'b.wav: Queued' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Cancel b.wav');
    await page.keyboard.press('Space');
    await page.getByRole('listitem', { name: 'b.wav: Cancelled' }).waitFor();
    await expect.poll(() => focused(page)).toBe('Retry b.wav');

    // Tab past Retry to Remove; the row goes, and the focus goes to the row now in its place.
    await page.keyboard.press('Tab');
    await expect.poll(() => focused(page)).toBe('Remove b.wav from the list');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('listitem', { name: /^b\.wav/ }).count()).toBe(0);
    await expect.poll(() => focused(page)).not.toBe('BODY');
    expect(['Cancel c.wav', 'Cancel d.wav', 'Download first.wav', 'Show file for first.wav']).toContain(await focused(page));

    await page.getByRole('button', { name: 'Clear finished' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('listitem', { name: /^first\.wav/ }).count()).toBe(0);
    await expect.poll(() => focused(page)).toBe('Cancel c.wav');
  }, 90_000);

  it('a file a drop leaves out is told as a notice, not an alert; dismissing it leaves the focus on the view\'s tab', async () => {
    await dropFiles(page, [{ name: 'notes.txt', bytes: Buffer.from('just words\n') }]);
    const notice = page.getByRole('status').filter({ hasText: 'Skipped 1: notes.txt' });
    await notice.waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    // In the text's own colour, not the error colour.
    await expect(notice.evaluate((e) => getComputedStyle(e).color === getComputedStyle(document.body).color)).resolves.toBe(true);
    await page.getByRole('button', { name: 'Dismiss message' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => notice.count()).toBe(0);
    await expect.poll(() => focused(page)).toBe('Queue');
  }, 30_000);
});
