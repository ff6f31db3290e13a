import { tmpdir } from 'node:os';
import path from 'node:path';
import { normalizeOptions } from '../../main/core/engine/plan/conversionOptions';
import type { JobReport } from '../../main/core/jobs/jobReport';
import type { QueuedJob } from '../../main/core/queue/ports';
import type { FileFingerprint } from '../../main/core/watch/ports';
import type { SqliteDatabase } from '../../native/sqlite/openDatabase';
import { SqliteQueueStore } from '../../native/sqlite/sqliteQueueStore';
import { SqliteRuleJobStore } from '../../native/sqlite/sqliteRuleJobStore';
import { SqliteTelemetryStore } from '../../native/sqlite/sqliteTelemetryStore';

/** The one job table as a rule sees it: the queue store that runs the jobs, and the rule's questions to it. */
export function ruleJobStores(db: SqliteDatabase) {
  const telemetry = new SqliteTelemetryStore(db);
  const queueStore = new SqliteQueueStore(db, telemetry);
  return { telemetry, queueStore, ruleJobs: new SqliteRuleJobStore(db, () => queueStore.flush()) };
}

/** A rule's job for this content, claimed by `pid`, its temporary output beside `outputDir`. */
export function addRuleJob(ruleJobs: SqliteRuleJobStore, ruleId: number, file: FileFingerprint, pid = 1, outputDir = '/out', tempPath = path.join(outputDir, `.${path.parse(file.path).name}.0123456789ab.convertr-part`)): QueuedJob {
  const job = ruleJobs.add(ruleId, file, { target: 'jpg', outputDir, options: normalizeOptions(undefined), cohort: null },
    { ownerPid: pid, leaseExpiresAt: Date.now() + 30_000, scratchDir: path.join(tmpdir(), 'convertr-no-scratch'), tempPath });
  if (!job) throw new Error(`${file.path}: the rule already has a job for this content`);
  return job;
}

export const failedReport = (input: string, code = 'INPUT_CORRUPT', message = 'The image is damaged.'): JobReport => ({
  input, output: null, status: 'failed', pair: 'PNG->JPG', mode: 'local', runtimeMs: 1, billableMinutes: 0, error: { code, message }, notes: [],
});
