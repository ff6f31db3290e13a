import type { JobReport } from '../jobs/jobReport.js';
import type { ConversionRecord } from '../telemetry/ports.js';
import type { InterruptedJob } from '../jobs/jobModel.js';
import type { WatchRule, WatchRuleSpec } from './watchRule.js';

/** A live file-system watch; native/ implements it (chokidar). */
export interface FolderWatcher {
  /** Resolves once the watch is in place; `onFile` gets absolute paths of files added or changed. */
  watch(options: FolderWatchOptions, listener: FolderWatchListener): Promise<FolderWatch>;
}

export interface FolderWatchOptions {
  root: string;
  recursive: boolean;
  /** Folders (absolute) never looked into. */
  ignoreFolders: readonly string[];
}

export interface FolderWatchListener {
  onFile(absolutePath: string): void;
  onError(error: Error): void;
}

export interface FolderWatch {
  close(): Promise<void>;
}

/** The job states (jobs/jobModel.ts) a ledger entry goes through; an entry that does not finish is released. */
export type LedgerState = 'queued' | 'running' | 'committing' | 'succeeded' | 'failed';

/** A file's identity for the ledger: where it was last seen and what it holds. */
export interface FileFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface LedgerEntry extends FileFingerprint, InterruptedJob {
  id: number;
  ruleId: number;
  state: LedgerState;
  error: { code: string; message: string } | null;
  updatedAt: number;
}

export interface RuleFailure {
  path: string;
  code: string;
  message: string;
  at: number;
}

export interface RuleActivity {
  lastActivityAt: number | null;
  converted: number;
  failed: number;
  inProgress: number;
  /** Most recent failures first. */
  failures: RuleFailure[];
}

/**
 * What each rule has seen, converted and failed: one entry per distinct content (SHA-256), so a renamed
 * or re-dropped file is recognised, and a changed file (new content) is new work.
 */
export interface WatchLedger {
  findBySighting(ruleId: number, path: string, size: number, mtimeMs: number): LedgerEntry | undefined;
  findByHash(ruleId: number, hash: string): LedgerEntry | undefined;
  /** The path is an output this rule wrote. */
  isOwnOutput(ruleId: number, path: string): boolean;
  /** Claims content for conversion by this process (with a lease and a scratch folder); undefined when the content already has an entry. */
  claim(ruleId: number, file: FileFingerprint, owner: { pid: number; leaseExpiresAt: number; scratchDir: string }): LedgerEntry | undefined;
  /** Takes an unfinished entry of a dead or expired owner: only one process wins (a conditional update on what was read). */
  takeOver(entry: LedgerEntry, ownerPid: number, leaseExpiresAt: number): boolean;
  renewLeases(ownerPid: number, leaseExpiresAt: number): void;
  markChild(id: number, ownerPid: number, child: { pid: number; command: string } | null): void;
  /** The same content was seen again under this path (a rename or a copy). */
  noteSighting(id: number, path: string, size: number, mtimeMs: number): void;
  /** Both throw when the entry is no longer this owner's (guarded by state and owner). */
  markRunning(id: number, ownerPid: number, tempPath: string): void;
  markCommitting(id: number, ownerPid: number, outputPath: string, report: JobReport): void;
  /** Ends the entry and writes its telemetry row in one transaction. */
  succeed(id: number, outputPath: string, report: JobReport, record: ConversionRecord | null): void;
  fail(id: number, error: { code: string; message: string }, record: ConversionRecord): void;
  /** Drops a claim whose job did not finish (cancelled, or crashed before its output existed). */
  release(id: number): void;
  unfinished(ruleId: number): LedgerEntry[];
  /** Forgets failures (of one path, or all) so that they are tried again; returns the paths. */
  forgetFailures(ruleId: number, path?: string): string[];
  activity(ruleId: number, failureLimit?: number): RuleActivity;
}

/** Rules as the app and the CLI manage them. */
export interface WatchRuleStore {
  list(): WatchRule[];
  get(id: number): WatchRule | undefined;
  add(spec: WatchRuleSpec): WatchRule;
  update(id: number, spec: WatchRuleSpec): WatchRule;
  setEnabled(id: number, enabled: boolean): WatchRule;
  remove(id: number): boolean;
}
