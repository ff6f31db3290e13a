import { describe, expect, it } from 'vitest';
import { fuzzReaders } from './differential';

/**
 * A short run of the differential fuzz (`npm run fuzz` runs the long one): a few hundred seeded mutants of the
 * committed seeds; every one an in-process reader vouches for, ffprobe or sharp must read alike.
 */
describe('the in-process readers against ffprobe and sharp, on mutated files', () => {
  it('never vouch for a mutant the real decoder refuses or reads otherwise', async () => {
    const report = await fuzzReaders({ count: 400, seconds: 50, seed: 7 });
    expect(report.disagreements).toEqual([]);
    for (const [reader, counts] of Object.entries(report.counts)) {
      expect(counts.mutants, reader).toBeGreaterThan(20);
      // Mutants of every kind reach past the first checks, or the run would prove nothing.
      expect(counts.accepted, reader).toBeGreaterThan(0);
    }
  }, 90_000);
});
