import { create } from 'zustand';
import type { BatchSummary, ConflictView, ConversionOptionsView, InterruptedBatchView, InvokeRequest, JobView } from '../../../preload/contract';
import { call } from '../api/bridge';

export type Target = JobView['target'] | null;
export type { ConflictView };

/** What a row is retried with: another target, another preset (null: none). */
export interface RetryChange {
  target?: JobView['target'];
  preset?: string | null;
  /** "Convert on this computer": retry a failed hosted row here. */
  mode?: 'local';
}

interface QueueState {
  jobs: Record<number, JobView>;
  order: number[];
  paused: boolean;
  /** When each job was first seen running (for speed), by id. */
  startedAt: Record<number, number>;
  lastBatch: BatchSummary | null;
  focusedBatch: number | null;
  message: string | null;
  /** What the window tells without anything having gone wrong (files a drop left out, support info copied). */
  notice: string | null;
  /** Command-line batches that were interrupted: shown with a Resume button, never resumed by themselves. */
  interrupted: InterruptedBatchView[];
  load(): Promise<void>;
  resumeBatch(batchKey: string): Promise<void>;
  /** Gives up an interrupted batch: nothing resumes it; outputs already in place stay. */
  discardBatch(batchKey: string): Promise<void>;
  refreshInterrupted(): Promise<void>;
  apply(view: JobView): void;
  batchFinished(summary: BatchSummary): void;
  focusBatch(batchId: number): void;
  /** A queued row up or down one place among the queued rows, first, or beside another (a drop): the order they start in. */
  move(id: number, where: InvokeRequest<'queue:move'>['where']): Promise<void>;
  /** `options`: set by hand for these files, over the preset's. */
  enqueue(paths: string[], target: Target, choice?: { preset: string | null; options?: ConversionOptionsView | null; onConflict: ConflictView }): Promise<void>;
  cancel(id: number): Promise<void>;
  /** Answers the new job's id (undefined when the retry was refused: the message says why). */
  retry(id: number, change?: RetryChange): Promise<number | undefined>;
  remove(id: number): Promise<void>;
  reveal(id: number): Promise<void>;
  copySupportInfo(id: number): Promise<void>;
  clearFinished(): Promise<void>;
  togglePause(): Promise<void>;
  dismissMessage(): void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The queue without one row (retried as a new job, or removed). */
function withoutJob(state: Pick<QueueState, 'jobs' | 'order'>, id: number): Pick<QueueState, 'jobs' | 'order'> {
  const jobs = { ...state.jobs };
  delete jobs[id];
  return { jobs, order: state.order.filter((o) => o !== id) };
}

export const useQueue = create<QueueState>((set, get) => ({
  jobs: {},
  order: [],
  paused: false,
  startedAt: {},
  lastBatch: null,
  focusedBatch: null,
  message: null,
  notice: null,
  interrupted: [],
  load: async () => {
    const [{ jobs, paused }, { batches }] = await Promise.all([call('queue:get', {}), call('queue:interrupted', {})]);
    set({ jobs: Object.fromEntries(jobs.map((j) => [j.id, j])), order: jobs.map((j) => j.id), paused, interrupted: batches });
  },
  refreshInterrupted: async () => {
    const { batches } = await call('queue:interrupted', {});
    set({ interrupted: batches });
  },
  resumeBatch: async (batchKey) => {
    try {
      await call('queue:resumeBatch', { batchKey });
      // Its jobs are in the queue now; the list is read again when a batch finishes.
      set((state) => ({ interrupted: state.interrupted.filter((batch) => batch.batchKey !== batchKey) }));
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  discardBatch: async (batchKey) => {
    try {
      await call('queue:discardInterrupted', { batchKey });
      set((state) => ({ interrupted: state.interrupted.filter((batch) => batch.batchKey !== batchKey) }));
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  apply: (view) =>
    set((state) => {
      const known = view.id in state.jobs;
      const startedAt = view.status === 'running' && !(view.id in state.startedAt) ? { ...state.startedAt, [view.id]: Date.now() } : state.startedAt;
      return { jobs: { ...state.jobs, [view.id]: view }, order: known ? state.order : [...state.order, view.id], startedAt };
    }),
  batchFinished: (summary) => set({ lastBatch: summary }),
  focusBatch: (batchId) => set({ focusedBatch: batchId }),
  enqueue: async (paths, target, choice) => {
    try {
      const { skipped } = await call('queue:enqueue', { paths, target, ...(choice ? { preset: choice.preset, onConflict: choice.onConflict, ...(choice.options ? { options: choice.options } : {}) } : {}) });
      if (skipped.length > 0) set({ notice: `Skipped ${skipped.length}: ${skipped.map((s) => `${s.path.split(/[\\/]/).pop()} (${s.reason})`).join('; ')}` });
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  move: async (id, where) => {
    try {
      const { order } = await call('queue:move', { jobId: id, where });
      set((state) => ({ order: order.filter((o) => state.jobs[o] !== undefined) }));
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  cancel: async (id) => {
    await call('queue:cancel', { jobId: id }).catch((error: unknown) => set({ message: errorText(error) }));
  },
  retry: async (id, change = {}) => {
    try {
      const { jobId } = await call('queue:retry', { jobId: id, ...change });
      set((state) => withoutJob(state, id));
      return jobId;
    } catch (error) {
      set({ message: errorText(error) });
      return undefined;
    }
  },
  remove: async (id) => {
    try {
      await call('queue:remove', { jobId: id });
      set((state) => withoutJob(state, id));
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  copySupportInfo: async (id) => {
    try {
      const { text } = await call('support:info', { jobId: id });
      await navigator.clipboard.writeText(text);
      set({ notice: 'Support info copied: cohort, pair, error, time and request id (no token, no label).' });
    } catch (error) {
      set({ message: errorText(error) });
    }
  },
  reveal: async (id) => {
    await call('output:reveal', { jobId: id }).catch((error: unknown) => set({ message: errorText(error) }));
  },
  clearFinished: async () => {
    await call('queue:clearFinished', {});
    set((state) => {
      const order = state.order.filter((id) => {
        const status = state.jobs[id]?.status;
        return status === 'queued' || status === 'running' || status === 'paused';
      });
      return { order, jobs: Object.fromEntries(order.map((id) => [id, state.jobs[id]!])) };
    });
  },
  togglePause: async () => {
    const { paused } = get().paused ? await call('queue:resume', {}) : await call('queue:pause', {});
    set({ paused });
  },
  dismissMessage: () => set({ message: null, notice: null }),
}));
