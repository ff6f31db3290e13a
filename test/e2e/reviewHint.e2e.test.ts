import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

describe('the empty queue says where a file\'s own options are', () => {
  const ui = useWindowInBrowser('review-hint', {
    viewport: { width: 1280, height: 800 },
    outputs: 'unset',
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(media, 'clip.mp4')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  it('one key press from the empty queue makes drops wait for review, where a video offers its cut and codec; the same choice as in Settings', async () => {
    const hint = page.getByTestId('review-hint');
    await expect.poll(() => hint.textContent()).toMatch(/To cut a clip, pick a still's moment, or choose a codec or even loudness for each file/);
    expect(await axeProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'review drops before they start' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => hint.textContent()).toMatch(/^Dropped files wait for Start, each with its own target and options\./);

    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByLabel('Let me review them first').isChecked()).resolves.toBe(true);
    await page.getByRole('tab', { name: 'Queue' }).click();

    await dropFiles(page, [{ name: 'clip.mp4', bytes: readFileSync(path.join(media, 'clip.mp4')) }]);
    const row = page.getByRole('listitem', { name: 'clip.mp4' });
    await row.getByLabel('Target for clip.mp4').selectOption('mov');
    await row.getByRole('button', { name: 'Options for clip.mp4' }).click();
    for (const label of ['From', 'Until']) await expect(row.getByLabel(label, { exact: true }).count(), label).resolves.toBe(1);
    await expect(row.getByLabel('Video codec').count()).resolves.toBe(1);

    // And back: the empty queue offers converting at once again.
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByRole('button', { name: 'Convert drops at once' }).click();
    await expect.poll(() => hint.textContent()).toMatch(/To cut a clip/);
  }, 60_000);
});
