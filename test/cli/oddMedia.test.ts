import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutShortMovie } from '../../main/core/engine/check/cutShortMovie';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { audiosOf, corpus, ffprobe, makeMedia, removeDir, rotationOf, tempDir, videoOf } from '../helpers/media';

/** How long a file plays when decoded to the end (not what its headers say). */
function playedSeconds(file: string): number {
  const err = execFileSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-f', 'null', '-', '-progress', 'pipe:1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const times = [...err.matchAll(/out_time_us=(\d+)/g)].map((m) => Number(m[1]));
  return times[times.length - 1]! / 1_000_000;
}

/** Real phone, camera and odd files through the built command (`npx electron-vite build` first), each once failing. */
describe('convertr converts odd real files: a phone clip to MKV, an old AVI to a size, cuts of a variable-rate clip and of sounds', () => {
  let dir: string;
  let home: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });
  const convert = async (file: string, ...args: string[]) => {
    const run = await cli('convert', file, ...args, '--out', path.join(dir, path.basename(file), args.join('_').replace(/[^a-z0-9.]/gi, '_')), '--json');
    expect(run.code, `${file} ${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
    return String(jsonLines(run.stdout)[0]!['output']);
  };

  beforeAll(() => {
    dir = tempDir('convertr-cli-odd-media-');
    home = tempDir('convertr-cli-odd-media-home-');
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('a phone\'s portrait MOV becomes an MKV that stands upright: Matroska holds no rotation, so the pixels are turned', async () => {
    const mkv = await convert(corpus('video/iphone4s-portrait.MOV'), '--to', 'mkv');
    const video = videoOf(ffprobe(mkv))!;
    expect([video.width, video.height]).toEqual([320, 568]);
    expect(rotationOf(video)).toBe(0);
  }, 120_000);

  it('an AVI whose frames have gaps fits a size limit in two passes (the analysis pass counts the frames the MP4 gets)', async () => {
    const mp4 = await convert(corpus('video/mpeg4-mp3.avi'), '--to', 'mp4', '--max-size', '0.5MB');
    expect(statSync(mp4).size).toBeLessThanOrEqual(500_000);
    expect(videoOf(ffprobe(mp4))).toMatchObject({ codec_name: 'h264', width: 960, height: 400 });
  }, 120_000);

  it('a cut of a variable-rate phone clip lasts the cut, not the pictures read for it timed at the average rate', async () => {
    const mp4 = await convert(corpus('video/vfr-rotated.mp4'), '--to', 'mp4', '--from', '0.5', '--until', '1.5');
    // Its pictures come about every 0.095 s.
    expect(Math.abs(Number(ffprobe(mp4).format.duration) - 1)).toBeLessThanOrEqual(0.1);
  }, 120_000);

  it('sound cuts: an MP4 whose sound has few sync samples, an MKV whose sound ends before the file, a 22 kHz six-channel WAV', async () => {
    // The copy would start at the sound's first sync sample (its start): the cut is re-encoded instead.
    const mp3 = await convert(corpus('video/video_with_failing_audio.mp4'), '--to', 'mp3', '--from', '0.5');
    expect(Math.abs(playedSeconds(mp3) - 10.76)).toBeLessThanOrEqual(0.05);
    // The sound ends at 1.01 s while the subtitles run to 1.24 s: the cut ends with the sound.
    const short = await convert(corpus('video/sample_with_pgs_subtitles.mkv'), '--to', 'mp3', '--from', '0.5');
    expect(Math.abs(playedSeconds(short) - 0.51)).toBeLessThanOrEqual(0.05);
    // At 22.05 kHz LAME's frames last 0.07 s longer than the second it plays.
    const wav = await convert(corpus('audio/sixchan.wav'), '--to', 'mp3', '--from', '0.5', '--until', '1.5');
    expect(Math.abs(playedSeconds(wav) - 1)).toBeLessThanOrEqual(0.03);
  }, 120_000);
  it('a clip whose sound starts 2 s after its pictures: its sound files start with the sound; a cut before the sound holds none', async () => {
    mkdirSync(path.join(dir, 'made'));
    const clip = path.join(dir, 'made', 'late-sound.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=4', '-itsoffset', '2', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
    for (const target of ['m4a', 'opus', 'mp3']) {
      const sound = await convert(clip, '--to', target);
      expect(Math.abs(Number(ffprobe(sound).format.duration) - 2), target).toBeLessThanOrEqual(0.1);
    }
    const cut = await convert(clip, '--to', 'mp3', '--from', '0.5');
    expect(Math.abs(playedSeconds(cut) - 2)).toBeLessThanOrEqual(0.05);
    const silent = await convert(clip, '--to', 'mp4', '--from', '0.5', '--until', '1.5');
    expect(audiosOf(ffprobe(silent))).toHaveLength(0);
    expect(Math.abs(Number(videoOf(ffprobe(silent))!.duration) - 1)).toBeLessThanOrEqual(1 / 30 + 0.001);
    const none = await cli('convert', clip, '--to', 'mp3', '--until', '1.5', '--out', path.join(dir, 'late-none'), '--json');
    expect(jsonLines(none.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/sound starts at 00:00:01.9\d+, so a cut until 00:00:01.5 would hold no sound/) } });
  }, 120_000);
  it('an MP4 cut off at 60 % (its movie header at the front) is refused as cut short, not as our output failing its check', async () => {
    mkdirSync(path.join(dir, 'cut'));
    const whole = path.join(dir, 'cut', 'whole.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30:duration=3', '-f', 'lavfi', '-i', 'sine=duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', whole]);
    const bytes = readFileSync(whole);
    const cut = path.join(dir, 'cut', 'cut.mp4');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(cutShortMovie(whole)).toBeUndefined();
    expect(cutShortMovie(cut)).toEqual({ presentBytes: Math.floor(bytes.length * 0.6), declaredBytes: bytes.length });
    for (const target of ['mp4', 'mp3', 'gif']) {
      const run = await cli('convert', cut, '--to', target, '--out', path.join(dir, 'cut', target), '--json');
      expect(jsonLines(run.stdout)[0], target).toMatchObject({ status: 'failed', error: { code: 'INPUT_CORRUPT', message: expect.stringMatching(/This file is cut short: only (59|60) % of its data is there/) } });
    }
  }, 120_000);
  it('--at 00:00:01 of a one-second phone clip is its last picture, which is on screen then; past the pictures it is still refused', async () => {
    const clip = corpus('video/sideways movie.mov');
    const run = await cli('convert', clip, '--to', 'png', '--at', '1', '--out', path.join(dir, 'at-end'));
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/The last picture, which is on screen at 00:00:01/);
    const last = path.join(dir, 'at-end', 'ffmpeg-last.png');
    makeMedia(['-sseof', '-0.2', '-i', clip, '-update', '1', last]);
    const mean = async (file: string) => (await sharp(file).greyscale().stats()).channels[0]!.mean;
    expect(Math.abs(await mean(path.join(dir, 'at-end', 'sideways movie.png')) - await mean(last))).toBeLessThan(1);
    const past = await cli('convert', corpus('video/sample_with_pgs_subtitles.mkv'), '--to', 'jpg', '--at', '1', '--out', path.join(dir, 'at-past'), '--json');
    expect(jsonLines(past.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'OPTION_UNSUPPORTED' } });
  }, 120_000);
});
