import { describe, expect, it } from 'vitest';
import { settingsSpeed, withDefaultSpeed } from '../../../main/core/app/defaultSpeed';
import { normalizeOptions, optionsIdentity } from '../../../main/core/engine/plan/conversionOptions';

const plain = normalizeOptions({});

describe("the window's default encoding speed", () => {
  it('fills the speed of a video job that chose none', () => {
    expect(withDefaultSpeed(plain, 'mp4', 'fast').speed).toBe('fast');
    expect(withDefaultSpeed(plain, 'gif', 'thorough').speed).toBe('thorough');
  });

  it("leaves a job's own speed, Balanced named included", () => {
    expect(withDefaultSpeed(normalizeOptions({ speed: 'thorough' }), 'mp4', 'fast').speed).toBe('thorough');
    expect(withDefaultSpeed(normalizeOptions({ speed: 'balanced' }), 'webm', 'fast').speed).toBe('balanced');
  });

  it('gives a sound or a picture no speed, and takes a video speed away from one (a Retry to MP3)', () => {
    expect(withDefaultSpeed(plain, 'mp3', 'fast')).toEqual(plain);
    expect(withDefaultSpeed(normalizeOptions({ speed: 'fast' }), 'jpg', 'balanced')).toEqual(plain);
  });

  it('Balanced named makes the same file as no speed: "already converted" is unchanged', () => {
    expect(optionsIdentity(normalizeOptions({ speed: 'balanced' }))).toBe(optionsIdentity(plain));
    expect(optionsIdentity(normalizeOptions({ speed: 'fast' }))).not.toBe(optionsIdentity(plain));
  });

  it('is Settings\' speed on this computer only: in the modes that may upload a default would keep every video here', () => {
    expect(settingsSpeed({ mode: 'local', encodingSpeed: 'thorough' })).toBe('thorough');
    for (const mode of ['hosted', 'auto', 'hybrid'] as const) expect(settingsSpeed({ mode, encodingSpeed: 'thorough' }), mode).toBe('balanced');
  });
});
