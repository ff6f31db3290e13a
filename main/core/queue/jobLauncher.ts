import { reportFor, succeededReport, type JobReport } from '../batch.js';
import { outputKind } from '../formats.js';
import type { ConversionResult, LocalConverter } from '../localConverter.js';
import type { Scheduler } from '../scheduler.js';
import { telemetryRecord } from './persistentQueue.js';
import type { QueueStore, QueuedJob } from './ports.js';

export interface JobLauncherDeps {
  store: QueueStore;
  converter: LocalConverter;
  scheduler: Scheduler<ConversionResult>;
  pid: number;
  wallClock: () => number;
}

/**
 * Puts one stored job on the scheduler with the bookkeeping that makes it crash-safe: its temporary file
 * and final name are written down before they exist, and its end is recorded with its telemetry row.
 */
export class JobLauncher {
  constructor(private readonly deps: JobLauncherDeps) {}

  launch(job: QueuedJob, onEnd: (report: JobReport) => void, requeueOnCancel: () => boolean): number {
    const { store, converter, scheduler } = this.deps;
    let schedulerId = 0;
    const unsubscribe = scheduler.onUpdate((snapshot) => {
      if (snapshot.id !== schedulerId || (snapshot.status !== 'succeeded' && snapshot.status !== 'failed' && snapshot.status !== 'cancelled')) return;
      unsubscribe();
      const report = reportFor(job.inputPath, job.target, snapshot);
      if (snapshot.status === 'cancelled' && requeueOnCancel()) {
        store.requeue(job.id);
      } else {
        const sizes = { inputBytes: snapshot.result?.inputBytes ?? null, outputBytes: snapshot.result?.outputBytes ?? null };
        store.finish(job.id, report, telemetryRecord(report, job.cohort, this.deps.wallClock(), sizes));
      }
      onEnd(report);
    });
    schedulerId = scheduler.enqueue(outputKind(job.target), ({ signal, reportProgress }) =>
      converter.convert({ inputPath: job.inputPath, target: job.target, outputDir: job.outputDir ?? undefined }, signal, reportProgress, {
        onTemporary: (temp) => store.markRunning(job.id, this.deps.pid, temp),
        onCommit: (result) => store.markCommitting(job.id, result.outputPath, succeededReport(result)),
      }));
    return schedulerId;
  }
}
