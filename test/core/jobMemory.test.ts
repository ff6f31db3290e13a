import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateJobMemory, laneRequestFor } from '../../main/core/scheduling/jobMemory';
import { concurrencyLimits } from '../../main/core/scheduling/concurrency';
import { Scheduler } from '../../main/core/scheduling/scheduler';
import { DEFAULT_JOB_MEMORY, MAX_JOB_MEMORY_BYTES, videoJobMemory } from '../../main/core/scheduling/memoryEstimate';
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

  describe('an animation kept animated', () => {
    /** An animation of `frames` moving frames of 1000x1000 made by ffmpeg. */
    const animation = (name: string, frames: number, size = 1000, extra: string[] = []) => execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${size}x${size}:r=25`, '-frames:v', String(frames), ...extra, path.join(dir, name),
    ]);
    beforeAll(() => {
      animation('two.gif', 2);
      animation('sixty.gif', 60);
      animation('many.gif', 150);
      animation('many.webp', 40, 500, ['-c:v', 'libwebp_anim', '-loop', '0']);
      animation('many.png', 20, 500, ['-f', 'apng', '-plays', '0']);
    }, 120_000);

    it('counts as a small picture by all the frames it keeps: a 500x500 APNG of 20 frames is one into PNG, not into GIF', () => {
      const request = (target: 'gif' | 'png') => laneRequestFor({ mode: 'local', lane: 'image' }, path.join(dir, 'many.png'), target);
      expect(request('png').load).toBe(0.5);
      expect(request('gif').load).toBeUndefined();
    });

    it('counts every frame a GIF, WEBP or APNG holds at once into GIF or WEBP, one frame into a still target', async () => {
      for (const [name, pages] of [['two.gif', 2], ['sixty.gif', 60], ['many.gif', 150], ['many.webp', 40]] as const) {
        expect((await sharp(path.join(dir, name)).metadata()).pages, name).toBe(pages);
      }
      const gif = (name: string, target: 'gif' | 'webp' | 'png') => estimateJobMemory(path.join(dir, name), target);
      // 150 frames of 1 MP into GIF: libvips holds them stacked, 10.5 bytes a pixel for the encoder alone.
      expect(gif('many.gif', 'gif')).toBeGreaterThan(150 * 1e6 * 10.5);
      expect(gif('many.gif', 'gif')).toBeGreaterThan(MAX_JOB_MEMORY_BYTES);
      // 58 more frames: 58 more frames' worth of encoder memory.
      expect(gif('sixty.gif', 'gif') - gif('two.gif', 'gif')).toBeGreaterThan(58 * 1e6 * 10);
      expect(gif('sixty.gif', 'gif') - gif('two.gif', 'gif')).toBeLessThan(58 * 1e6 * 11);
      expect(gif('many.gif', 'webp')).toBeGreaterThan(150 * 1e6 * 5);
      // A still target takes the first frame only.
      expect(gif('many.gif', 'png')).toBe(gif('two.gif', 'png'));
      expect(gif('many.gif', 'png')).toBeLessThan(64e6);
      expect(estimateJobMemory(path.join(dir, 'many.webp'), 'webp')).toBeGreaterThan(40 * 0.25e6 * 5);
      expect(estimateJobMemory(path.join(dir, 'many.png'), 'gif')).toBeGreaterThan(20 * 0.25e6 * 10.5);
      // --resize makes every frame smaller.
      expect(estimateJobMemory(path.join(dir, 'many.gif'), 'gif', { resize: 250 })).toBeLessThan(gif('many.gif', 'gif') / 8);
    });

    it('so the scheduler does not start several large animations together: three 60-frame 1 MP GIFs into GIF run two at a time within 1.5 GB', async () => {
      const scheduler = new Scheduler<void>({ perLane: { image: 4 }, total: 4, memoryBudget: MAX_JOB_MEMORY_BYTES }, { now: () => 0 });
      let running = 0;
      let most = 0;
      const ends: (() => void)[] = [];
      for (let i = 0; i < 3; i++) {
        scheduler.enqueue(laneRequestFor({ mode: 'local', lane: 'image' }, path.join(dir, 'sixty.gif'), 'gif'), () => new Promise<void>((resolve) => {
          most = Math.max(most, ++running);
          ends.push(() => {
            running--;
            resolve();
          });
        }));
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(most).toBe(2);
      while (ends.length > 0) {
        ends.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(running).toBe(0);
    });
  });
});

