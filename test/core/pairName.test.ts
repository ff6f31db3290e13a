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
    expect(failed(path.join(dir, 'gone'))).not.toHaveProperty('inputFormat');
  });

  it('names bytes that are not the format their name claims by what they are, and the report carries what they are', () => {
    const text = path.join(dir, 'holiday.mp4');
    writeFileSync(text, 'These are my holiday notes, not a video.\n');
    expect(failed(text)).toMatchObject({ pair: 'Text file->MP3', inputFormat: null });
    const junk = path.join(dir, 'junk.wav');
    writeFileSync(junk, Buffer.from([0x00, 0x13, 0x37, 0xfe, 0x80, 0x01, 0x02, 0x9c, 0x44, 0x00, 0xaa, 0x55, 0x10, 0x20, 0x30, 0x40]));
    expect(failed(junk)).toMatchObject({ pair: 'Unrecognised file->MP3', inputFormat: null });
    const renamed = path.join(dir, 'clip.mp4');
    copyFileSync(corpus('audio/sixchan.wav'), renamed);
    expect(failed(renamed)).toMatchObject({ pair: 'WAV->MP3', inputFormat: 'wav' });
    // A name that claims no format stays the name (XYZ->MP3), but the report still knows the bytes are no media.
    const letter = path.join(dir, 'letter.xyz');
    writeFileSync(letter, 'just words');
    expect(failed(letter)).toMatchObject({ pair: 'XYZ->MP3', inputFormat: null });    // A drawing saved under a picture's name is named as the drawing it is, not as text.
    const drawing = path.join(dir, 'logo.png');
    writeFileSync(drawing, '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n');
    expect(failed(drawing)).toMatchObject({ pair: 'SVG drawing->MP3', inputFormat: null });
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
