import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

/** `--max-size` as a user meets it through the installed command: real ffmpeg, hard and easy inputs. */
describe('convertr convert --max-size', () => {
  let dir: string;
  const cli = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: path.join(dir, 'home') });

  beforeAll(() => {
    dir = tempDir('convertr-max-size-');
  });
  afterAll(() => removeDir(dir));

  it('a grainy 8 s 1080p clip under 1.5 MB fits, passes its check, and was encoded by x264 medium in two passes', async () => {
    const clip = path.join(dir, 'grainy.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=8', '-f', 'lavfi', '-i', 'anoisesrc=duration=8:color=pink:sample_rate=48000',
      '-vf', 'noise=alls=40:allf=t', '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '256k', '-shortest', clip]);
    const run = await cli('convert', clip, '--to', 'mp4', '--max-size', '1.5MB', '--out', path.join(dir, 'grainy'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded' });
    const output = String(line!['output']);
    const bytes = statSync(output).size;
    expect(bytes).toBeLessThanOrEqual(1_500_000);
    expect(bytes).toBeGreaterThanOrEqual(1_050_000);
    // x264 writes its settings into the stream: medium searches sub-pixels at level 7 (veryfast at 2).
    const settings = /x264 - core [^\0]*/.exec(readFileSync(output).toString('latin1'))?.[0] ?? '';
    expect(settings).toMatch(/ rc=2pass /);
    expect(settings).toMatch(/ subme=7 /);
  }, 900_000);

  it('H.265 under a limit: two passes of x265 write a file under the limit, tagged hvc1 for Apple devices', async () => {
    const clip = path.join(dir, 'grainy-hevc.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=6', '-f', 'lavfi', '-i', 'anoisesrc=duration=6:color=pink:sample_rate=48000',
      '-vf', 'noise=alls=40:allf=t', '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-c:a', 'flac', '-shortest', clip]);
    const run = await cli('convert', clip, '--to', 'mp4', '--codec', 'h265', '--max-size', '0.5MB', '--out', path.join(dir, 'hevc'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded' });
    const output = String(line!['output']);
    const bytes = statSync(output).size;
    expect(bytes).toBeLessThanOrEqual(500_000);
    expect(bytes).toBeGreaterThanOrEqual(350_000);
    const probed = ffprobe(output);
    expect(probed.streams[0]).toMatchObject({ codec_name: 'hevc', codec_tag_string: 'hvc1', pix_fmt: 'yuv420p', width: 640, height: 360 });
    expect(Number(probed.format.duration)).toBeCloseTo(6, 0);
    // x265 writes its settings into the stream: an average bitrate whose second pass read the first pass's statistics.
    const settings = /x265 \(build [^\0]*/.exec(readFileSync(output).toString('latin1'))?.[0] ?? '';
    expect(settings).toMatch(/ rc=abr /);
    expect(settings).toMatch(/ stats-read=2 /);
  }, 900_000);

  it('an easy clip (one still picture for 20 s) under a generous limit is kept small: its quality level needs no more', async () => {
    const still = path.join(dir, 'still.png');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', still]);
    const clip = path.join(dir, 'slide.mkv');
    makeMedia(['-loop', '1', '-framerate', '30', '-i', still, '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', clip]);
    const run = await cli('convert', clip, '--to', 'mp4', '--max-size', '1.5MB', '--out', path.join(dir, 'easy'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded' });
    const output = String(line!['output']);
    expect(statSync(output).size).toBeLessThan(1_050_000);
    const probed = ffprobe(output);
    expect(Number(probed.format.duration)).toBeCloseTo(20, 0);
    expect(probed.streams[0]).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 640, height: 360 });
  }, 300_000);

  it('white noise to OPUS and OGG under 0.5 MB: the encoders undershoot the limit\'s bitrate, and the output that fits is kept', async () => {
    const noise = path.join(dir, 'noise.flac');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=60:sample_rate=44100', '-ac', '2', '-c:a', 'flac', noise]);
    for (const target of ['opus', 'ogg']) {
      const run = await cli('convert', noise, '--to', target, '--max-size', '0.5MB', '--out', path.join(dir, 'noise'), '--json');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const [line] = jsonLines(run.stdout);
      expect(line, target).toMatchObject({ status: 'succeeded' });
      expect(statSync(String(line!['output'])).size, target).toBeLessThanOrEqual(500_000);
      expect(Number(ffprobe(String(line!['output'])).format.duration), target).toBeCloseTo(60, 0);
    }
  }, 120_000);

  it('the voice-note preset takes a 200 s phone recording (8 kHz, a pure tone) and keeps it under 1 MB', async () => {
    const memo = path.join(dir, 'memo.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=200:sample_rate=8000', '-ac', '1', memo]);
    const run = await cli('convert', memo, '--preset', 'voice-note', '--out', path.join(dir, 'voice'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded', pair: 'WAV->M4A' });
    const output = String(line!['output']);
    expect(statSync(output).size).toBeLessThanOrEqual(1_000_000);
    const probed = ffprobe(output);
    expect(probed.streams[0]).toMatchObject({ codec_name: 'aac', channels: 1 });
    expect(Number(probed.format.duration)).toBeCloseTo(200, 0);
  }, 300_000);
});
