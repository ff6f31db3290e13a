import { describe, expect, it } from 'vitest';
import { appFacts } from '../../main/core/facts';
import type { Settings } from '../../preload/contract';
import { niceTicks } from '../../renderer/src/lib/chartScale';
import { isFullPath, settingsProblems } from '../../renderer/src/lib/validation';
import { describeFacts, formatDuration } from '../../renderer/src/lib/format';

const facts = appFacts();
const valid: Settings = { mode: 'local', apiUrl: 'https://convertr.org', clientCohort: null, hybridBudgetUsd: 0, stripPhotoLocation: false, serviceCohort: null, clientLabelSet: false, onDrop: 'start', notifications: true, outputFolder: null, concurrency: { video: 2, audio: 2, image: 2 }, encodingSpeed: 'balanced' };

describe('chart axis steps', () => {
  it('starts at 0 and reaches the maximum in at most five round steps', () => {
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(5)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0)).toEqual([0, 1]);
    for (const max of [1, 3, 7, 12, 99, 1000, 12345]) {
      const ticks = niceTicks(max);
      expect(ticks[0]).toBe(0);
      expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.every(Number.isInteger)).toBe(true);
    }
  });
});

describe('settings checked before they are sent', () => {
  it('accepts full paths only', () => {
    expect(['/home/me/out', 'C:\\Users\\me', 'D:/x', '\\\\server\\share'].every(isFullPath)).toBe(true);
    expect(['converted', './out', '~/out', 'out/x', ''].some(isFullPath)).toBe(false);
  });

  it('says what is wrong beside each field, in plain words', () => {
    expect(settingsProblems(valid, facts)).toEqual({});
    expect(settingsProblems({ ...valid, outputFolder: '  ' }, facts).outputFolder).toBe('Type the folder for converted files, or choose “Beside each original”.');
    expect(settingsProblems({ ...valid, outputFolder: 'converted' }, facts).outputFolder).toMatch(/^Type a full path that starts with \/ .*“converted” does not say where it is\.$/);
    expect(settingsProblems({ ...valid, apiUrl: 'convertr.org' }, facts).apiUrl).toMatch(/starting with https:\/\//);
    expect(settingsProblems({ ...valid, apiUrl: 'ftp://convertr.org' }, facts).apiUrl).toBeDefined();
    expect(settingsProblems({ ...valid, concurrency: { video: 21, audio: 0, image: Number.NaN } }, facts)).toEqual({
      video: 'Choose a whole number from 1 to 20.',
      audio: 'Choose a whole number from 1 to 40.',
      image: 'Choose a whole number of 1 or more.',
    });
    // The plan sets no ceiling for pictures (core's PLAN_CEILINGS), so the window sets none either.
    expect(settingsProblems({ ...valid, concurrency: { video: 20, audio: 40, image: 300 } }, facts)).toEqual({});
  });
});

describe('row facts', () => {
  it('reads the length as m:ss or h:mm:ss', () => {
    expect(formatDuration(3.04)).toBe('0:03');
    expect(formatDuration(40)).toBe('0:40');
    expect(formatDuration(754.6)).toBe('12:35');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(undefined)).toBe('');
  });

  it('shows the picture size, the output\'s only when it differs, then the length', () => {
    const hd = { width: 1920, height: 1080, durationSeconds: 40 };
    expect(describeFacts(hd, { width: 640, height: 360, durationSeconds: 40 })).toBe('1920×1080 → 640×360 · 0:40');
    expect(describeFacts(hd, hd)).toBe('1920×1080 · 0:40');
    expect(describeFacts({ width: null, height: null, durationSeconds: 2 }, null)).toBe('0:02');
    expect(describeFacts({ width: 450, height: 600, durationSeconds: null }, undefined)).toBe('450×600');
    expect(describeFacts(null, null)).toBe('');
  });
});
