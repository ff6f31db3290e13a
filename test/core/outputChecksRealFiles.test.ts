import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkImageOutput } from '../../main/core/engine/check/checkImageOutput';
import { checkMediaOutput } from '../../main/core/engine/check/checkMediaOutput';
import { probeMovieForAudio } from '../../main/core/engine/identify/isoBmffProbe';
import type { OutputExpectation } from '../../main/core/engine/plan/ffmpegPlan';
import type { MediaProbe } from '../../main/core/engine/identify/media';
import type { ImageExpectation, ImageInfo } from '../../main/core/engine/ports';
import { parseFfprobeJson } from '../../main/core/engine/identify/probeParse';
import { inspectImage } from '../../native/image/sharpImageInspector';
import { ffprobe, makeMedia } from '../helpers/media';

/**
 * Every refusal of the output checks, each met by a real file made here (ffmpeg, sharp) that breaks that one
 * rule of an otherwise fitting plan. The files are kept under the system's temporary folder between runs
 * (the mutation run repeats this file for every mutant).
 */
const FILES = path.join(tmpdir(), 'convertr-output-check-files-v1');

function made(name: string, make: (file: string) => void | Promise<void>): () => Promise<string> {
  return async () => {
    const file = path.join(FILES, name);
    if (!existsSync(file)) {
      // Made under another name and renamed, so that a run cut short leaves no half-made file to reuse.
      const partial = path.join(FILES, `partial-${process.pid}-${name}`);
      await make(partial);
      renameSync(partial, file);
    }
    return file;
  };
}

const picture = ['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10:duration=1'];
const sound = (channels = 2, rate = 48000) => ['-f', 'lavfi', '-i', `sine=frequency=440:duration=1:sample_rate=${rate}`, '-ac', String(channels)];
const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

const goodMovie = made('good.mp4', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f]));

