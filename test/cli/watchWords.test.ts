import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBuiltCli, type CliRun } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

/** Words of the system and of ffmpeg that a person should not have to read. */
const TOOL_WORDS = /\bE[A-Z]{4,}\b|\bmkdir\b|not a directory|Invalid data|moov|ffmpeg|ffprobe/;

describe('convertr watch prints failures in plain words, and the tool words only with --verbose', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeDir(dir);
  });

  /**
   * Watches an empty folder with a done folder; once watching, the done folder becomes a file (so moving a
   * converted source fails) and a picture and a damaged video arrive.
   */
  async function watchWithProblems(extra: string[]): Promise<CliRun> {
    const dir = tempDir('convertr-watch-words-');
    dirs.push(dir);
    const input = path.join(dir, 'in');
    const done = path.join(dir, 'done');
    mkdirSync(input);
    const run = startBuiltCli(['watch', input, '--to', 'jpg', '--move-to', done, '--stable-for', '200ms', ...extra], { CONVERTR_HOME: path.join(dir, 'home') });
    let stderr = '';
    let stdout = '';
    run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    run.child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    await waitFor(() => stderr.includes('Press Ctrl-C to stop.'), 'the watching line', 30_000);
    rmSync(done, { recursive: true, force: true });
    writeFileSync(done, 'a file where the done folder was');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-frames:v', '1', path.join(dir, 'photo.png')]);
    writeFileSync(path.join(input, 'broken.png'), 'not a picture, only words '.repeat(40));
    copyFileSync(path.join(dir, 'photo.png'), path.join(input, 'photo.png'));
    await waitFor(() => /could not be moved/.test(stderr) && stdout.includes('broken.png'), 'the failure lines', 60_000);
    run.child.kill('SIGINT');
    return run.done;
  }

  it('says what went wrong without errno codes or the tool words', async () => {
    const { code, stdout, stderr } = await watchWithProblems([]);
    expect(code).toBe(0);
    const problem = stderr.split('\n').find((line) => line.includes('photo.png') && line.startsWith('!'))!;
    expect(problem).toMatch(/^! \S+photo\.png: Converted, but the source could not be moved\.$/);
    const failure = stdout.slice(stdout.indexOf('✘'));
    expect(failure).toMatch(/broken\.png\n {4}\S/);
    expect(`${stdout}\n${stderr}`).not.toMatch(TOOL_WORDS);
    expect(`${stdout}\n${stderr}`).not.toContain('details:');
  }, 120_000);

  it('--verbose adds the code and the original words under each failure', async () => {
    const { code, stdout, stderr } = await watchWithProblems(['--verbose']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/could not be moved\.\n {4}details: .*(ENOTDIR|EEXIST|not a directory)/);
    expect(stdout).toMatch(/broken\.png\n.*\n {4}details: \[[A-Z_]+\] /);
  }, 120_000);
});
