import path from 'node:path';
import { AppError } from '../main/core/errors.js';
import { makeDirectories } from '../main/core/makeDirectories.js';
import { LeaseKeeper } from '../main/core/jobs/leaseKeeper.js';
import type { OwnerProbe } from '../main/core/jobs/jobModel.js';
import { PersistentQueue } from '../main/core/queue/persistentQueue.js';
import { isProcessAlive, nodeRecoveryFileSystem } from './queueFileSystem.js';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './sqlite/openDatabase.js';
import { SqliteHostedStore } from './sqlite/sqliteHostedStore.js';
import { SqliteQueueStore } from './sqlite/sqliteQueueStore.js';
import { SqliteTelemetryStore } from './sqlite/sqliteTelemetryStore.js';
import { SqliteRuleJobStore } from './sqlite/sqliteRuleJobStore.js';
import { SqlitePresetStore } from './sqlite/sqlitePresetStore.js';
import { SqliteJobHistoryStore } from './sqlite/sqliteJobHistoryStore.js';
import { SqliteUnitStore } from './sqlite/sqliteUnitStore.js';
import { SqliteJobIdBlocks } from './sqlite/sqliteJobIdBlocks.js';

export interface DataStores {
  db: SqliteDatabase;
  telemetry: SqliteTelemetryStore;
  queueStore: SqliteQueueStore;
  queue: PersistentQueue;
  /** Batch-folder rules' questions to the job table ("already converted", failures, activity). */
  ruleJobs: SqliteRuleJobStore;
  /** Units of work, each converted once across every process on this data folder. */
  units: SqliteUnitStore;
  /** The user's own presets. */
  presets: SqlitePresetStore;
  /** The window's finished rows, kept until cleared. */
  history: SqliteJobHistoryStore;
  /** Job ids reserved on this data folder: no run hands out an id an earlier one did. */
  jobIds: SqliteJobIdBlocks;
  /** Small pictures of the window's rows are cached here, inside the data folder. */
  thumbnailCache: string;
  /** This process as an owner of jobs. */
  owner: OwnerProbe;
  /** Renews this process's leases on its jobs and units of work while it lives. */
  lease: LeaseKeeper;
  /** Per-job scratch folders live here, inside the data folder. */
  scratchRoot: string;
  /** Hosted spend and timings, batch routing, accepted hosted jobs. */
  hosted: SqliteHostedStore;
  close(): void;
  /**
   * For a process about to exit: writes what is deferred and stops the lease, but leaves the connection to the
   * exit, which skips the WAL checkpoint close() does (two fsyncs and the WAL's removal, 5-20 ms at the end of
   * every command). The WAL stays beside the database; the next opener reads it.
   */
  flushForExit(): void;
}

const DATA_FOLDER_PROBLEMS: Record<string, string> = {
  SQLITE_FULL: 'is on a full disk',
  SQLITE_IOERR: 'cannot be written (a disk error, often a full disk)',
  SQLITE_READONLY: 'is read-only',
  SQLITE_CANTOPEN: 'cannot be opened for writing',
  SQLITE_PERM: 'is not writable',
  EACCES: 'is not writable',
  EPERM: 'is not writable',
  EROFS: 'is on a read-only disk',
  ENOSPC: 'is on a full disk',
};

/** A data-folder failure (SQLite or the file system) as one sentence, or undefined when it is something else. */
export function dataFolderError(error: unknown, dataDirectory: string): AppError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const problem = DATA_FOLDER_PROBLEMS[code] ?? (code.startsWith('SQLITE_IOERR') ? DATA_FOLDER_PROBLEMS['SQLITE_IOERR'] : undefined);
  if (!problem) return undefined;
  return new AppError('DATA_FOLDER_UNWRITABLE', `The data folder ${dataDirectory} ${problem}; free some space, fix its permissions or set CONVERTR_HOME to another folder.`);
}

/** Opens `convertr.db` in the data folder and wires the telemetry store, the durable queue and the rules' view of it onto it. */
export function createDataStores(dataDirectory: string, options: OpenDatabaseOptions = {}): DataStores {
  let db: SqliteDatabase;
  try {
    db = openDatabase(dataDirectory, options);
  } catch (error) {
    throw dataFolderError(error, dataDirectory) ?? error;
  }
  const telemetry = new SqliteTelemetryStore(db);
  const store = new SqliteQueueStore(db, telemetry);
  const units = new SqliteUnitStore(db);
  const owner: OwnerProbe = { pid: process.pid, isProcessAlive, now: Date.now };
  const lease = new LeaseKeeper([(until) => store.renewLeases(process.pid, until), (until) => units.renewLeases(process.pid, until)], Date.now);
  const scratchRoot = path.join(dataDirectory, 'scratch');
  try {
    makeDirectories(scratchRoot, 0o700);
  } catch (error) {
    db.close();
    throw dataFolderError(error, dataDirectory) ?? error;
  }
  // Made on first use: a convert never asks the rules' view, the window's history or the id blocks, and each
  // store prepares its statements when it is made.
  let ruleJobs: SqliteRuleJobStore | undefined;
  let history: SqliteJobHistoryStore | undefined;
  let jobIds: SqliteJobIdBlocks | undefined;
  const flushForExit = () => {
    lease.stop();
    store.flush();
    history?.flush();
  };
  const queue = new PersistentQueue({ store, files: nodeRecoveryFileSystem, owner, wallClock: Date.now, leaseExpiry: () => lease.expiry(), scratchRoot, units });
  return {
    db, telemetry, queueStore: store, queue, units, presets: new SqlitePresetStore(db), thumbnailCache: path.join(dataDirectory, 'cache', 'thumbs'), owner, lease, scratchRoot, hosted: new SqliteHostedStore(db),
    get ruleJobs() {
      return (ruleJobs ??= new SqliteRuleJobStore(db, () => store.flush()));
    },
    get history() {
      return (history ??= new SqliteJobHistoryStore(db));
    },
    get jobIds() {
      return (jobIds ??= new SqliteJobIdBlocks(db));
    },
    close: () => {
      try {
        flushForExit();
      } finally {
        db.close();
      }
    },
    flushForExit,
  };
}
