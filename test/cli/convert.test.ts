import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, startCli } from '../helpers/cli';
import { corpus, listAll, makeMedia, removeDir, tempDir } from '../helpers/media';
import { waitFor } from '../helpers/watchCli';

describe('convertr convert', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-cli-');
    mkdirSync(path.join(dir, 'photos', 'nested'), { recursive: true });
    copyFileSync(corpus('heic/IMG_5195.HEIC'), path.join(dir, 'photos', 'IMG_5195.HEIC'));
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(dir, 'photos', 'nested', 'portrait.jpg'));
    writeFileSync(path.join(dir, 'photos', 'readme.txt'), 'not media');
    writeFileSync(path.join(dir, 'photos', 'nested', 'broken.png'), 'not a png');
  });
  afterAll(() => removeDir(dir));

  it('converts a folder recursively, prints one JSON line per job (a file already in the target format skipped) and exits 1 when one failed', async () => {
    const out = path.join(dir, 'out-json');
    const run = await runCli(['convert', path.join(dir, 'photos'), '--to', 'jpg', '--out', out, '--json']);
    expect(run.code).toBe(1);
    const lines = jsonLines(run.stdout);
    expect(lines).toHaveLength(3);
    const byName = Object.fromEntries(lines.map((l) => [path.basename(l['input'] as string), l]));
    expect(byName['IMG_5195.HEIC']).toMatchObject({ status: 'succeeded', pair: 'HEIC->JPG', mode: 'local', billableMinutes: 0, error: null, output: path.join(out, 'IMG_5195.jpg') });
    expect(byName['portrait.jpg']).toMatchObject({ status: 'skipped', pair: 'JPG->JPG', error: null, reason: expect.stringMatching(/Already JPG/) });
    expect(byName['broken.png']).toMatchObject({ status: 'failed', output: null, error: { code: 'FORMAT_UNRECOGNIZED' } });
    expect(Object.keys(byName['IMG_5195.HEIC']!).sort()).toEqual(['billableMinutes', 'error', 'input', 'mode', 'output', 'pair', 'runtimeMs', 'status']);
    expect(typeof byName['IMG_5195.HEIC']!['runtimeMs']).toBe('number');
    expect(listAll(out)).toEqual(['IMG_5195.jpg']);
  });

  it('writes beside the input without --out and exits 0 when all succeeded', async () => {
    const input = path.join(dir, 'beside.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', input]);
    const run = await runCli(['convert', input, '--to', 'MP3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`→ ${path.join(dir, 'beside.mp3')}`);
    expect(run.stderr).toMatch(/1 converted/);
  });

  it.each([
    [['convert', 'x.mp4'], /needs --to/],
    [['convert', 'x.mp4', '--to', 'docx'], /not a format Convertr writes/],
    [['convert', '--to', 'mp3'], /at least one input/],
    [['convert', 'x.mp4', '--to', 'mp3', '--bogus'], /bogus/],
    [['transmogrify'], /Unknown command/],
  ])('exits 2 with a usage error for %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a missing input is a failed job with INPUT_NOT_FOUND, not a silent drop', async () => {
    const run = await runCli(['convert', path.join(dir, 'nope.mp4'), '--to', 'mp3', '--json']);
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'failed', pair: 'MP4->MP3', error: { code: 'INPUT_NOT_FOUND' } });
  });

  it('Ctrl-C mid-batch cancels the running job and leaves no partial output', async () => {
    const input = path.join(dir, 'long.mkv');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20', '-c:v', 'libx264', '-preset', 'ultrafast', input]);
    const out = path.join(dir, 'out-cancel');
    const { child, done } = startCli(['convert', input, '--to', 'webm', '--out', out, '--json']);
    // Mid-batch: the encode has begun writing (a fixed wait lands before the handlers on a slow start).
    await waitFor(() => existsSync(out) && listAll(out).length > 0, 'the encode to begin', 60_000, 50);
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(listAll(out)).toEqual([]);
  });
});

describe('convertr doctor', () => {
  it('names the ffmpeg and ffprobe in use and where they came from', async () => {
    const run = await runCli(['doctor', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, { ok: boolean; detail: string }>;
    expect(report['ffmpeg']!.detail).toMatch(/ffmpeg .*from (PATH|FFMPEG_PATH|the ffmpeg-static package)/);
    expect(report['sharp']!.ok).toBe(true);
  });

  it('prints the memory budget running jobs share, and the override of the environment', async () => {
    const plain = JSON.parse((await runCli(['doctor', '--json'])).stdout) as Record<string, { detail: string }>;
    expect(plain['memory']!.detail).toMatch(/budget of [\d.]+ (GB|MB) \(the smaller of 1.5 GB and a quarter of/);
    const set = JSON.parse((await runCli(['doctor', '--json'], { CONVERTR_MEMORY_BUDGET_MB: '500' })).stdout) as Record<string, { detail: string }>;
    expect(set['memory']!.detail).toMatch(/budget of 500 MB \(CONVERTR_MEMORY_BUDGET_MB\)/);
  });

  it('fails clearly when FFMPEG_PATH points nowhere', async () => {
    const run = await runCli(['doctor'], { FFMPEG_PATH: '/nonexistent/ffmpeg' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FFMPEG_PATH points to \/nonexistent\/ffmpeg/);
  });
});
