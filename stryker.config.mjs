// Mutation testing of the pure core rules (`npm run mutate`, not part of CI): planners, sniffing, format and
// pair rules, the output checks, billable minutes, cohort hashing and stats math. Runs only the fast tests that cover them.
import { fileURLToPath } from 'node:url';

// Stryker's sandbox sits deeper than the checkout, so tests find the shared corpus through this variable.
process.env.CONVERTR_TEST_CORPUS ??= fileURLToPath(new URL('../shared/corpus', import.meta.url));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: [
    'main/core/engine/plan/planVideo.ts',
    'main/core/engine/plan/planAudio.ts',
    'main/core/engine/plan/ffmpegPlan.ts',
    'main/core/engine/check/checkMediaOutput.ts',
    'main/core/engine/check/checkImageOutput.ts',
    'main/core/engine/identify/sniff.ts',
    'main/core/formats.ts',
    'main/core/pairs.ts',
    'main/core/telemetry/billing.ts',
    'main/core/durationText.ts',
    'main/core/telemetry/cohort.ts',
    'main/core/telemetry/stats.ts',
  ],
  coverageAnalysis: 'perTest',
  // Constants built when a module loads (the format tables) would each need the whole suite again; the tests
  // that read those tables still guard them, and the run stays within minutes on two cores.
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
