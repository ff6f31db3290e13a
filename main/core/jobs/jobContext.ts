import { AsyncLocalStorage } from 'node:async_hooks';

/** A child process started for a job, as the process runner hands it over. */
export interface JobChild {
  pid: number;
  command: string;
  /** The platform can suspend it (POSIX SIGSTOP/SIGCONT). */
  suspendable: boolean;
  suspend(): void;
  resume(): void;
}

export type PauseState = 'running' | 'paused' | 'cannot-pause';

/** What a running job may tell and ask its scheduler. */
export interface JobSlot {
  /** Resolves once the job holds `load` of a slot (at once when lighter); rejects with CANCELLED when `signal` aborts first. */
  reweigh(load: number, signal?: AbortSignal): Promise<void>;
  /** Running jobs of its lane admitted at a part of a slot that have not said yet what they take (they may join a shared run). */
  peersExpected(): number;
}

/**
 * The running job around the code that converts it: the process runner hands it every child it starts
 * (recorded in the job row so that recovery can stop it after a crash; suspended and resumed when the
 * user pauses), and decoders ask it between pictures whether to wait.
 */
export class JobControl {
  private readonly children = new Set<JobChild>();
  private paused = false;
  private readonly waiters: (() => void)[] = [];
  private pausedTotalMs = 0;
  private pausedSince: number | undefined;
  private slot: JobSlot | undefined;

  constructor(private readonly onChild: (child: JobChild | null) => void = () => {}, private readonly now: () => number = Date.now) {}

  /** How long the job has been held paused so far (time that is not its runtime). */
  pausedMs(): number {
    return this.pausedTotalMs + (this.pausedSince === undefined ? 0 : this.now() - this.pausedSince);
  }

  /** The job's place on its scheduler, once it has one. */
  bind(slot: JobSlot): void {
    this.slot = slot;
  }

  /**
   * The job counts `load` of one slot of its lane from now on (a member of a shared run counts a part of one); more
   * than it holds once its scheduler has room for it.
   */
  async setLoad(load: number, signal?: AbortSignal): Promise<void> {
    await this.slot?.reweigh(load, signal);
  }

  /** Other jobs that may still join a shared run with this one; undefined when the job is on no scheduler. */
  peersExpected(): number | undefined {
    return this.slot?.peersExpected();
  }

  /** Returns the function to call when the child has exited. */
  adopt(child: JobChild): () => void {
    this.children.add(child);
    this.onChild(child);
    if (this.paused) child.suspend();
    return () => {
      this.children.delete(child);
      if (this.children.size === 0) this.onChild(null);
    };
  }

  /** Suspends the job's processes; `cannot-pause` when its current work runs inside this process. */
  pause(): PauseState {
    this.paused = true;
    this.pausedSince ??= this.now();
    for (const child of this.children) child.suspend();
    return this.state;
  }

  resume(): void {
    this.paused = false;
    if (this.pausedSince !== undefined) this.pausedTotalMs += this.now() - this.pausedSince;
    this.pausedSince = undefined;
    for (const child of this.children) child.resume();
    for (const wake of this.waiters.splice(0)) wake();
  }

  get state(): PauseState {
    if (!this.paused) return 'running';
    return this.children.size > 0 && [...this.children].every((c) => c.suspendable) ? 'paused' : 'cannot-pause';
  }

  /** Resolves at once, or when the job is resumed: called between steps (pictures) of in-process work. */
  async checkpoint(signal?: AbortSignal): Promise<void> {
    if (!this.paused || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

const current = new AsyncLocalStorage<JobControl>();

export function runInJob<T>(control: JobControl, work: () => Promise<T>): Promise<T> {
  return current.run(control, work);
}

/** Runs `work` as no job's: a process it starts belongs to no job unless handed to one. */
export function outsideJob<T>(work: () => T): T {
  return current.exit(work);
}

/** The job the calling code runs for, if any. */
export function currentJob(): JobControl | undefined {
  return current.getStore();
}
