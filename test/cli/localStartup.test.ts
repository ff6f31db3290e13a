import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli, runCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const RECORDER = path.resolve('test/helpers/moduleRecorder.mjs');

// What a short local job must not pay for at start: the hosted routing (and zod, which its response schemas build
// at load), sharp for a video, keytar, the folder watcher, the search of `bindings` for SQLite's addon, and the
// HEIC decoders (a pool of worker threads, and a search of PATH for libheif's own).
const NOT_FOR_A_LOCAL_VIDEO = /\/node_modules\/(zod|sharp|keytar|chokidar|bindings)\/|\/main\/core\/hosted\/(jobRouter|hostedResponses|hostedErrors|hostedAccess|httpExchange)\.ts$|\/native\/heic\//;

describe('a local convert at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('convertr-startup-');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path.join(dir, 'clip.mp4')]);
  });
  afterAll(() => removeDir(dir));

  it('remuxes an MP4 without loading the hosted routing, zod, sharp, keytar, the watcher, bindings or the HEIC decoders', async () => {
    const log = path.join(dir, 'modules.log');
    const run = await runCli(['convert', path.join(dir, 'clip.mp4'), '--to', 'mp4', '--out', path.join(dir, 'out')], { NODE_OPTIONS: `--import ${RECORDER}`, CONVERTR_TEST_MODULE_LOG: log });
    expect(run.code, run.stderr).toBe(0);
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
    expect(loaded.some((url) => url.endsWith('/main/cli/convertCommand.ts'))).toBe(true);
    expect(loaded.filter((url) => NOT_FOR_A_LOCAL_VIDEO.test(url))).toEqual([]);
  });

  it('built, reads no JavaScript from node_modules (better-sqlite3 is in the code-cached bundle) and no HEIC decoder chunk', async () => {
    const log = path.join(dir, 'built-modules.log');
    const run = await runBuiltCli(['convert', path.join(dir, 'clip.mp4'), '--to', 'mp4', '--out', path.join(dir, 'out-built'), '--json'], { NODE_OPTIONS: `--import ${RECORDER}`, CONVERTR_TEST_MODULE_LOG: log });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'succeeded' });
    const loaded = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
    expect(loaded.some((url) => /\/out\/main\/cli-chunks\/convertCommand-[^/]+\.cjs$/.test(url))).toBe(true);
    // ffmpeg-static and ffprobe-static stay outside: each tells where its binary lies beside its own file.
    expect(loaded.filter((url) => /\/node_modules\/(?!ffmpeg-static\/|ffprobe-static\/)[^]*\.(c?js|mjs)$/.test(url))).toEqual([]);
    expect(loaded.filter((url) => /\/cli-chunks\/(heicDecoderPool|nativeHeifDecoder|sharp)/.test(url))).toEqual([]);
  });

  it('ends without checkpointing the database: the next command reads what the first left in the WAL', async () => {
    const home = path.join(dir, 'home-wal');
    const first = await runCli(['convert', path.join(dir, 'clip.mp4'), '--to', 'mp4', '--out', path.join(dir, 'out-wal'), '--json'], { CONVERTR_HOME: home });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'succeeded' });
    expect(existsSync(path.join(home, 'convertr.db-wal'))).toBe(true);
    const again = await runCli(['convert', path.join(dir, 'clip.mp4'), '--to', 'mp4', '--out', path.join(dir, 'out-wal'), '--json'], { CONVERTR_HOME: home });
    expect(again.code, again.stderr).toBe(0);
    const stats = await runCli(['stats', '--json'], { CONVERTR_HOME: home });
    expect(JSON.parse(stats.stdout)).toMatchObject({ totalRequests: 2, pairs: [{ pair: 'MP4->MP4', succeeded: 2 }] });
  });
});
