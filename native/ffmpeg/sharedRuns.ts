import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cancelledError } from '../../main/core/errors.js';
import type { FfmpegRunOptions, SharedRunOutcome } from '../../main/core/engine/ports.js';
import { membersWithDecodeErrors, SHARED_RUN_SIZE, sharedRunArgs, soloRunArgs, type SharedRunMember } from '../../main/core/engine/plan/sharedRun.js';
import { currentJob, outsideJob, runInJob, type JobChild, type JobControl } from '../../main/core/jobs/jobContext.js';
import { MAX_STDERR_CHARS, type RunProcessOptions } from './runProcess.js';

/**
 * How long the first member of a run waits for others. Jobs the scheduler starts together reach their run within a
 * few milliseconds of each other; a member whose scheduler expects no other does not wait.
 */
export const GATHER_MS = 25;

/** One ffmpeg process: resolves with what it logged, rejects when it fails or is stopped; `adopt` hands it to the jobs it works for. */
export type RunFfmpeg = (args: string[], options: FfmpegRunOptions & Pick<RunProcessOptions, 'adopt'>) => Promise<string>;

interface Member {
  member: SharedRunMember;
  options: FfmpegRunOptions;
  /** The job it converts for: its process is handed to it, and it runs again alone in it. */
  job: JobControl | undefined;
  state: 'gathering' | 'shared' | 'alone' | 'cancelled' | 'done';
  /** Ends the shared run it is part of (set while it is). */
  leave?: () => void;
  resolve(outcome: SharedRunOutcome): void;
  reject(error: unknown): void;
}

/**
 * Gathers the members submitted within GATHER_MS of the first, up to SHARED_RUN_SIZE, into one ffmpeg process.
 * A member cancelled or paused in a shared run ends that run: the others, and the paused one, run again alone
 * (their partial files removed first), as they all do when the shared process fails, and as a member does whose
 * input ffmpeg found damaged, so that each failure is reported, and each damage judged, for its own file.
 */
export class SharedRuns {
  private gathering: Member[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly runFfmpeg: RunFfmpeg, private readonly size = SHARED_RUN_SIZE, private readonly gatherMs = GATHER_MS, private readonly now: () => number = () => performance.now()) {}

  submit(member: SharedRunMember, options: FfmpegRunOptions = {}): Promise<SharedRunOutcome> {
    if (options.signal?.aborted) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      const entry: Member = { member, options, job: currentJob(), state: 'gathering', resolve, reject };
      const onAbort = () => {
        if (entry.state === 'gathering') {
          this.gathering.splice(this.gathering.indexOf(entry), 1);
          entry.state = 'cancelled';
          entry.reject(cancelledError());
        } else if (entry.state === 'shared') {
          entry.state = 'cancelled';
          entry.leave?.();
        }
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = () => options.signal?.removeEventListener('abort', onAbort);
      entry.resolve = (outcome) => {
        settle();
        resolve(outcome);
      };
      entry.reject = (error) => {
        settle();
        reject(error);
      };
      this.gathering.push(entry);
      // No other job on its way to a shared run (a lone file, the last of a batch): nothing to wait for.
      if (this.gathering.length >= this.size || entry.job?.peersExpected() === 0) this.launch();
      else this.timer ??= setTimeout(() => this.launch(), this.gatherMs);
    });
  }

  private launch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const gathered = this.gathering.splice(0);
    // A paused job's member waits alone (its process suspended), and one whose output name is taken fails alone, as it
    // would have: neither holds up the others, and a file that is there is never removed here.
    const apart = gathered.filter((entry) => (entry.job !== undefined && entry.job.state !== 'running') || existsSync(entry.member.outputPath));
    const group = gathered.filter((entry) => !apart.includes(entry));
    for (const entry of group.length === 1 ? [...apart, ...group] : apart) void this.alone(entry);
    if (group.length > 1) this.together(group).catch((error: unknown) => group.forEach((entry) => entry.state !== 'done' && entry.reject(error)));
  }

  private async together(group: Member[]): Promise<void> {
    const stop = new AbortController();
    let ended = false;
    const leave = () => {
      ended = true;
      stop.abort();
    };
    for (const entry of group) {
      entry.state = 'shared';
      entry.leave = leave;
    }
    // The process is each member's: recorded with each job, and a pause of any of them ends the shared run.
    const adopt = (child: JobChild) => {
      const releases = group.map((entry) => entry.job?.adopt({ pid: child.pid, command: child.command, suspendable: child.suspendable, suspend: leave, resume: () => {} }));
      return () => releases.forEach((release) => release?.());
    };
    const started = this.now();
    let log: string | undefined;
    try {
      log = await outsideJob(() => this.runFfmpeg(sharedRunArgs(group.map((entry) => entry.member)), {
        signal: stop.signal,
        onProgress: (seconds) => group.forEach((entry) => entry.state === 'shared' && entry.options.onProgress?.(seconds)),
        adopt,
      }));
    } catch {
      log = undefined;
    }
    // A log cut to its end may have lost a member's errors: then every member is judged alone.
    const damaged = log === undefined || ended || log.length >= MAX_STDERR_CHARS ? undefined : membersWithDecodeErrors(log);
    const runMs = this.now() - started;
    const totalSeconds = group.reduce((sum, entry) => sum + entry.member.seconds, 0);
    await Promise.all(group.map(async (entry, index) => {
      entry.leave = undefined;
      if (damaged && !damaged.has(index)) {
        entry.state = 'done';
        entry.resolve({ runMs, share: totalSeconds > 0 ? entry.member.seconds / totalSeconds : 1 / group.length, members: group.length });
        return;
      }
      try {
        await rm(entry.member.outputPath, { force: true });
      } catch (error) {
        entry.state = 'done';
        entry.reject(error);
        return;
      }
      if (entry.state === 'cancelled') entry.reject(cancelledError());
      else await this.alone(entry);
    }));
  }

  /**
   * The member on its own, in its own job, never in the one whose submission happened to start the run: the job
   * takes a whole slot again (waiting for room), adopts the process (suspending it while paused), and its own
   * signal cancels it.
   */
  private async alone(entry: Member): Promise<void> {
    entry.state = 'alone';
    const started = this.now();
    const run = () => this.runFfmpeg(soloRunArgs(entry.member), entry.options);
    try {
      await entry.job?.setLoad(1, entry.options.signal);
      await (entry.job ? runInJob(entry.job, run) : outsideJob(run));
      entry.state = 'done';
      entry.resolve({ runMs: this.now() - started, share: 1, members: 1 });
    } catch (error) {
      entry.state = 'done';
      entry.reject(error);
    }
  }
}
