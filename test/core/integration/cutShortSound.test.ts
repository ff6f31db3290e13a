import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import type { OutputFormat } from '../../../main/core/formats';
import { useRealEngine } from '../../helpers/engine';
import { ffprobe, listAll, makeMedia, removeDir, tempDir } from '../../helpers/media';

// 20 s of stereo that does not compress to nothing, so that a cut falls among many FLAC frames and Ogg pages.
const MUSIC = ['-f', 'lavfi', '-i', 'anoisesrc=d=20:c=pink:a=0.2:r=44100', '-af', 'aformat=channel_layouts=stereo'];

/** Sound files cut off as an interrupted download leaves them (the first 60 % of their bytes), through the engine and real ffmpeg. */
describe('a FLAC, OGG or OPUS cut short says so', () => {
  const engine = useRealEngine();
  let dir: string;
  const convert = (inputPath: string, target: OutputFormat, outputDir: string) =>
    engine().converter.convert({ inputPath, target, outputDir, options: normalizeOptions({}) });
  const cutAt60 = (name: string) => {
    const bytes = readFileSync(path.join(dir, name));
    const cut = path.join(dir, `cut-${name}`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    return cut;
  };

  beforeAll(() => {
    dir = tempDir('convertr-cut-sound-');
    makeMedia([...MUSIC, '-c:a', 'flac', path.join(dir, 'take.flac')]);
    makeMedia([...MUSIC, '-c:a', 'libvorbis', path.join(dir, 'take.ogg')]);
    makeMedia([...MUSIC, '-c:a', 'libopus', path.join(dir, 'take.opus')]);
  }, 60_000);
  afterAll(() => removeDir(dir));

  it('a FLAC cut at 60 % is refused as cut short, with the share that is there, not as our output failing its check', async () => {
    const cut = cutAt60('take.flac');
    for (const target of ['mp3', 'flac'] as const) {
      const out = path.join(dir, `flac-${target}`);
      await expect(convert(cut, target, out), target).rejects.toMatchObject({
        code: 'INPUT_CORRUPT',
        message: expect.stringMatching(/^This file is cut short: only (59|60|61) % of its data is there \(a recording or a copy that was interrupted\), so it cannot be converted whole\./),
      });
      expect(listAll(out)).toEqual([]);
    }
  }, 60_000);

  it('an OGG or OPUS cut at 60 % converts the part that is there, with a note that its end is missing', async () => {
    for (const name of ['take.ogg', 'take.opus']) {
      const result = await convert(cutAt60(name), 'mp3', path.join(dir, name.replace('.', '-')));
      expect(Number(ffprobe(result.outputPath).format.duration), name).toBeGreaterThan(10);
      expect(result.notes, name).toContain('This file is cut short: its end is missing (a recording or a copy that was interrupted); the part that is there was converted. Copy it again from where it came from to convert it whole.');
      const whole = await convert(path.join(dir, name), 'mp3', path.join(dir, `whole-${name.replace('.', '-')}`));
      expect(whole.notes, name).toEqual([]);
    }
  }, 60_000);
});
