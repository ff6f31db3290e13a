import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import { DEFAULT_OPTIONS } from '../../../main/core/engine/plan/conversionOptions';
import type { MediaProber, ProbeTarget } from '../../../main/core/engine/ports';
import { systemClock } from '../../../native/createNativeEngine';
import { ProcessFfmpegRunner } from '../../../native/ffmpeg/ffmpegRunner';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { audiosOf, durationOf, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/** The real ffprobe, counting the files it is asked about. */
class CountingProber implements MediaProber {
  readonly asked: string[] = [];
  constructor(private readonly inner: MediaProber) {}
  probe(target: ProbeTarget, signal?: AbortSignal) {
    this.asked.push(path.basename(target.path));
    return this.inner.probe(target, signal);
  }
}

describe('MP4 and MOV read in process: no ffprobe for an audio target, nor for an H.264 video target and its MP4/MOV output', () => {
  let dir: string;
  let out: string;
  let prober: CountingProber;
  let converter: LocalConverter;
  beforeAll(() => {
    dir = tempDir('convertr-inprocess-');
    out = tempDir('convertr-inprocess-out-');
    const tools = locateFfmpegToolsFromEnvironment();
    if ('missing' in tools) throw new Error(tools.missing);
    prober = new CountingProber(new FfprobeProber(tools.ffprobe.path));
    converter = new LocalConverter({ prober, ffmpeg: new ProcessFfmpegRunner(tools.ffmpeg.path), images: undefined as never, clock: systemClock });
    const clip = (name: string, rate: number, video: string[]) => makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', `sine=frequency=440:duration=3:sample_rate=${rate}`,
      ...video, '-c:a', 'aac', '-ac', '2', path.join(dir, `${name}.mp4`)]);
    clip('phone', 48000, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    clip('low', 22050, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    clip('deep', 48000, ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le']);
    clip('hevc', 48000, ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1']);
  });
  afterAll(() => {
    removeDir(dir);
    removeDir(out);
  });

  it('reads the movie header itself for MP3 and M4A and still checks the output', async () => {
    for (const target of ['mp3', 'm4a'] as const) {
      const result = await converter.convert({ inputPath: path.join(dir, 'phone.mp4'), target, outputDir: out });
      const probed = ffprobe(result.outputPath);
      expect(audiosOf(probed).map((a) => [a.channels, Number(a.sample_rate)]), target).toEqual([[2, 48000]]);
      expect(Math.abs(durationOf(probed) - 3), target).toBeLessThan(0.1);
    }
    // Neither the inputs nor the outputs went to ffprobe: MP3 outputs have their own reader, M4A ones the movie reader.
    expect(prober.asked).toEqual([]);
  });

  it('remuxes a phone clip to MP4 and MOV without starting ffprobe: the input and the output are read in process', async () => {
    prober.asked.length = 0;
    for (const target of ['mp4', 'mov'] as const) {
      const result = await converter.convert({ inputPath: path.join(dir, 'phone.mp4'), target, outputDir: out });
      expect(result.strategy, target).toBe('remux');
      const probed = ffprobe(result.outputPath);
      expect([videoOf(probed)?.codec_name, videoOf(probed)?.width, audiosOf(probed).length], target).toEqual(['h264', 320, 1]);
    }
    expect(prober.asked).toEqual([]);
  });

  it('encodes a phone clip (quality small) reading its input and checking its H.264 output in process', async () => {
    prober.asked.length = 0;
    const result = await converter.convert({ inputPath: path.join(dir, 'phone.mp4'), target: 'mp4', outputDir: out, options: { ...DEFAULT_OPTIONS, quality: 'small' } });
    expect(result.strategy).toBe('encode');
    expect(videoOf(ffprobe(result.outputPath))?.pix_fmt).toBe('yuv420p');
    expect(prober.asked).toEqual([]);
  });

  it('asks ffprobe when the header is not enough: AAC at 22 kHz, 10-bit H.264, HEVC, and outputs it does not read (Matroska)', async () => {
    prober.asked.length = 0;
    await converter.convert({ inputPath: path.join(dir, 'low.mp4'), target: 'mp3', outputDir: out });
    for (const name of ['deep', 'hevc']) {
      const result = await converter.convert({ inputPath: path.join(dir, `${name}.mp4`), target: 'mp4', outputDir: out });
      expect(result.strategy, name).toBe('encode');
    }
    await converter.convert({ inputPath: path.join(dir, 'phone.mp4'), target: 'mkv', outputDir: out });
    expect(prober.asked.filter((name) => name.endsWith('.mp4'))).toEqual(['low.mp4', 'deep.mp4', 'hevc.mp4']);
    // And the Matroska output, which no reader here reads, for its check.
    expect(prober.asked.filter((name) => !name.endsWith('.mp4'))).toHaveLength(1);
  });
});
