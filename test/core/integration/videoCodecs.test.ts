import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeOptions, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import type { AppError } from '../../../main/core/errors';
import { FfmpegEncoderList } from '../../../native/ffmpeg/ffmpegEncoders';
import { useRealEngine } from '../../helpers/engine';
import { corpus, ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/**
 * SSIM of a file against the lossless source, by ffmpeg itself (1 is identical; printed on stderr). Frames are
 * paired by their number: MKV's millisecond timestamps and MP4's would pair neighbours otherwise.
 */
function ssimOf(file: string, source: string): number {
  const byNumber = 'setpts=N/FRAME_RATE/TB';
  const run = spawnSync('ffmpeg', ['-hide_banner', '-nostdin', '-i', file, '-i', source, '-lavfi', `[0:v]${byNumber}[a];[1:v]${byNumber}[b];[a][b]ssim`, '-f', 'null', '-'], { encoding: 'utf8' });
  const ssim = /All:([0-9.]+)/.exec(run.stderr)?.[1];
  if (ssim === undefined) throw new Error(`ffmpeg gave no SSIM: ${run.stderr}`);
  return Number(ssim);
}

/** H.265, AV1 and the quality levels on a real phone photo panned into a clip, with real ffmpeg. */
describe('video codecs and quality levels with real ffmpeg', () => {
  const engine = useRealEngine();
  let dir: string;
  let clip: string;

  beforeAll(() => {
    dir = tempDir('convertr-video-codecs-');
    clip = path.join(dir, 'pan.mkv');
    // A real photo panned across for 3 s at 30 fps, stored losslessly (FFV1), so that every target encodes.
    makeMedia(['-loop', '1', '-framerate', '30', '-i', corpus('image/portrait_6.jpg'), '-t', '3',
      '-vf', "crop=400:224:x='50*t/3':y='300*t/3',format=yuv420p", '-c:v', 'ffv1', clip]);
  });
  afterAll(() => removeDir(dir));

  const convert = (target: 'mp4' | 'mkv', options: Partial<ConversionOptions>, out: string) =>
    engine().converter.convert({ inputPath: clip, target, outputDir: path.join(dir, out), options: normalizeOptions(options) });

  it('--codec h265 writes HEVC tagged hvc1, the tag Apple devices need to play it', async () => {
    const result = await convert('mp4', { videoCodec: 'h265' }, 'h265');
    const stream = videoOf(ffprobe(result.outputPath)) as ReturnType<typeof videoOf> & { codec_tag_string?: string };
    expect(stream).toMatchObject({ codec_name: 'hevc', pix_fmt: 'yuv420p', width: 400, height: 224 });
    expect(stream?.codec_tag_string).toBe('hvc1');
  }, 180_000);

  it('--codec av1 writes AV1 when this ffmpeg has an AV1 encoder, and is refused in one sentence when it has none', async () => {
    const encoders = await new FfmpegEncoderList(engine().tools.ffmpeg.path).encoders();
    const hasAv1 = encoders !== undefined && (encoders.has('libsvtav1') || encoders.has('libaom-av1'));
    const outcome = await convert('mkv', { videoCodec: 'av1' }, 'av1').then((r) => r, (e: AppError) => e);
    if (hasAv1) {
      expect('outputPath' in outcome, String(outcome)).toBe(true);
      expect(videoOf(ffprobe((outcome as { outputPath: string }).outputPath))).toMatchObject({ codec_name: 'av1', width: 400, height: 224 });
    } else {
      expect(outcome).toMatchObject({ code: 'OPTION_UNSUPPORTED', message: expect.stringMatching(/no AV1 encoder/) });
    }
  }, 300_000);

  it('small is smaller than balanced, balanced smaller than high, and each looks at least as good as the level below', async () => {
    const levels = [];
    for (const quality of ['small', 'balanced', 'high'] as const) {
      const result = await convert('mp4', { quality }, quality);
      levels.push({ quality, bytes: result.outputBytes, ssim: ssimOf(result.outputPath, clip) });
    }
    console.log(levels.map((l) => `${l.quality} ${l.bytes} B SSIM ${l.ssim}`).join('; '));
    const [small, balanced, high] = levels;
    expect(small!.bytes).toBeLessThan(balanced!.bytes);
    expect(balanced!.bytes).toBeLessThan(high!.bytes);
    expect(high!.ssim).toBeGreaterThanOrEqual(balanced!.ssim);
    expect(balanced!.ssim).toBeGreaterThanOrEqual(small!.ssim - 0.001);
  }, 300_000);
});
