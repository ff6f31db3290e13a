// Benchmark: roll up 1 million conversion rows in a real SQLite file (npm run bench:stats).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cohortOf } from '../../main/core/telemetry/cohort';
import { DAY_MS, buildStats, dayOf } from '../../main/core/telemetry/stats';
import { openDatabase } from '../../native/sqlite/openDatabase';
import { SqliteTelemetryStore } from '../../native/sqlite/sqliteTelemetryStore';

const ROWS = Number(process.env['ROWS'] ?? 1_000_000);
const PAIRS = ['MP4->MP3', 'MP4->MP4', 'HEIC->JPG', 'AVI->MP4', 'MOV->MP4', 'WAV->MP3', 'PNG->WEBP', 'MKV->MP4', 'JPG->PNG', 'FLAC->MP3'];
const COHORTS = Array.from({ length: 50 }, (_, i) => cohortOf(`client ${i}`));

const dir = mkdtempSync(path.join(tmpdir(), 'convertr-bench-'));
const db = openDatabase(dir);
const store = new SqliteTelemetryStore(db);
const now = Date.now();
const today = dayOf(now);

let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const insertStart = performance.now();
const insertAll = db.transaction(() => {
  for (let i = 0; i < ROWS; i++) {
    const succeeded = random() > 0.1;
    const runtimeMs = Math.round(random() * 180_000);
    store.record({
      finishedAt: now - Math.floor(random() * 90) * DAY_MS,
      pair: PAIRS[i % PAIRS.length]!,
      mode: random() > 0.8 ? 'hosted' : 'local',
      status: succeeded ? 'succeeded' : 'failed',
      errorCode: succeeded ? null : 'FFMPEG_FAILED',
      runtimeMs,
      inputBytes: 1_000_000,
      outputBytes: 500_000,
      billableMinutes: succeeded ? Math.max(1, Math.ceil(runtimeMs / 60_000)) : 0,
      cohort: COHORTS[i % COHORTS.length] ?? null,
    });
  }
});
insertAll();
const insertMs = performance.now() - insertStart;

const timings: number[] = [];
let stats;
for (let run = 0; run < 7; run++) {
  const start = performance.now();
  stats = buildStats(store.totals(today - 13, today), 14, today);
  buildStats(store.totals(today - 89, today), 90, today);
  timings.push((performance.now() - start) / 2);
}
timings.sort((a, b) => a - b);
console.log(`rows: ${ROWS.toLocaleString('en')}, inserted in ${(insertMs / 1000).toFixed(1)} s`);
console.log(`rollup (14d and 90d windows): median ${timings[3]!.toFixed(2)} ms, worst ${timings[6]!.toFixed(2)} ms over 7 runs`);
console.log(`14d: ${stats!.totalRequests.toLocaleString('en')} requests, ${stats!.cohorts} cohorts, most used ${stats!.mostUsedPair}`);
db.close();
rmSync(dir, { recursive: true, force: true });
