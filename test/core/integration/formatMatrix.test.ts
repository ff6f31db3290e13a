import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../../main/core/errors';
import type { OutputFormat } from '../../../main/core/formats';
import type { ConversionResult } from '../../../main/core/engine/run/localConverter';
import { useRealEngine } from '../../helpers/engine';
import { audiosOf, ffprobe, removeDir, tempDir, videoOf } from '../../helpers/media';

const run = promisify(execFile);

/** One input of the matrix: how ffmpeg makes it, and the targets a user would naturally pick for it. */
interface MatrixInput {
  name: string;
  make: string[];
  targets: OutputFormat[];
}

const V = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15:duration=1'];
const A = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1:sample_rate=44100'];
const VA = [...V, ...A, '-shortest'];
const surround = (layout: string) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=1:sample_rate=48000`, '-af', `aformat=channel_layouts=${layout}`];

/** The inputs, each made by ffmpeg's own encoders: the families users meet, plus the corner cases of the rules. */
const MATRIX: MatrixInput[] = [
  { name: 'h264-aac.mp4', make: [...VA, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac'], targets: ['mp4', 'mp3', 'webm'] },
  { name: 'mjpeg-yuvj422p.mov', make: [...VA, '-c:v', 'mjpeg', '-pix_fmt', 'yuvj422p', '-c:a', 'pcm_s16le'], targets: ['mp4', 'm4a'] },
  { name: 'h263-aac.3gp', make: ['-f', 'lavfi', '-i', 'testsrc=size=176x144:rate=15:duration=1', ...A, '-shortest', '-c:v', 'h263', '-c:a', 'aac', '-ar', '8000', '-ac', '1'], targets: ['mp4', 'mp3'] },
  { name: 'mpeg4-fullrange.3gp', make: [...VA, '-c:v', 'mpeg4', '-color_range', 'pc', '-c:a', 'aac'], targets: ['mp4'] },
  { name: 'hevc-opus.mkv', make: [...VA, '-c:v', 'libx265', '-x265-params', 'log-level=error', '-c:a', 'libopus'], targets: ['mp4', 'mp3', 'mkv'] },
  { name: 'h264-10bit-422-flac.mkv', make: [...VA, '-c:v', 'libx264', '-pix_fmt', 'yuv422p10le', '-c:a', 'flac'], targets: ['mp4', 'flac'] },
  { name: 'vp8-vorbis.webm', make: [...VA, '-c:v', 'libvpx', '-c:a', 'libvorbis'], targets: ['mp4', 'ogg'] },
  { name: 'vp9-opus.webm', make: [...VA, '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus'], targets: ['mp4', 'webm'] },
  { name: 'mpeg4-mp3.avi', make: [...VA, '-c:v', 'mpeg4', '-c:a', 'libmp3lame'], targets: ['mp4', 'avi', 'mp3'] },
  { name: 'mjpeg-pcm.avi', make: [...VA, '-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-c:a', 'pcm_s16le'], targets: ['mp4', 'wav'] },
  { name: 'h264-ac3.ts', make: [...VA, '-c:v', 'libx264', '-c:a', 'ac3', '-f', 'mpegts'], targets: ['mp4', 'mp3'] },
  { name: 'h264-aac.m2ts', make: [...VA, '-c:v', 'libx264', '-c:a', 'aac', '-f', 'mpegts', '-mpegts_m2ts_mode', '1'], targets: ['mp4'] },
  { name: 'mpeg2-mp2.mpg', make: [...VA, '-c:v', 'mpeg2video', '-c:a', 'mp2', '-f', 'mpeg'], targets: ['mp4', 'mp3'] },
  { name: 'mpeg2-ac3.vob', make: [...VA, '-c:v', 'mpeg2video', '-c:a', 'ac3', '-f', 'vob'], targets: ['mp4'] },
  { name: 'flv1-mp3.flv', make: [...VA, '-c:v', 'flv', '-c:a', 'libmp3lame', '-ar', '44100'], targets: ['mp4', 'mp3'] },
  { name: 'wmv2-wmav2.wmv', make: [...VA, '-c:v', 'wmv2', '-c:a', 'wmav2'], targets: ['mp4', 'mp3'] },
  { name: 'mpeg2-pcm.mxf', make: ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=1', '-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=48000', '-shortest', '-c:v', 'mpeg2video', '-c:a', 'pcm_s16le', '-f', 'mxf'], targets: ['mp4'] },
  { name: 'theora-vorbis.ogv', make: [...VA, '-c:v', 'libtheora', '-c:a', 'libvorbis'], targets: ['mp4', 'ogg'] },
  { name: 'theora-named.ogg', make: [...VA, '-c:v', 'libtheora', '-c:a', 'libvorbis', '-f', 'ogg'], targets: ['mp4', 'webm'] },
  { name: 'prores-422-10bit.mov', make: [...VA, '-c:v', 'prores_ks', '-profile:v', '2', '-c:a', 'pcm_s24le'], targets: ['mp4', 'mov'] },
  { name: 'qtrle-rgb24.mov', make: [...V, '-c:v', 'qtrle', '-pix_fmt', 'rgb24'], targets: ['mp4', 'webm'] },
  { name: 'png-pal8.mov', make: [...V, '-c:v', 'png', '-pix_fmt', 'pal8'], targets: ['mp4'] },
  { name: 'odd-321x241.mkv', make: ['-f', 'lavfi', '-i', 'testsrc=size=321x241:rate=15:duration=1', '-vf', 'format=yuv444p', '-c:v', 'ffv1'], targets: ['mp4', 'webm', 'avi'] },
  { name: 'h264-444.mp4', make: [...V, '-c:v', 'libx264', '-pix_fmt', 'yuv444p'], targets: ['mp4'] },
  { name: 'ffv1-gray12.mkv', make: [...V, '-c:v', 'ffv1', '-pix_fmt', 'gray12le'], targets: ['mp4'] },
  { name: 'vfr.mp4', make: ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=30:duration=2', '-vf', "select='lt(mod(n,10),3)'", '-fps_mode', 'vfr', '-c:v', 'libx264'], targets: ['mp4', 'webm'] },
  { name: 'h264-aac51.mp4', make: [...V, ...surround('5.1'), '-shortest', '-c:v', 'libx264', '-c:a', 'aac'], targets: ['mp4', 'mp3', 'webm'] },
  { name: 'h264-flac71.mkv', make: [...V, ...surround('7.1'), '-shortest', '-c:v', 'libx264', '-c:a', 'flac'], targets: ['mp4', 'mp3'] },
  { name: 'animated.gif', make: [...V, '-c:v', 'gif'], targets: ['mp4', 'jpg', 'webp'] },
  { name: 'animated.apng', make: [...V, '-c:v', 'apng', '-plays', '0', '-f', 'apng'], targets: ['png', 'jpg'] },
  { name: 'aac-only.mp4', make: [...A, '-c:a', 'aac', '-f', 'mp4'], targets: ['mp4', 'mp3', 'mov'] },
  { name: 'pcm-u8.wav', make: [...A, '-c:a', 'pcm_u8'], targets: ['mp3', 'flac', 'mp4'] },
  { name: 'pcm-s24-96k.wav', make: ['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=96000', '-c:a', 'pcm_s24le'], targets: ['mp3', 'wav', 'flac'] },
  { name: 'pcm.w64', make: [...A, '-c:a', 'pcm_s16le'], targets: ['mp3'] },
  { name: 'rf64.wav', make: [...A, '-c:a', 'pcm_s16le', '-rf64', 'always'], targets: ['mp3', 'm4a'] },
  { name: 'pcm.aiff', make: [...A, '-c:a', 'pcm_s16be'], targets: ['mp3', 'wav'] },
  { name: 'alaw.aifc', make: [...A, '-c:a', 'pcm_alaw', '-f', 'aiff'], targets: ['mp3'] },
  { name: 'alac.caf', make: [...A, '-c:a', 'alac'], targets: ['mp3', 'm4a'] },
  { name: 's24.flac', make: ['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=48000', '-c:a', 'flac', '-sample_fmt', 's32'], targets: ['mp3', 'wav'] },
  { name: 'vorbis.ogg', make: [...A, '-c:a', 'libvorbis'], targets: ['mp3', 'mp4'] },
  { name: 'voice.opus', make: [...A, '-c:a', 'libopus'], targets: ['mp3', 'm4a'] },
  { name: 'speex.spx', make: ['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=16000', '-c:a', 'libspeex', '-f', 'ogg'], targets: ['mp3'] },
  { name: 'wmav2.wma', make: [...A, '-c:a', 'wmav2', '-f', 'asf'], targets: ['mp3'] },
  { name: 'aac.mka', make: [...A, '-c:a', 'aac', '-f', 'matroska'], targets: ['mp3', 'mkv'] },
  { name: 'wavpack.wv', make: [...A, '-c:a', 'wavpack'], targets: ['mp3', 'flac'] },
  { name: 'raw.ac3', make: [...surround('5.1'), '-c:a', 'ac3'], targets: ['mp3', 'm4a'] },
  { name: 'raw.eac3', make: [...A, '-c:a', 'eac3'], targets: ['mp3'] },
  { name: 'raw.dts', make: ['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=48000', '-c:a', 'dca', '-strict', '-2', '-f', 'dts'], targets: ['mp3'] },
  { name: 'adts.aac', make: [...A, '-c:a', 'aac', '-f', 'adts'], targets: ['mp3', 'm4a'] },
  { name: 'layer2.mp2', make: [...A, '-c:a', 'mp2', '-f', 'mp2'], targets: ['mp3'] },
  { name: 'lame.mp3', make: [...A, '-c:a', 'libmp3lame'], targets: ['m4a', 'wav'] },
  { name: 'mulaw.au', make: [...A, '-c:a', 'pcm_mulaw'], targets: ['mp3'] },
  { name: 'creative.voc', make: ['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=22050', '-c:a', 'pcm_u8'], targets: ['mp3'] },
  { name: 'alac.m4a', make: [...A, '-c:a', 'alac'], targets: ['mp3', 'm4a'] },
  { name: 'frame.png', make: [...V, '-frames:v', '1', '-c:v', 'png'], targets: ['jpg', 'webp'] },
  { name: 'frame.jpg', make: [...V, '-frames:v', '1', '-c:v', 'mjpeg'], targets: ['png', 'avif'] },
  { name: 'frame.tiff', make: [...V, '-frames:v', '1', '-c:v', 'tiff'], targets: ['jpg'] },
  { name: 'frame.webp', make: [...V, '-frames:v', '1', '-c:v', 'libwebp'], targets: ['jpg', 'png'] },
  { name: 'frame.bmp', make: [...V, '-frames:v', '1', '-c:v', 'bmp'], targets: ['jpg'] },
];

/** A NIST SPHERE file (speech corpora) named .wav: a text header of 1024 bytes, then raw 16-bit PCM. */
async function makeSphere(file: string): Promise<void> {
  const { stdout } = await run('ffmpeg', ['-nostdin', '-v', 'error', ...['-f', 'lavfi', '-i', 'sine=duration=1:sample_rate=16000'], '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
  const fields = `NIST_1A\n   1024\nsample_count -i ${stdout.length / 2}\nsample_n_bytes -i 2\nchannel_count -i 1\nsample_byte_format -s2 01\nsample_rate -i 16000\nsample_coding -s3 pcm\nend_head\n`;
  writeFileSync(file, Buffer.concat([Buffer.from(fields.padEnd(1024, ' '), 'latin1'), stdout]));
}

/** Top-level MP4 box types in file order. */
function topLevelBoxes(file: string): string[] {
  const bytes = readFileSync(file);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    boxes.push(bytes.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

describe('format matrix: every family users have, made by ffmpeg, to its natural targets', () => {
  const engine = useRealEngine();
  let inputs: string;
  let out: string;
  const results = new Map<string, ConversionResult | AppError>();
  const inputPath = (name: string) => path.join(inputs, name);
  const all: MatrixInput[] = [...MATRIX, { name: 'sphere.wav', make: [], targets: ['mp3', 'flac'] }];

  beforeAll(async () => {
    inputs = tempDir('convertr-matrix-in-');
    out = tempDir('convertr-matrix-out-');
    await pool(all, 2, async (input) => {
      if (input.name === 'sphere.wav') return makeSphere(inputPath(input.name));
      await run('ffmpeg', ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...input.make, '-threads', '1', inputPath(input.name)]);
    });
    const jobs = all.flatMap((input) => input.targets.map((target) => ({ input, target })));
    await pool(jobs, 2, async ({ input, target }) => {
      const key = `${input.name} -> ${target}`;
      results.set(key, await engine().converter.convert({ inputPath: inputPath(input.name), target, outputDir: out }).catch((error: AppError) => error));
    });
  }, 170_000);
  afterAll(() => {
    removeDir(inputs);
    removeDir(out);
  });

  it('covers at least 40 container/codec inputs', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
  });

  it('the odd-size input really is 321x241 (ffmpeg keeps it odd in 4:4:4 FFV1)', () => {
    const video = videoOf(ffprobe(inputPath('odd-321x241.mkv')))!;
    expect([video.width, video.height]).toEqual([321, 241]);
  });

  it('converts every input to each of its natural targets, each output passing the engine\'s own check', () => {
    const failures = [...results].filter(([, r]) => !('outputPath' in r)).map(([key, r]) => `${key}: ${(r as AppError).code} ${(r as AppError).message}`);
    expect(failures).toEqual([]);
    expect(results.size).toBe(all.reduce((n, i) => n + i.targets.length, 0));
  });

  it('every encoded video is 8-bit 4:2:0 in limited range with even sides', () => {
    for (const [key, result] of results) {
      if (!('outputPath' in result) || result.strategy !== 'encode' || !['mp4', 'mov', 'webm', 'avi', 'mkv'].includes(result.target)) continue;
      const video = videoOf(ffprobe(result.outputPath));
      if (!video) continue;
      expect(video.pix_fmt, key).toBe('yuv420p');
      expect((video as { color_range?: string }).color_range, key).not.toBe('pc');
      expect(video.width! % 2 + video.height! % 2, key).toBe(0);
    }
  });

  it('odd 321x241 becomes 320x240 wherever the target needs even sides', () => {
    for (const target of ['mp4', 'webm', 'avi'] as const) {
      const result = results.get(`odd-321x241.mkv -> ${target}`) as ConversionResult;
      const video = videoOf(ffprobe(result.outputPath))!;
      expect([video.width, video.height], target).toEqual([320, 240]);
    }
  });

  it('MP4, MOV and M4A outputs start playing before they finish downloading (moov before mdat)', () => {
    let checked = 0;
    for (const [key, result] of results) {
      if (!('outputPath' in result) || !['mp4', 'm4a', 'mov'].includes(result.target)) continue;
      const boxes = topLevelBoxes(result.outputPath);
      expect(boxes.indexOf('moov'), `${key}: ${boxes.join(' ')}`).toBeLessThan(boxes.indexOf('mdat'));
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('Ogg Theora is a video; an audio-only MP4 becomes an MP4 with sound alone', () => {
    const ogg = results.get('theora-named.ogg -> mp4') as ConversionResult;
    expect(ogg.pair).toBe('OGV->MP4');
    expect(videoOf(ffprobe(ogg.outputPath))?.codec_name).toBe('h264');
    const audioOnly = results.get('aac-only.mp4 -> mp4') as ConversionResult;
    expect(audioOnly.pair).toBe('M4A->MP4');
    const probed = ffprobe(audioOnly.outputPath);
    expect(videoOf(probed)).toBeUndefined();
    expect(audiosOf(probed).map((a) => a.codec_name)).toEqual(['aac']);
  });

  it('a NIST SPHERE file named .wav is read as speech audio, not refused as text', () => {
    const result = results.get('sphere.wav -> mp3') as ConversionResult;
    expect(result.pair).toBe('SPH->MP3');
    expect(Number(ffprobe(result.outputPath).format.duration)).toBeCloseTo(1, 0);
  });

  it('5.1 and 7.1 sound keeps its channels in MP4 and is mixed down to stereo in MP3', () => {
    const mp4 = results.get('h264-aac51.mp4 -> mp4') as ConversionResult;
    expect(audiosOf(ffprobe(mp4.outputPath))[0]!.channels).toBe(6);
    const mp3 = results.get('h264-flac71.mkv -> mp3') as ConversionResult;
    expect(audiosOf(ffprobe(mp3.outputPath))[0]!.channels).toBe(2);
    expect(mp3.notes.join(' ')).toMatch(/8 audio channels down to stereo/);
  });

  it('an animation to a still format takes the first frame with a note; GIF to WebP stays animated', () => {
    for (const key of ['animated.gif -> jpg', 'animated.apng -> png', 'animated.apng -> jpg']) {
      expect((results.get(key) as ConversionResult).notes.join(' '), key).toMatch(/first frame/);
    }
    expect((results.get('animated.gif -> webp') as ConversionResult).notes.join(' ')).not.toMatch(/first frame/);
  });
});
