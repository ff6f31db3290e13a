import { defineConfig } from 'vitest/config';

/** The fast tests of pure core logic that `npm run mutate` (StrykerJS) runs against each mutant. */
export default defineConfig({
  test: {
    include: [
      'test/core/*.test.ts',
      'test/core/telemetry/*.test.ts',
      'test/native/sqlite/telemetryStore.test.ts',
    ],
    testTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
