import type { JobReport } from './jobReport.js';

/**
 * The one job state machine of the queue and of batch folders:
 * `queued -> running -> committing -> succeeded | failed | cancelled`, or `skipped` (not a conversion, not
 * a request in the stats). A batch-folder entry that did not finish is released instead of cancelled.
 */
export type JobState = 'queued' | 'running' | 'committing' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export const UNFINISHED_STATES = ['queued', 'running', 'committing'] as const;

/** The states in which a job may still record its temporary file: not yet committing. */
export const BEFORE_COMMIT_STATES = ['queued', 'running'] as const;

export function isUnfinished(state: JobState): boolean {
  return (UNFINISHED_STATES as readonly JobState[]).includes(state);
}

/** How long an owner's claim holds without renewal; owners renew it every third of that. */
export const LEASE_MS = 30_000;

/** Who holds a job: the owning process and until when its lease runs unless renewed. */
export interface JobOwnership {
  ownerPid: number | null;
  leaseExpiresAt: number | null;
}

export interface OwnerProbe {
  /** This process. */
  pid: number;
  isProcessAlive(pid: number): boolean;
  now(): number;
}

/**
 * Another process is alive and holds this job's lease: the job is not ours to run or recover. A dead owner
 * or an expired lease (an owner hung, or its pid reused by another program) frees the job.
 */
export function heldByAnotherOwner(job: JobOwnership, probe: OwnerProbe): boolean {
  if (job.ownerPid === null || job.ownerPid === probe.pid) return false;
  if (job.leaseExpiresAt !== null && job.leaseExpiresAt < probe.now()) return false;
  return probe.isProcessAlive(job.ownerPid);
}

/** What recovery needs of a job that did not finish. */
export interface InterruptedJob extends JobOwnership {
  state: JobState;
  tempPath: string | null;
  outputPath: string | null;
  /** The report written just before the output was renamed into place. */
  report: JobReport | null;
  scratchDir: string | null;
  childPid: number | null;
  childCommand: string | null;
}

/** The file-system and process facts recovery needs (native/ implements them). */
export interface RecoveryFileSystem {
  exists(file: string): boolean;
  /** Both names are links to the same file. */
  sameFile(a: string, b: string): boolean;
  remove(file: string): void;
  /** Removes a folder and everything in it (a job's scratch folder). */
  removeTree(folder: string): void;
  /** Stops a converter a dead owner left running, only if that pid still runs that command. */
  stopOrphan(pid: number, command: string): void;
}

export type RecoveryOutcome =
  | { kind: 'completed'; report: JobReport & { output: string } }
  | { kind: 'released'; partialFileRemoved: boolean };

/**
 * After a crash: a job caught between its rename and its bookkeeping is completed (never run again); any
 * other is released to run again, its converter stopped, its partial file and its scratch folder removed.
 */
export function recoverInterruptedJob(job: InterruptedJob, files: RecoveryFileSystem): RecoveryOutcome {
  if (job.childPid !== null && job.childCommand) files.stopOrphan(job.childPid, job.childCommand);
  if (job.scratchDir) files.removeTree(job.scratchDir);
  const temp = job.tempPath;
  if (job.state === 'committing' && job.outputPath && job.report && files.exists(job.outputPath) && (!temp || !files.exists(temp) || files.sameFile(temp, job.outputPath))) {
    if (temp && files.exists(temp)) files.remove(temp);
    return { kind: 'completed', report: { ...job.report, output: job.outputPath } };
  }
  const partial = temp !== null && files.exists(temp);
  if (partial) files.remove(temp);
  return { kind: 'released', partialFileRemoved: partial };
}
