import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FfmpegRunOptions } from '../../main/core/engine/ports';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { sharedRunMember, soloRunArgs, type SharedRunMember } from '../../main/core/engine/plan/sharedRun';
import { JobControl, runInJob } from '../../main/core/jobs/jobContext';
import { ProcessFfmpegRunner } from '../../native/ffmpeg/ffmpegRunner';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools';
import { SharedRuns, type RunFfmpeg } from '../../native/ffmpeg/sharedRuns';
import { audio, probe, probedInput } from '../helpers/probes';
import { durationOf, ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

const tools = locateFfmpegToolsFromEnvironment();
if ('missing' in tools) throw new Error(tools.missing);
const runner = new ProcessFfmpegRunner(tools.ffmpeg.path);

let dir: string;
const SECONDS = 30;

beforeAll(() => {
  dir = tempDir('convertr-shared-');
  for (const [i, hz] of [440, 550, 660, 770].entries()) makeMedia(['-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=${SECONDS}`, '-c:a', 'aac', '-b:a', '96k', path.join(dir, `clip${i}.m4a`)]);
  writeFileSync(path.join(dir, 'broken.m4a'), Buffer.alloc(4096, 7));
  // An MP3 two thirds of whose bytes are garbled after its start: ffmpeg alone gives up on it (exit 69).
  makeMedia(['-f', 'lavfi', '-i', `sine=frequency=500:duration=${SECONDS}`, '-c:a', 'libmp3lame', '-b:a', '64k', path.join(dir, 'garbled.mp3')]);
  const garbled = readFileSync(path.join(dir, 'garbled.mp3'));
  for (let i = 2000; i < garbled.length; i++) if (i % 3 !== 0) garbled[i]! ^= 0x5a;
  writeFileSync(path.join(dir, 'garbled.mp3'), garbled);
  const chapters = path.join(dir, 'chapters.txt');
  writeFileSync(chapters, ';FFMETADATA1\ntitle=Lecture\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=10000\ntitle=Intro\n');
  makeMedia(['-f', 'lavfi', '-i', `sine=frequency=880:duration=${SECONDS}`, '-i', chapters, '-map_metadata', '1', '-map_chapters', '1', '-c:a', 'aac', path.join(dir, 'lecture.m4a')]);
});
afterAll(() => removeDir(dir));

/** A sound clip of the folder into an MP3, as the engine plans it. */
function memberFor(name: string, output: string, demuxer = 'mov'): SharedRunMember {
  const input = probedInput(probe({ video: [], durationSeconds: SECONDS, audio: [audio({ index: 0, channels: 1, durationSeconds: SECONDS })] }), { path: path.join(dir, name), format: demuxer === 'mp3' ? 'mp3' : 'm4a', demuxer });
  return sharedRunMember(planAudioConversion(input, 'mp3'), input, path.join(dir, output))!;
}

/** The real ffmpeg, with every process it starts written down. */
function countedRuns(): { runs: SharedRuns; processes: string[][] } {
  const processes: string[][] = [];
  const run: RunFfmpeg = (args, options) => {
    processes.push(args);
    return runner.analyse(args, options);
  };
  return { runs: new SharedRuns(run), processes };
}

const firstProgress = (): { options: FfmpegRunOptions; seen: Promise<void> } => {
  let heard!: () => void;
  const seen = new Promise<void>((resolve) => (heard = resolve));
  return { options: { onProgress: (seconds) => seconds > 0 && heard() }, seen };
};

const lastsAsLongAsItsClip = (file: string) => expect(Math.abs(durationOf(ffprobe(file)) - SECONDS)).toBeLessThan(0.2);

describe('SharedRuns (real ffmpeg)', () => {
  it('converts four clips submitted together in one ffmpeg process, each output the same bytes as converted alone', async () => {
    const { runs, processes } = countedRuns();
    const outcomes = await Promise.all([0, 1, 2, 3].map((i) => runs.submit(memberFor(`clip${i}.m4a`, `shared${i}.mp3`))));
    expect(processes).toHaveLength(1);
    expect(outcomes.every((o) => o.members === 4)).toBe(true);
    for (const i of [0, 1, 2, 3]) {
      await runner.run(soloRunArgs(memberFor(`clip${i}.m4a`, `alone${i}.mp3`)));
      expect(readFileSync(path.join(dir, `shared${i}.mp3`)).equals(readFileSync(path.join(dir, `alone${i}.mp3`)))).toBe(true);
    }
  });

  it('gives each output its own input\'s tags and chapters, as alone, not those of the first input that has some', async () => {
    const { runs, processes } = countedRuns();
    await Promise.all([runs.submit(memberFor('lecture.m4a', 'lecture.mp3')), runs.submit(memberFor('clip1.m4a', 'plain.mp3'))]);
    expect(processes).toHaveLength(1);
    const chaptersOf = (file: string) => (JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_chapters', file], { encoding: 'utf8' })) as { chapters: unknown[] }).chapters.length;
    expect(chaptersOf(path.join(dir, 'lecture.mp3'))).toBe(1);
    expect(ffprobe(path.join(dir, 'lecture.mp3')).format.tags?.['title']).toBe('Lecture');
    expect(chaptersOf(path.join(dir, 'plain.mp3'))).toBe(0);
    expect(ffprobe(path.join(dir, 'plain.mp3')).format.tags?.['title']).toBeUndefined();
  });

  it('runs a member alone when no other comes within the gathering time', async () => {
    const { runs, processes } = countedRuns();
    expect(await runs.submit(memberFor('clip0.m4a', 'lone.mp3'))).toMatchObject({ members: 1 });
    expect(processes).toHaveLength(1);
    lastsAsLongAsItsClip(path.join(dir, 'lone.mp3'));
  });

  it('does not wait to gather when its scheduler expects no other member', async () => {
    const processes: string[][] = [];
    const patient = new SharedRuns((args, options) => {
      processes.push(args);
      return runner.analyse(args, options);
    }, 4, 60_000);
    const job = new JobControl();
    job.bind({ reweigh: async () => {}, peersExpected: () => 0 });
    const started = Date.now();
    await runInJob(job, () => patient.submit(memberFor('clip0.m4a', 'unwaited.mp3')));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(processes).toHaveLength(1);
  });

  it('when one input breaks the shared process, each member runs again alone: the others are converted, the broken one fails on its own', async () => {
    const { runs, processes } = countedRuns();
    const results = await Promise.allSettled(['clip0.m4a', 'broken.m4a', 'clip2.m4a'].map((name, i) => runs.submit(memberFor(name, `mixed${i}.mp3`))));
    expect(processes).toHaveLength(4);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'FFMPEG_FAILED' });
    lastsAsLongAsItsClip(path.join(dir, 'mixed0.mp3'));
    lastsAsLongAsItsClip(path.join(dir, 'mixed2.mp3'));
    expect(existsSync(path.join(dir, 'mixed1.mp3'))).toBe(false);
  });

  it('judges a member whose input ffmpeg found damaged alone: ffmpeg weighs errors over the whole process, and alone it fails', async () => {
    const { runs, processes } = countedRuns();
    const results = await Promise.allSettled([runs.submit(memberFor('garbled.mp3', 'garbled.mp3.mp3', 'mp3')), ...[0, 2, 3].map((i) => runs.submit(memberFor(`clip${i}.m4a`, `beside${i}.mp3`)))]);
    expect(processes).toHaveLength(2);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'FFMPEG_FAILED' });
    for (const i of [0, 2, 3]) lastsAsLongAsItsClip(path.join(dir, `beside${i}.mp3`));
  });

  it('leaves out of the shared run a member whose output name is taken: it fails alone and the file there stays as it was', async () => {
    const { runs, processes } = countedRuns();
    writeFileSync(path.join(dir, 'taken.mp3'), 'not ours');
    const results = await Promise.allSettled([runs.submit(memberFor('clip0.m4a', 'taken.mp3')), runs.submit(memberFor('clip1.m4a', 'free1.mp3')), runs.submit(memberFor('clip2.m4a', 'free2.mp3'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(processes.map((args) => args.filter((a) => a === '-i').length).sort()).toEqual([1, 2]);
    expect(readFileSync(path.join(dir, 'taken.mp3'), 'utf8')).toBe('not ours');
  });

  it('runs the member of a job paused before the run started alone, suspended, while the others share a process', async () => {
    const { runs, processes } = countedRuns();
    const job = new JobControl();
    job.pause();
    let pausedDone = false;
    const paused = runInJob(job, () => runs.submit(memberFor('clip1.m4a', 'early1.mp3'))).then(() => (pausedDone = true));
    await Promise.all([0, 2].map((i) => runs.submit(memberFor(`clip${i}.m4a`, `early${i}.mp3`))));
    expect(processes.map((args) => args.filter((a) => a === '-i').length).sort()).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([pausedDone, job.state]).toEqual([false, 'paused']);
    job.resume();
    await paused;
    lastsAsLongAsItsClip(path.join(dir, 'early1.mp3'));
  });

  it('a partial output that cannot be removed fails its member with that error instead of leaving it waiting', async () => {
    const blocked = path.join(dir, 'blocked.mp3');
    // A shared process that fails after making a folder where one member's output was to be.
    const runs = new SharedRuns(async (args) => {
      if (args.filter((a) => a === '-i').length > 1) {
        execFileSync('mkdir', ['-p', path.join(blocked, 'inside')]);
        throw new Error('shared process failed');
      }
      return runner.analyse(args);
    });
    const results = await Promise.allSettled([runs.submit(memberFor('clip0.m4a', 'blocked.mp3')), runs.submit(memberFor('clip1.m4a', 'unblocked.mp3'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    lastsAsLongAsItsClip(path.join(dir, 'unblocked.mp3'));
  });

  it('a member cancelled during the shared run ends it: it leaves no file, and the others are converted alone', async () => {
    const { runs } = countedRuns();
    const cancel = new AbortController();
    const progress = firstProgress();
    const cancelled = runs.submit(memberFor('clip1.m4a', 'cancel1.mp3'), { signal: cancel.signal, ...progress.options });
    const others = [0, 2, 3].map((i) => runs.submit(memberFor(`clip${i}.m4a`, `cancel${i}.mp3`)));
    await progress.seen;
    cancel.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect((await Promise.all(others)).map((o) => o.members)).toEqual([1, 1, 1]);
    for (const i of [0, 2, 3]) lastsAsLongAsItsClip(path.join(dir, `cancel${i}.mp3`));
    expect(existsSync(path.join(dir, 'cancel1.mp3'))).toBe(false);
  });

  it('a member paused during the shared run ends it: the others go on alone, and the paused one waits until it is resumed', async () => {
    const { runs } = countedRuns();
    const job = new JobControl();
    const progress = firstProgress();
    let pausedDone = false;
    const paused = runInJob(job, () => runs.submit(memberFor('clip1.m4a', 'pause1.mp3'), progress.options)).then(() => (pausedDone = true));
    const others = [0, 2].map((i) => runs.submit(memberFor(`clip${i}.m4a`, `pause${i}.mp3`)));
    await progress.seen;
    expect(job.pause()).toBe('paused');
    await Promise.all(others);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(pausedDone).toBe(false);
    expect(job.state).toBe('paused');
    job.resume();
    await paused;
    for (const i of [0, 1, 2]) lastsAsLongAsItsClip(path.join(dir, `pause${i}.mp3`));
  });
});
