import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCacheFile, writeCacheFile } from '../../main/cli/codeCache';
import { runBuiltCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

// The built command keeps V8's code for its own modules in the data folder (cache/code); what is there must
// never stop a command or change what it writes.
describe('the built command\'s code cache', () => {
  let dir: string;
  let clip: string;
  beforeAll(() => {
    dir = tempDir('convertr-codecache-');
    mkdirSync(path.join(dir, 'in'));
    clip = path.join(dir, 'in', 'clip.mp4');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
  });
  afterAll(() => removeDir(dir));

  const convert = async (home: string, out: string) => {
    const run = await runBuiltCli(['convert', clip, '--to', 'mp4', '--out', path.join(dir, out), '--json'], { CONVERTR_HOME: home });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded', output: path.join(dir, out, 'clip.mp4') });
  };
  const cacheFiles = (home: string) => readdirSync(path.join(home, 'cache', 'code')).map((name) => path.join(home, 'cache', 'code', name));

  it('is written in the data folder, whole, and used as it is by the next command', async () => {
    const home = path.join(dir, 'home-a');
    await convert(home, 'out-a');
    const files = cacheFiles(home);
    expect(files.length).toBeGreaterThan(5);
    expect(files.every((file) => file.endsWith('.v8') && readCacheFile(file) !== undefined)).toBe(true);
    // Nothing beside the user's files: the input's folder and the output's hold only the input and its output.
    expect(readdirSync(path.join(dir, 'in'))).toEqual(['clip.mp4']);
    expect(readdirSync(path.join(dir, 'out-a'))).toEqual(['clip.mp4']);
    const written = new Map(files.map((file) => [file, statSync(file).mtimeMs]));
    await convert(home, 'out-a2');
    // Accepted by V8, so not written again.
    expect(new Map(cacheFiles(home).map((file) => [file, statSync(file).mtimeMs]))).toEqual(written);
  });

  it('ignores cut, damaged and foreign files, converts as without them, and writes them again', async () => {
    const home = path.join(dir, 'home-b');
    await convert(home, 'out-b');
    const files = cacheFiles(home).sort((a, b) => statSync(b).size - statSync(a).size);
    const [largest, other] = [readCacheFile(files[0]!)!, readCacheFile(files[1]!)!];
    const damaged = new Map<string, Buffer>();
    files.forEach((file, i) => {
      const bytes = readFileSync(file);
      if (i % 3 === 0) bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1); // a flipped byte
      if (i % 3 === 1) writeFileSync(file, bytes.subarray(0, 5)); // cut short
      else if (i % 3 === 0) writeFileSync(file, bytes);
      else writeCacheFile(file, file === files[2] ? largest : other); // whole, but another module's code
      damaged.set(file, readFileSync(file));
    });
    await convert(home, 'out-b2');
    for (const file of files) {
      expect(readCacheFile(file), path.basename(file)).toBeDefined();
      expect(readFileSync(file).equals(damaged.get(file)!), path.basename(file)).toBe(false);
    }
  });

  it('never stops a command when the cache cannot be written', async () => {
    const home = path.join(dir, 'home-c');
    mkdirSync(path.join(home, 'cache'), { recursive: true });
    writeFileSync(path.join(home, 'cache', 'code'), 'a file where the folder would be');
    await convert(home, 'out-c');
    expect(statSync(path.join(home, 'cache', 'code')).isFile()).toBe(true);
    rmSync(path.join(home, 'cache', 'code'));
  });
});
