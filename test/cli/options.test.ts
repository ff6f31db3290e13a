import { writeFileSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli } from '../helpers/cli';
import { corpus, exiftool, ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

/** The options and presets as a terminal user meets them: flags, presets by name, usage errors, skip and overwrite. */
describe('convertr convert with options and presets', () => {
  let dir: string;
  let home: string;
  let wav: string;
  const cli = (...args: string[]) => runCli(args, { CONVERTR_HOME: home });

  beforeAll(() => {
    dir = tempDir('convertr-cli-options-');
    home = tempDir('convertr-cli-options-home-');
    wav = path.join(dir, 'talk.wav');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=6:color=pink:sample_rate=44100', '-ac', '2', wav]);
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(home);
  });

  it('a built-in preset sets the target and its options; a mistyped one gets a suggestion', async () => {
    const out = path.join(dir, 'podcast');
    const run = await cli('convert', wav, '--preset', 'podcast-mp3', '--out', out, '--json');
    expect(run.code).toBe(0);
    const [line] = jsonLines(run.stdout);
    expect(line).toMatchObject({ status: 'succeeded', pair: 'WAV->MP3' });
    const stream = ffprobe(String(line!['output'])).streams[0]!;
    expect(stream.channels).toBe(1);

    const typo = await cli('convert', wav, '--preset', 'podcast-mp4');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/There is no preset "podcast-mp4"\. Did you mean "podcast-mp3"\?/);
  }, 60_000);

  it('the share-photo preset on iPhone photos (HEIC with EXIF, XMP and GPS): JPGs that carry none of it', async () => {
    const out = path.join(dir, 'shared');
    const run = await cli('convert', corpus('heic/IMG_5195.HEIC'), corpus('heic/pug.heic'), '--preset', 'share-photo', '--out', out, '--json');
    expect(run.stderr).toBe('');
    expect(jsonLines(run.stdout).map((line) => line['status'])).toEqual(['succeeded', 'succeeded']);
    for (const line of jsonLines(run.stdout)) {
      const tags = exiftool(String(line['output']), ['GPSLatitude', 'Model', 'XMP:all']);
      expect(Object.keys(tags).filter((tag) => tag !== 'SourceFile')).toEqual([]);
    }
  }, 60_000);

  it('--max-size on a video runs both passes through the queue (the pass log lives in the job\'s scratch folder) and fits', async () => {
    const clip = path.join(dir, 'clip.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=8', '-f', 'lavfi', '-i', 'sine=duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-shortest', clip]);
    const run = await cli('convert', clip, '--to', 'mp4', '--max-size', '1MB', '--out', path.join(dir, 'fit'), '--json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const size = statSync(path.join(dir, 'fit', 'clip.mp4')).size;
    expect(size).toBeLessThanOrEqual(1_000_000);
    expect(size).toBeGreaterThanOrEqual(700_000);
  });

  it('refuses options a target cannot take before any work, as a usage error', async () => {
    const run = await cli('convert', wav, '--to', 'flac', '--max-size', '1MB', '--out', path.join(dir, 'never'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/lossless/);
    const bad = await cli('convert', wav, '--to', 'mp3', '--quality', 'smal');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Did you mean "small"\?/);
  }, 60_000);

  it('--mono and --audio-bitrate set the sound of an MP3 and of a video\'s AAC; nonsense is one usage line', async () => {
    const out = path.join(dir, 'speech');
    const run = await cli('convert', wav, '--to', 'mp3', '--mono', '--audio-bitrate', '64k', '--out', out, '--json');
    expect(run.code, run.stderr).toBe(0);
    const probed = ffprobe(String(jsonLines(run.stdout)[0]!['output']));
    expect(probed.streams[0]).toMatchObject({ codec_name: 'mp3', channels: 1, bit_rate: '64000' });
    const stereo = await cli('convert', wav, '--to', 'mp3', '--out', path.join(dir, 'stereo'), '--json');
    expect(ffprobe(String(jsonLines(stereo.stdout)[0]!['output'])).streams[0]).toMatchObject({ channels: 2 });

    const clip = path.join(dir, 'talking.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=duration=3', '-ac', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
    const video = await cli('convert', clip, '--to', 'mkv', '--mono', '--audio-bitrate', '48', '--out', path.join(dir, 'video-sound'), '--json');
    expect(video.code, video.stderr).toBe(0);
    const sound = ffprobe(String(jsonLines(video.stdout)[0]!['output'])).streams.find((st) => st.codec_type === 'audio')!;
    expect(sound).toMatchObject({ codec_name: 'aac', channels: 1 });

    const lossless = await cli('convert', wav, '--to', 'flac', '--audio-bitrate', '96k', '--out', path.join(dir, 'never'));
    expect(lossless.code).toBe(2);
    expect(lossless.stderr).toMatch(/^convertr: FLAC is lossless, so it has no bitrate to choose/);
    const tooHigh = await cli('convert', wav, '--to', 'mp3', '--audio-bitrate', '900k');
    expect(tooHigh.code).toBe(2);
    expect(tooHigh.stderr).toMatch(/^convertr: --audio-bitrate is between 8k and 512k, not 900k\.\n/);
    expect(tooHigh.stderr).not.toMatch(/Commands:| at /);
    const typo = await cli('convert', wav, '--to', 'mp3', '--mnoo');
    expect(typo.stderr).toMatch(/Did you mean "--mono"\?/);
  }, 90_000);

  it('--on-conflict skip reports skipped (exit 0) and leaves the file; overwrite replaces it', async () => {
    const out = path.join(dir, 'conflict');
    const first = await cli('convert', wav, '--to', 'mp3', '--out', out, '--json');
    const output = String(jsonLines(first.stdout)[0]!['output']);
    writeFileSync(output, 'mine');
    const skip = await cli('convert', wav, '--to', 'mp3', '--out', out, '--on-conflict', 'skip', '--json');
    expect(skip.code).toBe(0);
    expect(jsonLines(skip.stdout)[0]).toMatchObject({ status: 'skipped', output });
    expect(readFileSync(output, 'utf8')).toBe('mine');
    const overwrite = await cli('convert', wav, '--to', 'mp3', '--out', out, '--on-conflict', 'overwrite', '--json');
    expect(jsonLines(overwrite.stdout)[0]).toMatchObject({ status: 'succeeded', output });
    expect(statSync(output).size).toBeGreaterThan(10_000);
  }, 60_000);

  it('saves the user\'s own preset, lists it and converts with it', async () => {
    const saved = await cli('presets', 'save', 'Tiny talk', '--to', 'mp3', '--quality', 'small');
    expect(saved.code).toBe(0);
    const list = await cli('presets', '--json');
    expect((JSON.parse(list.stdout) as { id: string; builtIn: boolean }[]).filter((p) => !p.builtIn).map((p) => p.id)).toEqual(['tiny-talk']);
    const run = await cli('convert', wav, '--preset', 'Tiny talk', '--out', path.join(dir, 'tiny'), '--json');
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'succeeded' });
    const builtInDelete = await cli('presets', 'delete', 'web-photo');
    expect(builtInDelete.code).toBe(2);
    expect((await cli('presets', 'delete', 'tiny-talk')).code).toBe(0);
  }, 60_000);
});
