import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { startBuiltCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

/** The options each saved rule holds, read from the data folder's SQLite file as the app keeps them. */
function savedOptions(home: string): { options: Record<string, unknown>; preset?: string }[] {
  const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
  try {
    return (db.prepare("SELECT spec_json FROM watch_rules ORDER BY id").all() as { spec_json: string }[]).map((r) => JSON.parse(r.spec_json) as { options: Record<string, unknown> });
  } finally {
    db.close();
  }
}

async function waitFor(check: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a batch folder saved from the command line, edited in the window', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let inbox: string;
  let mine: string;

  beforeAll(async () => {
    home = tempDir('convertr-rule-options-');
    mine = tempDir('convertr-rule-folders-');
    inbox = path.join(mine, 'inbox');
    mkdirSync(inbox);
    const run = startBuiltCli(['watch', inbox, '--to', 'webp', '--resize', '1024', '--quality', 'small', '--strip-metadata', '--save'], { CONVERTR_HOME: home });
    let stderr = '';
    run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => stderr.includes('Press Ctrl-C to stop'), `the watch to start (${stderr})`, 30_000);
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
    served = await startServe(home);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(mine);
  });

  async function openFolders(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Batch folders' }).click();
    await page.getByRole('listitem', { name: `Rule ${inbox}` }).waitFor();
    return page;
  }

  it('shows the options the rule holds, and editing another field keeps them', async () => {
    const page = await openFolders();
    const rule = page.getByRole('listitem', { name: `Rule ${inbox}` });
    await expect(rule.getByTestId('rule-options').textContent()).resolves.toBe('small quality, 1024 px, no metadata');

    await page.getByRole('button', { name: 'Edit inbox' }).click();
    const form = page.getByRole('form', { name: 'Edit batch folder' });
    await expect(form.getByLabel('Longest edge in pixels').inputValue()).resolves.toBe('1024');
    await expect(form.getByLabel('Quality').inputValue()).resolves.toBe('small');
    await expect(form.getByLabel('Remove metadata (location, camera serial numbers)').isChecked()).resolves.toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }
    await form.getByLabel('Never files matching').fill('tmp/**');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('form', { name: 'Edit batch folder' }).waitFor({ state: 'detached' });

    expect(savedOptions(home)).toMatchObject([{ options: { resize: 1024, quality: 'small', stripMetadata: true }, exclude: ['tmp/**'] }]);
    await expect(rule.getByTestId('rule-options').textContent()).resolves.toBe('small quality, 1024 px, no metadata');
    await page.close();
  });

  it('edits the options themselves, checked against the limits core gives', async () => {
    const page = await openFolders();
    await page.getByRole('button', { name: 'Edit inbox' }).click();
    const form = page.getByRole('form', { name: 'Edit batch folder' });
    await form.getByLabel('Longest edge in pixels').fill('99999');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await expect(form.getByTestId('rule-error').textContent()).resolves.toBe('A longest edge is a whole number of pixels from 16 to 16384.');
    expect(savedOptions(home)[0]!.options).toMatchObject({ resize: 1024 });

    await form.getByLabel('Longest edge in pixels').fill('2048');
    await form.getByLabel('If the name is taken').selectOption('skip');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('form', { name: 'Edit batch folder' }).waitFor({ state: 'detached' });
    expect(savedOptions(home)[0]!.options).toEqual({ resize: 2048, quality: 'small', stripMetadata: true, onConflict: 'skip' });
    await expect(page.getByTestId('rule-options').textContent()).resolves.toBe('small quality, 2048 px, no metadata, skip existing');
    await page.close();
  });
});
