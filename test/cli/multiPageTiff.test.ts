import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

const COLOURS = [{ r: 200, g: 30, b: 30 }, { r: 30, g: 160, b: 40 }, { r: 40, g: 60, b: 210 }];

/** The mean colour of each page of a TIFF, as sharp reads them one by one. */
async function pageColours(file: string): Promise<{ r: number; g: number; b: number }[]> {
  const { pages = 1 } = await sharp(file).metadata();
  return Promise.all(Array.from({ length: pages }, async (_, page) => {
    const { channels } = await sharp(file, { page }).stats();
    return { r: Math.round(channels[0]!.mean), g: Math.round(channels[1]!.mean), b: Math.round(channels[2]!.mean) };
  }));
}

/**
 * A scan of three pages saved as one TIFF, through the installed command (`npx electron-vite build` first): into TIFF
 * every page is kept (and resized page by page), with no note; into a format that holds one picture, the first page
 * with a note saying so.
 */
describe('convertr keeps every page of a multi-page TIFF converted to TIFF', () => {
  let dir: string;
  let home: string;
  let scan: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(async () => {
    dir = tempDir('convertr-cli-tiff-pages-');
    home = tempDir('convertr-cli-tiff-pages-home-');
    scan = path.join(dir, 'scan.tiff');
    const pages = await Promise.all(COLOURS.map((background) => sharp({ create: { width: 400, height: 300, channels: 3, background } }).png().toBuffer()));
    writeFileSync(scan, await sharp(pages, { join: { animated: true } }).tiff({ compression: 'lzw' }).toBuffer());
    expect(await sharp(scan).metadata()).toMatchObject({ pages: 3, width: 400, height: 300 });
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('TIFF -> TIFF holds all three pages, each its own colour, and says nothing of a first page', async () => {
    const run = await cli('convert', scan, '--to', 'tiff', '--out', path.join(dir, 'whole'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/first page/);
    const output = path.join(dir, 'whole', 'scan.tiff');
    expect(await sharp(output).metadata()).toMatchObject({ format: 'tiff', pages: 3, width: 400, height: 300 });
    expect(await pageColours(output)).toEqual(COLOURS);
  }, 60_000);

  it('--resize makes every page smaller, not the pages stacked into one picture', async () => {
    const run = await cli('convert', scan, '--to', 'tiff', '--resize', '200', '--out', path.join(dir, 'small'), '--json');
    const [line] = jsonLines(run.stdout);
    expect(line, run.stdout + run.stderr).toMatchObject({ status: 'succeeded' });
    expect(await sharp(String(line!['output'])).metadata()).toMatchObject({ pages: 3, width: 200, height: 150 });
    expect(await pageColours(String(line!['output']))).toEqual(COLOURS);
  }, 60_000);

  it('pages turned by their orientation tag (which libvips cannot turn together) give the first page upright, with a note saying why', async () => {
    const turned = path.join(dir, 'turned.tiff');
    await sharp(scan, { pages: -1 }).withMetadata({ orientation: 6 }).tiff({ compression: 'lzw' }).toFile(turned);
    const run = await cli('convert', turned, '--to', 'tiff', '--out', path.join(dir, 'turned'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/This TIFF has 3 pages turned by their orientation tag; the TIFF holds its first page\./);
    expect(await sharp(path.join(dir, 'turned', 'turned.tiff')).metadata()).toMatchObject({ pages: 1, width: 300, height: 400 });
  }, 60_000);

  it('TIFF -> PNG holds the first page, with a note', async () => {
    const run = await cli('convert', scan, '--to', 'png', '--out', path.join(dir, 'png'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/This TIFF has 3 pages; the PNG holds its first page\./);
    expect(await pageColours(path.join(dir, 'png', 'scan.png'))).toEqual([COLOURS[0]]);
  }, 60_000);
});
