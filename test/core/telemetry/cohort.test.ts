import { describe, expect, it } from 'vitest';
import { cohortOf, normalizeLabel } from '../../../main/core/telemetry/cohort';

/** Known answers computed outside the code (sha256sum / Python hashlib over the normalized label). */
describe('cohort hashing', () => {
  it.each([
    ['Studio A', 'cohort_22d145753dc692b3'],
    ['  studio \t  A ', 'cohort_22d145753dc692b3'],
    ['abc', 'cohort_ba7816bf8f01cfea'],
    ['  Ｃａｆé\u00a0 \tＦＩＬＭ  ', 'cohort_b0b36e8da2677535'],
    [`${'x'.repeat(79)}éyyy`, 'cohort_e8c8b8e688786205'],
  ])('%j -> %s (SHA-256 of the normalized label, first 16 hex)', (label, cohort) => {
    expect(cohortOf(label)).toBe(cohort);
  });

  it('normalizes with NFKC, trims, collapses inner whitespace, lower-cases and keeps 80 characters', () => {
    expect(normalizeLabel('  Ｃａｆé\u00a0 \tＦＩＬＭ  ')).toBe('café film');
    expect([...normalizeLabel('😀'.repeat(100))]).toHaveLength(80);
    expect(cohortOf(undefined)).toBeNull();
    expect(cohortOf(' \t ')).toBeNull();
  });
});
