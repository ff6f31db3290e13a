import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp, saveOutputSettings } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

describe('from the anchors: an estimated size before Start, Download all as one ZIP in the browser, and a queue to reorder', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let media: string;
  let outDir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-anchors-');
    media = tempDir('convertr-anchors-media-');
    outDir = tempDir('convertr-anchors-out-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=d=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(media, 'clip.mp4')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=d=120:sample_rate=8000', '-ac', '1', path.join(media, 'speech.wav')]);
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(media);
    removeDir(outDir);
  });

  const axeBothThemes = async (where: string) => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect((await axeProblems(page)).map((p) => `${where} (${scheme}): ${p}`)).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('shows each review row the size its preset will make, labelled as an estimate or as the size limit', async () => {
    await saveOutputSettings(page, outDir, { review: true });

    await dropFiles(page, [
      { name: 'clip.mp4', bytes: readFileSync(path.join(media, 'clip.mp4')) },
      { name: 'speech.wav', bytes: readFileSync(path.join(media, 'speech.wav')) },
    ]);
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(2);
    const clip = page.getByRole('listitem', { name: 'clip.mp4' });
    const speech = page.getByRole('listitem', { name: 'speech.wav' });
    await expect(clip.getByTestId('pending-estimate').count()).resolves.toBe(0);

    // 3 s of 720p under a 25 MB limit: well under it, so a figure from the quality, said to be an estimate.
    await page.getByLabel('Preset for clip.mp4').selectOption({ label: 'Email video, under 25 MB' });
    await expect.poll(() => clip.getByTestId('pending-estimate').textContent(), { timeout: 15_000 }).toMatch(/^About \d+(\.\d)? (KB|MB) \(estimate\)$/);
    // Two minutes of speech at the voice note's bitrate would pass 1 MB: the limit caps it.
    await page.getByLabel('Preset for speech.wav').selectOption({ label: 'Voice note, under 1 MB M4A' });
    await expect.poll(() => speech.getByTestId('pending-estimate').textContent(), { timeout: 15_000 }).toBe('≤ 1 MB (size limit)');
    // A fixed bitrate: 96 kbit/s for 120 s.
    await page.getByLabel('Preset for speech.wav').selectOption({ label: 'Podcast MP3, mono 96 kbps' });
    await expect.poll(() => speech.getByTestId('pending-estimate').textContent()).toBe('About 1.4 MB (estimate)');
    await axeBothThemes('review rows with estimates');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'anchors-review-estimates.png') });
  }, 60_000);

  it('Download all gives one ZIP holding exactly the converted files, byte for byte', async () => {
    await expect(page.getByRole('link', { name: /Download all/ }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('listitem', { name: 'clip.mp4: Done' }).waitFor({ timeout: 120_000 });
    await page.getByRole('listitem', { name: 'speech.wav: Done' }).waitFor({ timeout: 120_000 });

    const link = page.getByRole('link', { name: 'Download all converted files as one ZIP' });
    await axeBothThemes('queue with Download all');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'anchors-download-all.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('Convertr files.zip');
    const zip = path.join(media, 'all.zip');
    await download.saveAs(zip);

    const outputs = readdirSync(outDir).sort();
    expect(outputs).toEqual(['clip.mp4', 'speech.mp3']);
    const inZip = JSON.parse(
      execFileSync('python3', ['-c', 'import sys,zipfile,json,base64\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: base64.b64encode(z.read(i)).decode() for i in z.infolist()}))', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
    ) as Record<string, string>;
    expect(Object.keys(inZip).sort()).toEqual(outputs);
    for (const name of outputs) expect(Buffer.from(inZip[name]!, 'base64').equals(readFileSync(path.join(outDir, name)))).toBe(true);
  }, 240_000);

  /** The new rows' names from top to bottom, as shown (the list is virtualised: rows are placed by their top). */
  const shownOrder = () =>
    page.getByTestId('job-row').evaluateAll((rows) => rows.map((row) => ({ top: parseFloat((row as HTMLElement).style.top), name: row.getAttribute('aria-label')!.split(':')[0]! })).sort((a, b) => a.top - b.top).map((row) => row.name).filter((name) => /^[a-d]\.wav$/.test(name)));

  it('moves queued rows with the keyboard (Alt+Up, focus following the row) and the pointer (to the top), and starts them in that order', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('spinbutton', { name: /^Audio/ }).fill('1');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    // Lanes are sized when the app starts: one audio job at a time from the next start on.
    await served.stop();
    served = await startServe(home);
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('button', { name: 'Pause all' }).click();

    const names = ['a.wav', 'b.wav', 'c.wav', 'd.wav'];
    for (const name of names) makeMedia(['-f', 'lavfi', '-i', `sine=d=2:frequency=${300 + names.indexOf(name) * 100}`, path.join(media, name)]);
    await dropFiles(page, names.map((name) => ({ name, bytes: readFileSync(path.join(media, name)) })));
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(4);
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => shownOrder(), { timeout: 15_000 }).toEqual(names);

    // Keyboard: Alt+Up twice on d.wav's row; the focus stays with d.wav as its row moves.
    await page.getByRole('button', { name: 'Move d.wav up' }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => shownOrder()).toEqual(['a.wav', 'b.wav', 'd.wav', 'c.wav']);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move d.wav up');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => shownOrder()).toEqual(['a.wav', 'd.wav', 'b.wav', 'c.wav']);
    // Pointer: c.wav to the top of the queued rows.
    await page.getByRole('button', { name: 'Move c.wav to the top' }).click();
    await expect.poll(() => shownOrder()).toEqual(['c.wav', 'a.wav', 'd.wav', 'b.wav']);
    await axeBothThemes('queued rows with move buttons');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'anchors-queue-order.png') });

    await page.getByRole('button', { name: 'Resume all' }).click();
    for (const name of names) await page.getByRole('listitem', { name: `${name}: Done` }).waitFor({ timeout: 120_000 });
    // One audio job at a time: each output was written after the one started before it.
    const written = ['a', 'b', 'c', 'd'].sort((x, y) => statSync(path.join(outDir, `${x}.mp3`)).mtimeMs - statSync(path.join(outDir, `${y}.mp3`)).mtimeMs);
    expect(written).toEqual(['c', 'a', 'd', 'b']);
  }, 240_000);
});
