import { PersistentQueue } from '../main/core/queue/persistentQueue.js';
import { isProcessAlive, nodeRecoveryFileSystem } from './queueFileSystem.js';
import { openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './sqlite/openDatabase.js';
import { SqliteQueueStore } from './sqlite/sqliteQueueStore.js';
import { SqliteTelemetryStore } from './sqlite/sqliteTelemetryStore.js';

export interface DataStores {
  db: SqliteDatabase;
  telemetry: SqliteTelemetryStore;
  queueStore: SqliteQueueStore;
  queue: PersistentQueue;
  close(): void;
}

/** Opens `convertr.db` in the data folder and wires the telemetry store and the durable queue onto it. */
export function createDataStores(dataDirectory: string, options: OpenDatabaseOptions = {}): DataStores {
  const db = openDatabase(dataDirectory, options);
  const telemetry = new SqliteTelemetryStore(db);
  const store = new SqliteQueueStore(db, telemetry);
  const queue = new PersistentQueue({ store, files: nodeRecoveryFileSystem, pid: process.pid, isProcessAlive, wallClock: Date.now });
  return { db, telemetry, queueStore: store, queue, close: () => db.close() };
}
