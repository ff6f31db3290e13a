import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFfmpegArgs, buildFirstPassArgs, type FfmpegPlan, type ProbedInput } from '../../../main/core/engine/plan/ffmpegPlan';
import { normalizeOptions } from '../../../main/core/engine/plan/conversionOptions';
import { planVideoConversion } from '../../../main/core/engine/plan/planVideo';
import { runWithinSizeLimit } from '../../../main/core/engine/run/sizeLimitedRun';
import { ProcessFfmpegRunner } from '../../../native/ffmpeg/ffmpegRunner';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The correction of an output over its limit, with real ffmpeg: the encoding pass again, on the first pass's statistics. */
describe('a size-limited encode that comes out over its limit', () => {
  let dir: string;
  let input: ProbedInput;

  beforeAll(async () => {
    dir = tempDir('convertr-size-correction-');
    const clip = path.join(dir, 'grainy.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=4', '-vf', 'noise=alls=40:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-pix_fmt', 'yuv420p', clip]);
    input = { path: clip, format: 'mkv', demuxer: 'matroska', probe: await new FfprobeProber('ffprobe').probe({ path: clip, demuxer: 'matroska' }) };
  });
  afterAll(() => removeDir(dir));

  it('is encoded again at a lower bitrate until it fits, and the output is whole', async () => {
    const limit = 400_000;
    const conversion = normalizeOptions({ maxSizeBytes: limit });
    // An encoder that spends 40 % more than it is asked for, every time.
    const overshooting = (scale: number) => planVideoConversion(input, 'mp4', { conversion, passLogFile: path.join(dir, 'pass'), bitrateScale: 1.4 * scale });
    const ffmpeg = new ProcessFfmpegRunner('ffmpeg');
    const output = path.join(dir, 'out.mp4');
    const runs: { reuseFirstPass: boolean; bytes: number }[] = [];
    const kept = await runWithinSizeLimit(overshooting(1), { atBitrateScale: overshooting, atQuality: () => { throw new Error('not an easy input'); } }, async (plan: FfmpegPlan, reuseFirstPass) => {
      await rm(output, { force: true });
      if (!reuseFirstPass && plan.firstPass) await ffmpeg.run(buildFirstPassArgs(plan, input));
      await ffmpeg.run(buildFfmpegArgs(plan, input, output));
      runs.push({ reuseFirstPass, bytes: statSync(output).size });
      return statSync(output).size;
    });
    expect(runs[0]!.bytes).toBeGreaterThan(limit);
    expect(runs.slice(1).every((r) => r.reuseFirstPass)).toBe(true);
    expect(statSync(output).size).toBeLessThanOrEqual(limit);
    expect(kept.sizeTarget?.maxBytes).toBe(limit);
    const probed = ffprobe(output);
    expect(Number(probed.format.duration)).toBeCloseTo(4, 0);
    expect(probed.streams[0]).toMatchObject({ codec_name: 'h264', width: 640, height: 360 });
  }, 300_000);
});
