import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateJobMemory, laneRequestFor } from '../../main/core/scheduling/jobMemory';
import { concurrencyLimits } from '../../main/core/scheduling/concurrency';
import { Scheduler } from '../../main/core/scheduling/scheduler';
import { DEFAULT_JOB_MEMORY, videoJobMemory } from '../../main/core/scheduling/memoryEstimate';
import { readVideoFrameSize } from '../../main/core/engine/identify/videoHeader';
import { removeDir, tempDir } from '../helpers/media';

describe('a job\'s memory estimate from its input file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('convertr-jobmem-');
    writeFileSync(path.join(dir, 'alpha.png'), await sharp({ create: { width: 4000, height: 4000, channels: 4, background: 'red' } }).png().toBuffer());
    writeFileSync(path.join(dir, 'icon.png'), await sharp({ create: { width: 64, height: 64, channels: 3, background: 'blue' } }).png().toBuffer());
    execFileSync('mkfifo', [path.join(dir, 'pipe.png')]);
    const make = (name: string, size: string, extra: string[] = []) =>
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=blue:s=${size}:d=0.2:r=5`, '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '0.2', ...extra, path.join(dir, name)]);
    make('uhd.mp4', '3840x2160', ['-c:v', 'libx264', '-preset', 'ultrafast']);
    make('uhd-faststart.mov', '3840x2160', ['-c:v', 'libx264', '-preset', 'ultrafast', '-movflags', '+faststart']);
    make('small.mp4', '1280x720', ['-c:v', 'libx264', '-preset', 'ultrafast']);
    make('uhd.avi', '3840x2160', ['-c:v', 'mpeg4']);
    make('uhd.mkv', '3840x2160', ['-c:v', 'libx264', '-preset', 'ultrafast']);
  });
  afterAll(() => removeDir(dir));

  it('reads a picture\'s header: WEBP of a 16 MP picture with alpha counts its pixels, PNG a strip', () => {
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'webp')).toBeGreaterThan(16e6 * 14);
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'png')).toBeLessThan(64e6);
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'webp', { resize: 1000 })).toBeLessThan(64e6);
  });

  it('counts the kind\'s usual need for video, sound, a missing file and a FIFO, without waiting on the FIFO', () => {
    expect(estimateJobMemory(path.join(dir, 'alpha.png'), 'mp4')).toBe(DEFAULT_JOB_MEMORY.video);
    expect(estimateJobMemory(path.join(dir, 'none.png'), 'jpg')).toBe(DEFAULT_JOB_MEMORY.image);
    expect(estimateJobMemory(path.join(dir, 'pipe.png'), 'jpg')).toBe(DEFAULT_JOB_MEMORY.image);
  });

  it('counts a video by the frame size its MP4/MOV or AVI header states (a 4K input several times a 720p one), other containers at the default', () => {
    expect(readVideoFrameSize(path.join(dir, 'uhd.mp4'))).toEqual({ width: 3840, height: 2160 });
    expect(readVideoFrameSize(path.join(dir, 'uhd-faststart.mov'))).toEqual({ width: 3840, height: 2160 });
    expect(readVideoFrameSize(path.join(dir, 'uhd.avi'))).toEqual({ width: 3840, height: 2160 });
    expect(readVideoFrameSize(path.join(dir, 'small.mp4'))).toEqual({ width: 1280, height: 720 });
    expect(estimateJobMemory(path.join(dir, 'uhd.mp4'), 'mp4')).toBe(videoJobMemory(3840, 2160));
    expect(estimateJobMemory(path.join(dir, 'uhd.avi'), 'webm')).toBe(videoJobMemory(3840, 2160));
    expect(estimateJobMemory(path.join(dir, 'small.mp4'), 'mkv')).toBe(videoJobMemory(1280, 720));
    expect(estimateJobMemory(path.join(dir, 'uhd.mkv'), 'mp4')).toBe(DEFAULT_JOB_MEMORY.video);
    expect(estimateJobMemory(path.join(dir, 'uhd.mp4'), 'mp3')).toBe(DEFAULT_JOB_MEMORY.audio);
    expect(readVideoFrameSize(path.join(dir, 'pipe.png'))).toBeUndefined();
  });

  it('runs twice as many small pictures at once as large ones on a dual-core machine (8 icons, 4 photos)', () => {
    const limits = concurrencyLimits({ cores: 2, totalMemoryBytes: 24 * 2 ** 30 });
    const running = (file: string) => {
      const scheduler = new Scheduler<void>(limits, { now: () => 0 });
      const request = laneRequestFor({ mode: 'local', lane: 'image' }, path.join(dir, file), 'jpg');
      for (let i = 0; i < 12; i++) scheduler.enqueue(request, () => new Promise<void>(() => undefined));
      return scheduler.runningCount('image');
    };
    expect(running('icon.png')).toBe(8);
    expect(running('alpha.png')).toBe(4);
    // A video job still gets a whole core beside eight icons.
    expect(laneRequestFor({ mode: 'local', lane: 'video' }, path.join(dir, 'small.mp4'), 'mp4').load).toBeUndefined();
  });
});

