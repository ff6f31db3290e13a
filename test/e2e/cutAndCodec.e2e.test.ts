import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../helpers/media';

/** The options each saved rule holds, read from the data folder's SQLite file as the app keeps them. */
function savedOptions(home: string): Record<string, unknown>[] {
  const db = new Database(path.join(home, 'convertr.db'), { readonly: true });
  try {
    return (db.prepare('SELECT spec_json FROM watch_rules ORDER BY id').all() as { spec_json: string }[]).map((r) => (JSON.parse(r.spec_json) as { options: Record<string, unknown> }).options);
  } finally {
    db.close();
  }
}

describe('a cut and a codec chosen in the window, offered only where the target takes them', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let mine: string;
  let clip: string;

  beforeAll(async () => {
    home = tempDir('convertr-cut-codec-');
    mine = tempDir('convertr-cut-codec-folders-');
    clip = path.join(mine, 'walk.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(mine);
  });

  it('a batch folder to MP4 takes a cut and H.265, its output lasts the cut; for a picture target the cut and codec are not offered', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Batch folders' }).click();
    const watched = path.join(mine, 'clips');
    mkdirSync(watched);
    const form = page.getByRole('form', { name: 'New batch folder' });
    await form.getByLabel('Watch folder').fill(watched);
    await form.getByLabel('Convert to').selectOption('jpg');
    await form.getByLabel('Picture at (a still of a video)').waitFor();
    for (const absent of ['From', 'Until', 'Video codec', 'Encoding speed']) await expect(form.getByLabel(absent, { exact: true }).count(), absent).resolves.toBe(0);

    await form.getByLabel('Convert to').selectOption('mp4');
    await expect(form.getByLabel('Picture at (a still of a video)').count()).resolves.toBe(0);
    await form.getByLabel('From', { exact: true }).fill('soon');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.getByTestId('rule-error').textContent()).toMatch(/A cut starts at a time such as 00:00:05/);
    await expect(form.getByLabel('From', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }
    // Keyboard: the codec is chosen from the keyboard like any select.
    await form.getByLabel('From', { exact: true }).fill('1');
    await form.getByLabel('Until', { exact: true }).fill('00:00:03');
    await form.getByLabel('Video codec').focus();
    await page.keyboard.press('ArrowDown');
    await expect(form.getByLabel('Video codec').inputValue()).resolves.toBe('h265');
    await form.getByRole('button', { name: 'Add rule' }).click();

    const rule = page.getByRole('listitem', { name: `Rule ${watched}` });
    await rule.getByText('Watching').waitFor();
    expect(savedOptions(home)).toEqual([expect.objectContaining({ from: 1, until: 3, videoCodec: 'h265' })]);
    await expect(rule.getByTestId('rule-options').textContent()).resolves.toBe('cut 1-3 s, H265');

    copyFileSync(clip, path.join(watched, 'walk.mp4'));
    await rule.getByText(/^1 converted, 0 failed/).waitFor({ timeout: 60_000 });
    const output = path.join(watched, 'converted', 'walk.mp4');
    expect(existsSync(output)).toBe(true);
    expect(Math.abs(Number(videoOf(ffprobe(output))!.duration) - 2)).toBeLessThanOrEqual(1 / 30);
    await page.close();
  }, 120_000);

  it('a preset holds a cut and a codec for video; a video dropped with it lasts the cut; a picture preset offers neither', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const outDir = path.join(mine, 'out');
    mkdirSync(outDir);
    await page.getByLabel('In one folder:').check();
    await page.getByLabel('Output folder', { exact: true }).fill(outDir);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();

    const editor = page.getByRole('region', { name: 'Presets' });
    const form = editor.getByRole('form', { name: 'New preset' });
    await form.getByLabel('Format', { exact: true }).selectOption('png');
    for (const absent of ['From', 'Until', 'Video codec']) await expect(form.getByLabel(absent, { exact: true }).count(), absent).resolves.toBe(0);
    await form.getByLabel('Format', { exact: true }).selectOption('mp4');
    await form.getByLabel('Name', { exact: true }).fill('Middle in H.265');
    await form.getByLabel('From', { exact: true }).fill('0:01');
    await form.getByLabel('Until', { exact: true }).fill('3');
    await form.getByLabel('Video codec').selectOption('h265');
    expect(await axeProblems(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save preset' }).click();
    await expect.poll(() => editor.getByTestId('presets-status').textContent()).toBe('Saved the preset "Middle in H.265".');
    await expect(editor.getByTestId('preset-item').filter({ hasText: 'Middle in H.265' }).textContent()).resolves.toMatch(/cut 1-3 s, H265/);

    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Middle in H.265' });
    await dropFiles(page, [{ name: 'walk.mp4', bytes: readFileSync(clip) }]);
    await page.getByRole('listitem', { name: 'walk.mp4: Done' }).waitFor({ timeout: 60_000 });
    const outputs = readdirSync(outDir).filter((f) => f.endsWith('.mp4'));
    expect(outputs).toHaveLength(1);
    expect(Math.abs(Number(videoOf(ffprobe(path.join(outDir, outputs[0]!)))!.duration) - 2)).toBeLessThanOrEqual(1 / 30);
    await page.close();
  }, 120_000);
});
