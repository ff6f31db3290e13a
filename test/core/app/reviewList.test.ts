import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReviewListStore } from '../../../main/core/app/reviewList';
import { removeDir, tempDir } from '../../helpers/media';

describe('ReviewListStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('convertr-review-list-');
  });
  afterEach(() => removeDir(dir));

  it('keeps the waiting files with their choices for the next process, in the data folder', () => {
    const rows = [{ path: '/photos/pug.heic', target: 'png' as const, preset: null }, { path: '/music/voice.wav', target: 'mp3' as const, preset: 'podcast-mp3' }];
    new ReviewListStore(dir).set(rows);
    expect(new ReviewListStore(dir).get()).toEqual(rows);
    expect(JSON.parse(readFileSync(path.join(dir, 'review.json'), 'utf8'))).toEqual({ rows });
  });

  it('reads a missing or damaged file as an empty list, never as an error', () => {
    expect(new ReviewListStore(dir).get()).toEqual([]);
    writeFileSync(path.join(dir, 'review.json'), '{"rows": [{"path": "/a.jpg", "target": "exe"}]');
    expect(new ReviewListStore(dir).get()).toEqual([]);
  });
});
