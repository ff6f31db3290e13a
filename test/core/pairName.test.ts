import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { guessPair, reportFor } from '../../main/core/jobs/jobReport';
import { JobControl } from '../../main/core/jobs/jobContext';
import { corpus, removeDir, tempDir } from '../helpers/media';

const dir = tempDir('convertr-pairname-');
afterAll(() => removeDir(dir));

const failed = (input: string) => reportFor(input, 'mp3', { id: 1, lane: 'audio', status: 'failed', progress: 0, etaSeconds: undefined, queuedAt: 0, startedAt: 0, finishedAt: 5, result: undefined, error: { code: 'FORMAT_UNRECOGNIZED', message: 'x' } } as never);

describe('pairs are named by what was recognised, never UNKNOWN', () => {
  it('names an input by its extension in capitals when the name is all there is, else "Unrecognised file"', () => {
    expect(guessPair('/music/song.wav', 'mp3')).toBe('WAV->MP3');
    expect(guessPair('/music/notes.xyz', 'mp3')).toBe('XYZ->MP3');
    expect(guessPair('/music/README', 'mp3')).toBe('Unrecognised file->MP3');
  });

  it("names a failed job's input by its content's format when its first bytes are a known format", () => {
    const renamed = path.join(dir, 'voice.dat');
    copyFileSync(corpus('audio/sixchan.wav'), renamed);
    expect(failed(renamed).pair).toBe('WAV->MP3');
    const text = path.join(dir, 'letter.doc');
    writeFileSync(text, 'just words');
    expect(failed(text).pair).toBe('DOC->MP3');
    expect(failed(path.join(dir, 'gone'))).toMatchObject({ pair: 'Unrecognised file->MP3' });
  });
});

describe('JobControl', () => {
  it('counts the time a job was held paused, across several pauses', () => {
    let now = 1000;
    const control = new JobControl(() => {}, () => now);
    control.pause();
    now += 300;
    expect(control.pausedMs()).toBe(300);
    control.resume();
    now += 1000;
    control.pause();
    control.pause();
    now += 200;
    control.resume();
    now += 50;
    expect(control.pausedMs()).toBe(500);
  });
});
