import type { PersistentQueue } from '../queue/persistentQueue.js';
import type { JobLauncher } from '../queue/jobLauncher.js';
import type { QueueStore } from '../queue/ports.js';
import type { DurableQueue } from './desktopService.js';

/** The desktop's view of the durable queue: batches from PersistentQueue, jobs started one by one by the JobLauncher. */
export function durableQueue(queue: PersistentQueue, store: QueueStore, launcher: JobLauncher): DurableQueue {
  return {
    submit: (spec) => queue.submit(spec),
    queuedJobs: () => store.unfinished().filter((job) => job.state === 'queued'),
    launch: (job, onEnd, requeueOnCancel) => launcher.launch(job, onEnd, requeueOnCancel),
  };
}
