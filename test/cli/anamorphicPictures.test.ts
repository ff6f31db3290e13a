import { execFileSync } from 'node:child_process';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** The pixel shape ffprobe reads in a file ("1:1", "64:45"; empty when it says none). */
function pixelShapeOf(file: string): string {
  return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=sample_aspect_ratio', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
}

/** A picture's size and the bounding box of its white pixels (the square drawn in the clip), as sharp reads its first frame. */
async function pictureOf(file: string): Promise<{ width: number; height: number; square: { width: number; height: number } }> {
  const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
  let [left, top, right, bottom] = [info.width, info.height, -1, -1];
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (data[y * info.width + x]! < 200) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { width: info.width, height: info.height, square: { width: right - left + 1, height: bottom - top + 1 } };
}

/** The size a picture of `shown` gets with its longest side at most `edge`, aspect kept. */
function within(shown: { width: number; height: number }, edge: number): { width: number; height: number } {
  const scale = Math.min(1, edge / Math.max(shown.width, shown.height));
  return { width: shown.width * scale, height: shown.height * scale };
}

/**
 * Pictures made from video whose pixels are not square (a 16:9 DVD, HDV) come out at the shape the video is shown
 * at, in square pixels, through the installed command (`npx electron-vite build` first). Each clip shows a white
 * square on grey (a square as displayed, squeezed into the stored pixels) and a small blue square moving.
 */
describe('convertr makes GIFs, animated WEBPs and stills of anamorphic video at the shape shown', () => {
  let dir: string;
  let home: string;
  const clips: Record<string, { file: string; shown: { width: number; height: number } }> = {};
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  /** A 2 s clip of the scene drawn at `shown` in square pixels, then stored as `stored` with pixels of `sar`. */
  const scene = (shown: [number, number], side: number, stored: string): string =>
    `color=c=0x404040:s=${shown[0]}x${shown[1]}:r=25:d=2[bg];color=c=blue:s=40x40:r=25:d=2[dot];[bg][dot]overlay=x='t*200':y=20,` +
    `drawbox=x=${(shown[0] - side) / 2}:y=${(shown[1] - side) / 2}:w=${side}:h=${side}:c=white:t=fill${stored}`;

  beforeAll(() => {
    dir = tempDir('convertr-cli-anamorphic-');
    home = tempDir('convertr-cli-anamorphic-home-');
    const make = (name: string, shown: { width: number; height: number }, args: string[]) => {
      clips[name] = { file: path.join(dir, name), shown };
      makeMedia([...args, clips[name].file]);
    };
    const sine = ['-f', 'lavfi', '-i', 'sine=duration=2:sample_rate=48000'];
    const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
    // A 16:9 PAL DVD: 720x576 stored, pixels 64:45 (read by ffprobe).
    make('dvd.vob', { width: 1024, height: 576 }, [...sine, '-filter_complex', scene([1024, 576], 200, ',scale=720:576,setsar=64/45'), '-c:v', 'mpeg2video', '-q:v', '3', '-c:a', 'mp2', '-f', 'vob']);
    // A 16:9 NTSC DVD: 720x480 stored, pixels 32:27, 853.3x480 shown (a width no scale keeps exactly square by itself).
    make('ntsc.vob', { width: 7680 / 9, height: 480 }, [...sine, '-filter_complex', scene([854, 480], 160, ',scale=720:480,setsar=32/27'), '-c:v', 'mpeg2video', '-q:v', '3', '-r', '30000/1001', '-c:a', 'mp2', '-f', 'vob']);
    // HDV: 1440x1080 stored, pixels 4:3. The MP4's track header holds the width shown, the MOV's the width stored (both read in process).
    make('hdv.mp4', { width: 1920, height: 1080 }, [...sine, '-filter_complex', scene([1920, 1080], 300, ',scale=1440:1080,setsar=4/3'), ...x264]);
    make('hdv.mov', { width: 1920, height: 1080 }, ['-i', clips['hdv.mp4']!.file, '-c', 'copy']);
    // The same turned a quarter (a phone's display matrix): stretched first, then turned, it shows upright at 1080x1920.
    make('turned.mp4', { width: 1080, height: 1920 }, ['-i', clips['hdv.mp4']!.file, '-c', 'copy', '-metadata:s:v', 'rotate=90']);
    make('square.mp4', { width: 1280, height: 720 }, [...sine, '-filter_complex', scene([1280, 720], 200, ''), ...x264]);
  }, 120_000);
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  /** Converts every clip with `args`; the outputs by clip name. */
  async function convertAll(out: string, ...args: string[]): Promise<Record<string, string>> {
    const names = Object.keys(clips);
    const run = await cli('convert', ...names.map((name) => clips[name]!.file), ...args, '--out', path.join(dir, out), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const outputs: Record<string, string> = {};
    for (const line of jsonLines(run.stdout)) outputs[path.basename(String(line['input']))] = String(line['output']);
    expect(Object.keys(outputs).sort()).toEqual([...names].sort());
    return outputs;
  }

  /** Each output is the clip's shape as shown (within a pixel), its longest side at most `edge`, and the square still square. */
  async function expectShownShape(outputs: Record<string, string>, edge: number): Promise<void> {
    for (const [name, output] of Object.entries(outputs)) {
      const picture = await pictureOf(output);
      const expected = within(clips[name]!.shown, edge);
      expect(Math.abs(picture.width - expected.width), `${name}: ${picture.width}x${picture.height}`).toBeLessThanOrEqual(1);
      expect(Math.abs(picture.height - expected.height), `${name}: ${picture.width}x${picture.height}`).toBeLessThanOrEqual(1);
      expect(Math.abs(picture.square.width - picture.square.height), `${name}: the square is ${picture.square.width}x${picture.square.height}`).toBeLessThanOrEqual(2);
    }
  }

  it('a GIF is made at the shape shown: 480x270 from a 16:9 DVD, an HDV MP4 or MOV, 270x480 turned; a square-pixel clip as before', async () => {
    const gifs = await convertAll('gif', '--to', 'gif');
    await expectShownShape(gifs, 480);
    expect(await pictureOf(gifs['dvd.vob']!)).toMatchObject({ width: 480, height: 270 });
    expect(await pictureOf(gifs['turned.mp4']!)).toMatchObject({ width: 270, height: 480 });
  }, 240_000);

  it('an animated WEBP (a cut) is made at the shape shown', async () => {
    const webps = await convertAll('awebp', '--to', 'webp', '--from', '0');
    for (const output of Object.values(webps)) expect((await sharp(output, { animated: true }).metadata()).pages).toBeGreaterThan(1);
    await expectShownShape(webps, 480);
  }, 240_000);

  it('a JPG, PNG or WEBP still is the size shown in square pixels (a DVD 1024x576, HDV 1920x1080), tagged square; --resize caps the longest side shown', async () => {
    for (const target of ['jpg', 'png', 'webp']) {
      const stills = await convertAll(`still-${target}`, '--to', target);
      await expectShownShape(stills, Infinity);
      if (target === 'jpg') for (const output of Object.values(stills)) expect(['1:1', 'N/A', '']).toContain(pixelShapeOf(output));
    }
    await expectShownShape(await convertAll('still-320', '--to', 'jpg', '--resize', '320'), 320);
  }, 360_000);
});
