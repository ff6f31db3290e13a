import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../main/cli/didYouMean';
import { ROOT, runBuiltCli } from '../helpers/cli';
import { removeDir, tempDir } from '../helpers/media';

// What users run: the built command (test.sh builds before the suite).
const convertr = (...args: string[]) => runBuiltCli(args, { CONVERTR_HOME: home });
const home = tempDir('convertr-usage-');
afterAll(() => removeDir(home));

describe('the built convertr command explains itself', () => {
  it('prints its version', async () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) expect(await convertr(flag)).toMatchObject({ code: 0, stdout: `convertr ${version}\n` });
  });

  it.each(['convert', 'watch', 'serve', 'stats', 'doctor', 'register', 'logout', 'resume'])('prints only the help of %s for --help, -h and help <command>', async (command) => {
    const help = await convertr(command, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: convertr ${command}\\b`));
    expect(help.stdout).not.toMatch(/Commands:|Exit codes/);
    expect((await convertr(command, '-h')).stdout).toBe(help.stdout);
    expect((await convertr('help', command)).stdout).toBe(help.stdout);
  });

  it.each([
    [['transmogrify'], /^convertr: Unknown command "transmogrify"\.\nRun "convertr help" for the commands\.\n$/],
    [['convrt', 'a.mp4'], /Unknown command "convrt"\. Did you mean "convert"\?/],
    [['convert', 'a.mp4', '--to', 'mp33'], /--to mp33 is not a format Convertr writes\. Did you mean "mp3"\?/],
    [['convert', 'a.mp4', '--to', 'wbep'], /Did you mean "webp"\?/],
    [['convert', 'a.mp4', '--too', 'mp3'], /^convertr: Unknown option --too for convert\. Did you mean "--to"\?\nRun "convertr convert --help" for its options\.\n$/],
    [['stats', '--windw', '3d'], /Unknown option --windw for stats\. Did you mean "--window"\?/],
  ])('a usage error for %j is one line and a hint, exit 2', async (args, expected) => {
    const run = await convertr(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr.trim().split('\n')).toHaveLength(2);
  });

  it('refuses --out naming a file, before any work', async () => {
    const file = path.join(home, 'notes.txt');
    writeFileSync(file, 'mine');
    const run = await convertr('convert', path.join(home, 'a.mp4'), '--to', 'mp3', '--out', file);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out .*notes\.txt is a file; --out takes a folder/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});

describe('did you mean', () => {
  it('measures typos as a person makes them', () => {
    expect(editDistance('convert', 'convert')).toBe(0);
    expect(editDistance('cnovert', 'convert')).toBe(1);
    expect(editDistance('mp33', 'mp3')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only what is close, preferring the closest', () => {
    expect(closestMatch('stast', ['stats', 'serve'])).toBe('stats');
    expect(closestMatch('mp4', ['mp3', 'mp4'])).toBe('mp4');
    expect(closestMatch('docx', ['mp3', 'jpg', 'png'])).toBeUndefined();
    expect(closestMatch('xyz', ['mp3'])).toBeUndefined();
    expect(closestMatch('.JPG', ['jpg', 'png'])).toBe('jpg');
  });
});