const MEDIA = {
  good: goodMovie,
  matroska: made('good.mkv', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'matroska', f])),
  soundOnly: made('sound.m4a', (f) => makeMedia([...sound(), '-c:a', 'aac', '-f', 'mp4', f])),
  mpeg4: made('mpeg4.mp4', (f) => makeMedia([...picture, ...sound(), '-c:v', 'mpeg4', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f])),
  yuv444: made('yuv444.mp4', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-f', 'mp4', f])),
  fullRange: made('fullRange.mp4', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv420p', '-color_range', 'pc', '-c:a', 'aac', '-f', 'mp4', f])),
  oddSides: made('odd.mp4', (f) => makeMedia([...picture, ...sound(), '-vf', 'scale=65:49', ...x264, '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-f', 'mp4', f])),
  oddHeight: made('oddHeight.mp4', (f) => makeMedia([...picture, ...sound(), '-vf', 'scale=64:49', ...x264, '-pix_fmt', 'yuv444p', '-c:a', 'aac', '-f', 'mp4', f])),
  wav: made('sound.wav', (f) => makeMedia([...sound(), '-c:a', 'pcm_s16le', '-f', 'wav', f])),
  rotated: made('rotated.mp4', async (f) => makeMedia(['-i', await goodMovie(), '-c', 'copy', '-metadata:s:v', 'rotate=90', '-f', 'mp4', f])),
  hdr: made('hdr.mp4', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv420p', '-color_primaries', 'bt2020', '-color_trc', 'smpte2084', '-colorspace', 'bt2020nc', '-c:a', 'aac', '-f', 'mp4', f])),
  twoSounds: made('twoSounds.mp4', (f) => makeMedia([...picture, ...sound(), '-f', 'lavfi', '-i', 'sine=frequency=880:duration=1', '-map', '0:v', '-map', '1:a', '-map', '2:a', ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f])),
  mp3Sound: made('mp3Sound.mp4', (f) => makeMedia([...picture, ...sound(), ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'libmp3lame', '-f', 'mp4', f])),
  sixChannels: made('six.mp4', (f) => makeMedia([...picture, ...sound(6), ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f])),
  highRate: made('highRate.mp4', (f) => makeMedia([...picture, ...sound(2, 96000), ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f])),
  subtitled: made('subtitled.mp4', (f) => {
    const srt = `${f}.srt`;
    writeFileSync(srt, '1\n00:00:00,000 --> 00:00:00,800\nHello\n');
    makeMedia([...picture, ...sound(), '-i', srt, '-map', '0:v', '-map', '1:a', '-map', '2:s', ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-c:s', 'mov_text', '-f', 'mp4', f]);
  }),
  noDuration: made('raw.h264', (f) => makeMedia([...picture, ...x264, '-pix_fmt', 'yuv420p', '-f', 'h264', f])),
  twoSeconds: made('twoSeconds.mp4', (f) => makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2:sample_rate=48000', '-ac', '2', ...x264, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-f', 'mp4', f])),
};

const probes: Partial<Record<keyof typeof MEDIA, MediaProbe>> = {};

/** What the plan of a 1 s, 64x48 H.264 MP4 with one stereo AAC track promises. */
const plan = (overrides: Partial<OutputExpectation> = {}, video: Partial<NonNullable<OutputExpectation['video']>> = {}): OutputExpectation => ({
  container: 'mp4',
  video: { codec: 'h264', pixelFormat: 'yuv420p', limitedRange: true, evenDimensions: true, width: 64, height: 48, rotation: 0, sdr: true, ...video },
  audio: { count: 1, codec: 'aac', maxChannels: 2, maxSampleRate: 48000 },
  subtitles: 0,
  durationSeconds: 1,
  durationToleranceSeconds: 0.5,
  inputDurationSeconds: 1,
  ...overrides,
});

describe('the media output check, on real files that each break one promise', () => {
  beforeAll(async () => {
    mkdirSync(FILES, { recursive: true });
    for (const [name, make] of Object.entries(MEDIA)) probes[name as keyof typeof MEDIA] = parseFfprobeJson(ffprobe(await make()));
  }, 120_000);
  const check = (name: keyof typeof MEDIA, expectation: OutputExpectation) => checkMediaOutput(probes[name]!, expectation);

  it('passes the file that keeps every promise', () => {
    expect(check('good', plan())).toEqual([]);
  });

  it('refuses another container, a missing or unexpected picture, another codec or pixel format', () => {
    expect(check('matroska', plan())).toEqual(['the output is matroska,webm, not mp4']);
    expect(check('soundOnly', plan())).toEqual(['the output has no video stream']);
    expect(check('soundOnly', plan({ video: undefined }))).toEqual([]);
    expect(check('good', plan({ video: undefined }))).toEqual(['the output has a video stream where none was expected']);
    expect(check('mpeg4', plan())).toEqual(['video codec is mpeg4, expected h264']);
    expect(check('yuv444', plan())).toEqual(['pixel format is yuv444p, expected yuv420p']);
    expect(check('yuv444', plan({}, { pixelFormat: undefined }))).toEqual([]);
  });

  it('refuses a full-range picture, odd sides, another size or rotation, and HDR left in an SDR output', async () => {
    // x264 marks a full-range picture as a JPEG pixel format too.
    expect(check('fullRange', plan())).toEqual(['pixel format is yuvj420p, expected yuv420p', 'the picture is stored in full (JPEG) range, which players show with the wrong contrast']);
    expect(check('fullRange', plan({}, { pixelFormat: undefined }))).toEqual(['the picture is stored in full (JPEG) range, which players show with the wrong contrast']);
    expect(check('fullRange', plan({}, { pixelFormat: undefined, limitedRange: false }))).toEqual([]);
    // A JPEG pixel format alone says full range, even when no range is flagged.
    const unflagged = { ...probes.fullRange!, video: [{ ...probes.fullRange!.video[0]!, colorRange: undefined }] };
    expect(checkMediaOutput(unflagged, plan({}, { pixelFormat: undefined }))).toEqual(['the picture is stored in full (JPEG) range, which players show with the wrong contrast']);
    // The in-process movie reader leaves the pixel format unknown: no range is read into it.
    const inProcess = probeMovieForAudio(await goodMovie())!;
    expect(inProcess.video[0]!.pixelFormat).toBeUndefined();
    expect(checkMediaOutput(inProcess, plan({ audio: { count: 1 } }, { pixelFormat: undefined }))).toEqual([]);
    expect(check('oddSides', plan({}, { pixelFormat: undefined, width: 65, height: 49 }))).toEqual(['dimensions 65x49 are not even']);
    expect(check('oddSides', plan({}, { pixelFormat: undefined, width: 65, height: 49, evenDimensions: false }))).toEqual([]);
    expect(check('oddHeight', plan({}, { pixelFormat: undefined, width: 64, height: 49 }))).toEqual(['dimensions 64x49 are not even']);
    expect(check('good', plan({}, { width: 48, height: 64 }))).toEqual(['dimensions are 64x48, expected 48x64']);
    expect(check('good', plan({}, { width: 64, height: 64 }))).toEqual(['dimensions are 64x48, expected 64x64']);
    expect(check('rotated', plan())).toEqual([`rotation is ${probes.rotated!.video[0]!.rotation}°, expected 0°`]);
    expect(probes.rotated!.video[0]!.rotation).not.toBe(0);
    expect(check('hdr', plan())).toEqual(['the output is still HDR (smpte2084)']);
    expect(check('hdr', plan({}, { sdr: false }))).toEqual([]);
  });

  it('refuses another number of audio tracks, another audio codec, more channels or a higher sample rate', () => {
    expect(check('twoSounds', plan())).toEqual(['the output has 2 audio tracks, expected 1']);
    expect(check('mp3Sound', plan())).toEqual(['audio codec is mp3, expected aac']);
    // A WAV plan names the codec family (pcm); ffprobe names the sample format after it.
    const wav = plan({ container: 'wav', video: undefined, audio: { count: 1, codec: 'pcm', maxChannels: 2, maxSampleRate: 48000 } });
    expect(probes.wav!.audio[0]!.codec).toBe('pcm_s16le');
    expect(check('wav', wav)).toEqual([]);
    expect(check('wav', { ...wav, audio: { count: 1, codec: 's16le' } })).toEqual(['audio codec is pcm_s16le, expected s16le']);
    expect(check('sixChannels', plan())).toEqual(['audio has 6 channels, at most 2 expected']);
    expect(check('sixChannels', plan({ audio: { count: 1, codec: 'aac', maxChannels: 6, maxSampleRate: 48000 } }))).toEqual([]);
    expect(check('highRate', plan())).toEqual(['audio sample rate is 96000 Hz, at most 48000 Hz expected']);
    expect(check('highRate', plan({ audio: { count: 1, codec: 'aac', maxChannels: 2, maxSampleRate: 96000 } }))).toEqual([]);
  });

  it('refuses another number of subtitle tracks, no length, a length beyond the tolerance, and a sliver', () => {
    expect(check('subtitled', plan())).toEqual(['the output has 1 subtitle tracks, expected 0']);
    expect(check('subtitled', plan({ subtitles: 1 }))).toEqual([]);
    expect(probes.noDuration!.durationSeconds).toBeUndefined();
    const raw = plan({ container: 'h264', audio: { count: 0 }, inputDurationSeconds: undefined });
    expect(check('noDuration', raw)).toEqual(['the output has no duration']);
    expect(check('noDuration', { ...raw, durationSeconds: undefined })).toEqual([]);
    expect(check('noDuration', { ...raw, durationSeconds: undefined, inputDurationSeconds: 1 })).toEqual(['the output lasts 0.00 s, less than half of the input\'s 1.00 s']);
    expect(check('twoSeconds', plan({ inputDurationSeconds: 2 }))).toEqual(['the output lasts 2.00 s, the input 1.00 s']);
    expect(check('twoSeconds', plan({ durationToleranceSeconds: 1, inputDurationSeconds: 2 }))).toEqual([]);
    expect(check('good', plan({ durationSeconds: undefined, inputDurationSeconds: 2.5 }))).toEqual(['the output lasts 1.00 s, less than half of the input\'s 2.50 s']);
    expect(check('good', plan({ durationSeconds: undefined, inputDurationSeconds: 2 }))).toEqual([]);
    // A sliver is said once, as a sliver, not also as a length beyond the tolerance.
    expect(check('good', plan({ durationSeconds: 2.5, inputDurationSeconds: 2.5 }))).toEqual(['the output lasts 1.00 s, less than half of the input\'s 2.50 s']);
    expect(check('noDuration', { ...raw, inputDurationSeconds: 1 })).toEqual(['the output lasts 0.00 s, less than half of the input\'s 1.00 s']);
    expect(check('good', plan({ durationSeconds: undefined, inputDurationSeconds: 0 }))).toEqual([]);
  });
});

const alphaPng = made('alpha.png', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toFile(f));

const IMAGES = {
  alphaPng,
  png: made('plain.png', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 3, background: 'red' } }).png().toFile(f)),
  jpeg: made('plain.jpg', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 3, background: 'red' } }).jpeg().toFile(f)),
  rotatedJpeg: made('rotated.jpg', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 3, background: 'red' } }).withMetadata({ orientation: 6 }).jpeg().toFile(f)),
  cameraOnly: made('camera.jpg', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 3, background: 'red' } }).withExif({ IFD0: { Make: 'Convertr', Model: 'One' } }).jpeg().toFile(f)),
  iccJpeg: made('icc.jpg', async (f) => void await sharp({ create: { width: 10, height: 20, channels: 3, background: 'red' } }).withIccProfile('p3').jpeg().toFile(f)),
  alphaBmp: made('alpha.bmp', async (f) => makeMedia(['-i', await alphaPng(), '-pix_fmt', 'bgra', '-f', 'image2', '-c:v', 'bmp', f])),
  twoFrames: made('two.gif', (f) => makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=10x20:rate=2:duration=1', '-f', 'gif', f])),
};

