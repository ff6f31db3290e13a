import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runBuiltCli } from '../helpers/cli';
import { durationOf, ffprobe, makeMedia, removeDir, tempDir } from '../helpers/media';

let dir: string;
let inputs: string;
let ffmpegLog: string;
let countingFfmpeg: string;
const CLIPS = 8;
const secondsOf = (i: number) => 3 + i;

beforeAll(() => {
  dir = tempDir('convertr-shared-cli-');
  inputs = path.join(dir, 'voice memos');
  execFileSync('mkdir', ['-p', inputs]);
  for (let i = 0; i < CLIPS; i++) makeMedia(['-f', 'lavfi', '-i', `sine=frequency=${300 + 60 * i}:duration=${secondsOf(i)}`, '-c:a', 'aac', '-b:a', '64k', path.join(inputs, `memo ${i}.m4a`)]);
  ffmpegLog = path.join(dir, 'ffmpeg.log');
  countingFfmpeg = path.join(dir, 'ffmpeg');
  const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
  // The real ffmpeg, each start written down.
  writeFileSync(countingFfmpeg, `#!/bin/sh\necho "$*" >> '${ffmpegLog}'\nexec '${real}' "$@"\n`);
  chmodSync(countingFfmpeg, 0o755);
});
afterAll(() => removeDir(dir));

describe('convertr convert: short sounds share ffmpeg processes', () => {
  it('converts eight voice memos to MP3 with fewer ffmpeg processes than files, each output its own memo whole', async () => {
    const out = path.join(dir, 'mp3');
    const run = await runBuiltCli(['convert', inputs, '--to', 'mp3', '--out', out, '--json'], { FFMPEG_PATH: countingFfmpeg, CONVERTR_HOME: path.join(dir, 'home') });
    expect(run.code, run.stderr).toBe(0);
    const done = jsonLines(run.stdout).filter((line) => line['status'] === 'succeeded');
    expect(done).toHaveLength(CLIPS);
    const conversions = readFileSync(ffmpegLog, 'utf8').split('\n').filter((line) => line.includes(' -i '));
    expect(conversions.length).toBeLessThan(CLIPS);
    expect(conversions.some((line) => line.split(' -i ').length > 2)).toBe(true);
    for (let i = 0; i < CLIPS; i++) {
      const probed = ffprobe(path.join(out, `memo ${i}.mp3`));
      expect(probed.streams[0]!.codec_name).toBe('mp3');
      expect(Math.abs(durationOf(probed) - secondsOf(i))).toBeLessThan(0.15);
    }
  });
});
