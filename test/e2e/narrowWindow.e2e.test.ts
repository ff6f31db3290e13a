import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

const WIDTH = 400;

/** Controls that stick out of the window, or (in a job row) out of their row: "what: why". */
const cutOff = (page: Page) =>
  page.evaluate((width) => {
    const problems: string[] = [];
    const name = (e: Element) => e.getAttribute('aria-label') ?? e.textContent?.trim().slice(0, 30) ?? e.tagName;
    for (const e of document.querySelectorAll('header button, header select, #view-panel button, #view-panel select, #view-panel input, #view-panel a, [role="tab"]')) {
      const r = e.getBoundingClientRect();
      // Hidden, or inside a box that scrolls sideways on purpose (the stats table).
      if (r.width === 0 || e.closest('.stats-table')) continue;
      if (r.left < -0.5 || r.right > width + 0.5) problems.push(`${name(e)}: ${Math.round(r.left)}..${Math.round(r.right)} px`);
    }
    for (const row of document.querySelectorAll('[data-testid="job-row"]')) {
      const box = row.getBoundingClientRect();
      for (const e of row.querySelectorAll('button, select, a, .job-name')) {
        const r = e.getBoundingClientRect();
        if (r.width < 1 || r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) problems.push(`${name(e)} in ${row.getAttribute('aria-label')}: ${Math.round(r.left)}..${Math.round(r.right)} x ${Math.round(r.top)}..${Math.round(r.bottom)} in ${Math.round(box.left)}..${Math.round(box.right)} x ${Math.round(box.top)}..${Math.round(box.bottom)}`);
      }
    }
    // A checkbox or radio and the first line of its words side by side.
    for (const input of document.querySelectorAll('#view-panel label > input[type="checkbox"], #view-panel label > input[type="radio"]')) {
      const box = input.getBoundingClientRect();
      const range = document.createRange();
      range.selectNodeContents(input.parentElement!);
      range.setStartAfter(input);
      const first = [...range.getClientRects()].find((r) => r.width > 0);
      if (box.width > 0 && first && (first.top >= box.bottom || first.bottom <= box.top)) problems.push(`${input.parentElement!.textContent!.trim().slice(0, 30)}: its box is not beside its words`);
    }
    if (document.documentElement.scrollWidth > width) problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    return problems;
  }, WIDTH);

describe(`a ${WIDTH} px wide window: every view and row fits, nothing is cut off`, () => {
  const ui = useWindowInBrowser('narrow', {
    viewport: { width: WIDTH, height: 800 },
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', path.join(media, 'a-rather-long-recording-name.wav')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  it('the header, the empty queue, finished and failed rows with their details, review rows, Stats, Settings and Batch folders, light and dark', async () => {
    await page.getByTestId('drop-target').waitFor();
    expect(await cutOff(page), 'empty queue').toEqual([]);
    await page.getByRole('button', { name: /^Convert to/ }).click();
    expect(await cutOff(page), 'choices menu').toEqual([]);
    await page.keyboard.press('Escape');

    await dropFiles(page, [
      { name: 'a-rather-long-recording-name.wav', bytes: readFileSync(path.join(media, 'a-rather-long-recording-name.wav')) },
      { name: 'notes.mp3', bytes: Buffer.from('not a sound at all, just words\n') },
    ]);
    await page.getByRole('listitem', { name: 'a-rather-long-recording-name.wav: Done' }).waitFor({ timeout: 60_000 });
    await page.getByRole('listitem', { name: 'notes.mp3: Failed' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'What to do for notes.mp3' }).click();
    await page.getByTestId('error-fix').waitFor();
    // Review rows: each file's name in full above its choices.
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Let me review them first').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.getByRole('tab', { name: 'Queue' }).click();
    await dropFiles(page, [{ name: 'a-rather-long-recording-name.wav', bytes: readFileSync(path.join(media, 'a-rather-long-recording-name.wav')) }]);
    const name = page.getByTestId('pending-row').locator('.job-name');
    await name.waitFor();
    const shown = await name.evaluate((e) => ({ cut: e.scrollWidth > e.clientWidth, width: Math.round(e.getBoundingClientRect().width) }));
    expect(shown.cut, `the name cut off at ${shown.width} px`).toBe(false);
    expect(shown.width).toBeGreaterThan(200);
    await page.getByRole('button', { name: 'Options for a-rather-long-recording-name.wav' }).click();

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const tab of ['Queue', 'Stats', 'Settings', 'Batch folders']) {
        await page.getByRole('tab', { name: tab }).click();
        await page.waitForTimeout(200);
        expect(await cutOff(page), `${tab}, ${scheme}`).toEqual([]);
        if (tab === 'Stats') {
          // A value ("402 ms") or a pair is never broken over two lines in its cell.
          const broken = await page.locator('.stats-table').evaluate((table) => [...table.querySelectorAll('tbody th, td')].filter((cell) => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size > 1;
          }).map((cell) => cell.textContent));
          expect(broken, 'stats cells on two lines').toEqual([]);
        }
        expect(await axeProblems(page), `axe: ${tab}, ${scheme}`).toEqual([]);
      }
    }
  }, 90_000);
});
