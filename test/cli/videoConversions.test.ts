import { execFileSync } from 'node:child_process';
import sharp from 'sharp';
import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { corpus, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../helpers/media';

/** Frames ffmpeg decodes from a file, counted by ffprobe itself (not by the engine's check). */
function framesOf(file: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
}

/** Mean luminance of a picture, 0 (black) to 255, read by sharp in the test. */
async function luminanceOf(file: string): Promise<number> {
  return (await sharp(file).greyscale().stats()).channels[0]!.mean;
}

/** The conversions people ask for, through the installed command (`npx electron-vite build` first): GIFs, frame grabs, trims. */
describe('convertr turns a video into a GIF, a still and a trimmed clip', () => {
  let dir: string;
  let home: string;
  let clip: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-video-conversions-');
    home = tempDir('convertr-cli-video-conversions-home-');
    clip = path.join(dir, 'pan.mp4');
    // 1280x720 at 30 fps for 4 s, with sound; its first second is black.
    makeMedia([
      '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4',
      '-vf', "drawbox=t=fill:c=black:enable='lt(t,1)'", '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '30', '-c:a', 'aac', '-shortest', clip,
    ]);
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('a video becomes a GIF that animates, capped at 480 px and 15 fps, or at the asked --resize', async () => {
    const run = await cli('convert', clip, '--to', 'gif', '--out', path.join(dir, 'gif'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded', pair: 'MP4->GIF' });
    const gif = String(line!['output']);
    const probed = ffprobe(gif);
    expect(probed.format.format_name).toBe('gif');
    expect(videoOf(probed)).toMatchObject({ codec_name: 'gif', width: 480, height: 270 });
    expect(probed.streams.filter((s) => s.codec_type === 'audio')).toHaveLength(0);
    // 4 s at 15 fps.
    expect(framesOf(gif)).toBeGreaterThanOrEqual(58);
    expect(framesOf(gif)).toBeLessThanOrEqual(62);

    const small = await cli('convert', clip, '--to', 'gif', '--resize', '200', '--out', path.join(dir, 'gif-small'), '--json');
    expect(small.code, small.stderr).toBe(0);
    expect(videoOf(ffprobe(String(jsonLines(small.stdout)[0]!['output'])))).toMatchObject({ width: 200, height: 113 });
  }, 120_000);

  it('a one-picture video becomes a GIF of that picture, and says so', async () => {
    const single = path.join(dir, 'single.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=0.034', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', single]);
    const run = await cli('convert', single, '--to', 'gif', '--out', path.join(dir, 'gif-single'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/pictures last 00:00:00.0\d+, less than two of the GIF.s frames, so the GIF is one picture and does not move/);
    expect(framesOf(path.join(dir, 'gif-single', 'single.gif'))).toBe(1);
  }, 120_000);

  it('a video whose pictures end before its sound is made and checked by its pictures: the corpus MKV, and MKV/MP4 clips of 2 s of pictures and 4 s of sound', async () => {
    // The corpus MKV's pictures end at 0.05 s while its sound and image subtitles run to 1.24 s: one GIF frame's worth.
    const mkv = corpus('video/sample_with_pgs_subtitles.mkv');
    for (const target of ['gif', 'webp'] as const) {
      const run = await cli('convert', mkv, '--to', target, ...(target === 'webp' ? ['--from', '0'] : []), '--out', path.join(dir, 'short-pictures-corpus', target));
      expect(run.code, `${target}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/pictures end at 00:00:00.05 while the file goes on to 00:00:01.24/);
      expect(run.stdout).toMatch(/so the (GIF|WEBP) is one picture and does not move/);
      const out = path.join(dir, 'short-pictures-corpus', target, `sample_with_pgs_subtitles.${target}`);
      expect((await sharp(out).metadata()).pages ?? 1).toBe(1);
    }
    const late = await cli('convert', mkv, '--to', 'mp4', '--from', '0.5', '--out', path.join(dir, 'short-pictures-corpus', 'late'), '--json');
    expect(jsonLines(late.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/pictures end at 00:00:00.05, so a cut from 00:00:00.5 would hold no picture/) } });

    for (const container of ['mkv', 'mp4']) {
      const clip2 = path.join(dir, `pictures-2s.${container}`);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=2', '-f', 'lavfi', '-i', 'sine=duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip2]);
      const gifRun = await cli('convert', clip2, '--to', 'gif', '--out', path.join(dir, `pictures-2s-${container}`), '--json');
      expect(gifRun.code, `${container}: ${gifRun.stdout}${gifRun.stderr}`).toBe(0);
      const gif = String(jsonLines(gifRun.stdout)[0]!['output']);
      // 2 s of pictures at 15 fps: a GIF that moves for 2 s, not 4.
      expect(framesOf(gif)).toBeGreaterThanOrEqual(29);
      expect(framesOf(gif)).toBeLessThanOrEqual(31);
      expect(Math.abs(Number(ffprobe(gif).format.duration) - 2)).toBeLessThanOrEqual(1 / 15);

      const webpRun = await cli('convert', clip2, '--to', 'webp', '--from', '0', '--out', path.join(dir, `pictures-2s-${container}`), '--json');
      expect(webpRun.code, `${container}: ${webpRun.stdout}${webpRun.stderr}`).toBe(0);
      const webp = await sharp(String(jsonLines(webpRun.stdout)[0]!['output'])).metadata();
      expect(webp.pages).toBeGreaterThanOrEqual(29);
      expect(webp.pages).toBeLessThanOrEqual(31);

      // A cut that runs past the pictures' end: a GIF of the 1 s of pictures it holds; a video with all of it, sound to 3.9 s.
      const gifCut = await cli('convert', clip2, '--to', 'gif', '--from', '1', '--until', '3', '--out', path.join(dir, `pictures-2s-${container}-cut`), '--json');
      expect(gifCut.code, `${container}: ${gifCut.stdout}${gifCut.stderr}`).toBe(0);
      expect(Math.abs(Number(ffprobe(String(jsonLines(gifCut.stdout)[0]!['output'])).format.duration) - 1)).toBeLessThanOrEqual(1 / 15);
      const mp4Cut = await cli('convert', clip2, '--to', 'mp4', '--from', '1', '--until', '3.9', '--out', path.join(dir, `pictures-2s-${container}-cut`), '--json');
      expect(mp4Cut.code, `${container}: ${mp4Cut.stdout}${mp4Cut.stderr}`).toBe(0);
      const cutVideo = ffprobe(String(jsonLines(mp4Cut.stdout)[0]!['output']));
      expect(Math.abs(Number(videoOf(cutVideo)!.duration) - 1)).toBeLessThanOrEqual(1 / 30 + 0.001);
      expect(Math.abs(Number(cutVideo.format.duration) - 2.9)).toBeLessThanOrEqual(0.06);
      const past = await cli('convert', clip2, '--to', 'gif', '--from', '2.5', '--out', path.join(dir, `pictures-2s-${container}-past`), '--json');
      expect(jsonLines(past.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/pictures end at 00:00:02(\.\d+)?, so a cut from 00:00:02.5 would hold no picture/) } });
    }
  }, 240_000);

  it('--max-size on a GIF takes fewer frames and a smaller picture until it fits; a limit no GIF can meet is refused before work', async () => {
    const run = await cli('convert', clip, '--to', 'gif', '--max-size', '0.3MB', '--out', path.join(dir, 'gif-fit'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const gif = String(jsonLines(run.stdout)[0]!['output']);
    expect(statSync(gif).size).toBeLessThanOrEqual(300_000);
    expect(framesOf(gif)).toBeGreaterThan(1);
    expect(videoOf(ffprobe(gif))!.width).toBeLessThan(480);

    const never = await cli('convert', clip, '--to', 'gif', '--max-size', '0.001MB', '--out', path.join(dir, 'gif-never'), '--json');
    expect(never.code).toBe(1);
    expect(jsonLines(never.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'SIZE_UNREACHABLE' } });
  }, 180_000);

  it('a video becomes a JPG, PNG or WEBP still: by default a representative picture, not the black first frame', async () => {
    for (const target of ['jpg', 'png', 'webp'] as const) {
      const run = await cli('convert', clip, '--to', target, '--out', path.join(dir, 'still'), '--json');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const [line] = jsonLines(run.stdout);
      expect(line).toMatchObject({ status: 'succeeded', pair: `MP4->${target.toUpperCase()}` });
      const still = String(line!['output']);
      expect(path.extname(still)).toBe(`.${target}`);
      expect(videoOf(ffprobe(still))).toMatchObject({ width: 1280, height: 720 });
      expect(await luminanceOf(still)).toBeGreaterThan(40);
    }
  }, 120_000);

  it('real clips become stills too: a phone\'s half-second MOV, a 0.3 s HLG HEVC clip, an MKV whose pictures end in its first 50 ms while its sound runs on', async () => {
    const clips = [
      { file: 'video/ios9.mov', width: 720, height: 1280 },
      { file: 'video/hlg10-color-test.mp4', width: 1920, height: 1080 },
      { file: 'video/sample_with_pgs_subtitles.mkv', width: 1080, height: 720 },
    ];
    for (const { file, width, height } of clips) {
      for (const target of ['jpg', 'webp'] as const) {
        const run = await cli('convert', corpus(file), '--to', target, '--out', path.join(dir, 'real-stills', target), '--json');
        expect(run.code, `${file} -> ${target}: ${run.stdout}${run.stderr}`).toBe(0);
        const still = String(jsonLines(run.stdout)[0]!['output']);
        expect(videoOf(ffprobe(still)), `${file} -> ${target}`).toMatchObject({ width, height });
        expect(await luminanceOf(still), `${file} -> ${target}`).toBeGreaterThan(40);
      }
    }
    const past = await cli('convert', corpus('video/sample_with_pgs_subtitles.mkv'), '--to', 'jpg', '--at', '1', '--out', path.join(dir, 'real-stills', 'late'), '--json');
    expect(past.code).toBe(1);
    expect(jsonLines(past.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/no picture at 00:00:01: its pictures end earlier/) } });
  }, 120_000);

  it('--at takes the picture at that moment (00:00:00.5 is black here, 00:00:02 is not); past the end is refused', async () => {
    const dark = await cli('convert', clip, '--to', 'png', '--at', '00:00:00.5', '--resize', '320', '--out', path.join(dir, 'at-dark'), '--json');
    expect(dark.code, dark.stderr).toBe(0);
    const darkStill = String(jsonLines(dark.stdout)[0]!['output']);
    expect(videoOf(ffprobe(darkStill))).toMatchObject({ width: 320, height: 180 });
    expect(await luminanceOf(darkStill)).toBeLessThan(5);
    const lit = await cli('convert', clip, '--to', 'jpg', '--at', '2', '--out', path.join(dir, 'at-lit'), '--json');
    expect(lit.code, lit.stderr).toBe(0);
    expect(await luminanceOf(String(jsonLines(lit.stdout)[0]!['output']))).toBeGreaterThan(40);

    const late = await cli('convert', clip, '--to', 'jpg', '--at', '00:00:09', '--out', path.join(dir, 'at-late'), '--json');
    expect(late.code).toBe(1);
    expect(jsonLines(late.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED' } });
    const wrong = await cli('convert', clip, '--to', 'mp4', '--at', '5');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--at picks the moment of a still of a video/);
  }, 120_000);

  it('--from/--until cut a video: exact to the frame when it starts later, a copy when it starts at the beginning', async () => {
    const frame = 1 / 30;
    const later = await cli('convert', clip, '--to', 'mp4', '--from', '00:00:01', '--until', '3', '--out', path.join(dir, 'cut-later'), '--json');
    expect(later.code, later.stdout + later.stderr).toBe(0);
    const laterFile = String(jsonLines(later.stdout)[0]!['output']);
    expect(Math.abs(Number(videoOf(ffprobe(laterFile))!.duration) - 2)).toBeLessThanOrEqual(frame);
    // The cut starts at 1 s, where the black second ends: its first picture is not black.
    const first = path.join(dir, 'cut-later-first.png');
    makeMedia(['-i', laterFile, '-frames:v', '1', first]);
    expect(await luminanceOf(first)).toBeGreaterThan(40);

    const head = await cli('convert', clip, '--to', 'mkv', '--until', '2.5', '--out', path.join(dir, 'cut-head'), '--json');
    expect(head.code, head.stdout + head.stderr).toBe(0);
    const headFile = String(jsonLines(head.stdout)[0]!['output']);
    expect(Math.abs(Number(ffprobe(headFile).format.duration) - 2.5)).toBeLessThanOrEqual(frame + 0.04);
    expect(framesOf(headFile)).toBe(75);

    const wrong = await cli('convert', clip, '--to', 'mp4', '--from', '3', '--until', '2');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/A cut ends \(--until\) after it starts/);
    const late = await cli('convert', clip, '--to', 'mp4', '--until', '10', '--out', path.join(dir, 'cut-late'), '--json');
    expect(jsonLines(late.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED' } });
  }, 120_000);

  it('--from/--until cut a GIF: only that part of the clip, frames for its length', async () => {
    const run = await cli('convert', clip, '--to', 'gif', '--from', '1', '--until', '3', '--resize', '160', '--out', path.join(dir, 'gif-cut'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const gif = String(jsonLines(run.stdout)[0]!['output']);
    // 2 s at 15 fps.
    expect(framesOf(gif)).toBeGreaterThanOrEqual(29);
    expect(framesOf(gif)).toBeLessThanOrEqual(31);
    expect(Math.abs(Number(ffprobe(gif).format.duration) - 2)).toBeLessThanOrEqual(1 / 15);
  }, 60_000);

  it('--from/--until cut a sound to the asked length', async () => {
    const wav = path.join(dir, 'talk.wav');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=6:color=pink:sample_rate=44100', '-ac', '2', wav]);
    const run = await cli('convert', wav, '--to', 'mp3', '--from', '1', '--until', '00:00:04.5', '--out', path.join(dir, 'cut-sound'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const probed = ffprobe(String(jsonLines(run.stdout)[0]!['output']));
    // One MP3 frame is 1152 samples (26 ms at 44.1 kHz).
    expect(Math.abs(Number(probed.format.duration) - 3.5)).toBeLessThanOrEqual(0.05);
  }, 60_000);
});
