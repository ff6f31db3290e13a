import { existsSync, mkdirSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, jsonLines, runBuiltCli, startBuiltCli } from '../helpers/cli';
import { axeProblems, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => statSync(path.join(dir, name)).isFile());
}

describe('an interrupted command-line batch named file by file in the window, and discarded there', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let outside: string;
  let page: Page;
  let converted = 0;
  let convertedNames: string[] = [];

  beforeAll(async () => {
    home = tempDir('convertr-discard-');
    outside = tempDir('convertr-discard-folders-');
    mkdirSync(SCREENSHOTS, { recursive: true });
    // A command-line batch stopped in a terminal after its first file.
    const clips = path.join(outside, 'clips');
    mkdirSync(clips);
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', path.join(clips, 'take0.mkv')]);
    for (const i of [1, 2]) copyFileSync(path.join(clips, 'take0.mkv'), path.join(clips, `take${i}.mkv`));
    const cli = startBuiltCli(['convert', clips, '--to', 'mp4', '--out', path.join(outside, 'takes-out'), '--json'], { CONVERTR_HOME: home });
    await new Promise<void>((resolve) => cli.child.stdout!.once('data', () => resolve()));
    cli.child.kill('SIGTERM');
    const succeeded = jsonLines((await cli.done).stdout).filter((l) => l['status'] === 'succeeded');
    converted = succeeded.length;
    convertedNames = succeeded.map((l) => path.basename(String(l['input'])));
    served = await startServe(home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(outside);
  });

  it('names the files left beside Resume and Discard, passes axe, and Discard leaves nothing to resume and no partial files', async () => {
    const left = 3 - converted;
    expect(left).toBeGreaterThan(0);
    const section = page.getByRole('region', { name: 'Interrupted command-line batches' });
    const what = `${left} of 3 files to MP4`;
    const files = section.getByRole('list', { name: `Files of ${what}` });
    await files.waitFor();
    await expect.poll(() => files.getByRole('listitem').allTextContents()).toEqual(['take0.mkv', 'take1.mkv', 'take2.mkv'].filter((name) => !convertedNames.includes(name)));
    await expect(section.getByRole('button', { name: `Resume ${what}` }).count()).resolves.toBe(1);
    const discard = section.getByRole('button', { name: `Discard ${what}` });
    await expect(discard.isVisible()).resolves.toBe(true);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(120);
      const problems = await axeProblems(page);
      expect(problems, `${scheme}: ${problems.join('\n')}`).toEqual([]);
      const file = path.join(SCREENSHOTS, `interrupted-batch-${scheme}-1280x800.png`);
      await page.screenshot({ path: file });
      expect(statSync(file).size).toBeGreaterThan(5000);
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await discard.click();
    await section.waitFor({ state: 'detached' });
    // Read again from the app: the batch is gone for good, not just hidden.
    await page.reload();
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
    await page.waitForTimeout(500);
    await expect(page.getByRole('region', { name: 'Interrupted command-line batches' }).count()).resolves.toBe(0);

    const out = path.join(outside, 'takes-out');
    expect(filesUnder(out).filter((name) => name.includes('.convertr-part'))).toEqual([]);
    expect(filesUnder(out).filter((name) => name.endsWith('.mp4'))).toHaveLength(converted);
    expect(filesUnder(path.join(home, 'scratch'))).toEqual([]);
    const resume = await runBuiltCli(['resume'], { CONVERTR_HOME: home });
    expect(resume.stderr).toMatch(/No interrupted batches/);
  }, 120_000);
});
