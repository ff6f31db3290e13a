import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import { isReservedIndexTooSmall, withReservedIndex } from '../../../main/core/engine/plan/reservedIndex';
import type { FfmpegRunner, FfmpegRunOptions } from '../../../main/core/engine/ports';
import { AppError } from '../../../main/core/errors';
import { ProcessFfmpegRunner } from '../../../native/ffmpeg/ffmpegRunner';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { durationOf, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/** Top-level MP4 box types in file order. */
function topLevelBoxes(file: string): string[] {
  const bytes = readFileSync(file);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= bytes.length;) {
    const size = bytes.readUInt32BE(at);
    boxes.push(bytes.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** The real ffmpeg, every run's arguments written down; `shrinkRoom` gives the first run with room for the index far too little. */
class RecordingRunner implements FfmpegRunner {
  readonly runs: string[][] = [];
  constructor(private readonly real: FfmpegRunner, private readonly shrinkRoom: boolean) {}

  async run(args: string[], options?: FfmpegRunOptions): Promise<void> {
    const at = args.indexOf('-moov_size');
    const given = this.shrinkRoom && at >= 0 && this.runs.length === 0 ? args.map((a, i) => (i === at + 1 ? '64' : a)) : args;
    this.runs.push(given);
    await this.real.run(given, options);
  }

  analyse(args: string[], options?: FfmpegRunOptions): Promise<string> {
    return this.real.analyse(args, options);
  }
}

describe('an MP4 copy keeps room for its index at the front instead of writing the file twice (faststart)', () => {
  let dir: string;
  let input: string;
  const located = locateFfmpegToolsFromEnvironment();
  if ('missing' in located) throw new Error(located.missing);
  const tools = located;

  function converterWith(runner: FfmpegRunner): LocalConverter {
    const images = { convert: () => Promise.reject(new Error('no pictures here')), inspect: () => Promise.reject(new Error('no pictures here')), meanLuminance: () => Promise.reject(new Error('no pictures here')) };
    return new LocalConverter({ prober: new FfprobeProber(tools.ffprobe.path), ffmpeg: runner, images: images as never, clock: { now: () => Date.now() } });
  }

  beforeAll(() => {
    dir = tempDir();
    input = path.join(dir, 'phone.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', input]);
  });
  afterAll(() => removeDir(dir));

  it('writes the copy once, with its index before the media data, and it plays as long as the input', async () => {
    const runner = new RecordingRunner(new ProcessFfmpegRunner(tools.ffmpeg.path), false);
    const result = await converterWith(runner).convert({ inputPath: input, target: 'mp4', outputDir: path.join(dir, 'once') });
    expect(result.strategy).toBe('remux');
    expect(runner.runs).toHaveLength(1);
    expect(runner.runs[0]).toContain('-moov_size');
    expect(runner.runs[0]!.join(' ')).not.toContain('faststart');
    const boxes = topLevelBoxes(result.outputPath);
    expect(boxes.indexOf('moov'), boxes.join(' ')).toBeLessThan(boxes.indexOf('mdat'));
    expect(videoOf(ffprobe(result.outputPath))?.codec_name).toBe('h264');
    expect(Math.abs(durationOf(ffprobe(result.outputPath)) - durationOf(ffprobe(input)))).toBeLessThan(0.1);
  });

  it('when the index does not fit the room kept, ffmpeg refuses and the copy is made again with faststart', async () => {
    const runner = new RecordingRunner(new ProcessFfmpegRunner(tools.ffmpeg.path), true);
    const result = await converterWith(runner).convert({ inputPath: input, target: 'mp4', outputDir: path.join(dir, 'again') });
    expect(runner.runs).toHaveLength(2);
    expect(runner.runs[1]!.join(' ')).toContain('+faststart');
    const boxes = topLevelBoxes(result.outputPath);
    expect(boxes.indexOf('moov'), boxes.join(' ')).toBeLessThan(boxes.indexOf('mdat'));
    expect(Math.abs(durationOf(ffprobe(result.outputPath)) - durationOf(ffprobe(input)))).toBeLessThan(0.1);
  });
});

describe('withReservedIndex', () => {
  const args = ['-i', 'in.mp4', '-c', 'copy', '-movflags', '+faststart+use_metadata_tags', '-map_chapters', '0', '-n', 'file:out.mp4'];

  it('swaps faststart for room of a quarter more than the input index and 16 KiB, the output last', () => {
    expect(withReservedIndex(args, 40_000)).toEqual(['-i', 'in.mp4', '-c', 'copy', '-movflags', '+use_metadata_tags', '-map_chapters', '0', '-n', '-moov_size', String(50_000 + 16_384), 'file:out.mp4']);
    expect(withReservedIndex(['-movflags', '+faststart', 'file:o.m4a'], 1000)).toEqual(['-moov_size', String(1250 + 16_384), 'file:o.m4a']);
  });

  it('leaves alone what asks for no faststart or whose input index is unknown', () => {
    expect(withReservedIndex(['-c', 'copy', 'file:o.mkv'], 1000)).toBeUndefined();
    expect(withReservedIndex(args, undefined)).toBeUndefined();
  });

  it("knows ffmpeg's refusal by its words only", () => {
    expect(isReservedIndexTooSmall(new AppError('FFMPEG_FAILED', 'x', '[mp4 @ 0x1] reserved_moov_size is too small, needed 16831 additional'))).toBe(true);
    expect(isReservedIndexTooSmall(new AppError('FFMPEG_FAILED', 'x', 'No space left on device'))).toBe(false);
  });
});
