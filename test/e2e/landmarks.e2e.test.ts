import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

const AXE_SOURCE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** axe-core's landmark rules (moderate and minor, which the serious-only audit lets through): "rule: target" lines. */
async function landmarkProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: ['landmark-one-main', 'region', 'aria-allowed-role', 'landmark-unique'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
  });
}

describe('a screen reader finds the window\'s main region and every view inside it', () => {
  const ui = useWindowInBrowser('landmarks', {
    viewport: { width: 1280, height: 800 },
    outputs: 'review',
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(media, 'clip.mp4')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  it('one main landmark holds the selected tab\'s panel in every view; the review list uses the height the window has', async () => {
    for (const tab of ['Queue', 'Stats', 'Settings', 'Batch folders']) {
      await page.getByRole('tab', { name: tab }).click();
      await expect(page.getByRole('main').count(), tab).resolves.toBe(1);
      await expect(page.getByRole('main').getByRole('tabpanel', { name: tab }).count(), tab).resolves.toBe(1);
      expect(await landmarkProblems(page), tab).toEqual([]);
    }

    // Review mode, nothing else in the queue: a row's options open in full, not in a list cut to 40 % of the window.
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.setViewportSize({ width: 1280, height: 600 });
    await dropFiles(page, [{ name: 'clip.mp4', bytes: readFileSync(path.join(media, 'clip.mp4')) }]);
    const row = page.getByRole('listitem', { name: 'clip.mp4' });
    await row.getByLabel('Target for clip.mp4').selectOption('mov');
    await row.getByRole('button', { name: 'Options for clip.mp4' }).click();
    const list = await page.getByRole('list', { name: 'Files to review' }).boundingBox();
    const options = await row.locator('fieldset.pending-options').boundingBox();
    expect(options!.y + options!.height, 'the opened options end inside the list, without scrolling it').toBeLessThanOrEqual(list!.y + list!.height + 0.5);
    expect(await landmarkProblems(page), 'review').toEqual([]);
  }, 60_000);
});
