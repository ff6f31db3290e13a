import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import type { MediaProber, ProbeTarget } from '../../../main/core/engine/ports';
import { systemClock } from '../../../native/createNativeEngine';
import { ProcessFfmpegRunner } from '../../../native/ffmpeg/ffmpegRunner';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { audiosOf, durationOf, ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The real ffprobe, counting the files it is asked about. */
class CountingProber implements MediaProber {
  readonly asked: string[] = [];
  constructor(private readonly inner: MediaProber) {}
  probe(target: ProbeTarget, signal?: AbortSignal) {
    this.asked.push(path.basename(target.path));
    return this.inner.probe(target, signal);
  }
}

describe('MP4 to an audio format without starting ffprobe', () => {
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
    for (const [name, rate] of [['phone', 48000], ['low', 22050]] as const) {
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', '-f', 'lavfi', '-i', `sine=frequency=440:duration=3:sample_rate=${rate}`,
        '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-ac', '2', path.join(dir, `${name}.mp4`)]);
    }
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
    // Only the M4A output went to ffprobe for its check (MP3 outputs have their own reader); no input did.
    expect(prober.asked.filter((name) => name.endsWith('.mp4'))).toEqual([]);
    expect(prober.asked).toHaveLength(1);
  });

  it('asks ffprobe when the header is not enough (AAC at 22 kHz) or the target is a video', async () => {
    await converter.convert({ inputPath: path.join(dir, 'low.mp4'), target: 'mp3', outputDir: out });
    await converter.convert({ inputPath: path.join(dir, 'phone.mp4'), target: 'mkv', outputDir: out });
    expect(prober.asked.filter((name) => name.endsWith('.mp4'))).toEqual(['low.mp4', 'phone.mp4']);
  });
});
