import type { PersistentQueue } from '../queue/persistentQueue.js';
import type { JobLauncher } from '../queue/jobLauncher.js';
import type { QueueStore } from '../queue/ports.js';
import type { DurableQueue } from './desktopService.js';

/** The desktop's view of the durable queue: batches from PersistentQueue, jobs started one by one by the JobLauncher. */
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
    batchJobs: (batchKey) => {
      store.setStoppedByUser(batchKey, false);
      return store.batch(batchKey).filter((job) => job.state === 'queued');
    },
    launch: (job, onEnd, requeueOnCancel, onWaiting) => launcher.launch(job, onEnd, requeueOnCancel, onWaiting),
  };
}
