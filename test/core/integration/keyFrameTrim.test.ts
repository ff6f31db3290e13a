import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../../main/core/engine/plan/conversionOptions';
import { useRealEngine } from '../../helpers/engine';
import { ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/** The sizes of the first video packets from `from` seconds on, as ffprobe lists them: a stream copy repeats the source's. */
function packetSizes(file: string, from: number, count: number): number[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', `${from}%+#${count}`, '-show_entries', 'packet=size', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number).slice(0, count);
}

const FRAME = 1 / 30;

describe('a cut that starts on a key frame is a remux; between key frames, an exact re-encode (real ffmpeg)', () => {
  const engine = useRealEngine();
  let dir: string;
  let clip: string;

  beforeAll(() => {
    dir = tempDir('convertr-keyframe-trim-');
    clip = path.join(dir, 'walk.mp4');
    // 720p at 30 fps for 12 s, a key frame every 2 s (no others), with sound: H.264/AAC, which an MP4 copies as it is.
    makeMedia([
      '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=12', '-f', 'lavfi', '-i', 'sine=duration=12',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip,
    ]);
  });
  afterAll(() => removeDir(dir));

  it('--from 4 --until 8 copies the streams from the key frame at 4 s: the same packets, 4 s within a frame, faster than re-encoding', async () => {
    const onKey = await engine().converter.convert({ inputPath: clip, target: 'mp4', outputDir: path.join(dir, 'key'), options: { ...DEFAULT_OPTIONS, from: 4, until: 8 } });
    const between = await engine().converter.convert({ inputPath: clip, target: 'mp4', outputDir: path.join(dir, 'between'), options: { ...DEFAULT_OPTIONS, from: 4.5, until: 8 } });
    console.log(`cut on a key frame ${Math.round(onKey.runtimeMs)} ms (${onKey.strategy}), between key frames ${Math.round(between.runtimeMs)} ms (${between.strategy}), ratio ${(onKey.runtimeMs / between.runtimeMs).toFixed(3)}`);

    expect(onKey.strategy).toBe('remux');
    const source = videoOf(ffprobe(clip))!;
    const copied = videoOf(ffprobe(onKey.outputPath))!;
    for (const field of ['codec_name', 'profile', 'width', 'height', 'pix_fmt'] as const) expect(copied[field]).toBe(source[field]);
    expect(packetSizes(onKey.outputPath, 0, 30)).toEqual(packetSizes(clip, 4, 30));
    expect(Math.abs(Number(copied.duration) - 4)).toBeLessThanOrEqual(FRAME);

    expect(between.strategy).toBe('encode');
    expect(Math.abs(Number(videoOf(ffprobe(between.outputPath))!.duration) - 3.5)).toBeLessThanOrEqual(FRAME);
    expect(onKey.runtimeMs / between.runtimeMs).toBeLessThan(0.5);
  }, 180_000);

  it('a copy that would end past the cut (B-frames come along in decoding order) is made again by re-encoding, 120 frames for 4 s', async () => {
    const bframes = path.join(dir, 'bframes.mp4');
    makeMedia([
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=12', '-f', 'lavfi', '-i', 'sine=duration=12',
      '-c:v', 'libx264', '-preset', 'fast', '-bf', '3', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', bframes,
    ]);
    const result = await engine().converter.convert({ inputPath: bframes, target: 'mkv', outputDir: path.join(dir, 'bframes'), options: { ...DEFAULT_OPTIONS, from: 4, until: 8 } });
    expect(result.strategy).toBe('encode');
    expect(result.notes).toContain('A copy could not keep exactly the cut, so the video was re-encoded.');
    const frames = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', result.outputPath], { encoding: 'utf8' }).trim();
    expect(Number(frames)).toBe(120);
  }, 180_000);
});
