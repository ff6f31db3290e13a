import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const TOOL_WORDS = /moov|atom|getaddrinfo|ENOTFOUND|ENOTDIR|mkdir|D-Bus|X11|address is empty|\$DISPLAY|\b0 MB\b|\[[A-Z_]+\]/;

/** Failures as a user meets them through the built command: plain words and what to do; the tool's words only with --verbose. */
describe('errors in plain words', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let video: string;

  beforeAll(() => {
    dir = tempDir('convertr-words-');
    // No desktop session: the keychain cannot start, as on a server or in a container.
    env = { CONVERTR_HOME: path.join(dir, 'home'), DISPLAY: '', DBUS_SESSION_BUS_ADDRESS: '' };
    video = path.join(dir, 'clip.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc=s=640x360:d=20:r=25', '-c:v', 'libx264', '-preset', 'ultrafast', video]);
  });
  afterAll(() => removeDir(dir));

  /** Runs a conversion that fails; returns all it printed. */
  async function failing(args: string[]): Promise<string> {
    const run = await runBuiltCli(args, env);
    expect(run.code, run.stderr).toBe(1);
    return run.stdout + run.stderr;
  }

  function expectPlain(text: string, sentence: RegExp): void {
    expect(text).toMatch(sentence);
    expect(text, text).not.toMatch(TOOL_WORDS);
  }

  it('a damaged MP4 (no moov atom)', async () => {
    const broken = path.join(dir, 'broken.mp4');
    const bytes = readFileSync(video);
    writeFileSync(broken, bytes.subarray(0, bytes.indexOf('moov') - 4));
    const plain = await failing(['convert', broken, '--to', 'mp3']);
    expectPlain(plain, /This file is damaged or incomplete\. Open it on the device that made it; .*again\./);
    const verbose = await failing(['convert', broken, '--to', 'mp3', '--verbose']);
    expect(verbose).toMatch(/details: \[INPUT_CORRUPT\] .*moov atom not found/);
  });

  it('an output folder under a file (ENOTDIR)', async () => {
    const file = path.join(dir, 'afile');
    writeFileSync(file, 'x');
    const plain = await failing(['convert', video, '--to', 'mkv', '--out', path.join(file, 'sub')]);
    expectPlain(plain, /The output folder .*sub cannot be created\. Pick an output folder you can write to\./);
    const verbose = await failing(['convert', video, '--to', 'mkv', '--out', path.join(file, 'sub'), '--verbose']);
    expect(verbose).toMatch(/details: \[OUTPUT_UNWRITABLE\] .*ENOTDIR: not a directory/);
  });

  it('a size limit far too small (--max-size 0.01MB)', async () => {
    const plain = await failing(['convert', video, '--to', 'mp4', '--max-size', '0.01MB', '--out', path.join(dir, 'small')]);
    expectPlain(plain, /cannot fit in 10 KB .* it needs at least [\d.]+ MB.*\. Choose a larger size limit/);
    const verbose = await failing(['convert', video, '--to', 'mp4', '--max-size', '0.01MB', '--out', path.join(dir, 'small'), '--verbose']);
    expect(verbose).toMatch(/details: \[SIZE_UNREACHABLE\]/);
  });

  it('no network for the hosted API, and no keychain without a desktop session', async () => {
    const plain = await failing(['convert', video, '--to', 'mkv', '--mode', 'hosted', '--api-url', 'https://convertr.invalid']);
    expectPlain(plain, /clip\.mp4\n {4}[A-Z][^\n]*reach[^\n]*\.\n/);
    expect(plain).toMatch(/No OS keychain is available\. Converting anonymously\./);
    const verbose = await failing(['convert', video, '--to', 'mkv', '--mode', 'hosted', '--api-url', 'https://convertr.invalid', '--verbose']);
    expect(verbose).toMatch(/details: \[HOSTED_NETWORK\] Cannot reach convertr\.invalid \(the name does not resolve\)/);
    expect(verbose).toMatch(/D-Bus|address is empty/);
  });
});
