import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptions, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import type { OutputFormat } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { ffprobe, listAll, makeMedia, removeDir, tempDir } from '../../helpers/media';
import { peaks } from '../../helpers/soundPeak';

/** A mono 32-bit float WAV of a 440 Hz sine at 1.8 times full scale (+5.1 dBFS), as float field recorders keep a loud take. */
function writeLoudFloatWav(file: string, rate = 48000, seconds = 2): void {
  const samples = rate * seconds;
  const data = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) data.writeFloatLE(1.8 * Math.sin((2 * Math.PI * 440 * i) / rate), i * 4);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(3, 20); // WAVE_FORMAT_IEEE_FLOAT
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(32, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
}

const kbpsOf = (file: string) => (statSync(file).size * 8) / Number(ffprobe(file).format.duration) / 1000;

/** Low bitrates met by a lower sample rate, and float sound kept whole, on real files through the engine and real ffmpeg. */
describe('sound at low bitrates and float sound', () => {
  const engine = useRealEngine();
  let dir: string;
  let music: string;
  const convert = (inputPath: string, target: OutputFormat, options: Partial<ConversionOptions>, outputDir = dir) =>
    engine().converter.convert({ inputPath, target, outputDir, options: normalizeOptions(options) });

  beforeAll(() => {
    dir = tempDir('convertr-reach-');
    music = path.join(dir, 'music.flac');
    // 20 s of stereo 44.1 kHz: two moving tones a channel over pink noise, as in the tester's report.
    makeMedia(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*(220+50*sin(2*PI*0.5*t))*t)+0.2*sin(2*PI*330*t)*sin(2*PI*3*t)|0.3*sin(2*PI*(277+40*sin(2*PI*0.3*t))*t)+0.2*sin(2*PI*440*t)*sin(2*PI*2*t):s=44100:d=20',
      '-f', 'lavfi', '-i', 'anoisesrc=d=20:c=pink:a=0.05:r=44100', '-filter_complex', '[1]aformat=channel_layouts=stereo[n];[0][n]amix=inputs=2:normalize=0', '-c:a', 'flac', music]);
  });
  afterAll(() => removeDir(dir));

  it('OGG at 32 kbps from 44.1 kHz stereo is made at 24 kHz, at about 32 kbps, and says so', async () => {
    const result = await convert(music, 'ogg', { audioBitrateKbps: 32 });
    const sound = ffprobe(result.outputPath).streams[0]!;
    expect(sound).toMatchObject({ codec_name: 'vorbis', sample_rate: '24000', channels: 2 });
    expect(kbpsOf(result.outputPath)).toBeGreaterThan(24);
    expect(kbpsOf(result.outputPath)).toBeLessThan(40);
    expect(result.notes).toContain('Lowered the sample rate to 24 kHz: OGG at 32 kbps needs it.');
  }, 60_000);

  it('OGG at 8 kbps is mono at 8 kHz; MP3 and M4A at 8 kbps come out near 8 kbps, not 32 or 26', async () => {
    const ogg = await convert(music, 'ogg', { audioBitrateKbps: 8 });
    expect(ffprobe(ogg.outputPath).streams[0]).toMatchObject({ sample_rate: '8000', channels: 1 });
    expect(ogg.notes).toContain('Mixed the sound down to mono and lowered the sample rate to 8 kHz: OGG at 8 kbps needs it.');
    const mp3 = await convert(music, 'mp3', { audioBitrateKbps: 8 });
    expect(ffprobe(mp3.outputPath).streams[0]).toMatchObject({ codec_name: 'mp3', sample_rate: '8000', bit_rate: '8000' });
    expect(kbpsOf(mp3.outputPath)).toBeLessThan(10);
    expect(mp3.notes).toContain('Lowered the sample rate to 8 kHz, as LAME does for MP3 at 8 kbps.');
    const m4a = await convert(music, 'm4a', { audioBitrateKbps: 8 });
    expect(ffprobe(m4a.outputPath).streams[0]).toMatchObject({ codec_name: 'aac', sample_rate: '12000', channels: 1 });
    expect(Number((ffprobe(m4a.outputPath).streams[0] as { bit_rate?: string }).bit_rate) / 1000).toBeLessThan(9);
    expect(m4a.notes).toContain('Mixed the sound down to mono and lowered the sample rate to 12 kHz: M4A at 8 kbps needs it.');
  }, 90_000);

  it('a size limit picks its bitrate and meets it by the same rule: OGG under 100 kB for 20 s of stereo', async () => {
    const out = tempDir('convertr-reach-size-');
    try {
      const result = await convert(music, 'ogg', { maxSizeBytes: 100_000 }, out);
      expect(statSync(result.outputPath).size).toBeLessThanOrEqual(100_000);
      expect(ffprobe(result.outputPath).streams[0]).toMatchObject({ codec_name: 'vorbis', sample_rate: '24000' });
      expect(result.notes.join(' ')).toMatch(/Lowered the sample rate to 24 kHz: OGG at \d+ kbps needs it/);
    } finally {
      removeDir(out);
    }
  }, 60_000);

  it('a bitrate no setting reaches is refused before any work, with the reason', async () => {
    const low = path.join(dir, 'low-rate.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=300:duration=2:sample_rate=6000', '-ac', '1', low]);
    const out = tempDir('convertr-reach-refused-');
    try {
      await expect(convert(low, 'ogg', { audioBitrateKbps: 16 }, out)).rejects.toMatchObject({
        code: 'OPTION_UNSUPPORTED', message: 'OGG at a chosen bitrate needs sound at 8 kHz or more, and this file\'s is 6 kHz; convert it without a bitrate or a size limit.',
      });
      expect(listAll(out)).toEqual([]);
    } finally {
      removeDir(out);
    }
  }, 30_000);

  it('the sound of a video follows the same rule: an MP4 at 8 kbps has mono AAC at 12 kHz near 8 kbps, and says so', async () => {
    const clip = path.join(dir, 'clip.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-i', music, '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
    const result = await convert(clip, 'mp4', { audioBitrateKbps: 8 });
    const sound = ffprobe(result.outputPath).streams.find((st) => st.codec_type === 'audio')!;
    expect(sound).toMatchObject({ codec_name: 'aac', sample_rate: '12000', channels: 1 });
    expect(Number((sound as { bit_rate?: string }).bit_rate) / 1000).toBeLessThan(9.5);
    expect(result.notes).toContain('Mixed the sound down to mono and lowered the sample rate to 12 kHz: AAC at 8 kbps needs it.');
  }, 60_000);

  it('a +5 dBFS float WAV stays float in WAV with its peaks, and fits FLAC by a gain instead of clipping', async () => {
    const take = path.join(dir, 'take32f.wav');
    writeLoudFloatWav(take);
    expect(peaks(take).level).toBeGreaterThan(5);

    const wav = await convert(take, 'wav', {});
    expect(ffprobe(wav.outputPath).streams[0]).toMatchObject({ codec_name: 'pcm_f32le' });
    expect(peaks(wav.outputPath).level).toBeGreaterThan(5);

    const flac = await convert(take, 'flac', {});
    const kept = peaks(flac.outputPath);
    expect(kept.level).toBeLessThan(0);
    expect(kept.level).toBeGreaterThan(-0.5);
    // A clipped sine sits at full scale for most of its samples (60,000 of 96,000); a scaled one only at its crests.
    expect(kept.count).toBeLessThan(2000);
    expect(flac.notes.join(' ')).toMatch(/^Lowered the level by 5\.2 dB: the float sound peaks at \+5\.1 dBFS, above what FLAC holds/);
  }, 60_000);

  it('a +5 dBFS float WAV to MP3, M4A, OGG and OPUS decodes at or below full scale, lowered by one gain, with a note', async () => {
    const sine = path.join(dir, 'sine32f.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3:sample_rate=48000', '-af', 'volume=23dB', '-c:a', 'pcm_f32le', sine]);
    const loud = path.join(dir, 'music32f.wav');
    makeMedia(['-i', music, '-t', '6', '-af', 'volume=11dB', '-c:a', 'pcm_f32le', loud]);
    for (const take of [sine, loud]) {
      const source = peaks(take).level;
      expect(source).toBeGreaterThan(4.5);
      for (const target of ['mp3', 'm4a', 'ogg', 'opus'] as const) {
        const result = await convert(take, target, {});
        // Decoded as a player decodes it, kept as float so that nothing above full scale is hidden by the decoder.
        const decoded = peaks(result.outputPath).level;
        expect(decoded, `${path.basename(take)} to ${target}`).toBeLessThanOrEqual(0);
        expect(decoded, `${path.basename(take)} to ${target}`).toBeGreaterThan(-2);
        expect(result.notes.join(' ')).toContain(`Lowered the level by ${(source + 1).toFixed(1)} dB: the float sound peaks at +${source.toFixed(1)} dBFS, above full scale, and players of ${target.toUpperCase()} would have cut it off there.`);
      }
    }
  }, 120_000);

  it('float sound within full scale converts to MP3 with its level, no gain and no note', async () => {
    const quiet = path.join(dir, 'quiet32f-lossy.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000', '-af', 'volume=12dB', '-c:a', 'pcm_f32le', quiet]);
    const mp3 = await convert(quiet, 'mp3', {});
    expect(Math.abs(peaks(mp3.outputPath).level - peaks(quiet).level)).toBeLessThan(0.2);
    expect(mp3.notes).toEqual([]);
  }, 30_000);

  it('float sound within full scale converts to FLAC as before, with no gain and no note', async () => {
    const quiet = path.join(dir, 'quiet32f.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2:sample_rate=48000', '-c:a', 'pcm_f32le', quiet]);
    const flac = await convert(quiet, 'flac', {});
    expect(Math.abs(peaks(flac.outputPath).level - peaks(quiet).level)).toBeLessThan(0.01);
    expect(flac.notes).toEqual([]);
  }, 30_000);
});