const infos: Partial<Record<keyof typeof IMAGES, ImageInfo>> = {};
const expect10x20 = (overrides: Partial<ImageExpectation> = {}): ImageExpectation => ({ width: 10, height: 20, hasAlpha: false, exif: false, photoTags: [], icc: false, pages: 1, ...overrides });

describe('the image output check, on real files that each break one promise', () => {
  beforeAll(async () => {
    mkdirSync(FILES, { recursive: true });
    for (const [name, make] of Object.entries(IMAGES)) infos[name as keyof typeof IMAGES] = await inspectImage(await make());
  }, 120_000);
  const check = (name: keyof typeof IMAGES, target: Parameters<typeof checkImageOutput>[1], expectation: ImageExpectation) => checkImageOutput(infos[name]!, target, expectation);

  it('passes files that keep every promise, each format under its own name (AVIF is reported as HEIF)', () => {
    expect(check('png', 'png', expect10x20())).toEqual([]);
    expect(check('alphaPng', 'png', expect10x20({ hasAlpha: true }))).toEqual([]);
    expect(check('jpeg', 'jpg', expect10x20())).toEqual([]);
    expect(check('twoFrames', 'gif', expect10x20({ pages: 2 }))).toEqual([]);
    expect(checkImageOutput({ ...infos.png!, format: 'heif' }, 'avif', expect10x20())).toEqual([]);
  });

  it('refuses another format or size, a leftover orientation, and alpha a JPG or BMP viewer does not show', () => {
    expect(check('jpeg', 'png', expect10x20())).toEqual(['the output is jpeg, not png']);
    expect(check('png', 'png', expect10x20({ width: 20, height: 10 }))).toEqual(['the output is 10x20, expected 20x10']);
    expect(check('png', 'png', expect10x20({ height: 21 }))).toEqual(['the output is 10x20, expected 10x21']);
    expect(check('rotatedJpeg', 'jpg', expect10x20())).toEqual(['the output still carries EXIF orientation 6']);
    expect(infos.alphaBmp!.hasAlpha).toBe(true);
    expect(check('alphaBmp', 'bmp', expect10x20())).toEqual(['the output has an alpha channel that BMP viewers do not show']);
    expect(check('alphaPng', 'png', expect10x20())).toEqual([]);
  });

  it('refuses lost transparency, EXIF, photo facts or colour profile, metadata left when it was to go, and another frame count', () => {
    expect(check('png', 'png', expect10x20({ hasAlpha: true }))).toEqual(['the transparency of the input was lost']);
    expect(check('png', 'jpg', expect10x20({ hasAlpha: true })).filter((p) => p.includes('transparency'))).toEqual([]);
    expect(check('jpeg', 'jpg', expect10x20({ exif: true, photoTags: ['camera'] }))).toEqual(['the photo metadata (EXIF) was lost']);
    expect(check('cameraOnly', 'jpg', expect10x20({ exif: true, photoTags: ['dateTaken', 'camera', 'gps'] }))).toEqual(['the date taken, GPS position of the photo was lost']);
    expect(check('cameraOnly', 'jpg', expect10x20({ exif: true, photoTags: ['camera'] }))).toEqual([]);
    expect(check('cameraOnly', 'jpg', expect10x20({ exif: false, photoTags: ['dateTaken'] }))).toEqual([]);
    expect(check('jpeg', 'jpg', expect10x20({ icc: true }))).toEqual(['the colour profile was lost']);
    expect(check('iccJpeg', 'jpg', expect10x20({ icc: true }))).toEqual([]);
    expect(check('cameraOnly', 'jpg', expect10x20({ noMetadata: true }))).toEqual(['the output still carries photo metadata (EXIF, XMP or IPTC) that was to be removed']);
    expect(check('jpeg', 'jpg', expect10x20({ noMetadata: true }))).toEqual([]);
    expect(checkImageOutput({ ...infos.jpeg!, hasXmpOrIptc: true }, 'jpg', expect10x20({ noMetadata: true }))).toEqual(['the output still carries photo metadata (EXIF, XMP or IPTC) that was to be removed']);
    expect(check('twoFrames', 'gif', expect10x20())).toEqual(['the output has 2 frames, expected 1']);
  });

  it('reads a long animation whose frames together pass libvips\' decoding limit (300 frames of 1000x1000) without refusing it', async () => {
    const long = await made('long-1000x1000x300.gif', (f) => makeMedia(['-f', 'lavfi', '-i', 'color=c=red:s=1000x1000:r=25', '-frames:v', '300', '-f', 'gif', f]))();
    const info = await inspectImage(long);
    expect(info.pages).toBe(300);
    expect(checkImageOutput(info, 'gif', { width: 1000, height: 1000, hasAlpha: false, exif: false, photoTags: [], icc: false, pages: 300 })).toEqual([]);
  });
});

