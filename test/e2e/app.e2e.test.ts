import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, ROOT, startBuiltCli } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { corpus, makeMedia, removeDir, tempDir } from '../helpers/media';
import { INPUT_FORMATS, inputKind } from '../../main/core/formats';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');
const VIEWS = ['Queue', 'Stats', 'Settings', 'Batch folders'] as const;
const SIZES = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

const slug = (view: string) => view.toLowerCase().replace(' ', '-');

/** Every view, light and dark, at both window sizes: no serious or critical axe-core violation, and a screenshot of each. */
async function auditAndCapture(page: Page, name: (view: string) => string, views: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const view of views) {
        if (view !== 'Gate') await page.getByRole('tab', { name: view }).click();
        await page.waitForTimeout(120);
        if (size.width === 1280) problems.push(...(await axeProblems(page)).map((p) => `${view} (${scheme}): ${p}`));
        const file = path.join(SCREENSHOTS, `${name(view)}-${scheme}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        expect(statSync(file).size).toBeGreaterThan(5000);
      }
    }
  }
  await page.setViewportSize(SIZES[0]);
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

describe('the app in a real browser against convertr serve', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let outside: string;
  let page: Page;
  let cliConverted = 0;

  beforeAll(async () => {
    home = tempDir('convertr-e2e-');
    outside = tempDir('convertr-e2e-folders-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    // review-rows-* belong to review.e2e.test.ts.
    for (const old of readdirSync(SCREENSHOTS)) if (!old.startsWith('review-rows-')) rmSync(path.join(SCREENSHOTS, old));
    // A command-line batch stopped in a terminal after its first file: the window offers to resume it.
    const clips = path.join(outside, 'clips');
    mkdirSync(clips);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(clips, 'clip0.mkv')]);
    for (const i of [1, 2]) copyFileSync(path.join(clips, 'clip0.mkv'), path.join(clips, `clip${i}.mkv`));
    const cli = startBuiltCli(['convert', clips, '--to', 'mp4', '--out', path.join(outside, 'clips-out'), '--json'], { CONVERTR_HOME: home });
    await new Promise<void>((resolve) => cli.child.stdout!.once('data', () => resolve()));
    cli.child.kill('SIGTERM');
    cliConverted = jsonLines((await cli.done).stdout).filter((l) => l['status'] === 'succeeded').length;

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
    removeDir(outside);
  });

  it('says how to open it properly when the address has no token', async () => {
    const bare = await browser.newPage({ viewport: SIZES[0] });
    await bare.goto(new URL(served.url).origin);
    await bare.getByRole('heading', { name: 'Open Convertr from its full address' }).waitFor();
    await expect(bare.getByText(/#token=/).count()).resolves.toBeGreaterThan(0);
    await expect(bare.getByRole('tab').count()).resolves.toBe(0);
    const problems = await auditAndCapture(bare, () => 'no-token', ['Gate']);
    expect(problems, problems.join('\n')).toEqual([]);
    await bare.close();
  });

  it('greets an empty queue with one large drop target and no queue controls', async () => {
    const target = page.getByTestId('drop-target');
    await expect(target.getByRole('heading', { name: 'Drop videos, music or photos' }).isVisible()).resolves.toBe(true);
    // The formats it takes, as core lists them (app:facts).
    await expect(target.getByText(INPUT_FORMATS.filter((f) => inputKind(f) === 'image').map((f) => f.toUpperCase()).join(', '), { exact: true }).isVisible()).resolves.toBe(true);
    await expect(target.getByText(/With Smart, videos become MP4/).isVisible()).resolves.toBe(true);
    await expect(target.getByText(/With Smart, photos become JPG/).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Add files…' }).count()).resolves.toBe(1);
    await expect(target.getByRole('button', { name: 'Add files…' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Pause all' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Clear finished' }).count()).resolves.toBe(0);
    const box = await target.boundingBox();
    expect(box!.height).toBeGreaterThan(500);
    const problems = await auditAndCapture(page, () => 'empty-queue', ['Queue']);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('offers a command-line batch stopped in a terminal, with a Resume button named after it, and never runs it by itself', async () => {
    const section = page.getByRole('region', { name: 'Interrupted command-line batches' });
    const left = 3 - cliConverted;
    await expect(section.getByText(`${left} of 3 files to MP4 left, stopped in a terminal`).isVisible()).resolves.toBe(true);
    await expect(section.getByRole('button', { name: `Resume ${left} of 3 files to MP4` }).count()).resolves.toBe(1);
    expect(readdirSync(path.join(outside, 'clips-out')).filter((n) => n.endsWith('.mp4'))).toHaveLength(cliConverted);
  });

  it('moves the focus with the selection on the tabs (arrows, Home, End)', async () => {
    await page.getByRole('tab', { name: 'Queue' }).focus();
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('Stats');
    await expect(page.getByRole('tab', { name: 'Stats' }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.getByRole('tabpanel').getAttribute('aria-labelledby')).resolves.toBe('tab-stats');
    await page.keyboard.press('End');
    expect(await focused()).toBe('Batch folders');
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('Queue');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('Batch folders');
    await page.keyboard.press('Home');
    expect(await focused()).toBe('Queue');
    await expect(page.getByRole('tab', { name: 'Queue' }).getAttribute('tabindex')).resolves.toBe('0');
    await expect(page.getByRole('tab', { name: 'Stats' }).getAttribute('tabindex')).resolves.toBe('-1');
  });

  it('converts a dropped iPhone HEIC to JPG and a phone MP4 to MP3, with progress, outputs on disk and stats', async () => {
    await page.evaluate(() => {
      const seen = ((window as unknown as { seen: Set<string> }).seen = new Set<string>());
      new MutationObserver(() => {
        document.querySelectorAll('[data-testid="job-row"]').forEach((row) => {
          if (row.querySelector('[role="progressbar"]')) seen.add(`progress:${row.querySelector('.job-name')?.textContent}`);
          seen.add(`${row.querySelector('.job-name')?.textContent}:${row.querySelector('.badge')?.textContent}`);
        });
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByLabel('Target format').selectOption('jpg');
    await dropFiles(page, [{ name: 'IMG_5195.HEIC', bytes: readFileSync(corpus('heic/IMG_5195.HEIC')) }]);
    await page.getByRole('listitem', { name: 'IMG_5195.HEIC: Done' }).waitFor({ timeout: 60_000 });
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'vfr-rotated.mp4', bytes: readFileSync(corpus('video/vfr-rotated.mp4')) }]);
    await page.getByRole('listitem', { name: 'vfr-rotated.mp4: Done' }).waitFor({ timeout: 60_000 });

    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen]);
    expect(seen).toContain('progress:IMG_5195.HEIC');
    expect(seen).toContain('progress:vfr-rotated.mp4');
    await expect(page.getByTestId('batch-summary').textContent()).resolves.toMatch(/^2 of 2 finished:2 succeeded0 failed0 cancelled$/);
    const outputs = filesUnder(path.join(home, 'inbox')).map((f) => path.basename(f));
    expect(outputs).toEqual(expect.arrayContaining(['IMG_5195.jpg', 'vfr-rotated.mp3']));
    expect(outputs, 'uploaded copies are removed once converted').not.toContain('IMG_5195.HEIC');
    await expect(page.getByRole('button', { name: 'Pause all' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('listitem', { name: 'IMG_5195.HEIC: Done' }).getByRole('img', { name: 'Image' }).count()).resolves.toBe(1);
    await expect(page.getByRole('listitem', { name: 'vfr-rotated.mp4: Done' }).getByRole('img', { name: 'Audio' }).count()).resolves.toBe(1);

    await page.getByRole('tab', { name: 'Stats' }).click();
    await expect(page.getByTestId('total-requests').textContent()).resolves.toBe(String(2 + cliConverted));
    await expect(page.getByRole('row', { name: /HEIC->JPG 1 100.0% 0.0%/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('row', { name: /MP4->MP3 1 100.0% 0.0%/ }).count()).resolves.toBe(1);
  });

  it('shows a failure as a failure: its own count and colour, its message and fix apart and expandable, a Retry named after the file', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format').selectOption('smart');
    await dropFiles(page, [{ name: 'holiday.mp4', bytes: Buffer.from('These are my holiday notes, not a video.\n') }]);
    const row = page.getByRole('listitem', { name: 'holiday.mp4: Failed' });
    await row.waitFor({ timeout: 30_000 });
    await expect(row.getByTestId('error-message').textContent()).resolves.toBe('This is a text file, not audio, video or an image, whatever its name says.');
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('1 failed');
    const colours = await page.evaluate(() => {
      const colour = (selector: string) => getComputedStyle(document.querySelector(selector)!).backgroundColor;
      return { failed: colour('.meter .m-failed'), succeeded: colour('.meter .m-succeeded') };
    });
    expect(colours.failed).not.toBe(colours.succeeded);

    const toggle = row.getByRole('button', { name: 'What to do for holiday.mp4' });
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('false');
    await toggle.click();
    const opened = page.getByRole('listitem', { name: 'holiday.mp4: Failed' });
    await expect(opened.getByTestId('error-what').textContent()).resolves.toBe('This is a text file, not audio, video or an image, whatever its name says.');
    await expect(opened.getByTestId('error-fix').textContent()).resolves.toBe('Check that you picked the right file.');
    await expect(opened.getByRole('button', { name: 'Hide details for holiday.mp4' }).getAttribute('aria-expanded')).resolves.toBe('true');
    expect((await opened.boundingBox())!.height).toBeGreaterThan(120);
    // Both parts are in view, not clipped by the row.
    const rowBox = (await opened.boundingBox())!;
    const fixBox = (await opened.getByTestId('error-fix').boundingBox())!;
    expect(fixBox.y + fixBox.height).toBeLessThanOrEqual(rowBox.y + rowBox.height);
    await expect(opened.getByTestId('error-fix').evaluate((dd) => dd.closest('dl')!.scrollHeight <= dd.closest('dl')!.clientHeight)).resolves.toBe(true);

    // Every row action is named after its file, so that a screen reader can tell them apart.
    await expect(page.getByRole('button', { name: 'Retry holiday.mp4' }).count()).resolves.toBe(1);
    // In the browser a finished file is downloaded (Show in folder is the desktop app's).
    await expect(page.getByRole('link', { name: 'Download IMG_5195.HEIC' }).count()).resolves.toBe(1);
    const names = await page.locator('.job-actions button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(names.length);
  });

  it('counts a cancelled job apart from succeeded and failed ones', async () => {
    await page.getByRole('button', { name: 'Pause all' }).click();
    await page.getByRole('button', { name: 'Resume all' }).waitFor();
    await page.getByLabel('Target format').selectOption('png');
    await dropFiles(page, [{ name: 'pug.heic', bytes: readFileSync(corpus('heic/pug.heic')) }]);
    await page.getByRole('button', { name: 'Cancel pug.heic' }).click();
    await page.getByRole('listitem', { name: 'pug.heic: Cancelled' }).waitFor();
    await page.getByRole('button', { name: 'Resume all' }).click();
    await expect(page.getByTestId('batch-summary').textContent()).resolves.toMatch(/^4 of 4 finished:2 succeeded1 failed1 cancelled$/);
    await expect(page.getByRole('button', { name: 'Retry pug.heic' }).count()).resolves.toBe(1);
  });

  it('keeps settings across a reload, storing only the hash of the client label', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Automatic').check();
    await page.getByLabel('Notify me when a batch finishes').uncheck();
    await page.getByLabel('Client label').fill('Zebra Studio Berlin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.reload();
    await page.getByRole('tab', { name: 'Settings' }).click();
    await expect(page.getByLabel('Automatic').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('Notify me when a batch finishes').isChecked()).resolves.toBe(false);
    await expect(page.getByLabel('Client label').getAttribute('placeholder')).resolves.toMatch(/^set \(stored as cohort_[0-9a-f]{16}\)$/);
    for (const file of filesUnder(home)) expect(readFileSync(file).includes('Zebra Studio')).toBe(false);
  });

  it('explains a bad output folder in plain words beside the control, refuses relative paths and keeps Save and its feedback in view', async () => {
    await page.setViewportSize(SIZES[1]);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('In one folder:').check();
    const folder = page.getByLabel('Output folder');
    await folder.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#error-outputFolder').textContent()).resolves.toBe('Type the folder for converted files, or choose “Beside each original”.');
    await expect(folder.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(folder.getAttribute('aria-describedby')).resolves.toBe('error-outputFolder');
    await folder.fill('converted');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#error-outputFolder').textContent()).resolves.toMatch(/^Type a full path that starts with \//);
    // The server refuses the app's own folders, and the window puts its words beside the field too.
    await folder.fill(path.join(home, 'outputs'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#error-outputFolder', { hasText: "inside Convertr's data folder" }).waitFor();
    const status = page.getByTestId('settings-status');
    await expect(status.textContent()).resolves.toMatch(/inside Convertr's data folder/);
    for (const element of [status, page.getByRole('button', { name: 'Save settings' })]) {
      const box = (await element.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(SIZES[1].height);
    }
    await page.getByLabel('Beside each original').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    await page.setViewportSize(SIZES[0]);
  });

  it('adds a batch folder in the window and converts what arrives in it; refuses a missing folder and a folder watched twice', async () => {
    const watched = path.join(outside, 'camera-import');
    mkdirSync(watched);
    await page.getByRole('tab', { name: 'Batch folders' }).click();
    const form = page.getByRole('form', { name: 'New batch folder' });
    await form.getByLabel('Watch folder').fill(path.join(outside, 'not-there'));
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.getByTestId('rule-error').textContent()).toMatch(/does not exist; create it first/);
    await form.getByLabel('Watch folder').fill('camera-import');
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => form.getByTestId('rule-error').textContent()).toMatch(/must be a full path/);

    await form.getByLabel('Watch folder').fill(watched);
    await form.getByLabel('Convert to').selectOption('png');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rule = page.getByRole('listitem', { name: `Rule ${watched}` });
    await rule.getByText('Watching').waitFor();
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(watched, 'portrait.jpg'));
    await rule.getByText(/^1 converted, 0 failed/).waitFor({ timeout: 30_000 });
    expect(existsSync(path.join(watched, 'converted', 'portrait.png'))).toBe(true);

    const again = page.getByRole('form', { name: 'New batch folder' });
    await again.getByLabel('Watch folder').fill(watched);
    await again.getByRole('button', { name: 'Add rule' }).click();
    await expect.poll(() => again.getByTestId('rule-error').textContent()).toMatch(/already watched by another rule/);
    await expect(page.getByRole('button', { name: 'Pause camera-import' }).count()).resolves.toBe(1);
  });

  it('draws the stats charts with axes, values and a legend, readable at 800 px and sensible for one day', async () => {
    await page.setViewportSize(SIZES[1]);
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByRole('button', { name: '1 day' }).click();
    const chart = page.getByTestId('per-day-chart');
    await chart.waitFor();
    const perDay = await chart.evaluate((svg) => ({
      bars: [...svg.querySelectorAll('rect')].map((r) => r.getBoundingClientRect().width),
      width: svg.getBoundingClientRect().width,
      fontSizes: [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1)),
      texts: [...svg.querySelectorAll('text')].map((t) => t.textContent),
    }));
    expect(perDay.bars.length).toBeGreaterThan(0);
    expect(Math.max(...perDay.bars), 'one day is one bar, not a band across the chart').toBeLessThanOrEqual(48);
    expect(Math.min(...perDay.fontSizes), 'labels readable at 800 px').toBeGreaterThanOrEqual(11);
    expect(perDay.texts).toContain('0');
    // Requests count succeeded and failed jobs; the day's bar adds the one cancelled job.
    const dayTotal = await chart.evaluate((svg) => [...svg.querySelectorAll('text.value')].map((t) => t.textContent));
    expect(dayTotal, 'each day carries its total').toEqual([String(Number(await page.getByTestId('total-requests').textContent()) + 1)]);
    await expect.poll(() => page.locator('figure').first().getByRole('listitem').allTextContents()).toEqual(['Succeeded', 'Failed', 'Cancelled']);
    const runtime = await page.getByTestId('runtime-chart').evaluate((svg) => [...svg.querySelectorAll('text')].map((t) => t.textContent));
    expect(runtime).toEqual(expect.arrayContaining(['HEIC->JPG', 'MP4->MP3', '0 s']));
    await page.setViewportSize(SIZES[0]);
  });

  it('saves a preset in the editor, converts a drop with it, downloads the file, and retries a failed row with another target and preset', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const editor = page.getByRole('region', { name: 'Presets' });
    await expect(editor.getByText('Email video, under 25 MB').count()).resolves.toBe(1);
    const form = editor.getByRole('form', { name: 'New preset' });
    await form.getByRole('button', { name: 'Save preset' }).click();
    await expect(form.getByText('A preset needs a name.').isVisible()).resolves.toBe(true);
    await form.getByLabel('Name', { exact: true }).fill('Tiny web');
    await form.getByLabel('Format', { exact: true }).selectOption('webp');
    await form.getByLabel('Longest edge in pixels').fill('256');
    await form.getByLabel(/Remove metadata/).check();
    await form.getByRole('button', { name: 'Save preset' }).click();
    await expect.poll(() => editor.getByTestId('presets-status').textContent()).toBe('Saved the preset "Tiny web".');
    // A still's size cannot be chosen (the engine refuses it): a JPG preset offers no size limit, an MP4 one does.
    await form.getByLabel('Format', { exact: true }).selectOption('jpg');
    await expect(form.getByLabel(/Size limit in MB/).count()).resolves.toBe(0);
    await form.getByLabel('Format', { exact: true }).selectOption('mp4');
    await expect(form.getByLabel(/Size limit in MB/).count()).resolves.toBe(1);
    await form.getByLabel('Format', { exact: true }).selectOption('jpg');
    await form.getByLabel('Name', { exact: true }).fill('');
    const shots = await auditAndCapture(page, () => 'presets-editor', ['Settings']);
    expect(shots, shots.join('\n')).toEqual([]);

    // The saved preset, picked for a drop: its target and resize apply.
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format').selectOption('smart');
    await page.getByLabel('Preset', { exact: true }).selectOption({ label: 'Tiny web' });
    await dropFiles(page, [{ name: 'pug-small.heic', bytes: readFileSync(corpus('heic/pug.heic')) }]);
    const row = page.getByRole('listitem', { name: 'pug-small.heic: Done' });
    await row.waitFor({ timeout: 60_000 });
    await expect(row.getByText('HEIC->WEBP').count()).resolves.toBe(1);
    await expect(row.getByText('Tiny web').count()).resolves.toBe(1);
    const href = await row.getByRole('link', { name: 'Download pug-small.heic' }).getAttribute('href');
    const download = await page.request.get(new URL(href!, served.url).toString());
    expect(download.status()).toBe(200);
    expect(download.headers()['content-disposition']).toMatch(/attachment; filename="pug-small\.webp"/);
    const picture = await sharp(await download.body()).metadata();
    expect([picture.format, Math.max(picture.width!, picture.height!)]).toEqual(['webp', 256]);
    expect(picture.exif).toBeUndefined();
    // Without the token, or for a job that wrote nothing, there is nothing to download.
    await expect(page.request.get(new URL(href!.replace(/\?token=.*/, ''), served.url).toString()).then((r) => r.status())).resolves.toBe(401);

    // A wrong target fails; the row takes another target and preset before Retry.
    await page.getByLabel('Preset', { exact: true }).selectOption('');
    await page.getByLabel('Target format').selectOption('mp3');
    await dropFiles(page, [{ name: 'pug-retry.heic', bytes: readFileSync(corpus('heic/pug.heic')) }]);
    const failed = page.getByRole('listitem', { name: 'pug-retry.heic: Failed' });
    await failed.waitFor({ timeout: 60_000 });
    await failed.getByLabel('Preset for retrying pug-retry.heic').selectOption({ label: 'Tiny web' });
    await expect(failed.getByLabel('Target for retrying pug-retry.heic').inputValue()).resolves.toBe('webp');
    await failed.getByLabel('Target for retrying pug-retry.heic').selectOption('png');
    await failed.getByRole('button', { name: 'Retry pug-retry.heic' }).click();
    const retried = page.getByRole('listitem', { name: 'pug-retry.heic: Done' });
    await retried.waitFor({ timeout: 60_000 });
    await expect(retried.getByText('HEIC->PNG').count()).resolves.toBe(1);
    await expect(retried.getByText('Tiny web').count()).resolves.toBe(1);
    const rows = await auditAndCapture(page, () => 'preset-rows', ['Queue']);
    expect(rows, rows.join('\n')).toEqual([]);

    // One row leaves the list; the file it wrote stays.
    await retried.getByRole('button', { name: 'Remove pug-retry.heic from the list' }).click();
    await expect.poll(() => page.getByRole('listitem', { name: /^pug-retry\.heic/ }).count()).toBe(0);
    await page.getByLabel('Target format').selectOption('smart');
  }, 180_000);

  it('passes axe-core (no serious or critical violation) in every view, light and dark, and saves a screenshot of each at 1280x800 and 800x600', async () => {
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByRole('button', { name: '7 days' }).click();
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'What to do for holiday.mp4' }).click();
    const problems = await auditAndCapture(page, slug, VIEWS);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('resumes the interrupted command-line batch when asked', async () => {
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('button', { name: /^Resume \d of 3 files to MP4$/ }).click();
    await page.getByRole('region', { name: 'Interrupted command-line batches' }).waitFor({ state: 'detached' });
    await expect.poll(() => readdirSync(path.join(outside, 'clips-out')).filter((n) => n.endsWith('.mp4')).sort(), { timeout: 60_000 }).toEqual(['clip0.mp4', 'clip1.mp4', 'clip2.mp4']);
    await expect.poll(() => page.getByRole('listitem', { name: /^clip\d\.mkv: Done$/ }).count(), { timeout: 30_000 }).toBe(3 - cliConverted);
    await page.waitForTimeout(500);
    await expect(page.getByRole('region', { name: 'Interrupted command-line batches' }).count()).resolves.toBe(0);
  });
});
