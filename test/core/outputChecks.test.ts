import { describe, expect, it } from 'vitest';
import { checkImageOutput } from '../../main/core/engine/check/checkImageOutput';
import { checkMediaOutput } from '../../main/core/engine/check/checkMediaOutput';
import type { ImageExpectation, ImageInfo } from '../../main/core/engine/ports';
import { probe, video } from '../helpers/probes';

const info = (overrides: Partial<ImageInfo> = {}): ImageInfo => ({
  format: 'png', width: 10, height: 20, hasAlpha: false, orientation: 1, hasExif: true, photoTags: ['dateTaken', 'gps', 'camera'], hasIcc: true, pages: 1, ...overrides,
});
const expected = (overrides: Partial<ImageExpectation> = {}): ImageExpectation => ({
  width: 10, height: 20, hasAlpha: false, exif: true, photoTags: ['dateTaken', 'gps', 'camera'], icc: true, pages: 1, ...overrides,
});

describe('checkImageOutput', () => {
  it('passes an output that kept everything', () => {
    expect(checkImageOutput(info(), 'png', expected())).toEqual([]);
  });

  it('names each photo fact that was lost, and lost EXIF or colour profile', () => {
    expect(checkImageOutput(info({ photoTags: ['camera'] }), 'png', expected())).toEqual(['the date taken, GPS position of the photo was lost']);
    expect(checkImageOutput(info({ hasExif: false, photoTags: [] }), 'png', expected({ photoTags: [] }))).toEqual(['the photo metadata (EXIF) was lost']);
    expect(checkImageOutput(info({ hasIcc: false }), 'png', expected())).toEqual(['the colour profile was lost']);
    expect(checkImageOutput(info({ hasExif: false, photoTags: [], hasIcc: false }), 'png', expected({ exif: false, photoTags: [], icc: false }))).toEqual([]);
  });

  it('refuses a leftover orientation, a wrong size or format, lost transparency and a wrong frame count', () => {
    expect(checkImageOutput(info({ orientation: 6 }), 'png', expected())).toEqual(['the output still carries EXIF orientation 6']);
    expect(checkImageOutput(info({ orientation: undefined }), 'png', expected())).toEqual([]);
    expect(checkImageOutput(info({ width: 11 }), 'png', expected())).toEqual(['the output is 11x20, expected 10x20']);
    expect(checkImageOutput(info({ format: 'jpeg' }), 'png', expected())).toEqual(['the output is jpeg, not png']);
    expect(checkImageOutput(info({ format: 'heif' }), 'avif', expected())).toEqual([]);
    expect(checkImageOutput(info({ format: 'jpeg', hasAlpha: true }), 'jpg', expected())).toEqual(['the output has an alpha channel that JPG viewers do not show']);
    expect(checkImageOutput(info(), 'png', expected({ hasAlpha: true }))).toEqual(['the transparency of the input was lost']);
    expect(checkImageOutput(info({ format: 'gif', pages: 1 }), 'gif', expected({ pages: 5 }))).toEqual(['the output has 1 frame, expected 5']);
    // A TIFF of a scan holds pages: one page where the input had three is a lost page, not a success.
    expect(checkImageOutput(info({ format: 'tiff', pages: 1 }), 'tiff', expected({ pages: 3 }))).toEqual(['the output has 1 page, expected 3']);
  });
});

describe('checkMediaOutput', () => {
  const want = { container: 'mp4', video: { codec: 'h264', pixelFormat: 'yuv420p', limitedRange: true, evenDimensions: true, width: 1920, height: 1080, rotation: 0, sdr: true }, audio: { count: 1 }, subtitles: 0, durationSeconds: 10, durationToleranceSeconds: 0.5 };

  it('passes a limited-range 4:2:0 output and refuses a full-range (JPEG-range) one', () => {
    expect(checkMediaOutput(probe(), want)).toEqual([]);
    expect(checkMediaOutput(probe({ video: [video({ colorRange: 'pc' })] }), want)).toEqual(['the picture is stored in full (JPEG) range, which players show with the wrong contrast']);
    expect(checkMediaOutput(probe({ video: [video({ pixelFormat: 'yuvj420p', colorRange: undefined })] }), want)).toContain('pixel format is yuvj420p, expected yuv420p');
    expect(checkMediaOutput(probe({ video: [video({ colorRange: 'pc' })] }), { ...want, video: { ...want.video, limitedRange: false } })).toEqual([]);
  });

  it('refuses odd sides, another size, rotation, codec or duration', () => {
    expect(checkMediaOutput(probe({ video: [video({ width: 1921 })] }), want)).toEqual(['dimensions 1921x1080 are not even', 'dimensions are 1921x1080, expected 1920x1080']);
    expect(checkMediaOutput(probe({ video: [video({ rotation: 90 })] }), want)).toEqual(['rotation is 90°, expected 0°']);
    expect(checkMediaOutput(probe({ durationSeconds: 10.6 }), want)).toEqual(['the output lasts 10.60 s, the input 10.00 s']);
    expect(checkMediaOutput(probe({ durationSeconds: 10.5 }), want)).toEqual([]);
    expect(checkMediaOutput(probe({ container: 'matroska,webm' }), want)).toEqual(['the output is matroska,webm, not mp4']);
    expect(checkMediaOutput(probe({ video: [] }), want)).toEqual(['the output has no video stream']);
    expect(checkMediaOutput(probe(), { ...want, video: undefined })).toEqual(['the output has a video stream where none was expected']);
  });
});
