import { cancelledError, toAppError } from '../errors.js';
import { canTransition, estimateEta, isFinished, type JobSnapshot, type JobStatus } from '../jobs/jobState.js';
import type { Clock } from '../engine/ports.js';
import { JobIds, type JobIdSource } from '../jobs/jobIds.js';

export interface TaskContext {
  signal: AbortSignal;
  reportProgress(fraction: number): void;
}

export type Task<TResult> = (context: TaskContext) => Promise<TResult>;

export interface SchedulerLimits {
  /** Most jobs of one lane running at once. */
  perLane: Record<string, number>;
  /** Most jobs running at once over all lanes. */
  total: number;
  /** What one running job of a lane counts against `total`; 1 when absent. */
  share?: Record<string, number>;
  /** Most jobs of one lane running at once whatever their load (the plan's ceilings); no bound when absent. */
  ceiling?: Record<string, number>;
  /**
   * Bytes the running jobs' estimated memory may add up to; absent, memory is not counted. A job estimated
   * above the whole budget runs alone.
   */
  memoryBudget?: number;
}

/** A job's lane, and its estimated peak memory (counted against `memoryBudget`; 0 when absent). */
export interface LaneRequest {
  lane: string;
  memoryBytes?: number;
  /**
   * The part of one slot of its lane the job takes (1 when absent): jobs that share one process (sharedRun.ts) take
   * a part each. Counted against `perLane` and, times the lane's share, against `total`.
   */
  load?: number;
}

/** A running job waiting to take `load` of a slot. */
interface Growth<TResult> {
  entry: Entry<TResult>;
  load: number;
  grant(): void;
}

/** Loads are fractions such as 1/4 and 1/2; their sums are compared with this slack. */
const LOAD_SLACK = 1e-9;

/** A load as the scheduler counts it: at most a whole slot, at least a hundredth of one. */
const boundedLoad = (load: number) => Math.min(1, Math.max(0.01, load));

export type JobListener<TResult> = (job: JobSnapshot<TResult>) => void;

interface Entry<TResult> {
  snapshot: JobSnapshot<TResult>;
  task: Task<TResult>;
  controller: AbortController;
  onEnd: JobListener<TResult> | undefined;
  memoryBytes: number;
  load: number;
}

/**
 * Runs jobs in arrival order within per-lane ceilings (video, audio, image) and a total ceiling.
 * A failing job never stops the others; cancelling a queued job removes it, a running one is aborted.
 */
export class Scheduler<TResult> {
  private readonly entries = new Map<number, Entry<TResult>>();
  private readonly queue: Entry<TResult>[] = [];
  private readonly running = new Map<string, number>();
  /** The running jobs' loads, by lane. */
  private readonly laneLoad = new Map<string, number>();
  /** Running jobs admitted at a part of a slot that have not been reweighed yet. */
  private readonly unweighed = new Set<Entry<TResult>>();
  /** Running jobs waiting, in order, to take more of a slot; idle meanwhile. */
  private readonly growing: Growth<TResult>[] = [];
  /** The running jobs' shares of the total ceiling. */
  private runningShare = 0;
  /** The running jobs' estimated memory. */
  private runningMemory = 0;
  private readonly listeners = new Set<JobListener<TResult>>();
  private readonly idleWaiters: (() => void)[] = [];
  private paused = false;

  /** `ids` is shared by every scheduler (local, hosted) and the window's own rows: one id space for jobs. */
  constructor(private readonly limits: SchedulerLimits, private readonly clock: Clock, private readonly ids: JobIdSource = new JobIds()) {}

