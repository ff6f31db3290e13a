import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/**
 * An animated GIF of many large frames through the installed command (`npx electron-vite build` first): every frame
 * is held at once when it stays animated, so 150 frames of 1000x1000 into GIF are over what one conversion may use and
 * refused before any work, saying so; into PNG (its first frame) or resized it converts.
 */
describe('convertr counts every frame of an animation it keeps animated', () => {
  let dir: string;
  let home: string;
  let gif: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-animation-memory-');
    home = tempDir('convertr-cli-animation-memory-home-');
    gif = path.join(dir, 'many.gif');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=s=1000x1000:r=25', '-frames:v', '150', gif]);
  }, 60_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('150 frames of 1000x1000 into GIF are refused with the memory they would take; into PNG the first frame converts', async () => {
    const refused = path.join(dir, 'refused');
    const run = await cli('convert', gif, '--to', 'gif', '--out', refused, '--json');
    expect(jsonLines(run.stdout)[0], run.stdout + run.stderr).toMatchObject({
      status: 'failed',
      error: {
        code: 'TOO_LARGE',
        message: 'Converting this animation of 150 frames of 1000x1000 to GIF would take about 1.6 GB of memory, above the 1.5 GB one conversion may use. JPG, PNG and TIFF are written line by line in far less; a resize also helps.',
      },
    });
    expect(existsSync(refused) ? readdirSync(refused) : []).toEqual([]);
    const still = await cli('convert', gif, '--to', 'png', '--out', path.join(dir, 'still'), '--json');
    const [line] = jsonLines(still.stdout);
    expect(line, still.stdout + still.stderr).toMatchObject({ status: 'succeeded' });
    expect(await sharp(String(line!['output'])).metadata()).toMatchObject({ format: 'png', width: 1000, height: 1000 });
  }, 120_000);
});
