import type { NewJob, QueuedJob } from '../queue/ports.js';
import type { StableFile } from './stabilityMonitor.js';
import type { WatchRule, WatchRuleSpec } from './watchRule.js';

/** A live file-system watch; native/ implements it (chokidar). */
export interface FolderWatcher {
  /** Resolves, once the watch is in place, to what closes it; `onFile` gets absolute paths of files added or changed. */
  watch(options: FolderWatchOptions): Promise<() => Promise<void>>;
}

export interface FolderWatchOptions {
  root: string;
  recursive: boolean;
  /** Folders (absolute) never looked into. */
  ignoreFolders: readonly string[];
  onFile(absolutePath: string): void;
  onError(error: Error): void;
}

/** A file's identity for a rule: where it was last seen and what it holds. */
export interface FileFingerprint extends StableFile {
  hash: string;
}

/** A rule's job for one content: being converted (or about to be), done (converted, or left alone by the conflict policy), or failed. */
export interface RuleJobSighting {
  id: number;
  state: 'unfinished' | 'done' | 'failed';
}

/**
 * A rule's questions to the one job table: each distinct content (SHA-256) is one job of the rule's batch
 * (queue/ports.ts `ruleBatchKey`), so a renamed or re-dropped file is recognised and a changed file is new work.
 * The jobs themselves are claimed, started, committed and finished through the QueueStore like any other.
 */
export interface RuleJobStore {
  findBySighting(ruleId: number, path: string, size: number, mtimeMs: number): RuleJobSighting | undefined;
  findByHash(ruleId: number, hash: string): RuleJobSighting | undefined;
  isOwnOutput(ruleId: number, path: string): boolean;
  /** The same content was seen again under this path (a rename or a copy). */
  noteSighting(id: number, path: string, size: number, mtimeMs: number): void;
  /** Adds the content's job to the rule's batch, already claimed by this process; undefined when the content already has a job. */
  add(ruleId: number, file: FileFingerprint, job: Omit<NewJob, 'inputPath'>, claim: { ownerPid: number; leaseExpiresAt: number; scratchDir: string; tempPath: string }): QueuedJob | undefined;
  /** Forgets jobs put back in the queue (stopped, or left by a dead owner): their files are looked at again as new. */
  forgetReleased(ruleId: number): number;
  /** Forgets failures (of one path, or all) so that they are tried again; returns the paths. */
  forgetFailures(ruleId: number, path?: string): string[];
  activity(ruleId: number, failureLimit?: number): RuleActivity;
}

export interface RuleActivity {
  lastActivityAt: number | null;
  converted: number;
  failed: number;
  inProgress: number;
  /** Most recent failures first. */
  failures: { path: string; code: string; message: string; at: number }[];
}

export interface WatchRuleStore {
  list(): WatchRule[];
  get(id: number): WatchRule | undefined;
  add(spec: WatchRuleSpec): WatchRule;
  update(id: number, spec: WatchRuleSpec): WatchRule;
  setEnabled(id: number, enabled: boolean): WatchRule;
  remove(id: number): boolean;
}
