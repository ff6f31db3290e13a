import { reportFor, succeededReport, type JobReport } from '../batch.js';
import type { ConversionResult } from '../localConverter.js';
import type { Scheduler } from '../scheduler.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import type { JobRouter, QueueStore, QueuedJob } from './ports.js';

export interface JobLauncherDeps {
  store: QueueStore;
  /** Where each job runs: local or hosted, on which scheduler and lane. */
  route: JobRouter;
  pid: number;
  wallClock: () => number;
  telemetryRecord: (report: JobReport, cohort: string | null, finishedAt: number, sizes: { inputBytes: number | null; outputBytes: number | null }) => ConversionRecord;
}

export interface LaunchedJob {
  id: number;
  scheduler: Scheduler<ConversionResult>;
}

/**
 * Puts one stored job on its scheduler with the bookkeeping that makes it crash-safe: its temporary file
 * and final name are written down before they exist, and its end is recorded with its telemetry row.
 */
export class JobLauncher {
  constructor(private readonly deps: JobLauncherDeps) {}

  /** `requeueOnCancel()` decides whether a cancelled job stays queued for the next run (Ctrl-C, quitting) or ends cancelled. */
  launch(job: QueuedJob, onEnd: (report: JobReport) => void, requeueOnCancel: () => boolean): LaunchedJob {
    const { store } = this.deps;
    const route = this.deps.route(job);
    const { scheduler } = route;
    let id = 0;
    const unsubscribe = scheduler.onUpdate((snapshot) => {
      if (snapshot.id !== id || (snapshot.status !== 'succeeded' && snapshot.status !== 'failed' && snapshot.status !== 'cancelled')) return;
      unsubscribe();
      const report = reportFor(job.inputPath, job.target, snapshot, route.mode);
      if (snapshot.status === 'cancelled' && requeueOnCancel()) {
        store.requeue(job.id);
      } else {
        const sizes = { inputBytes: snapshot.result?.inputBytes ?? null, outputBytes: snapshot.result?.outputBytes ?? null };
        store.finish(job.id, report, this.deps.telemetryRecord(report, job.cohort, this.deps.wallClock(), sizes));
      }
      onEnd(report);
    });
    id = scheduler.enqueue(route.lane, ({ signal, reportProgress }) =>
      route.converter.convert({ inputPath: job.inputPath, target: job.target, outputDir: job.outputDir ?? undefined }, signal, reportProgress, {
        onTemporary: (temp) => store.markRunning(job.id, this.deps.pid, temp),
        onCommit: (result) => store.markCommitting(job.id, result.outputPath, succeededReport(result, route.mode)),
      }));
    return { id, scheduler };
  }
}
