import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavFloatPeakDb } from '../../../main/core/engine/plan/wavFloatPeak';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import { systemClock } from '../../../native/createNativeEngine';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';
import { CountingRunner, decodedPeak as astatsPeak } from '../../helpers/soundPeak';

/** A float WAV's peak is read in process; other float sound is measured by an ffmpeg pass; both get the same gain. */
describe('the peak of float sound, read in process from a WAV', () => {
  let dir: string;
  let ffmpeg: CountingRunner;
  let converter: LocalConverter;
  const file = (name: string) => path.join(dir, name);
  const floatSine = (name: string, gainDb: number, extra: string[] = []) =>
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=48000', '-af', `volume=${gainDb}dB`, ...extra, '-c:a', 'pcm_f32le', file(name)]);

  beforeAll(() => {
    dir = tempDir('convertr-float-peak-');
    const tools = locateFfmpegToolsFromEnvironment();
    if ('missing' in tools) throw new Error(tools.missing);
    ffmpeg = new CountingRunner(tools.ffmpeg.path);
    converter = new LocalConverter({ prober: new FfprobeProber(tools.ffprobe.path), ffmpeg, images: undefined as never, clock: systemClock });
    floatSine('hot.wav', 23);
    floatSine('quiet.wav', 12);
    // Six channels: ffmpeg writes WAVE_FORMAT_EXTENSIBLE, the float format in its sub-format.
    floatSine('hot6.wav', 23, ['-ac', '6']);
    floatSine('hot.mka', 23);
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=48000', '-c:a', 'pcm_s24le', file('whole24.wav')]);
  }, 60_000);
  afterAll(() => removeDir(dir));

  it('reads the peak astats reads, from plain and extensible float WAVs and one cut short; not from integer WAVs', async () => {
    for (const name of ['hot.wav', 'quiet.wav', 'hot6.wav']) expect(Math.abs((await wavFloatPeakDb(file(name)))! - astatsPeak(file(name))), name).toBeLessThan(0.001);
    const bytes = readFileSync(file('hot.wav'));
    writeFileSync(file('cut.wav'), bytes.subarray(0, bytes.length >> 1));
    expect(Math.abs((await wavFloatPeakDb(file('cut.wav')))! - astatsPeak(file('hot.wav')))).toBeLessThan(0.001);
    expect(await wavFloatPeakDb(file('whole24.wav'))).toBeUndefined();
  });

  it('a float WAV to MP3 runs no measuring pass, within full scale or above it; float in Matroska runs one; both above get one gain', async () => {
    const quiet = await converter.convert({ inputPath: file('quiet.wav'), target: 'mp3', outputDir: path.join(dir, 'quiet') });
    expect(quiet.notes).toEqual([]);
    for (const name of ['hot.wav', 'hot6.wav']) {
      const hot = await converter.convert({ inputPath: file(name), target: 'mp3', outputDir: path.join(dir, name.replace('.', '-')) });
      expect(astatsPeak(hot.outputPath), name).toBeLessThanOrEqual(0);
      expect(hot.notes.join(' '), name).toMatch(/Lowered the level by 5\.9 dB: the float sound peaks at \+4\.9 dBFS/);
    }
    expect(ffmpeg.analyses).toBe(0);
    const mka = await converter.convert({ inputPath: file('hot.mka'), target: 'mp3', outputDir: path.join(dir, 'mka') });
    expect(astatsPeak(mka.outputPath)).toBeLessThanOrEqual(0);
    expect(mka.notes.join(' ')).toMatch(/^Lowered the level by 5\.9 dB: the float sound peaks at \+4\.9 dBFS/);
    expect(ffmpeg.analyses).toBe(1);
  }, 60_000);
});
