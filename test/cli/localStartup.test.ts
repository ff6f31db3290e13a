import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const RECORDER = path.resolve('test/helpers/moduleRecorder.mjs');

// What a short local job must not pay for at start: the hosted routing (and zod, which its response schemas build
// at load), sharp for a video, keytar and the folder watcher.
const NOT_FOR_A_LOCAL_VIDEO = /\/node_modules\/(zod|sharp|keytar|chokidar)\/|\/main\/core\/hosted\/(jobRouter|hostedResponses|hostedErrors|hostedAccess|httpExchange)\.ts$/;

describe('a local convert at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-startup-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path.join(dir, 'clip.mp4')]);
  });
  afterAll(() => removeDir(dir));

  it('remuxes an MP4 without loading the hosted routing, zod, sharp, keytar or the watcher', async () => {
    const log = path.join(dir, 'modules.log');
    const run = await runCli(['convert', path.join(dir, 'clip.mp4'), '--to', 'mp4', '--out', path.join(dir, 'out')], { NODE_OPTIONS: `--import ${RECORDER}`, CONVERTR_TEST_MODULE_LOG: log });
    expect(run.code, run.stderr).toBe(0);
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
    expect(loaded.some((url) => url.endsWith('/main/cli/convertCommand.ts'))).toBe(true);
    expect(loaded.filter((url) => NOT_FOR_A_LOCAL_VIDEO.test(url))).toEqual([]);
  });
});
