import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** The names of every file below a folder. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

/** The output name template as a window user sets it: in Settings for dropped files, and on a batch-folder rule. */
describe('output file names in the window', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let files: string;

  beforeAll(async () => {
    home = tempDir('convertr-name-template-');
    files = tempDir('convertr-name-files-');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', path.join(files, 'memo.wav')]);
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(files);
  });

  async function open(tab: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: tab }).click();
    return page;
  }

  it('refuses a template with a folder in it, saves a good one, and names the next conversion by it', async () => {
    const page = await open('Settings');
    const form = page.getByRole('form', { name: 'Output file names' });
    const field = form.getByLabel('File name template');
    await field.fill('out/{name}');
    await form.getByRole('button', { name: 'Save file names' }).click();
    await expect(form.getByTestId('name-template-status').textContent()).resolves.toMatch(/not a folder/);
    await expect(field.getAttribute('aria-invalid')).resolves.toBe('true');

    await field.fill('{name}-{quality}');
    await form.getByRole('button', { name: 'Save file names' }).click();
    await expect.poll(() => form.getByTestId('name-template-status').textContent()).toBe('Saved.');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect.poll(() => page.getByLabel('File name template').inputValue()).toBe('{name}-{quality}');

    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'memo.wav', bytes: readFileSync(path.join(files, 'memo.wav')) }]);
    await page.getByRole('listitem', { name: 'memo.wav: Done' }).waitFor({ timeout: 60_000 });
    expect(filesUnder(home).filter((f) => f.endsWith('.mp3'))).toEqual(['memo-balanced.mp3']);
    await page.close();
  });

  it('a batch-folder rule keeps its own file name template, checked before it is sent', async () => {
    const inbox = path.join(files, 'inbox');
    mkdirSync(inbox);
    const page = await open('Batch folders');
    const form = page.getByRole('form', { name: 'New batch folder' });
    await form.getByLabel('Watch folder').fill(inbox);
    await form.getByLabel('File name', { exact: true }).fill('{name}-{nope}');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(form.getByTestId('rule-error').textContent()).resolves.toMatch(/not \{nope\}/);
    await form.getByLabel('File name', { exact: true }).fill('{name}-{target}');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('listitem', { name: `Rule ${inbox}` }).waitFor();
    await expect(page.getByTestId('rule-options').textContent()).resolves.toBe('named {name}-{target}');
    await page.getByRole('button', { name: 'Edit inbox' }).click();
    await expect(page.getByRole('form', { name: 'Edit batch folder' }).getByLabel('File name', { exact: true }).inputValue()).resolves.toBe('{name}-{target}');
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
    expect(readdirSync(inbox)).toEqual([]);
  });
});
