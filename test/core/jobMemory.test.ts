import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateJobMemory, laneRequestFor } from '../../main/core/scheduling/jobMemory';
import { concurrencyLimits } from '../../main/core/scheduling/concurrency';
import { Scheduler } from '../../main/core/scheduling/scheduler';
import { DEFAULT_JOB_MEMORY, MAX_JOB_MEMORY_BYTES, memoryBudget, videoJobMemory } from '../../main/core/scheduling/memoryEstimate';
import { readVideoFrameSize, readVideoHeader } from '../../main/core/engine/identify/videoHeader';
import { GIF_MAX_EDGE, GIF_MAX_FPS } from '../../main/core/engine/plan/planGif';
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

  it('runs four times as many small pictures at once as large ones on a dual-core machine (16 icons, 4 photos)', () => {
    const limits = concurrencyLimits({ cores: 2, totalMemoryBytes: 24 * 2 ** 30 });
    const running = (file: string) => {
      const scheduler = new Scheduler<void>(limits, { now: () => 0 });
      const request = laneRequestFor({ mode: 'local', lane: 'image' }, path.join(dir, file), 'jpg');
      for (let i = 0; i < 24; i++) scheduler.enqueue(request, () => new Promise<void>(() => undefined));
      return scheduler.runningCount('image');
    };
    expect(running('icon.png')).toBe(16);
    expect(running('alpha.png')).toBe(4);
    // A video job still gets a whole core beside the icons.
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
      expect(request('png').load).toBe(0.25);
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

  describe('a GIF or an animated WEBP of a video', () => {
    /** `seconds` of a moving 640x360 picture at `fps` made by ffmpeg (x264, or MPEG-4 in an AVI). */
    const clip = (name: string, seconds: number, fps = 15) => execFileSync('ffmpeg', [
      '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=640x360:r=${fps}:d=${seconds}`,
      ...(name.endsWith('.avi') ? ['-c:v', 'mpeg4'] : ['-c:v', 'libx264', '-preset', 'ultrafast']), path.join(dir, name),
    ]);
    beforeAll(() => {
      clip('long.mp4', 60);
      clip('long.avi', 60);
      clip('long.mkv', 60);
      clip('short.mp4', 10);
      clip('short30.mp4', 10, 30);
      clip('short5.mp4', 10, 5);
    }, 120_000);
    const gif = (name: string, options: { resize?: number; from?: number; until?: number } = {}) => estimateJobMemory(path.join(dir, name), 'gif', options);

    it('reads how long the clip lasts and how often its pictures come from its MP4 or AVI header', () => {
      expect(readVideoHeader(path.join(dir, 'long.mp4'))).toEqual({ width: 640, height: 360, durationSeconds: 60, frameRate: 15 });
      // AVI states a frame's time in whole microseconds: 66,666 at 15 fps.
      expect(readVideoHeader(path.join(dir, 'long.avi'))).toEqual({ width: 640, height: 360, durationSeconds: expect.closeTo(60, 2) as number, frameRate: expect.closeTo(15, 2) as number });
      expect(readVideoHeader(path.join(dir, 'short30.mp4'))).toMatchObject({ durationSeconds: 10, frameRate: 30 });
      expect(readVideoHeader(path.join(dir, 'long.mkv'))).toBeUndefined();
    });

    it('grows with the clip\'s length and the picture\'s size, within the planner\'s caps of 480 px and 15 fps', () => {
      const frameBytes = GIF_MAX_EDGE * 270 * 4;
      // 60 s at 15 fps keeps 900 frames of 480x270 until the palette is made: each at least as RGBA.
      expect(gif('long.mp4')).toBeGreaterThan(900 * frameBytes);
      expect(gif('long.mp4') - gif('short.mp4')).toBeGreaterThan(750 * frameBytes);
      expect(gif('long.avi')).toBe(gif('long.mp4'));
      // --resize 640 makes every frame (640x360)/(480x270) = 1.78 times larger; 1280 does not enlarge a 640x360 clip.
      const larger = (gif('long.mp4', { resize: 640 }) - gif('short.mp4', { resize: 640 })) / (gif('long.mp4') - gif('short.mp4'));
      expect(larger).toBeCloseTo((640 * 360) / (480 * 270), 1);
      expect(gif('long.mp4', { resize: 1280 })).toBe(gif('long.mp4', { resize: 640 }));
      expect(gif('long.mp4', { resize: 240 })).toBeLessThan(gif('long.mp4') / 2);
      // Frames come at 15 a second at most: a 30 fps clip keeps as many as a 15 fps one, a 5 fps clip a third.
      expect(GIF_MAX_FPS).toBe(15);
      expect(gif('short30.mp4')).toBe(gif('short.mp4'));
      expect(gif('short5.mp4')).toBeLessThan(gif('short.mp4'));
      // A cut keeps only its frames; an end past the clip's is the clip's.
      expect(gif('long.mp4', { from: 20, until: 30 })).toBe(gif('short.mp4'));
      expect(gif('long.mp4', { from: 50 })).toBe(gif('short.mp4'));
      expect(gif('short.mp4', { until: 100 })).toBe(gif('short.mp4'));
    });

    it('counts an animated WEBP by its length too, a still WEBP as a picture, and a clip of unknown length as the most one job may take', () => {
      const webp = (name: string, options: { from?: number; until?: number } = {}) => estimateJobMemory(path.join(dir, name), 'webp', options);
      expect(webp('long.mp4', { from: 0 })).toBeGreaterThan(webp('short.mp4', { from: 0 }));
      expect(webp('long.mp4', { from: 0 })).toBeGreaterThan(DEFAULT_JOB_MEMORY.image);
      expect(webp('long.mp4', { from: 0 })).toBeLessThan(gif('long.mp4'));
      expect(webp('long.mp4')).toBe(DEFAULT_JOB_MEMORY.image);
      // An MKV's header is not read here: its length is unknown unless --until bounds it.
      expect(gif('long.mkv')).toBe(MAX_JOB_MEMORY_BYTES);
      expect(gif('long.mkv', { until: 10 })).toBeGreaterThanOrEqual(gif('short.mp4'));
      expect(gif('long.mkv', { until: 10 })).toBeLessThan(MAX_JOB_MEMORY_BYTES / 2);
      const started = performance.now();
      for (let i = 0; i < 100; i++) gif('long.mp4');
      // Only the header is read: a hundred estimates take less than one ffprobe run.
      const estimates = performance.now() - started;
      const probeStarted = performance.now();
      execFileSync('ffprobe', ['-v', 'error', '-show_format', path.join(dir, 'long.mp4')]);
      expect(estimates).toBeLessThan(performance.now() - probeStarted);
    });

    it('so the scheduler does not start long-clip GIFs together: three of a minute each run one at a time, one above the whole budget runs alone', async () => {
      const totalMemoryBytes = 24 * 2 ** 30;
      const budget = memoryBudget(totalMemoryBytes);
      expect(gif('long.mp4')).toBeGreaterThan(budget / 2);
      expect(gif('long.mp4', { resize: 640 })).toBeGreaterThan(MAX_JOB_MEMORY_BYTES);
      const run = async (jobs: [string, 'gif' | 'jpg', { resize?: number }][]) => {
        const scheduler = new Scheduler<void>({ ...concurrencyLimits({ cores: 2, totalMemoryBytes }), memoryBudget: budget }, { now: () => 0 });
        let running = 0;
        let most = 0;
        const ends: (() => void)[] = [];
        for (const [name, target, options] of jobs) {
          scheduler.enqueue(laneRequestFor({ mode: 'local', lane: 'image' }, path.join(dir, name), target, options), () => new Promise<void>((resolve) => {
            most = Math.max(most, ++running);
            ends.push(() => {
              running--;
              resolve();
            });
          }));
        }
        const firstWave = () => new Promise((resolve) => setTimeout(resolve, 10)).then(() => running);
        const first = await firstWave();
        while (ends.length > 0) {
          ends.shift()!();
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return { first, most, left: running };
      };
      expect(await run([['long.mp4', 'gif', {}], ['long.mp4', 'gif', {}], ['long.mp4', 'gif', {}]])).toEqual({ first: 1, most: 1, left: 0 });
      // Three small pictures wait for the GIF above the budget, then run together.
      expect(await run([['long.mp4', 'gif', { resize: 640 }], ['icon.png', 'jpg', {}], ['icon.png', 'jpg', {}], ['icon.png', 'jpg', {}]])).toEqual({ first: 1, most: 3, left: 0 });
    });
  });
});
