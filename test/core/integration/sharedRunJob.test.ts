import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../../main/core/engine/plan/conversionOptions';
import { LocalConverter } from '../../../main/core/engine/run/localConverter';
import type { FfmpegRunner, FfmpegRunOptions, SharedRunOutcome } from '../../../main/core/engine/ports';
import { SHARED_RUN_LOAD, soloRunArgs, type SharedRunMember } from '../../../main/core/engine/plan/sharedRun';
import { JobControl, runInJob } from '../../../main/core/jobs/jobContext';
import { ProcessFfmpegRunner } from '../../../native/ffmpeg/ffmpegRunner';
import { FfprobeProber } from '../../../native/ffmpeg/ffprobeProber';
import { locateFfmpegToolsFromEnvironment } from '../../../native/ffmpeg/locateTools';
import { durationOf, ffprobe, makeMedia, removeDir, tempDir } from '../../helpers/media';

const located = locateFfmpegToolsFromEnvironment();
if ('missing' in located) throw new Error(located.missing);
const tools = located;

/** A clock that moves only when the shared run does: 4 s for a process whose sound was a quarter this file's. */
const clock = { time: 0, now: () => clock.time };
const SHARED_PROCESS_MS = 4000;

/** The real ffmpeg; a shared run converts the member alone and says it served four files in 4 s. */
class SharingRunner implements FfmpegRunner {
  readonly shared: SharedRunMember[] = [];
  private readonly real = new ProcessFfmpegRunner(tools.ffmpeg.path);

  run(args: string[], options?: FfmpegRunOptions): Promise<void> {
    return this.real.run(args, options);
  }

  analyse(args: string[], options?: FfmpegRunOptions): Promise<string> {
    return this.real.analyse(args, options);
  }

  async runShared(member: SharedRunMember, options?: FfmpegRunOptions): Promise<SharedRunOutcome> {
    this.shared.push(member);
    await this.real.run(soloRunArgs(member), options);
    clock.time += SHARED_PROCESS_MS;
    return { runMs: SHARED_PROCESS_MS, share: 0.25, members: 4 };
  }
}

describe('a job whose sound shares an ffmpeg process', () => {
  let dir: string;
  let memo: string;
  const runner = new SharingRunner();
  const images = { convert: () => Promise.reject(new Error('no pictures here')), inspect: () => Promise.reject(new Error('no pictures here')), meanLuminance: () => Promise.reject(new Error('no pictures here')) };
  const converter = new LocalConverter({ prober: new FfprobeProber(tools.ffprobe.path), ffmpeg: runner, images: images as never, clock });

  beforeAll(() => {
    dir = tempDir();
    memo = path.join(dir, 'memo.m4a');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=5', '-c:a', 'aac', memo]);
  });
  afterAll(() => removeDir(dir));

  /** Converts in a job, with the loads the job was given. */
  async function convertInJob(options: { normalize?: boolean }, name: string) {
    const loads: number[] = [];
    const job = new JobControl();
    job.bind({ reweigh: async (load) => void loads.push(load), peersExpected: () => 0 });
    const result = await runInJob(job, () => converter.convert({ inputPath: memo, target: 'mp3', outputDir: path.join(dir, name), options: { ...DEFAULT_OPTIONS, ...options } }));
    return { result, loads };
  }

  it('counts a quarter of a slot, and as its runtime its share of the process: the other files\' time is not its', async () => {
    const { result, loads } = await convertInJob({}, 'shared');
    expect(runner.shared).toHaveLength(1);
    expect(loads).toEqual([SHARED_RUN_LOAD]);
    expect(result.runtimeMs).toBe(SHARED_PROCESS_MS / 4);
    expect(Math.abs(durationOf(ffprobe(result.outputPath)) - 5)).toBeLessThan(0.1);
  });

  it('runs alone and takes a whole slot again when its loudness is measured first', async () => {
    const { result, loads } = await convertInJob({ normalize: true }, 'normalized');
    expect(runner.shared).toHaveLength(1);
    expect(loads).toEqual([1]);
    expect(result.runtimeMs).toBe(0);
  });
});
