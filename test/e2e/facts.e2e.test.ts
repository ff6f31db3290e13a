import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, outputKind } from '../../main/core/formats';
import { PLAN_CEILINGS } from '../../main/core/scheduling/concurrency';
import { launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

/** The target picker's groups as the window shows them: [group label, option values]. */
async function pickerGroups(page: Page, label: string): Promise<[string, string[]][]> {
  return page.getByLabel(label, { exact: true }).evaluate((select) =>
    [...select.querySelectorAll('optgroup')].map((g) => [g.label, [...g.querySelectorAll('option')].map((o) => o.value)] as [string, string[]]));
}

/** Core's targets grouped by kind, as the window should offer them. */
function coreGroups(formats: readonly string[] = OUTPUT_FORMATS, kindOf: (f: string) => string = (f) => outputKind(f as never)): [string, string[]][] {
  const kinds = [...new Set(formats.map(kindOf))];
  return kinds.map((kind) => [kind.charAt(0).toUpperCase() + kind.slice(1), formats.filter((f) => kindOf(f) === kind)]);
}

describe('the window learns formats, modes and limits from core through app:facts', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;

  beforeAll(async () => {
    home = tempDir('convertr-facts-');
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  it("offers exactly core's targets by kind, and takes as many simultaneous pictures as the plan allows (no ceiling)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByLabel('Target format', { exact: true }).waitFor();
    expect(await pickerGroups(page, 'Target format')).toEqual(coreGroups());

    expect(PLAN_CEILINGS.image).toBe(Number.POSITIVE_INFINITY);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('spinbutton', { name: /^Image/ }).fill('300');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();

    await page.getByRole('spinbutton', { name: /^Video/ }).fill(String(PLAN_CEILINGS.video + 1));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#error-video', { hasText: `Choose a whole number from 1 to ${PLAN_CEILINGS.video}.` }).waitFor();
    await page.close();
  }, 60_000);

  it('shows a format and a ceiling that core adds, with no change to the window', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Stands in for a core that gained a JPEG XL target and a lower video ceiling: only the facts answer changes.
    let asked = 0;
    await page.route('**/api/invoke/app:facts', async (route) => {
      asked++;
      const response = await route.fetch();
      const body = (await response.json()) as { ok: boolean; value: { outputFormats: { format: string; kind: string; label: string; sizeLimit: boolean }[]; planCeilings: Record<string, number | null> } };
      body.value.outputFormats.push({ format: 'jxl', kind: 'image', label: 'JXL', sizeLimit: false });
      body.value.planCeilings['video'] = 8;
      await route.fulfill({ response, json: body });
    });
    await page.goto(served.url);
    await page.getByLabel('Target format', { exact: true }).waitFor();
    expect(asked).toBe(1);
    const withJxl = [...OUTPUT_FORMATS, 'jxl'];
    expect(await pickerGroups(page, 'Target format')).toEqual(coreGroups(withJxl, (f) => (f === 'jxl' ? 'image' : outputKind(f as never))));

    await page.getByRole('tab', { name: 'Settings' }).click();
    expect((await pickerGroups(page, 'Format')).find(([label]) => label === 'Image')?.[1]).toContain('jxl');
    await page.getByText('plan allows 8').waitFor();
    await page.getByRole('spinbutton', { name: /^Video/ }).fill('9');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#error-video', { hasText: 'Choose a whole number from 1 to 8.' }).waitFor();

    await page.getByRole('tab', { name: 'Batch folders' }).click();
    const ruleTarget = page.getByRole('form', { name: 'New batch folder' }).getByLabel('Convert to');
    await expect(ruleTarget.locator('option[value="jxl"]').count()).resolves.toBe(1);
    await page.close();
  }, 60_000);
});
