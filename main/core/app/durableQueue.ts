import type { PersistentQueue } from '../queue/persistentQueue.js';
import type { JobLauncher } from '../queue/jobLauncher.js';
import type { QueueStore } from '../queue/ports.js';
import type { DurableQueue } from './desktopService.js';

/** The desktop's view of the durable queue: batches from PersistentQueue, jobs claimed and routed late by the JobLauncher. */
export function durableQueue(queue: PersistentQueue, store: QueueStore, launcher: JobLauncher): DurableQueue {
  const windowBatches = () => new Set(queue.pendingBatches('window'));
  return {
    submit: (spec) => queue.submit(spec),
    outputs: store,
    queuedJobs: () => {
      const own = windowBatches();
      return store.unfinished().filter((job) => job.state === 'queued' && own.has(job.batchKey));
    },
    interruptedBatches: () => queue.interruptedBatches('cli'),
    discardInterrupted: (batchKey) => {
      const keys = batchKey !== undefined ? [batchKey] : queue.interruptedBatches('cli').map((batch) => batch.batchKey);
      const reports = keys.filter((key) => store.batchInfo(key)?.origin === 'cli').map((key) => queue.discard(key));
      return reports.reduce((sum, r) => ({ batches: sum.batches + r.batches, discarded: sum.discarded + r.discarded, kept: sum.kept + r.kept, partialFilesRemoved: sum.partialFilesRemoved + r.partialFilesRemoved }),
        { batches: 0, discarded: 0, kept: 0, partialFilesRemoved: 0 });
    },
    batchJobs: (batchKey) => {
      store.setStoppedByUser(batchKey, false);
      return store.batch(batchKey).filter((job) => job.state === 'queued');
    },
    claim: (jobs) => launcher.claimAll(jobs),
    admit: (claims, hooks) => launcher.admit(claims, ({ id }) => ({
      onEnd: (report) => hooks.onEnd(id, report),
      stopped: () => hooks.stopped(id),
      requeueOnCancel: () => hooks.requeueOnCancel(),
      onStarted: (launched) => hooks.onStarted(id, launched),
      onWaiting: (ownerPid) => hooks.onWaiting(id, ownerPid),
    })),
    moveWaiting: (jobId, beforeJobId) => launcher.move(jobId, beforeJobId),
    wake: () => launcher.wake(),
    hold: (held) => launcher.hold(held),
  };
}
