import type { Migration } from '../../../native/sqlite/migrations';

/** The migrations as released up to version 13, word for word: every database in users' hands was made by these. */
export const RELEASED_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'conversions and daily aggregates',
    sql: `
      CREATE TABLE conversions (
        id INTEGER PRIMARY KEY,
        finished_at INTEGER NOT NULL,
        day INTEGER NOT NULL,
        pair TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('local', 'hosted')),
        status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'cancelled')),
        error_code TEXT,
        runtime_ms INTEGER NOT NULL CHECK (runtime_ms >= 0),
        input_bytes INTEGER,
        output_bytes INTEGER,
        billable_minutes INTEGER NOT NULL CHECK (billable_minutes >= 0),
        cohort TEXT CHECK (cohort IS NULL OR cohort GLOB 'cohort_[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')
      );
      CREATE INDEX conversions_finished_at ON conversions (finished_at);

      CREATE TABLE conversion_daily (
        day INTEGER NOT NULL,
        pair TEXT NOT NULL,
        mode TEXT NOT NULL,
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0,
        succeeded_runtime_ms INTEGER NOT NULL DEFAULT 0,
        billable_minutes INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, pair, mode)
      ) WITHOUT ROWID;

      CREATE TABLE cohort_days (
        day INTEGER NOT NULL,
        cohort TEXT NOT NULL,
        PRIMARY KEY (day, cohort)
      ) WITHOUT ROWID;

      CREATE TRIGGER conversions_aggregate AFTER INSERT ON conversions
      BEGIN
        INSERT INTO conversion_daily (day, pair, mode, succeeded, failed, cancelled, succeeded_runtime_ms, billable_minutes)
        VALUES (NEW.day, NEW.pair, NEW.mode,
                NEW.status = 'succeeded', NEW.status = 'failed', NEW.status = 'cancelled',
                CASE WHEN NEW.status = 'succeeded' THEN NEW.runtime_ms ELSE 0 END, NEW.billable_minutes)
        ON CONFLICT (day, pair, mode) DO UPDATE SET
          succeeded = succeeded + excluded.succeeded,
          failed = failed + excluded.failed,
          cancelled = cancelled + excluded.cancelled,
          succeeded_runtime_ms = succeeded_runtime_ms + excluded.succeeded_runtime_ms,
          billable_minutes = billable_minutes + excluded.billable_minutes;
        INSERT OR IGNORE INTO cohort_days (day, cohort) SELECT NEW.day, NEW.cohort WHERE NEW.cohort IS NOT NULL;
      END;
    `,
  },
  {
    version: 2,
    name: 'persistent queue',
    sql: `
      CREATE TABLE queue_jobs (
        id INTEGER PRIMARY KEY,
        batch_key TEXT NOT NULL,
        position INTEGER NOT NULL,
        input_path TEXT NOT NULL,
        target TEXT NOT NULL,
        output_dir TEXT,
        cohort TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'committing', 'done')),
        owner_pid INTEGER,
        temp_path TEXT,
        output_path TEXT,
        result_json TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX queue_jobs_unfinished ON queue_jobs (state) WHERE state <> 'done';
      CREATE INDEX queue_jobs_batch ON queue_jobs (batch_key, position);
    `,
  },
  {
    version: 3,
    name: 'watch rules and their ledger',
    sql: `
      CREATE TABLE watch_rules (
        id INTEGER PRIMARY KEY,
        spec_json TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        last_activity_at INTEGER
      );

      CREATE TABLE watch_ledger (
        id INTEGER PRIMARY KEY,
        rule_id INTEGER NOT NULL REFERENCES watch_rules (id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL CHECK (length(content_hash) = 64),
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'committing', 'succeeded', 'failed')),
        owner_pid INTEGER,
        temp_path TEXT,
        output_path TEXT,
        report_json TEXT,
        error_code TEXT,
        error_message TEXT,
        updated_at INTEGER NOT NULL,
        UNIQUE (rule_id, content_hash)
      );
      CREATE INDEX watch_ledger_sighting ON watch_ledger (rule_id, path, size, mtime_ms);
      CREATE INDEX watch_ledger_output ON watch_ledger (rule_id, output_path) WHERE output_path IS NOT NULL;
      CREATE INDEX watch_ledger_unfinished ON watch_ledger (rule_id, state) WHERE state NOT IN ('succeeded', 'failed');
    `,
  },
  {
    version: 4,
    name: 'one job model: outcomes, batches with an origin, owners with a lease, scratch folders, child processes, outputs already made',
    sql: `
      CREATE TABLE queue_batches (
        batch_key TEXT PRIMARY KEY,
        origin TEXT NOT NULL CHECK (origin IN ('cli', 'window')),
        stopped_by_user INTEGER NOT NULL DEFAULT 0 CHECK (stopped_by_user IN (0, 1)),
        created_at INTEGER NOT NULL
      );
      INSERT INTO queue_batches (batch_key, origin, created_at) SELECT batch_key, 'cli', MIN(created_at) FROM queue_jobs GROUP BY batch_key;

      CREATE TABLE queue_jobs_v4 (
        id INTEGER PRIMARY KEY,
        batch_key TEXT NOT NULL REFERENCES queue_batches (batch_key) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        input_path TEXT NOT NULL,
        target TEXT NOT NULL,
        output_dir TEXT,
        cohort TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'committing', 'succeeded', 'failed', 'cancelled', 'skipped')),
        owner_pid INTEGER,
        lease_expires_at INTEGER,
        scratch_dir TEXT,
        child_pid INTEGER,
        child_command TEXT,
        temp_path TEXT,
        output_path TEXT,
        result_json TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      INSERT INTO queue_jobs_v4 (id, batch_key, position, input_path, target, output_dir, cohort, state, owner_pid, temp_path, output_path, result_json, created_at, updated_at)
        SELECT id, batch_key, position, input_path, target, output_dir, cohort,
               CASE WHEN state = 'done' THEN COALESCE(json_extract(result_json, '$.status'), 'succeeded') ELSE state END,
               owner_pid, temp_path, output_path, result_json, created_at, updated_at
        FROM queue_jobs;
      DROP TABLE queue_jobs;
      ALTER TABLE queue_jobs_v4 RENAME TO queue_jobs;
      CREATE INDEX queue_jobs_unfinished ON queue_jobs (state) WHERE state IN ('queued', 'running', 'committing');
      CREATE INDEX queue_jobs_batch ON queue_jobs (batch_key, position);

      ALTER TABLE watch_ledger ADD COLUMN lease_expires_at INTEGER;
      ALTER TABLE watch_ledger ADD COLUMN scratch_dir TEXT;
      ALTER TABLE watch_ledger ADD COLUMN child_pid INTEGER;
      ALTER TABLE watch_ledger ADD COLUMN child_command TEXT;

      CREATE TABLE converted_outputs (
        output_path TEXT PRIMARY KEY,
        input_path TEXT NOT NULL,
        input_size INTEGER NOT NULL,
        input_mtime_ms REAL NOT NULL,
        request_key TEXT NOT NULL,
        output_size INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX converted_outputs_input ON converted_outputs (input_path, request_key);
    `,
  },
  {
    // 5 is reserved; this one depends on no other after 3.
    version: 6,
    name: 'hosted spend, hosted timings, batch routing and hosted jobs',
    sql: `
      CREATE TABLE hosted_spend (
        id INTEGER PRIMARY KEY,
        month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
        state TEXT NOT NULL CHECK (state IN ('reserved', 'settled')),
        usd REAL NOT NULL CHECK (usd >= 0),
        owner_pid INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX hosted_spend_month ON hosted_spend (month, state);

      CREATE TABLE hosted_samples (
        id INTEGER PRIMARY KEY,
        finished_at INTEGER NOT NULL,
        pair TEXT NOT NULL,
        input_bytes INTEGER NOT NULL CHECK (input_bytes >= 0),
        output_bytes INTEGER NOT NULL CHECK (output_bytes >= 0),
        upload_ms INTEGER NOT NULL CHECK (upload_ms >= 0),
        service_ms INTEGER NOT NULL CHECK (service_ms >= 0),
        download_ms INTEGER NOT NULL CHECK (download_ms >= 0)
      );
      CREATE INDEX hosted_samples_pair ON hosted_samples (pair, finished_at);

      CREATE TABLE batch_routing (
        batch_key TEXT PRIMARY KEY,
        mode TEXT NOT NULL CHECK (mode IN ('local', 'hosted', 'auto', 'hybrid')),
        api_url TEXT,
        never_upload INTEGER NOT NULL CHECK (never_upload IN (0, 1)),
        budget_usd REAL,
        strip_photo_metadata INTEGER NOT NULL DEFAULT 0 CHECK (strip_photo_metadata IN (0, 1)),
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE hosted_jobs (
        job_key TEXT PRIMARY KEY,
        api_origin TEXT NOT NULL,
        server_id TEXT NOT NULL,
        status_url TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'conversion options kept with each job; the user\'s own presets',
    sql: `
      ALTER TABLE queue_jobs ADD COLUMN options_json TEXT;

      CREATE TABLE presets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(name)) BETWEEN 1 AND 60),
        target TEXT NOT NULL,
        options_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'finished rows of the window, kept until cleared',
    sql: `
      CREATE TABLE job_history (
        key TEXT PRIMARY KEY,
        finished_at INTEGER NOT NULL,
        row_json TEXT NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'units of work: one input content, target, folder and options, converted once across processes',
    sql: `
      CREATE TABLE work_units (
        unit_key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('running', 'done')),
        owner_pid INTEGER,
        token TEXT NOT NULL,
        lease_expires_at INTEGER,
        origin TEXT NOT NULL,
        result_json TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX work_units_owner ON work_units (owner_pid) WHERE state = 'running';
    `,
  },
  {
    version: 11,
    name: 'one id space for jobs: the last id reserved, so that a restart never hands out an id again; unfinished ledger rows indexed by the unfinished states',
    sql: `
      CREATE TABLE job_ids (
        only INTEGER PRIMARY KEY CHECK (only = 1),
        last_reserved INTEGER NOT NULL CHECK (last_reserved >= 0)
      );
      INSERT INTO job_ids (only, last_reserved) VALUES (1, 0);

      DROP INDEX watch_ledger_unfinished;
      CREATE INDEX watch_ledger_unfinished ON watch_ledger (rule_id, state) WHERE state IN ('queued', 'running', 'committing');
    `,
  },
  {
    version: 12,
    name: 'a finished row keeps the options its job converted with, so that a Retry after a restart converts the same way',
    sql: `
      ALTER TABLE job_history ADD COLUMN options_json TEXT;
    `,
  },
  {
    version: 13,
    name: "one job table for every origin: a batch-folder rule's files are jobs of its own batch (origin 'rule'), its ledger moved into them",
    sql: `
      CREATE TABLE queue_jobs_kept AS SELECT * FROM queue_jobs;
      DROP TABLE queue_jobs;
      CREATE TABLE queue_batches_v13 (
        batch_key TEXT PRIMARY KEY,
        origin TEXT NOT NULL CHECK (origin IN ('cli', 'window', 'rule')),
        rule_id INTEGER REFERENCES watch_rules (id) ON DELETE CASCADE CHECK ((origin = 'rule') = (rule_id IS NOT NULL)),
        stopped_by_user INTEGER NOT NULL DEFAULT 0 CHECK (stopped_by_user IN (0, 1)),
        created_at INTEGER NOT NULL
      );
      INSERT INTO queue_batches_v13 (batch_key, origin, stopped_by_user, created_at) SELECT batch_key, origin, stopped_by_user, created_at FROM queue_batches;
      DROP TABLE queue_batches;
      ALTER TABLE queue_batches_v13 RENAME TO queue_batches;
      INSERT INTO queue_batches (batch_key, origin, rule_id, created_at) SELECT 'rule:' || id, 'rule', id, created_at FROM watch_rules;

      CREATE TABLE queue_jobs (
        id INTEGER PRIMARY KEY,
        batch_key TEXT NOT NULL REFERENCES queue_batches (batch_key) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        input_path TEXT NOT NULL,
        target TEXT NOT NULL,
        output_dir TEXT,
        cohort TEXT,
        options_json TEXT,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'committing', 'succeeded', 'failed', 'cancelled', 'skipped')),
        owner_pid INTEGER,
        lease_expires_at INTEGER,
        scratch_dir TEXT,
        child_pid INTEGER,
        child_command TEXT,
        temp_path TEXT,
        output_path TEXT,
        result_json TEXT,
        content_hash TEXT CHECK (content_hash IS NULL OR length(content_hash) = 64),
        input_size INTEGER,
        input_mtime_ms REAL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      INSERT INTO queue_jobs (id, batch_key, position, input_path, target, output_dir, cohort, options_json, state, owner_pid, lease_expires_at, scratch_dir, child_pid, child_command, temp_path, output_path, result_json, created_at, updated_at)
        SELECT id, batch_key, position, input_path, target, output_dir, cohort, options_json, state, owner_pid, lease_expires_at, scratch_dir, child_pid, child_command, temp_path, output_path, result_json, created_at, updated_at
        FROM queue_jobs_kept;
      DROP TABLE queue_jobs_kept;
      INSERT INTO queue_jobs (batch_key, position, input_path, target, output_dir, options_json, state, owner_pid, lease_expires_at, scratch_dir, child_pid, child_command, temp_path, output_path,
                              result_json, content_hash, input_size, input_mtime_ms, created_at, updated_at)
        SELECT 'rule:' || l.rule_id, l.id, l.path, json_extract(r.spec_json, '$.target'), json_extract(r.spec_json, '$.outputDir'), json_extract(r.spec_json, '$.options'), l.state,
               l.owner_pid, l.lease_expires_at, l.scratch_dir, l.child_pid, l.child_command, l.temp_path, l.output_path,
               CASE WHEN l.state = 'failed' THEN json_object('input', l.path, 'output', NULL, 'status', 'failed', 'pair', '', 'mode', 'local', 'runtimeMs', 0, 'billableMinutes', 0,
                                                          'error', json_object('code', l.error_code, 'message', COALESCE(l.error_message, '')), 'notes', json_array())
                    ELSE l.report_json END,
               l.content_hash, l.size, l.mtime_ms, l.updated_at, l.updated_at
        FROM watch_ledger l JOIN watch_rules r ON r.id = l.rule_id;
      DROP TABLE watch_ledger;
      CREATE INDEX queue_jobs_unfinished ON queue_jobs (state) WHERE state IN ('queued', 'running', 'committing');
      CREATE INDEX queue_jobs_batch ON queue_jobs (batch_key, position);
      CREATE UNIQUE INDEX queue_jobs_content ON queue_jobs (batch_key, content_hash) WHERE content_hash IS NOT NULL;
      CREATE INDEX queue_jobs_sighting ON queue_jobs (batch_key, input_path) WHERE content_hash IS NOT NULL;
      CREATE INDEX queue_jobs_output ON queue_jobs (batch_key, output_path) WHERE content_hash IS NOT NULL AND output_path IS NOT NULL;
    `,
  },
];
