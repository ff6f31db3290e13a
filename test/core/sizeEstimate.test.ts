import { describe, expect, it } from 'vitest';
import { estimateOutputSize } from '../../main/core/engine/plan/sizeEstimate';

const minuteOf1080p = { bytes: 400_000_000, seconds: 60, pixels: 1920 * 1080 };

describe('output size estimates before Start', () => {
  it('a size limit caps the estimate and says so: a long 1080p video for email is "at most 25 MB"', () => {
    expect(estimateOutputSize(minuteOf1080p, 'mp4', { quality: 'balanced', maxSizeBytes: 25_000_000 })).toEqual({ bytes: 25_000_000, atMost: true });
  });

  it('a short clip under its size limit is estimated from its quality, below the limit', () => {
    const estimate = estimateOutputSize({ bytes: 5_000_000, seconds: 5, pixels: 1280 * 720 }, 'mp4', { quality: 'balanced', maxSizeBytes: 25_000_000 });
    expect(estimate?.atMost).toBe(false);
    expect(estimate!.bytes).toBeLessThan(25_000_000);
  });

  it('quality levels order the estimates: small < balanced < high, and a resize makes the file smaller', () => {
    const size = (quality: 'small' | 'balanced' | 'high', resize?: number) => estimateOutputSize(minuteOf1080p, 'mp4', { quality, ...(resize ? { resize } : {}) })!.bytes;
    expect(size('small')).toBeLessThan(size('balanced'));
    expect(size('balanced')).toBeLessThan(size('high'));
    expect(size('balanced', 1280)).toBeLessThan(size('balanced'));
    // About 2 Mbit/s of 1080p for a minute, plus 192 kbit/s of sound: some 30 MB, not 3 or 300.
    expect(size('balanced')).toBeGreaterThan(10_000_000);
    expect(size('balanced')).toBeLessThan(60_000_000);
  });

  it('sound is its bitrate times its length: 3 minutes of MP3 at 192 kbps is 4.32 MB; a chosen bitrate wins', () => {
    expect(estimateOutputSize({ bytes: 30_000_000, seconds: 180 }, 'mp3', { quality: 'balanced' })).toEqual({ bytes: 4_320_000, atMost: false });
    expect(estimateOutputSize({ bytes: 30_000_000, seconds: 180 }, 'mp3', { quality: 'balanced', audioBitrateKbps: 64 })).toEqual({ bytes: 1_440_000, atMost: false });
  });

  it('gives no figure where none would be honest: lossless sound, pictures, an unknown length', () => {
    expect(estimateOutputSize({ bytes: 30_000_000, seconds: 180 }, 'flac', { quality: 'balanced' })).toBeNull();
    expect(estimateOutputSize({ bytes: 3_000_000 }, 'jpg', { quality: 'small' })).toBeNull();
    expect(estimateOutputSize({ bytes: 3_000_000 }, 'mp4', { quality: 'small' })).toBeNull();
  });
});
