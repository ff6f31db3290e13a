import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');
const PICKERS = ['Target format', 'Preset', "If the output's name is taken"] as const;

/**
 * Whether a select shows the whole of the choice it holds: at least as wide as a copy of it sized to that
 * choice, and inside the window; with the header still one row that nothing overflows.
 */
const showsWhole = (select: Locator) =>
  select.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLSelectElement;
    copy.value = (element as HTMLSelectElement).value;
    copy.style.cssText = 'field-sizing: content; width: auto; min-width: 0; max-width: none; position: absolute; visibility: hidden; flex: none;';
    element.parentElement!.appendChild(copy);
    const needed = copy.getBoundingClientRect().width;
    copy.remove();
    const box = element.getBoundingClientRect();
    const header = document.querySelector('header')!;
    return { text: (element as HTMLSelectElement).selectedOptions[0]?.text ?? '', whole: box.width >= needed - 0.5 && box.right <= window.innerWidth, headerFits: header.scrollWidth <= header.clientWidth };
  });

describe('the conversion choices show whole names at 1280x800 and 800x600', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-pickers-');
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
    // The presets' names arrive on their own channel.
    await page.getByLabel('Preset', { exact: true }).locator('option', { hasText: 'Web video' }).waitFor({ state: 'attached' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  it.each([
    { width: 1280, height: 800 },
    { width: 800, height: 600 },
  ])('every format, preset and policy is shown whole once chosen, at $width x $height, and axe finds nothing in either theme', async (size) => {
    await page.setViewportSize(size);
    const toggle = page.locator('.picker-toggle');
    if (await toggle.isVisible()) await toggle.click();
    const cut: string[] = [];
    for (const label of PICKERS) {
      const select = page.getByLabel(label, { exact: true });
      const before = await select.inputValue();
      for (const value of await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))) {
        await select.selectOption(value);
        const shown = await showsWhole(select);
        if (!shown.whole || !shown.headerFits) cut.push(`${label}: "${shown.text}"${shown.headerFits ? '' : ' (header overflows)'}`);
      }
      await select.selectOption(before);
    }
    expect(cut).toEqual([]);
    // The longest built-in preset chosen: what the window looks like with it.
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Web video, 1080p MP4 without metadata' });
    // Folded, the button says what the choices say: the preset's format, the rest Smart.
    if (await toggle.isVisible()) await expect.poll(() => toggle.textContent()).toMatch(/^Convert to MP4, others Smart/);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await axeProblems(page)).map((p) => `pickers ${size.width}x${size.height} (${scheme}): ${p}`)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `pickers-${scheme}-${size.width}x${size.height}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByLabel('Preset', { exact: true }).selectOption('');
    if (await toggle.isVisible()) await page.keyboard.press('Escape');
  }, 120_000);
});
