import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutShortInput } from '../../../main/core/engine/check/cutShortInput';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import { useRealEngine } from '../../helpers/engine';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

const PICTURE = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=4'];
const SOUND = ['-f', 'lavfi', '-i', 'anoisesrc=d=4:c=pink:a=0.2:r=48000'];
const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '12', '-pix_fmt', 'yuv420p'];

/** Transport streams as ffmpeg writes them: broadcast (188-byte packets), Blu-ray/AVCHD (192) and sound alone. */
const STREAMS: Record<string, string[]> = {
  'broadcast.ts': [...PICTURE, ...SOUND, ...H264, '-c:a', 'aac'],
  'camera.m2ts': [...PICTURE, ...SOUND, ...H264, '-c:a', 'ac3', '-mpegts_m2ts_mode', '1'],
  'dvb.mts': [...PICTURE, ...SOUND, '-c:v', 'mpeg2video', '-c:a', 'mp2'],
  'radio.ts': [...SOUND, '-c:a', 'mp2'],
  'picture.ts': [...PICTURE, ...H264],
};

/** A TS cut off as an interrupted download leaves it, through the engine and real ffmpeg. */
describe('an MPEG-TS cut short says so', () => {
  const engine = useRealEngine();
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const cutAt = (name: string, bytes: number) => {
    const cut = file(`cut-${bytes}-${name}`);
    writeFileSync(cut, readFileSync(file(name)).subarray(0, bytes));
    return cut;
  };
  const isCut = (name: string) => cutShortInput({ path: file(name), demuxer: 'mpegts' });

  beforeAll(() => {
    dir = tempDir('convertr-cut-ts-');
    for (const [name, args] of Object.entries(STREAMS)) makeMedia([...args, '-f', 'mpegts', file(name)]);
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('finds no cut in whole streams, and one in each cut from the sync byte of its last packet on', () => {
    for (const name of Object.keys(STREAMS)) {
      const size = readFileSync(file(name)).length;
      const packet = name.endsWith('.m2ts') ? 192 : 188;
      expect(size % packet, name).toBe(0);
      expect(isCut(name), name).toBeUndefined();
      for (const share of [0.3, 0.61, 0.97]) {
        const bytes = Math.floor(size * share / packet) * packet;
        // A packet up to its sync byte (after a Blu-ray packet's 4-byte time stamp), its middle, all but its last byte.
        for (const into of [packet - 187, 97, packet - 1]) {
          expect(cutShortInput({ path: cutAt(name, bytes + into), demuxer: 'mpegts' }), `${name} at ${bytes} + ${into}`).toEqual({ presentBytes: bytes + into });
        }
        // Cut between two packets, or within a Blu-ray packet's time stamp: nothing tells it from a whole stream with bytes after it.
        expect(cutShortInput({ path: cutAt(name, bytes), demuxer: 'mpegts' }), `${name} at ${bytes}`).toBeUndefined();
        if (packet === 192) expect(cutShortInput({ path: cutAt(name, bytes + 4), demuxer: 'mpegts' }), `${name} at ${bytes} + 4`).toBeUndefined();
      }
    }
  });

  it('a TS cut within a packet converts the part that is there, with a note that its end is missing; a whole one has none', async () => {
    for (const [name, target] of [['broadcast.ts', 'mp3'], ['camera.m2ts', 'mp4']] as const) {
      const size = readFileSync(file(name)).length;
      const cut = cutAt(name, Math.floor(size * 0.6) + 5);
      const options = normalizeOptions({});
      const result = await engine().converter.convert({ inputPath: cut, target, outputDir: file(`${name}-${target}`), options });
      expect(Number(ffprobe(result.outputPath).format.duration), name).toBeGreaterThan(1.5);
      expect(result.notes, name).toContain('This file is cut short: its end is missing (a recording or a copy that was interrupted); the part that is there was converted. Copy it again from where it came from to convert it whole.');
      const whole = await engine().converter.convert({ inputPath: file(name), target, outputDir: file(`whole-${name}-${target}`), options });
      expect(whole.notes.join(' '), name).not.toMatch(/cut short/);
    }
  }, 120_000);
});
