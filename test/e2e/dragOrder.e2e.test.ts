import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');
const NAMES = ['a.wav', 'b.wav', 'c.wav', 'd.wav'];

describe('the queue reordered with the pointer: a drag handle on each queued row', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let media: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-drag-');
    media = tempDir('convertr-drag-media-');
    outDir = tempDir('convertr-drag-out-');
    for (const [i, name] of NAMES.entries()) makeMedia(['-f', 'lavfi', '-i', `sine=d=1:frequency=${300 + i * 100}`, path.join(media, name)]);
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await saveOutputSettings(page, outDir);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(media);
    removeDir(outDir);
  });

  /** The rows' names from top to bottom, as shown (the list is virtualised: rows are placed by their top). */
  const shownOrder = () =>
    page.getByTestId('job-row').evaluateAll((rows) => rows.map((row) => ({ top: parseFloat((row as HTMLElement).style.top), name: row.getAttribute('aria-label')!.split(':')[0]! })).sort((a, b) => a.top - b.top).map((row) => row.name).filter((name) => /^[a-d]\.wav$/.test(name)));
  const row = (name: string) => page.getByRole('listitem', { name: `${name}: Queued` });

  it('drags a queued row above another and below another; the order holds after a reload, and the buttons still move rows', async () => {
    // A first file converted, so that the queue shows its toolbar; then nothing starts while the rows are moved.
    await dropFiles(page, [{ name: 'first.wav', bytes: readFileSync(path.join(media, 'a.wav')) }]);
    await page.getByRole('listitem', { name: 'first.wav: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Pause all' }).click();
    await dropFiles(page, NAMES.map((name) => ({ name, bytes: readFileSync(path.join(media, name)) })));
    await expect.poll(() => shownOrder(), { timeout: 15_000 }).toEqual(NAMES);

    // d.wav's handle onto the upper half of b.wav's row: d goes just above b.
    await row('d.wav').getByTestId('drag-handle').dragTo(row('b.wav'), { targetPosition: { x: 200, y: 6 } });
    await expect.poll(() => shownOrder()).toEqual(['a.wav', 'd.wav', 'b.wav', 'c.wav']);
    // a.wav's handle onto the lower half of c.wav's row: a goes just below c.
    const box = (await row('c.wav').boundingBox())!;
    await row('a.wav').getByTestId('drag-handle').dragTo(row('c.wav'), { targetPosition: { x: 200, y: box.height - 6 } });
    await expect.poll(() => shownOrder()).toEqual(['d.wav', 'b.wav', 'c.wav', 'a.wav']);

    await page.reload();
    await expect.poll(() => shownOrder(), { timeout: 15_000 }).toEqual(['d.wav', 'b.wav', 'c.wav', 'a.wav']);
    // The keyboard path is unchanged.
    await page.getByRole('button', { name: 'Move a.wav up' }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => shownOrder()).toEqual(['d.wav', 'b.wav', 'a.wav', 'c.wav']);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await axeProblems(page)).map((p) => `queued rows with drag handles (${scheme}): ${p}`)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // A drag under way: the row it would land beside is marked.
    const handle = (await row('c.wav').getByTestId('drag-handle').boundingBox())!;
    const target = (await row('d.wav').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + 200, target.y + 6, { steps: 5 });
    await expect(row('d.wav').getAttribute('data-drop')).resolves.toBe('before');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'queue-drag.png') });
    await page.mouse.up();
    await expect.poll(() => shownOrder()).toEqual(['c.wav', 'd.wav', 'b.wav', 'a.wav']);
  }, 120_000);
});
