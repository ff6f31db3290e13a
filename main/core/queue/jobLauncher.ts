import path from 'node:path';
import { reportFor, succeededReport, type JobReport } from '../jobs/jobReport.js';
import { JobControl, runInJob } from '../jobs/jobContext.js';
import { heldByAnotherOwner, type OwnerProbe, type RecoveryFileSystem } from '../jobs/jobModel.js';
import type { ConversionResult } from '../engine/run/localConverter.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { JobSnapshot } from '../jobs/jobState.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import { type ConvertedOutput, type JobRoute, type LateRouter, type QueueStore, type QueuedJob } from './ports.js';
import { inputFingerprint, requestKeyOf } from './convertedOutputs.js';
import { outputBaseName, temporaryOutputPath } from '../engine/run/outputFiles.js';
import { randomHex } from '../engine/run/randomNames.js';
import { FileIdentitySet } from '../fileIdentity.js';
import { convertingOnce, takeUnitsAtClaim, type UnitAtClaim, type UnitStore } from '../jobs/unitOfWork.js';
import { laneRequestFor } from '../scheduling/jobMemory.js';
import { outputKind } from '../formats.js';

/** Waiting jobs of one kind asked per round; the others wait behind them, unasked, until a job ends. */
const ASKED_WAITING_PER_PUMP = 32;

/** What the caller of `admit` hears of one job, and asks of it while it waits for its route. */
export interface JobHooks {
  onEnd(report: JobReport): void;
  stopped(): boolean;
  requeueOnCancel(): boolean;
  onStarted?(launched: LaunchedJob): void;
  /** It waits for another process converting the same unit of work (that process's pid). */
  onWaiting?(ownerPid: number): void;
}

/** A claimed job waiting for its route; `admittedAt` because its unit of work counts what other jobs finished since then. */
type Admitted = ClaimedJob & { hooks: JobHooks; admittedAt: number };

/** A job this process holds, with the scratch folder and temporary name recorded with its claim. */
export interface ClaimedJob {
  job: QueuedJob;
  scratchDir: string;
  tempPath: string;
  /** The id its scheduler job takes (a window row shown before the job is routed); a new one when absent. */
  id?: number;
  /** Its unit of work as its claim found it: taken with the claim, or held by another live job. */
  unit?: UnitAtClaim;
}

export interface JobLauncherDeps {
  store: QueueStore;
  /** Where each job runs: local or hosted, on which scheduler and lane; asked when a slot could take the job, it may be told to wait. */
  route: LateRouter;
  /** This process, and how to tell whether another owner is alive. */
  owner: OwnerProbe;
  wallClock: () => number;
  /** When a lease taken now runs out (a LeaseKeeper renews it while this process lives). */
  leaseExpiry: () => number;
  /** Per-job scratch folders go in here (inside the data folder, never in the user's folders). */
  scratchRoot: string;
  files: RecoveryFileSystem;
  /** Each unit of work converted once across processes: a job whose unit another holds waits and reports its output. */
  units?: UnitStore;
}

export interface LaunchedJob {
  id: number;
  scheduler: Scheduler<ConversionResult>;
  /** Pauses and resumes the job's processes. */
  control: JobControl;
}

/** The front end a job's unit of work is held for: a rule's batch, or the job's origin. */
function unitOrigin(job: QueuedJob): string {
  return job.origin === 'rule' ? job.batchKey : job.origin;
}

export function telemetryRecord(report: JobReport, cohort: string | null, finishedAt: number, sizes: { inputBytes: number | null; outputBytes: number | null }): ConversionRecord {
  if (report.status === 'skipped') throw new Error('A skipped file is not a conversion and has no telemetry row.');
  const { pair, mode, status, runtimeMs, billableMinutes } = report;
  return { finishedAt, pair, mode, status, errorCode: report.error?.code ?? null, runtimeMs, inputBytes: sizes.inputBytes, outputBytes: sizes.outputBytes, billableMinutes, cohort };
}

/**
 * Puts one stored job on its scheduler with the bookkeeping that makes it crash-safe: the job is claimed
 * atomically (one owner), its scratch folder, temporary file, final name and converter process are written
 * down before they exist, and its end is recorded with its telemetry row.
 */
export class JobLauncher {
  /** The identities of the last batch asked about (one batch at a time: nothing grows with the app's life). */
  private batchInputs: { key: string; set: FileIdentitySet } | undefined;

