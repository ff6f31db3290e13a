import { describe, expect, it } from 'vitest';
import { randomHex } from '../../main/core/engine/run/randomNames';

describe('randomHex', () => {
  it('gives names of the asked length that never repeat, across many refills of its pool', () => {
    const names = Array.from({ length: 20_000 }, () => randomHex(6));
    expect(names.every((name) => /^[0-9a-f]{12}$/.test(name))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(randomHex(5000)).toMatch(/^[0-9a-f]{10000}$/);
  });
});
