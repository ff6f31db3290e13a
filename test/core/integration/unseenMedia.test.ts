import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type ConversionOptions } from '../../../main/core/engine/plan/conversionOptions';
import type { AppError } from '../../../main/core/errors';
import { useRealEngine } from '../../helpers/engine';
import { ffprobe, makeMedia, removeDir, tempDir, videoOf } from '../../helpers/media';

/** A subtitle every half second, each shown 0.4 s: "second 0" at 0 s ... "second 19" at 9.5 s. */
function tickSubtitles(): string {
  const at = (s: number) => `00:00:${String(Math.floor(s)).padStart(2, '0')},${String(Math.round((s % 1) * 1000)).padStart(3, '0')}`;
  return Array.from({ length: 20 }, (_, i) => `${i + 1}\n${at(i * 0.5)} --> ${at(i * 0.5 + 0.4)}\nsecond ${i}\n`).join('\n');
}

/** ffmpeg's idet verdict over every frame: how many look like two fields (top first) and how many like whole pictures. */
function fieldsSeen(file: string): { tff: number; progressive: number } {
  const err = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-vf', 'idet', '-f', 'null', '-'], { encoding: 'utf8' }).stderr;
  const match = /Multi frame detection: TFF:\s*(\d+)\s*BFF:\s*\d+\s*Progressive:\s*(\d+)/.exec(err);
  return { tff: Number(match?.[1]), progressive: Number(match?.[2]) };
}

