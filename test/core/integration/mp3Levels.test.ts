import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptions, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import { mp3FrameHeader } from '../../../main/core/engine/plan/mp3Output';
import { useRealEngine } from '../../helpers/engine';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The tag LAME writes in an MP3's first frame: "Xing" for variable bitrate, "Info" for constant. */
function lameTag(file: string): string {
  const bytes = readFileSync(file);
  const id3 = bytes.subarray(0, 3).toString('latin1') === 'ID3' ? 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!) : 0;
  const header = mp3FrameHeader(bytes, id3)!;
  return bytes.subarray(id3 + 4 + header.sideInfoBytes, id3 + 8 + header.sideInfoBytes).toString('latin1');
}

/** RMS level (dB) of a file's sound in a 300 Hz band around `hz`: how much of the top of the spectrum an encoder kept. */
function bandLevel(file: string, hz: number): number {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', `bandpass=f=${hz}:w=300,bandpass=f=${hz}:w=300,astats=measure_overall=RMS_level:measure_perchannel=0`, '-f', 'null', '-'], { encoding: 'utf8' });
  return Number(/RMS level dB: (-?[\d.]+|-inf)/.exec(run.stderr.slice(run.stderr.lastIndexOf('Overall')))?.[1] ?? -200);
}

/** MP3 at LAME's VBR levels: a file whose bits follow the sound, no narrower than the constant bitrate it replaced. */
describe('MP3 levels', () => {
  const engine = useRealEngine();
  let dir: string;
  let chord: string;
  let noise: string;
  beforeAll(() => {
    dir = tempDir('convertr-mp3-levels-');
    chord = path.join(dir, 'chord.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=220:duration=20', '-f', 'lavfi', '-i', 'sine=frequency=277:duration=20', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=20',
      '-filter_complex', '[0][1][2]amix=inputs=3,aformat=channel_layouts=stereo', '-ar', '44100', chord]);
    noise = path.join(dir, 'noise.wav');
    makeMedia(['-f', 'lavfi', '-i', 'anoisesrc=duration=6:color=pink:amplitude=0.3:sample_rate=44100', '-ac', '2', noise]);
  });
  afterAll(() => removeDir(dir));

  const convert = async (input: string, options: Partial<ConversionOptions>, out: string) =>
    (await engine().converter.convert({ inputPath: input, target: 'mp3', outputDir: path.join(dir, out), options: normalizeOptions(options) })).outputPath;
  const cbr = (input: string, kbps: number) => {
    const file = path.join(dir, `${path.basename(input, '.wav')}-${kbps}k.mp3`);
    makeMedia(['-i', input, '-c:a', 'libmp3lame', '-b:a', `${kbps}k`, file]);
    return file;
  };

  it('balanced is VBR and less than half the size of the 192k it replaced on a chord', async () => {
    const mp3 = await convert(chord, {}, 'balanced');
    expect(lameTag(mp3)).toBe('Xing');
    console.log(`20 s chord: ${statSync(mp3).size} bytes at balanced, ${statSync(cbr(chord, 192)).size} at 192k`);
    expect(statSync(mp3).size).toBeLessThan(statSync(cbr(chord, 192)).size / 2);
  }, 60_000);

  it.each([['high', 256, 19000], ['balanced', 192, 18500], ['small', 128, 16000]] as const)('%s keeps the bandwidth of %ik CBR (pink noise at %i Hz)', async (quality, kbps, hz) => {
    const mp3 = await convert(noise, { quality }, quality);
    expect(bandLevel(mp3, hz)).toBeGreaterThan(bandLevel(cbr(noise, kbps), hz) - 3);
  }, 60_000);

  it('a chosen bitrate stays a constant bitrate', async () => {
    expect(lameTag(await convert(chord, { audioBitrateKbps: 128 }, 'fixed'))).toBe('Info');
  }, 60_000);
});
