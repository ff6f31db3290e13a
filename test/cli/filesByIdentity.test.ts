import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, jsonLines, runBuiltCli } from '../helpers/cli';
import { corpus, removeDir, tempDir } from '../helpers/media';

/**
 * `--on-conflict overwrite` replaces a file by what it is (device and inode), not by how its path is spelt:
 * the installed command (bin/convertr.js, the build in out/) never replaces the input it converts, whether
 * the output folder reaches the input's folder through a symlink or the output's name is a hard link to it.
 */
describe('the installed command never overwrites its input, however the path is spelt', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const heic = readFileSync(corpus('heic/IMG_5195.HEIC'));

  beforeAll(() => {
    dir = tempDir('convertr-identity-');
    env = { CONVERTR_HOME: path.join(dir, 'home') };
  });
  afterAll(() => removeDir(dir));

  it('keeps the original HEIC (named .jpg) byte for byte when --out reaches its folder through a symlink', async () => {
    const photos = path.join(dir, 'photos');
    mkdirSync(photos);
    // A phone export: HEIC content under a .jpg name, so its JPEG output has exactly the input's name.
    const input = path.join(photos, 'IMG_5195.jpg');
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input);
    const link = path.join(dir, 'same-photos');
    symlinkSync(photos, link);
    const run = await runBuiltCli(['convert', input, '--to', 'jpg', '--out', link, '--on-conflict', 'overwrite', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(input).equals(heic), 'the original HEIC, unchanged').toBe(true);
    const [report] = jsonLines(run.stdout);
    expect(report).toMatchObject({ status: 'succeeded' });
    const output = report!['output'] as string;
    expect(path.basename(output), 'a same-format output that would be its input takes the -converted name').toBe('IMG_5195-converted.jpg');
    expect(readFileSync(output).subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])), 'the output is a JPEG').toBe(true);
  });

  it('does not replace a hard link to the input that has the output\'s name', async () => {
    const inbox = path.join(dir, 'inbox');
    const outbox = path.join(dir, 'outbox');
    mkdirSync(inbox);
    mkdirSync(outbox);
    const input = path.join(inbox, 'IMG_5195.jpg');
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input);
    const twin = path.join(outbox, 'IMG_5195.jpg');
    linkSync(input, twin);
    const run = await runBuiltCli(['convert', input, '--to', 'jpg', '--out', outbox, '--on-conflict', 'overwrite', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(twin).ino, 'the hard link still names the input').toBe(statSync(input).ino);
    expect(statSync(input).nlink).toBe(2);
    expect(readFileSync(twin).equals(heic)).toBe(true);
    expect(existsSync(path.join(outbox, 'IMG_5195-converted.jpg'))).toBe(true);
  });

  it('does not replace another input of the batch that has the output\'s name', async () => {
    const folder = path.join(dir, 'mixed');
    mkdirSync(folder);
    copyFileSync(corpus('heic/IMG_5195.HEIC'), path.join(folder, 'x.heic'));
    // A JPEG saved under a .webp name: an input of the batch whose name is the HEIC's WebP output.
    const jpeg = readFileSync(corpus('image/portrait_6.jpg'));
    copyFileSync(corpus('image/portrait_6.jpg'), path.join(folder, 'x.webp'));
    // Both named, so both are converted (in a folder, a .webp would be skipped as already WebP: an earlier output, fair to overwrite).
    const run = await runBuiltCli(['convert', path.join(folder, 'x.heic'), path.join(folder, 'x.webp'), '--to', 'webp', '--on-conflict', 'overwrite', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(folder, 'x.webp')).equals(jpeg), 'the JPEG input, unchanged').toBe(true);
    const reports = jsonLines(run.stdout);
    expect(reports.map((r) => r['status'])).toEqual(['succeeded', 'succeeded']);
    expect(reports.map((r) => path.basename(r['output'] as string)).sort()).toEqual(['x (1).webp', 'x-converted.webp']);
  });

  it('still overwrites an earlier output that is not the input', async () => {
    const folder = path.join(dir, 'again');
    mkdirSync(folder);
    const input = path.join(folder, 'pic.heic');
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input);
    const out = path.join(dir, 'again-out');
    mkdirSync(out);
    const first = await runBuiltCli(['convert', input, '--to', 'jpg', '--out', out], env);
    expect(first.code, first.stderr).toBe(0);
    const inode = statSync(path.join(out, 'pic.jpg')).ino;
    const second = await runBuiltCli(['convert', input, '--to', 'jpg', '--out', out, '--on-conflict', 'overwrite', '--again'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(statSync(path.join(out, 'pic.jpg')).ino).not.toBe(inode);
    expect(existsSync(path.join(out, 'pic (1).jpg'))).toBe(false);
  });

  it('refuses an --out that reaches the window files (out/renderer) through a symlink, and writes nothing there', async () => {
    const input = path.join(dir, 'favicon.heic');
    copyFileSync(corpus('heic/IMG_5195.HEIC'), input);
    const link = path.join(dir, 'web');
    symlinkSync(path.join(ROOT, 'out/renderer'), link);
    const favicon = readFileSync(path.join(ROOT, 'out/renderer/favicon.png'));
    const run = await runBuiltCli(['convert', input, '--to', 'png', '--out', link, '--on-conflict', 'overwrite'], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/is inside Convertr's window files/);
    expect(readFileSync(path.join(ROOT, 'out/renderer/favicon.png')).equals(favicon)).toBe(true);
  });
});
