import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topLevelErrorText } from '../../main/cli/topLevelError';
import { runBuiltCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

describe('an error no command expected is one plain sentence and what to do, never a stack', () => {
  const dir = tempDir('convertr-top-level-');
  const home = path.join(dir, 'not-a-folder');
  writeFileSync(home, 'a file where the data folder should be');
  writeFileSync(path.join(dir, 'voice.wav'), 'RIFF');
  afterAll(() => removeDir(dir));

  it.each([
    ['stats', ['stats']],
    ['convert', ['convert', path.join(dir, 'voice.wav'), '--to', 'mp3']],
    ['watch', ['watch', dir, '--to', 'mp3']],
  ])('%s with CONVERTR_HOME pointing at a file', async (_name, args) => {
    const run = await runBuiltCli(args, { CONVERTR_HOME: home });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`convertr: Convertr's data folder ${home} is not a folder (a file has its name); set CONVERTR_HOME to a folder you can write to.\n`);
  }, 30_000);

  it('--verbose adds the system\'s own words on a line of their own', async () => {
    const run = await runBuiltCli(['convert', path.join(dir, 'voice.wav'), '--to', 'mp3', '--verbose'], { CONVERTR_HOME: home });
    expect(run.code).toBe(1);
    const [first, details, ...rest] = run.stderr.trimEnd().split('\n');
    expect(first).toMatch(/^convertr: Convertr's data folder .* is not a folder/);
    expect(details).toMatch(/^ {4}details: \[ENOTDIR\] ENOTDIR: not a directory/);
    expect(rest).toEqual([]);
  }, 30_000);
});

describe('topLevelErrorText', () => {
  it('names no tool words and shows no stack for an error nobody expected, unless --verbose', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'width')");
    const plain = topLevelErrorText(error, { verbose: false, dataDirectory: '/data' });
    expect(plain).toBe('convertr: Something went wrong inside Convertr. Try again; if it fails again, copy the support info and send it to us.');
    const verbose = topLevelErrorText(error, { verbose: true, dataDirectory: '/data' });
    expect(verbose).toContain("details: [INTERNAL] Cannot read properties of undefined (reading 'width')");
    expect(verbose).toMatch(/\n\s+at /);
  });
});
