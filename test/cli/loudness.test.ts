import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { corpus, makeMedia, removeDir, tempDir } from '../helpers/media';

/** Integrated loudness (EBU R128) of a file's first sound track, as ffmpeg's ebur128 filter reads it. */
function loudnessOf(file: string): number {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-map', '0:a:0', '-af', 'ebur128', '-f', 'null', '-'], { encoding: 'utf8' });
  const summary = run.stderr.slice(run.stderr.lastIndexOf('Summary:'));
  return Number(/I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1]);
}

/** A chord that swells and fades 1.5 times a second, stereo, at about -35 LUFS: a quiet recording. */
const quietChord = (first: number) => [
  '-f', 'lavfi', '-i', 'sine=frequency=220:duration=12:sample_rate=44100', '-f', 'lavfi', '-i', 'sine=frequency=277:duration=12:sample_rate=44100',
  '-f', 'lavfi', '-i', 'sine=frequency=330:duration=12:sample_rate=44100',
  '-filter_complex', `[${first}][${first + 1}][${first + 2}]amix=inputs=3,tremolo=f=1.5:d=0.6,volume=0.55,aformat=channel_layouts=stereo[a]`,
];

/** --normalize through the installed command: quiet sound comes out at -16 LUFS, even where the streams would be copied. */
describe('the installed command with --normalize', () => {
  let dir: string;
  let quietMp3: string;
  let quietClip: string;
  beforeAll(() => {
    dir = tempDir('convertr-loudness-');
    quietMp3 = path.join(dir, 'quiet.mp3');
    makeMedia([...quietChord(0), '-map', '[a]', '-c:a', 'libmp3lame', '-b:a', '128k', quietMp3]);
    quietClip = path.join(dir, 'clip.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=12', ...quietChord(1), '-map', '0:v', '-map', '[a]',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '128k', quietClip]);
  });
  afterAll(() => removeDir(dir));

  const convert = async (input: string, target: string, extra: string[], out: string) => {
    const run = await runBuiltCli(['convert', input, '--to', target, '--out', path.join(dir, out), '--json', ...extra], { CONVERTR_HOME: path.join(dir, 'home') });
    const [line] = jsonLines(run.stdout);
    expect(line, run.stderr).toMatchObject({ status: 'succeeded' });
    return line as { output: string };
  };

  it('an MP3 at -35 LUFS becomes an MP3 at -16 LUFS within 1 LU (a copy without it stays quiet)', async () => {
    expect(loudnessOf(quietMp3)).toBeCloseTo(-35, 0);
    const copied = await convert(quietMp3, 'mp3', [], 'plain');
    expect(loudnessOf(copied.output)).toBeLessThan(-33);
    const normalised = await convert(quietMp3, 'mp3', ['--normalize'], 'loud');
    expect(Math.abs(loudnessOf(normalised.output) - -16)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('the sound of a video and a lossless target are normalised too, at their own sample rate', async () => {
    const video = await convert(quietClip, 'mp4', ['--normalize'], 'video');
    expect(Math.abs(loudnessOf(video.output) - -16)).toBeLessThanOrEqual(1);
    const flac = await convert(quietMp3, 'flac', ['--normalize'], 'flac');
    expect(Math.abs(loudnessOf(flac.output) - -16)).toBeLessThanOrEqual(1);
    const rate = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate', '-of', 'csv=p=0', flac.output], { encoding: 'utf8' }).stdout.trim();
    expect(rate).toBe('44100');
  }, 120_000);

  it('a camera\'s six-channel WAV mixed to stereo MP3 is measured as it will be heard, and comes out at -16 LUFS', async () => {
    const mp3 = await convert(corpus('audio/sixchan.wav'), 'mp3', ['--normalize'], 'sixchan');
    expect(Math.abs(loudnessOf(mp3.output) - -16)).toBeLessThanOrEqual(1);
  }, 120_000);
});
