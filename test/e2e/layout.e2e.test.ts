import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');
const TABS = ['Queue', 'Stats', 'Settings', 'Batch folders'] as const;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlap = (a: Box, b: Box) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

/** The header's visible controls and title: their boxes, and the header's own height. */
async function toolbar(page: Page) {
  return page.locator('header').evaluate((header) => {
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    const parts = [...header.querySelectorAll('h1, [role="tab"], select, button, summary')].filter(visible).map((e) => {
      const r = e.getBoundingClientRect();
      return { name: e.getAttribute('aria-label') ?? e.textContent ?? '', top: r.top, bottom: r.bottom, height: r.height };
    });
    return { height: header.getBoundingClientRect().height, parts };
  });
}

/** One row: every part shares one line (their vertical ranges all overlap), and the header is no taller than its tallest part plus its padding. */
async function expectOneRow(page: Page, where: string) {
  const bar = await toolbar(page);
  const tallest = Math.max(...bar.parts.map((p) => p.height));
  expect(bar.height, `${where}: header ${bar.height}px for parts of at most ${tallest}px (${bar.parts.map((p) => `${p.name}@${Math.round(p.top)}`).join(', ')})`).toBeLessThanOrEqual(tallest + 2 * 8 + 1);
  const lowestTop = Math.max(...bar.parts.map((p) => p.top));
  const highestBottom = Math.min(...bar.parts.map((p) => p.bottom));
  expect(lowestTop, `${where}: every part on one line`).toBeLessThan(highestBottom);
}

/** A label is on one line when its text has a single line box. */
const lineCount = (element: Locator) =>
  element.evaluate((e) => {
    const range = document.createRange();
    range.selectNodeContents(e);
    return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  });

async function inEveryLook(page: Page, check: (where: string, size: (typeof SIZES)[number], scheme: (typeof SCHEMES)[number]) => Promise<void>) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(100);
      await check(`${size.width}x${size.height} ${scheme}`, size, scheme);
    }
  }
  await page.setViewportSize(SIZES[0]);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('the window fits 1280x800 and 800x600, light and dark', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-layout-');
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: SIZES[0] });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  it('shows the whole empty queue without scrolling, and the toolbar on one row on every tab', async () => {
    const problems: string[] = [];
    await inEveryLook(page, async (where, size, scheme) => {
      for (const tab of TABS) {
        await page.getByRole('tab', { name: tab }).click();
        await expectOneRow(page, `${tab} at ${where}`);
      }
      await page.getByRole('tab', { name: 'Queue' }).click();
      const target = page.getByTestId('drop-target');
      const fits = await target.evaluate((drop, viewport) => {
        const outside = [...drop.querySelectorAll('svg, h2, h3, p, button')].filter((e) => {
          const r = e.getBoundingClientRect();
          return r.top < 0 || r.left < 0 || r.bottom > viewport.height || r.right > viewport.width;
        });
        return { scrolls: drop.scrollHeight > drop.clientHeight + 1 || document.scrollingElement!.scrollHeight > viewport.height, outside: outside.map((e) => e.textContent || e.tagName) };
      }, size);
      expect(fits, `empty queue at ${where}`).toEqual({ scrolls: false, outside: [] });
      problems.push(...(await axeProblems(page)).map((p) => `empty queue ${where}: ${p}`));
      if (size.width < 1200) {
        // Folded: one button names the chosen target and opens every choice; Escape closes it and keeps the focus on it.
        const toggle = page.getByRole('button', { name: 'Convert to Smart' });
        await toggle.click();
        await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
        await expect(page.getByLabel("If the output's name is taken").isVisible()).resolves.toBe(true);
        problems.push(...(await axeProblems(page)).map((p) => `choices menu ${where}: ${p}`));
        await page.screenshot({ path: path.join(SCREENSHOTS, `choices-menu-${scheme}-${size.width}x${size.height}.png`) });
        await page.getByLabel('Preset', { exact: true }).focus();
        await page.keyboard.press('Escape');
        await expect(page.getByLabel('Target format').isVisible()).resolves.toBe(false);
        await expect(toggle.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
      } else {
        await expect(page.getByLabel('Target format').isVisible()).resolves.toBe(true);
      }
      await page.screenshot({ path: path.join(SCREENSHOTS, `empty-state-${scheme}-${size.width}x${size.height}.png`) });
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('keeps "Add files…" on one line and the toolbar on one row with rows in the queue, and a failed row\'s error, advice and actions apart', async () => {
    // An MP4 cut off after its first box: damaged, so it fails (Smart would skip it), and Retry offers what an MP4 can become.
    const cutOff = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp41'), Buffer.alloc(64)]);
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'holiday-notes-from-the-summer-trip.mp4', bytes: cutOff }]);
    const row = page.getByRole('listitem', { name: 'holiday-notes-from-the-summer-trip.mp4: Failed' });
    await row.waitFor({ timeout: 30_000 });
    const problems: string[] = [];
    await inEveryLook(page, async (where, size, scheme) => {
      for (const tab of TABS) {
        await page.getByRole('tab', { name: tab }).click();
        await expectOneRow(page, `${tab} with rows at ${where}`);
        const add = page.getByRole('button', { name: 'Add files…' });
        await expect(lineCount(add), `"Add files…" on ${tab} at ${where}`).resolves.toBe(1);
      }
      await page.getByRole('tab', { name: 'Queue' }).click();
      // The queue forgets which rows were opened when another tab was shown.
      const open = row.getByRole('button', { name: /What to do for/ });
      if ((await open.count()) > 0) await open.click();
      await row.getByTestId('error-fix').waitFor();
      const rowBox = (await row.boundingBox())!;
      const parts: [string, Locator][] = [
        ['error', row.getByTestId('error-message')],
        ['advice', row.locator('dl.error-details')],
        ['details toggle', row.getByRole('button', { name: /Hide details for/ })],
        ['retry target', row.getByRole('combobox', { name: /^Target for retrying/ })],
        ['retry preset', row.getByRole('combobox', { name: /^Preset for retrying/ })],
        ['retry', row.getByRole('button', { name: /^Retry / })],
        ['remove', row.getByRole('button', { name: /^Remove / })],
      ];
      const boxes: [string, Box][] = [];
      for (const [name, locator] of parts) boxes.push([name, (await locator.boundingBox())!]);
      for (const [name, box] of boxes) {
        expect(box.x >= rowBox.x && box.x + box.width <= rowBox.x + rowBox.width + 0.5, `${name} inside the row at ${where}`).toBe(true);
        expect(box.y + box.height <= rowBox.y + rowBox.height + 0.5, `${name} not cut off by the row at ${where}`).toBe(true);
      }
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]![1], boxes[j]![1]), `${boxes[i]![0]} and ${boxes[j]![0]} apart at ${where}`).toBe(false);
      // The error's sentence is readable on the row, not squeezed to a few letters.
      const error = await row.getByTestId('error-message').evaluate((e) => ({ shown: e.clientWidth, needed: e.scrollWidth }));
      expect(error.shown, `error text width at ${where}`).toBeGreaterThanOrEqual(Math.min(error.needed, 300));
      problems.push(...(await axeProblems(page)).map((p) => `failed row ${where}: ${p}`));
      await page.screenshot({ path: path.join(SCREENSHOTS, `failed-row-${scheme}-${size.width}x${size.height}.png`) });
    });
    expect(problems, problems.join('\n')).toEqual([]);
  }, 120_000);
});
