import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegEncoderList, parseEncoderList } from '../../native/ffmpeg/ffmpegEncoders';
import { locateFfmpegToolsFromEnvironment } from '../../native/ffmpeg/locateTools';
import { removeDir, tempDir } from '../helpers/media';

describe('which encoders this ffmpeg has', () => {
  const dir = tempDir('convertr-encoders-');
  afterAll(() => removeDir(dir));

  it('reads the real ffmpeg list: H.264 is there, and no legend row becomes a name', async () => {
    const tools = locateFfmpegToolsFromEnvironment();
    if ('missing' in tools) throw new Error(tools.missing);
    const names = await new FfmpegEncoderList(tools.ffmpeg.path).encoders();
    expect(names?.has('libx264')).toBe(true);
    expect(names?.has('=')).toBe(false);
    expect(parseEncoderList(' V..... = Video\n .F.... = Frame-level multithreading\n ------\n V....D libx265              libx265 H.265 / HEVC (codec hevc)\n')).toEqual(new Set(['libx265']));
  });

  it('asks ffmpeg once however many jobs want to know', async () => {
    const calls = path.join(dir, 'calls');
    const fake = path.join(dir, 'ffmpeg');
    writeFileSync(fake, `#!/bin/sh\necho asked >> '${calls}'\necho ' V....D libsvtav1            SVT-AV1 (codec av1)'\n`);
    chmodSync(fake, 0o755);
    const list = new FfmpegEncoderList(fake);
    const answers = await Promise.all([list.encoders(), list.encoders()]);
    expect(await list.encoders()).toEqual(new Set(['libsvtav1']));
    expect(answers).toEqual([new Set(['libsvtav1']), new Set(['libsvtav1'])]);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
