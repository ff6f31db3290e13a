import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import { systemClock } from '../../../native/createNativeEngine';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { CountingRunner, decodedPeak } from '../../helpers/soundPeak';

const PICTURE = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=2'];
const sine = (frequency: number) => ['-f', 'lavfi', '-i', `sine=frequency=${frequency}:duration=2:sample_rate=48000`];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** The sound of a video conversion: float above full scale kept under it in lossy tracks, and each track named in its notes. */
describe('the sound tracks of a video conversion', () => {
  let dir: string;
  let ffmpeg: CountingRunner;
  let converter: LocalConverter;
  const file = (name: string) => path.join(dir, name);
  const convert = (name: string, target: 'mp4' | 'webm' | 'mkv', options = {}) =>
    converter.convert({ inputPath: file(name), target, outputDir: path.join(dir, `${name}-${target}`), options: normalizeOptions(options) });

  beforeAll(() => {
    dir = tempDir('convertr-video-sound-');
    const tools = locateFfmpegToolsFromEnvironment();
    if ('missing' in tools) throw new Error(tools.missing);
    ffmpeg = new CountingRunner(tools.ffmpeg.path);
    converter = new LocalConverter({ prober: new FfprobeProber(tools.ffprobe.path), ffmpeg, images: undefined as never, clock: systemClock });
    // A sine at -18 dBFS raised by 23 dB: float sound peaking at +4.9 dBFS, as a float field recorder's may.
    for (const name of ['hot.mov', 'hot.mkv']) makeMedia([...PICTURE, ...sine(440), '-af', 'volume=23dB', ...H264, '-c:a', 'pcm_f32le', file(name)]);
    makeMedia([...PICTURE, ...sine(440), '-af', 'volume=23dB', ...H264, '-c:a', 'pcm_s24le', file('whole.mov')]);
    // Two float tracks, the second hotter, with their languages.
    makeMedia([...PICTURE, ...sine(440), ...sine(660), '-filter_complex', '[1:a]volume=23dB[a];[2:a]volume=26dB[b]', '-map', '0:v', '-map', '[a]', '-map', '[b]',
      ...H264, '-c:a', 'pcm_f32le', '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=jpn', file('two.mkv')]);
    makeMedia([...PICTURE, ...H264, file('silent.mkv')]);
    makeMedia([...sine(440), '-af', 'volume=23dB', '-c:a', 'pcm_f32le', file('hot.wav')]);
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('lowers float sound above full scale to under it in AAC and Opus, once measured; leaves a copied float track and integer sound alone', async () => {
    const before = ffmpeg.analyses;
    for (const [name, target] of [['hot.mov', 'mp4'], ['hot.mkv', 'webm']] as const) {
      expect(decodedPeak(file(name)), name).toBeGreaterThan(4.5);
      const result = await convert(name, target);
      expect(decodedPeak(result.outputPath), `${name} to ${target}`).toBeLessThanOrEqual(0);
      expect(result.notes.join(' '), `${name} to ${target}`).toMatch(/Lowered the level by 5\.9 dB: the float sound peaks at \+4\.9 dBFS, above full scale, and players of (AAC|Opus) would have cut it off there\./);
    }
    expect(ffmpeg.analyses - before).toBe(2);
    // Matroska keeps float PCM as it is: nothing is cut off, nothing measured.
    const kept = await convert('hot.mkv', 'mkv');
    expect(decodedPeak(kept.outputPath)).toBeGreaterThan(4.5);
    expect(kept.notes.join(' ')).not.toMatch(/Lowered/);
    const whole = await convert('whole.mov', 'mp4');
    expect(whole.notes.join(' ')).not.toMatch(/Lowered/);
    expect(ffmpeg.analyses - before).toBe(2);
  }, 120_000);

  it('a float WAV into an MP4 (sound alone, AAC) gets the same gain, its peak read in process', async () => {
    const before = ffmpeg.analyses;
    const result = await convert('hot.wav', 'mp4');
    expect(decodedPeak(result.outputPath)).toBeLessThanOrEqual(0);
    expect(result.notes.join(' ')).toMatch(/Lowered the level by 5\.9 dB: the float sound peaks at \+4\.9 dBFS, above full scale, and players of AAC would have cut it off there\./);
    expect(ffmpeg.analyses - before).toBe(0);
  }, 120_000);

  it('measures each float track of a video and names it in its note', async () => {
    const result = await convert('two.mkv', 'mp4');
    expect(decodedPeak(result.outputPath, 0)).toBeLessThanOrEqual(0);
    expect(decodedPeak(result.outputPath, 1)).toBeLessThanOrEqual(0);
    const notes = result.notes.join(' ');
    expect(notes).toMatch(/Lowered the level of sound track 1 \(eng\) by 5\.9 dB: the float sound peaks at \+4\.9 dBFS/);
    expect(notes).toMatch(/Lowered the level of sound track 2 \(jpn\) by 8\.9 dB: the float sound peaks at \+7\.9 dBFS/);
  }, 120_000);

  it('--normalize names each of two sound tracks, and says when a video has no sound to normalise', async () => {
    const two = await convert('two.mkv', 'mp4', { normalize: true });
    const loud = two.notes.filter((note) => note.includes('LUFS'));
    expect(loud).toHaveLength(2);
    expect(loud[0]).toMatch(/^Made sound track 1 \(eng\) -16 LUFS loud \(EBU R128; it was -?[\d.]+ LUFS\)\.$/);
    expect(loud[1]).toMatch(/^Made sound track 2 \(jpn\) -16 LUFS loud /);
    const silent = await convert('silent.mkv', 'mp4', { normalize: true });
    expect(silent.notes).toContain('This video has no sound to normalise.');
  }, 120_000);
});
