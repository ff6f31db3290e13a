import { fuzzReaders, type ReaderName } from './differential';

/**
 * `npm run fuzz`: the differential fuzz of the in-process readers, bounded by FUZZ_COUNT mutants (default 2000)
 * and FUZZ_SECONDS (default 600); FUZZ_SEED picks the mutants, FUZZ_READERS (mp4,mp4video,mp3,jpeg,png) the readers.
 * Prints the counts and every disagreement as JSON; exits 1 when a reader vouched for what its decoder refuses.
 */
const env = process.env;
const report = await fuzzReaders({
  count: Number(env['FUZZ_COUNT'] ?? 2000),
  seconds: Number(env['FUZZ_SECONDS'] ?? 600),
  seed: Number(env['FUZZ_SEED'] ?? 1),
  ...(env['FUZZ_READERS'] ? { readers: env['FUZZ_READERS'].split(',') as ReaderName[] } : {}),
});
for (const d of report.disagreements) console.log(JSON.stringify(d));
console.log(JSON.stringify({ seed: report.seed, seconds: report.seconds, counts: report.counts }, null, 2));
process.exitCode = report.disagreements.length > 0 ? 1 : 0;