  onUpdate(listener: JobListener<TResult>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `onEnd` hears this job's last snapshot (succeeded, failed or cancelled), after the `onUpdate` listeners:
   * a caller with one job per file needs no listener per job, each called for every other job's updates.
   * `id` is one taken from the same id source earlier (a window row shown before its job was routed).
   */
  enqueue(request: string | LaneRequest, task: Task<TResult>, onEnd?: JobListener<TResult>, id = this.ids.next()): number {
    const { lane, memoryBytes = 0, load = 1 } = typeof request === 'string' ? { lane: request } : request;
    const entry: Entry<TResult> = {
      snapshot: { id, lane, status: 'queued', progress: 0, etaSeconds: undefined, queuedAt: this.clock.now(), startedAt: undefined, finishedAt: undefined, result: undefined, error: undefined },
      task,
      controller: new AbortController(),
      onEnd,
      memoryBytes: Math.max(0, memoryBytes),
      load: boundedLoad(load),
    };
    this.entries.set(id, entry);
    this.queue.push(entry);
    this.emit(entry);
    this.pump();
    return id;
  }

  get(id: number): JobSnapshot<TResult> | undefined {
    const entry = this.entries.get(id);
    return entry ? { ...entry.snapshot } : undefined;
  }

  list(): JobSnapshot<TResult>[] {
    return [...this.entries.values()].map((e) => ({ ...e.snapshot }));
  }

  runningCount(lane?: string): number {
    if (lane !== undefined) return this.running.get(lane) ?? 0;
    return [...this.running.values()].reduce((a, b) => a + b, 0);
  }

  /** A job of this lane enqueued now would start at once: nothing of the lane waits and its ceilings leave room. */
  hasRoom(lane: string): boolean {
    return !this.paused && this.canStart(lane, 1) && !this.queue.some((entry) => entry.snapshot.lane === lane) && !this.growing.some((g) => g.entry.snapshot.lane === lane);
  }

  /**
   * A running job takes `load` of a slot from now on: at once when lighter (a member of a shared run), and when
   * heavier (a likely member that runs alone) once the jobs at work leave room for it, before any waiting job
   * starts; the jobs waiting to grow count as idle, so that they cannot hold each other up. Rejects with
   * CANCELLED when `signal` aborts first.
   */
  reweigh(id: number, load: number, signal?: AbortSignal): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.snapshot.status !== 'running') return Promise.resolve();
    const next = boundedLoad(load);
    this.unweighed.delete(entry);
    const queuedGrowth = this.growing.some((g) => g.entry.snapshot.lane === entry.snapshot.lane);
    if (next <= entry.load || (!queuedGrowth && this.roomToGrow(entry, next))) {
      const lighter = next < entry.load;
      this.setLoad(entry, next);
      if (lighter) this.pump();
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(cancelledError());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.growing.indexOf(growth);
        if (at < 0) return;
        this.growing.splice(at, 1);
        reject(cancelledError());
        this.pump();
      };
      const growth: Growth<TResult> = {
        entry, load: next,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.setLoad(entry, next);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.growing.push(growth);
      // Now idle, this job may leave room for one that asked before it.
      this.grantGrowth();
    });
  }

  /** Running jobs of the job's lane, other than it, admitted at a part of a slot and not reweighed since. */
  peersExpected(id: number): number {
    const lane = this.entries.get(id)?.snapshot.lane;
    let count = 0;
    for (const entry of this.unweighed) if (entry.snapshot.lane === lane && entry.snapshot.id !== id) count++;
    return count;
  }

  cancel(id: number): boolean {
    const entry = this.entries.get(id);
    if (!entry || isFinished(entry.snapshot.status)) return false;
    if (entry.snapshot.status === 'queued') {
      this.queue.splice(this.queue.indexOf(entry), 1);
      this.transition(entry, 'cancelled', { error: { code: 'CANCELLED', message: 'Cancelled.' } });
      this.settleIdle();
    } else {
      entry.controller.abort();
    }
    return true;
  }

  /**
   * Puts a queued job just before another queued one (last when `beforeId` is undefined or not queued here):
   * the order queued jobs start in. False when the job is not queued.
   */
  moveQueued(id: number, beforeId: number | undefined): boolean {
    const at = this.queue.findIndex((entry) => entry.snapshot.id === id);
    if (at < 0) return false;
    const [entry] = this.queue.splice(at, 1);
    const before = beforeId === undefined ? -1 : this.queue.findIndex((other) => other.snapshot.id === beforeId);
    this.queue.splice(before < 0 ? this.queue.length : before, 0, entry!);
    return true;
  }

  cancelAll(): void {
    for (const id of [...this.entries.keys()]) this.cancel(id);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && this.runningCount() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private setLoad(entry: Entry<TResult>, load: number): void {
    const lane = entry.snapshot.lane;
    this.laneLoad.set(lane, (this.laneLoad.get(lane) ?? 0) + load - entry.load);
    this.runningShare += this.shareOf(lane) * (load - entry.load);
    entry.load = load;
  }

  /** Whether the jobs at work (those waiting to grow are idle) leave room for this one at `load`. */
  private roomToGrow(entry: Entry<TResult>, load: number): boolean {
    const lane = entry.snapshot.lane;
    const idle = [entry, ...this.growing.map((g) => g.entry).filter((e) => e !== entry)];
    const idleLane = idle.reduce((sum, e) => sum + (e.snapshot.lane === lane ? e.load : 0), 0);
    const idleShare = idle.reduce((sum, e) => sum + this.shareOf(e.snapshot.lane) * e.load, 0);
    const laneLimit = this.limits.perLane[lane] ?? this.limits.total;
    return (this.laneLoad.get(lane) ?? 0) - idleLane + load <= laneLimit + LOAD_SLACK
      && this.runningShare - idleShare + this.shareOf(lane) * load <= this.limits.total + LOAD_SLACK;
  }

  /** Grants waiting growths in order while they fit; the first that does not fit holds the later ones of its lane. */
  private grantGrowth(): void {
    const held = new Set<string>();
    for (let i = 0; i < this.growing.length; ) {
      const growth = this.growing[i]!;
      const lane = growth.entry.snapshot.lane;
      if (held.has(lane) || !this.roomToGrow(growth.entry, growth.load)) {
        held.add(lane);
        i++;
        continue;
      }
      this.growing.splice(i, 1);
      growth.grant();
    }
  }

  private canStart(lane: string, load: number): boolean {
    const laneLimit = this.limits.perLane[lane] ?? this.limits.total;
    const ceiling = this.limits.ceiling?.[lane] ?? Number.POSITIVE_INFINITY;
    return this.runningShare + this.shareOf(lane) * load <= this.limits.total + LOAD_SLACK
      && (this.laneLoad.get(lane) ?? 0) + load <= laneLimit + LOAD_SLACK
      && this.runningCount(lane) < ceiling;
  }

  private shareOf(lane: string): number {
    return this.limits.share?.[lane] ?? 1;
  }

  /**
   * Whether a job's memory fits beside the running jobs' and what earlier waiting jobs hold in reserve. A job
   * larger than the budget fits only when nothing runs; the reserve keeps later, smaller jobs from overtaking
   * a waiting job for ever, so its wait ends when the jobs running now have ended.
   */
  private memoryFits(bytes: number, reserved: number): boolean {
    const budget = this.limits.memoryBudget;
    if (budget === undefined) return true;
    if (this.runningCount() === 0 && reserved === 0) return true;
    return this.runningMemory + reserved + bytes <= budget;
  }

  private pump(): void {
    this.grantGrowth();
    if (this.paused) return;
    let reserved = 0;
    for (let i = 0; i < this.queue.length && this.runningShare < this.limits.total - LOAD_SLACK; ) {
      const entry = this.queue[i]!;
      // A running job waiting to take more of its lane goes before any new job of the lane.
      if (this.growing.some((g) => g.entry.snapshot.lane === entry.snapshot.lane) || !this.canStart(entry.snapshot.lane, entry.load)) {
        i++;
        continue;
      }
      if (!this.memoryFits(entry.memoryBytes, reserved)) {
        reserved += Math.min(entry.memoryBytes, this.limits.memoryBudget ?? 0);
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.start(entry);
    }
  }

  private start(entry: Entry<TResult>): void {
    const lane = entry.snapshot.lane;
    this.running.set(lane, (this.running.get(lane) ?? 0) + 1);
    this.laneLoad.set(lane, (this.laneLoad.get(lane) ?? 0) + entry.load);
    this.runningShare += this.shareOf(lane) * entry.load;
    this.runningMemory += entry.memoryBytes;
    if (entry.load < 1) this.unweighed.add(entry);
    const startedAt = this.clock.now();
    this.transition(entry, 'running', { startedAt });
    const context: TaskContext = {
      signal: entry.controller.signal,
      reportProgress: (fraction) => {
        if (entry.snapshot.status !== 'running') return;
        const progress = Math.max(entry.snapshot.progress, Math.min(1, fraction));
        entry.snapshot = { ...entry.snapshot, progress, etaSeconds: estimateEta(this.clock.now() - startedAt, progress) };
        this.emit(entry);
      },
    };
    Promise.resolve()
      .then(() => entry.task(context))
      .then(
        // A task that resolves has committed its output: it succeeded, even when a cancel came too late to stop it.
        (result) => this.finish(entry, 'succeeded', { result, progress: 1, etaSeconds: 0 }),
        (error: unknown) => {
          const appError = toAppError(error);
          const status = entry.controller.signal.aborted || appError.code === 'CANCELLED' ? 'cancelled' : 'failed';
          this.finish(entry, status, { error: appError.toPayload() });
        },
      );
  }

  private finish(entry: Entry<TResult>, status: JobStatus, patch: Partial<JobSnapshot<TResult>>): void {
    const lane = entry.snapshot.lane;
    this.running.set(lane, (this.running.get(lane) ?? 1) - 1);
    this.laneLoad.set(lane, (this.laneLoad.get(lane) ?? entry.load) - entry.load);
    this.runningShare -= this.shareOf(lane) * entry.load;
    this.runningMemory -= entry.memoryBytes;
    this.unweighed.delete(entry);
    this.transition(entry, status, { ...patch, finishedAt: this.clock.now() });
    this.pump();
    this.settleIdle();
  }

  private transition(entry: Entry<TResult>, to: JobStatus, patch: Partial<JobSnapshot<TResult>>): void {
    if (!canTransition(entry.snapshot.status, to)) throw new Error(`job ${entry.snapshot.id}: ${entry.snapshot.status} -> ${to} is not allowed`);
    entry.snapshot = { ...entry.snapshot, ...patch, status: to };
    this.emit(entry);
  }

  private settleIdle(): void {
    if (this.queue.length > 0 || this.runningCount() > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private emit(entry: Entry<TResult>): void {
    const snapshot = { ...entry.snapshot };
    for (const listener of this.listeners) listener(snapshot);
    if (entry.onEnd && isFinished(snapshot.status)) {
      const onEnd = entry.onEnd;
      entry.onEnd = undefined;
      onEnd({ ...snapshot });
    }
  }
}
