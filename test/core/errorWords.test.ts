import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../main/core/errors';
import { adviceFor, errorForPeople, plainLine, hasToolWords, plainMessage, plainSentenceFor } from '../../main/core/errorWords';

/** Verbs a piece of advice starts with: it names something the user can do. */
const DOING = /^(Run|Add|Copy|Check|Open|Download|Pick|Choose|Make|Try|Remove|Free|Reinstall|Retry|Register|Wait|Update|Unlock|Edit|Convert)\b/;
const PLAIN_SENTENCE = /^[A-Z][^\n]*\.$/;

/** What tools and the system say, as the engine has thrown it. */
const TOOL_MESSAGES = [
  'This file is damaged or incomplete: moov atom not found',
  'The hosted API cannot be reached (getaddrinfo ENOTFOUND convertr.org); check the connection or convert locally.',
  "The output folder /tmp/x/sub cannot be created: ENOTDIR: not a directory, mkdir '/tmp/x/sub'",
  'No OS keychain is available (Cannot autolaunch D-Bus without X11 $DISPLAY).',
  'No OS keychain is available (The given address is empty).',
  'ffmpeg exited with code 1: Invalid data found when processing input',
  "EACCES: permission denied, open '/data/convertr.db'",
  'This file is damaged or incomplete: Invalid argument',
  'ffmpeg stopped: Error while decoding stream #0:1: Invalid data',
];

describe('every error a user can meet, in plain words', () => {
  it.each(ERROR_CODES)('%s: a plain sentence and what to do', (code) => {
    const sentence = plainSentenceFor(code);
    const advice = adviceFor(code);
    for (const text of [sentence, advice]) {
      expect(text).toMatch(PLAIN_SENTENCE);
      expect(hasToolWords(text), text).toBe(false);
      expect(text).not.toMatch(/\b[A-Z]+_[A-Z_]+\b/);
    }
    expect(advice).toMatch(DOING);
    for (const message of TOOL_MESSAGES) {
      const plain = plainMessage({ code, message });
      expect(plain).toMatch(PLAIN_SENTENCE);
      expect(hasToolWords(plain), plain).toBe(false);
    }
  });

  it('keeps what the message says in the user\'s terms and takes out only the tool\'s words', () => {
    expect(plainMessage({ code: 'INPUT_CORRUPT', message: TOOL_MESSAGES[0]! })).toBe('This file is damaged or incomplete.');
    expect(plainMessage({ code: 'INPUT_CORRUPT', message: 'This file is damaged or incomplete: Invalid argument' })).toBe('This file is damaged or incomplete.');
    expect(plainMessage({ code: 'OUTPUT_UNWRITABLE', message: TOOL_MESSAGES[2]! })).toBe('The output folder /tmp/x/sub cannot be created.');
    expect(plainMessage({ code: 'KEYCHAIN_UNAVAILABLE', message: TOOL_MESSAGES[3]! })).toBe('No OS keychain is available.');
    expect(plainMessage({ code: 'DATA_FOLDER_UNWRITABLE', message: TOOL_MESSAGES[5]! })).toBe('Convertr cannot save its own records in its data folder.');
  });

  it('gives the window the plain message and the advice in the job\'s error, the original words kept for support', () => {
    expect(errorForPeople({ code: 'INPUT_CORRUPT', message: TOOL_MESSAGES[0]! })).toEqual({
      code: 'INPUT_CORRUPT', message: 'This file is damaged or incomplete.', advice: adviceFor('INPUT_CORRUPT'), detail: TOOL_MESSAGES[0],
    });
    expect(errorForPeople({ code: 'NO_AUDIO_STREAM', message: 'This file has no audio track, so it cannot become MP3.' })).toEqual({
      code: 'NO_AUDIO_STREAM', message: 'This file has no audio track, so it cannot become MP3.', advice: 'Choose a video format such as MP4 instead.',
    });
    expect(errorForPeople({ code: 'SOMETHING_ELSE', message: 'x' }).advice).toBe(adviceFor('INTERNAL'));
  });

  it('says what to do once: the code\'s advice unless the message already ends with some', () => {
    expect(plainLine({ code: 'HOSTED_NETWORK', message: TOOL_MESSAGES[1]! })).toBe('The hosted API cannot be reached; check the connection or convert locally.');
    expect(plainLine({ code: 'INPUT_CORRUPT', message: TOOL_MESSAGES[0]! })).toBe(`This file is damaged or incomplete. ${adviceFor('INPUT_CORRUPT')}`);
    // A last sentence, or a last "or" clause, that tells what to do; a size with a decimal point inside it.
    for (const [code, message] of [
      ['INPUT_CORRUPT', 'This file is cut short: only 50 % of its data is there. Copy it again from where it came from.'],
      ['TOO_LARGE', 'This picture is 20000x1000 pixels; WEBP pictures are at most 16383 pixels wide and high. Resize it to at most 16383 pixels on its longest edge (--resize 16383), or convert it to PNG or TIFF, which hold it whole.'],
      ['SIZE_UNREACHABLE', 'This clip needs at least 1.2 MB. Choose a limit of 1.2 MB or more.'],
    ] as const) expect(plainLine({ code, message })).toBe(message);
    expect(plainLine({ code: 'TOO_LARGE', message: 'This picture is 20000x1000 pixels, above what Convertr opens.' })).toBe(`This picture is 20000x1000 pixels, above what Convertr opens. ${adviceFor('TOO_LARGE')}`);
  });

  it('keeps the sentences that hold no tool words when the first one cannot be kept (what else happened is not lost)', () => {
    const message = 'ffmpeg was not found (set FFMPEG_PATH, install ffmpeg-static, or put ffmpeg on PATH). The hosted API at https://convertr.org did not answer either, so this job cannot run now; try again when online.';
    expect(plainMessage({ code: 'TOOL_MISSING', message })).toBe(`${plainSentenceFor('TOOL_MISSING')} The hosted API at https://convertr.org did not answer either, so this job cannot run now; try again when online.`);
  });
});