  private readonly waiting: Admitted[] = [];
  /** Admitted jobs routed and not ended yet. */
  private inFlight = 0;
  private pumping = false;
  /** No waiting job is routed meanwhile (the window is paused). */
  private onHold = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: JobLauncherDeps) {}

  /** The inputs an output must never replace: the batch's, or for a rule (whose batch grows file by file) the job's own. */
  private protectedInputs({ origin, batchKey, inputPath }: QueuedJob): FileIdentitySet {
    if (origin === 'rule') return new FileIdentitySet([inputPath]);
    if (this.batchInputs?.key !== batchKey) this.batchInputs = { key: batchKey, set: new FileIdentitySet(this.deps.store.batch(batchKey).map((j) => j.inputPath)) };
    return this.batchInputs.set;
  }

  /**
   * Jobs this process holds (`claimAll`; a rule's job is claimed as it is added) wait here in arrival order, each
   * routed only when a slot could take it: they are asked again whenever one of them ends, so that the router sees
   * the slots busy and the timings finished at that moment. Jobs still waiting once `stopped()` end as cancelled
   * jobs do (requeued when `requeueOnCancel()`).
   */
  admit<Claim extends ClaimedJob>(claims: readonly Claim[], hooksOf: (claim: Claim) => JobHooks): void {
    const admittedAt = this.deps.owner.now();
    for (const claim of claims) this.waiting.push({ ...claim, hooks: hooksOf(claim), admittedAt });
    this.pump();
  }

  /** Puts a waiting job just before another waiting one (last without one): the order they are routed in. */
  move(jobId: number, beforeJobId: number | undefined): boolean {
    const at = this.waiting.findIndex((admitted) => admitted.job.id === jobId);
    if (at < 0) return false;
    const [admitted] = this.waiting.splice(at, 1);
    const before = this.waiting.findIndex((other) => other.job.id === beforeJobId);
    this.waiting.splice(before < 0 ? this.waiting.length : before, 0, admitted!);
    return true;
  }

  /** While held, waiting jobs are not routed (stopped ones still end). */
  hold(held: boolean): void {
    this.onHold = held;
    this.pump();
  }

  /** Looks at the waiting jobs again now (a caller stopped some of them). */
  wake(): void {
    this.pump();
  }

  /** Resolves once every admitted job has been routed and has ended. */
  whenIdle(): Promise<void> {
    if (this.waiting.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Claims the jobs for this process in one transaction: undefined where another process holds one, or it is not queued. */
  claimAll(jobs: readonly QueuedJob[]): (ClaimedJob | undefined)[] {
    const { store, owner, units } = this.deps;
    const claims = jobs.map((job) => (job.state === 'queued' && job.ownerPid !== owner.pid && !heldByAnotherOwner(job, owner)
      ? { job, scratchDir: path.join(this.deps.scratchRoot, `job-${job.id}-${randomHex(4)}`), tempPath: temporaryOutputPath(path.resolve(job.outputDir ?? path.dirname(job.inputPath)), outputBaseName(job.inputPath)) }
      : undefined));
    const won = store.claimAll(claims.filter((c) => c !== undefined), owner.pid, this.deps.leaseExpiry());
    let next = 0;
    const result = claims.map((claim) => (claim && won[next++] ? claim : undefined));
    const ours = result.filter((claim): claim is ClaimedJob => claim !== undefined);
    if (units && ours.length > 0) {
      const taken = takeUnitsAtClaim(units, ours.map(({ job }) => ({ inputPath: job.inputPath, target: job.target, outputDir: job.outputDir ?? undefined, options: job.options, origin: unitOrigin(job) })), this.deps);
      ours.forEach((claim, i) => {
        if (taken[i]) claim.unit = taken[i];
      });
    }
    return result;
  }

  /**
   * Routes waiting jobs in arrival order; a job told to wait for a slot here counts as ahead of the later jobs
   * of its kind. With nothing of ours under way the first job is routed whatever it would wait for.
   */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      // Jobs of a kind told to wait so far: each later one is asked with them ahead of it, up to a bound per pump.
      const held = new Map<string, number>();
      for (let i = 0; i < this.waiting.length; ) {
        const admitted = this.waiting[i]!;
        if (admitted.hooks.stopped()) {
          this.waiting.splice(i, 1);
          this.dropWaiting(admitted);
          continue;
        }
        const kind = outputKind(admitted.job.target);
        const ahead = held.get(kind) ?? 0;
        if (this.onHold || ahead >= ASKED_WAITING_PER_PUMP) {
          i++;
          continue;
        }
        const route = this.deps.route(admitted.job, { mayWait: this.inFlight > 0, ahead });
        if (!route) {
          held.set(kind, ahead + 1);
          i++;
          continue;
        }
        this.waiting.splice(i, 1);
        this.inFlight++;
        const launched = this.start(admitted, route, (report) => {
          this.inFlight--;
          admitted.hooks.onEnd(report);
          this.pump();
        });
        admitted.hooks.onStarted?.(launched);
      }
    } finally {
      this.pumping = false;
    }
    if (this.waiting.length === 0 && this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** A job stopped before it was routed: nothing ran, so it goes back to the queue (or ends cancelled). */
  private dropWaiting({ job, hooks, unit }: Admitted): void {
    const { store, owner } = this.deps;
    if (unit?.token !== undefined) this.deps.units?.release(unit.key, unit.token);
    const now = this.deps.wallClock();
    const report = reportFor(job.inputPath, job.target, {
      id: job.id, lane: outputKind(job.target), status: 'cancelled', progress: 0, etaSeconds: undefined, queuedAt: now, startedAt: undefined, finishedAt: undefined, result: undefined,
      error: { code: 'CANCELLED', message: 'Cancelled.' },
    });
    if (hooks.requeueOnCancel()) store.requeue(job.id, owner.pid);
    else store.finish(job.id, owner.pid, report, telemetryRecord(report, job.cohort, now, { inputBytes: null, outputBytes: null }), null);
    hooks.onEnd(report);
  }

  private start({ job, scratchDir, tempPath: claimedTemp, id: runId, hooks, admittedAt, unit }: Admitted, route: JobRoute, onEnd: (report: JobReport) => void): LaunchedJob {
    const { store, files, owner } = this.deps;
    const pid = owner.pid;
    const { scheduler } = route;
    const converter = this.deps.units ? convertingOnce(route.converter, { units: this.deps.units, owner, leaseExpiry: this.deps.leaseExpiry, origin: unitOrigin(job), since: admittedAt, ...(unit ? { atClaim: unit } : {}), onWaiting: (_request, pid) => hooks.onWaiting?.(pid) }) : route.converter;
    const input = inputFingerprint(job.inputPath);
    const control = new JobControl((child) => store.markChild(job.id, pid, child && { pid: child.pid, command: child.command }));
    const settle = (snapshot: JobSnapshot<ConversionResult>) => {
      route.release?.();
      // Most jobs never create their scratch folder: one check, not a recursive removal.
      if (files.exists(scratchDir)) files.removeTree(scratchDir);
      // The mode is where the job really ran: the router's, or the converter's own word (a job done elsewhere).
      const report = reportFor(job.inputPath, job.target, snapshot, snapshot.result?.ranOn ?? route.mode);
      if (snapshot.status === 'cancelled' && hooks.requeueOnCancel()) {
        store.requeue(job.id, pid);
      } else {
        const sizes = { inputBytes: snapshot.result?.inputBytes ?? null, outputBytes: snapshot.result?.outputBytes ?? null };
        const output: ConvertedOutput | null = report.status === 'succeeded' && report.output && input
          ? { outputPath: report.output, inputPath: job.inputPath, inputSize: input.size, inputMtimeMs: input.mtimeMs, requestKey: requestKeyOf(job.target, job.outputDir, job.options), outputSize: sizes.outputBytes ?? 0 }
          : null;
        const record = report.status === 'skipped' ? null : telemetryRecord(report, job.cohort, this.deps.wallClock(), sizes);
        store.finish(job.id, pid, report, record, output);
      }
      onEnd(report);
    };
    const id = scheduler.enqueue(laneRequestFor(route, job.inputPath, job.target, job.options), ({ signal, reportProgress }) =>
      runInJob(control, () =>
        converter.convert({ inputPath: job.inputPath, target: job.target, outputDir: job.outputDir ?? undefined, scratchDir, temporaryPath: claimedTemp, options: job.options, batchInputs: () => this.protectedInputs(job) }, signal, reportProgress, {
          onTemporary: (temp) => store.start(job.id, pid, temp === claimedTemp ? null : temp),
          onCommit: (result, _temporary, alongside) => store.commitTogether(job.id, pid, result.outputPath, succeededReport(result, route.mode), alongside),
        })), settle, runId);
    control.bind({ reweigh: (load, signal) => scheduler.reweigh(id, load, signal), peersExpected: () => scheduler.peersExpected(id) });
    return { id, scheduler, control };
  }
}