/** Media as phones, screen recorders, rippers and failed downloads make it, through the real engine (real ffmpeg). */
describe('media a tester brought: a subtitled film cut, an odd-sized screen recording, an error page and a phone clip cut off', () => {
  const engine = useRealEngine();
  let dir: string;
  const file = (name: string) => path.join(dir, name);
  const convert = (input: string, target: string, options: Partial<ConversionOptions> = {}) =>
    engine().converter.convert({ inputPath: file(input), target: target as never, outputDir: path.join(dir, 'out', `${input}-${target}`), options: { ...DEFAULT_OPTIONS, ...options } });

  beforeAll(() => {
    dir = tempDir('convertr-unseen-media-');
    writeFileSync(file('tick.srt'), tickSubtitles());
    makeMedia([
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=duration=10', '-i', file('tick.srt'),
      '-map', '0', '-map', '1', '-map', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-c:s', 'srt', file('film.mkv'),
    ]);
    // A screen recorder's odd size in square pixels, lossless.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=1366x768:rate=10:duration=1', '-vf', 'scale=1365:767,setsar=1', '-pix_fmt', 'yuv444p', '-c:v', 'ffv1', file('screen.mkv')]);
    // A phone's MP4: its index (moov) is written after the media, so a download that stops halfway has none.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=4', '-f', 'lavfi', '-i', 'sine=duration=4', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', file('phone.mp4')]);
    const phone = readFileSync(file('phone.mp4'));
    writeFileSync(file('half.mp4'), phone.subarray(0, Math.floor(phone.length / 2)));
    // A camcorder's interlaced MPEG-2 in MPEG-TS: two fields a frame, top first, each from its own moment.
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=720x576:rate=50:duration=2', '-vf', 'tinterlace=mode=interleave_top,setfield=tff', '-c:v', 'mpeg2video', '-b:v', '8M', '-flags', '+ilme+ildct', '-top', '1', '-f', 'mpegts', file('camcorder.mts')]);
    // An anime-style MKV: ASS subtitles drawn with a font the file carries as an attachment.
    writeFileSync(file('font.ttf'), Buffer.alloc(2048, 7));
    makeMedia([
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=2', '-i', file('tick.srt'), '-map', '0', '-map', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
      '-c:s', 'ass', '-attach', file('font.ttf'), '-metadata:s:t', 'mimetype=application/x-truetype-font', file('fansub.mkv'),
    ]);
    // A song as a music shop sells it: AAC with its cover art (covr).
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=300x300', '-frames:v', '1', file('cover.jpg')]);
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=2', '-i', file('cover.jpg'), '-map', '0', '-map', '1', '-c:a', 'aac', '-c:v', 'copy', '-disposition:v', 'attached_pic', file('song.m4a')]);
    writeFileSync(file('video.mp4'), '<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>\n');
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('a cut of a film with subtitles is made, to the cut\'s length, without the subtitles (which ffmpeg would put out of step) and says so', async () => {
    for (const target of ['mp4', 'mkv']) {
      const result = await convert('film.mkv', target, { from: 2.2, until: 5 });
      const probe = ffprobe(result.outputPath);
      expect(probe.streams.filter((s) => s.codec_type === 'subtitle'), target).toHaveLength(0);
      expect(Math.abs(Number(probe.format.duration) - 2.8), target).toBeLessThanOrEqual(0.05);
      expect(result.notes, target).toContain('Left out the subtitle track: subtitles cannot be cut in step with the picture. Convert the whole file to keep them.');
    }
    // Uncut, the subtitles stay.
    const whole = ffprobe((await convert('film.mkv', 'mp4')).outputPath);
    expect(whole.streams.filter((s) => s.codec_type === 'subtitle').map((s) => s.codec_name)).toEqual(['mov_text']);
  }, 180_000);

  it('an MKV to MKV keeps the font its subtitles are drawn with (an attachment)', async () => {
    const result = await convert('fansub.mkv', 'mkv');
    const attached = ffprobe(result.outputPath).streams.filter((s) => s.codec_type === 'attachment');
    expect(attached.map((s) => s.codec_name)).toEqual(['ttf']);
  }, 60_000);

  it('a song with cover art to MP4 keeps the cover, as the M4A had it; to WEBM it says it was left out', async () => {
    const mp4 = await convert('song.m4a', 'mp4');
    const streams = ffprobe(mp4.outputPath).streams;
    expect(streams.map((s) => [s.codec_type, s.codec_name, s.disposition?.attached_pic])).toEqual([['audio', 'aac', 0], ['video', 'mjpeg', 1]]);
    expect(mp4.notes).toEqual(['This file has sound only, so the MP4 holds audio alone, with its cover art.']);
    const webm = await convert('song.m4a', 'webm');
    expect(webm.notes).toContain('The cover art was left out: WEBM files made here cannot hold a picture (MP4 can).');
  }, 60_000);

  it('a 1365x767 screen recording becomes 1364x766 in square pixels, its other pixels not resampled', async () => {
    const result = await convert('screen.mkv', 'mp4', { quality: 'high' });
    const video = videoOf(ffprobe(result.outputPath))!;
    expect([video.width, video.height]).toEqual([1364, 766]);
    expect(video.sample_aspect_ratio ?? '1:1').toBe('1:1');
  }, 180_000);

  it('a resized clip keeps square pixels, where the rounding to even sides would have bent them (747:752)', async () => {
    const result = await convert('phone.mp4', 'mp4', { resize: 111 });
    const video = videoOf(ffprobe(result.outputPath))!;
    expect([video.width, video.height]).toEqual([110, 84]);
    expect(video.sample_aspect_ratio ?? '1:1').toBe('1:1');
  }, 60_000);

  it('a camcorder\'s interlaced video becomes whole pictures in an MP4 and a GIF, not fields a computer shows combed', async () => {
    expect(fieldsSeen(file('camcorder.mts')).tff).toBeGreaterThan(40);
    const mp4 = await convert('camcorder.mts', 'mp4');
    expect(mp4.notes).toContain('Made whole pictures of the interlaced video (as a camcorder or TV records it), so that computers and phones show no combing.');
    const seen = fieldsSeen(mp4.outputPath);
    expect(seen.progressive).toBeGreaterThan(40);
    expect(seen.tff).toBeLessThan(5);
    expect(fieldsSeen((await convert('camcorder.mts', 'gif', { resize: 720 })).outputPath).tff).toBeLessThan(3);
  }, 120_000);

  it('an HTML error page saved as video.mp4 is named a web page from a failed download, with what to do', async () => {
    await expect(convert('video.mp4', 'mp3')).rejects.toMatchObject({
      code: 'FORMAT_UNRECOGNIZED',
      message: expect.stringMatching(/^This is a web page \(HTML\).*a download that failed.*Download the file again/),
    } satisfies Partial<AppError>);
  });

  it('a phone MP4 cut off before its index is "cut short" with the share that is there, not "damaged"', async () => {
    await expect(convert('half.mp4', 'mp3')).rejects.toMatchObject({
      code: 'INPUT_CORRUPT',
      message: expect.stringMatching(/^This file is cut short: only (49|50) % of its data is there/),
    } satisfies Partial<AppError>);
    await expect(convert('half.mp4', 'jpg')).rejects.toMatchObject({ code: 'INPUT_CORRUPT', message: expect.stringMatching(/cut short/) });
  }, 60_000);
});
