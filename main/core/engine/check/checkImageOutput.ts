import type { ImageOutput } from '../../formats.js';
import type { ImageExpectation, ImageInfo, PhotoTag } from '../ports.js';

const REPORTED_FORMAT: Record<ImageOutput, string> = {
  jpg: 'jpeg', png: 'png', webp: 'webp', avif: 'heif', tiff: 'tiff', gif: 'gif', bmp: 'bmp',
};

const PHOTO_TAG_NAMES: Record<PhotoTag, string> = { dateTaken: 'date taken', gps: 'GPS position', camera: 'camera make and model' };

/** Formats whose files can carry an alpha channel. */
export const ALPHA_TARGETS = new Set<ImageOutput>(['png', 'webp', 'avif', 'tiff', 'gif']);

/** Compares an image output, read back from disk, with what the conversion promised. */
export function checkImageOutput(info: ImageInfo, target: ImageOutput, expected: ImageExpectation): string[] {
  const problems: string[] = [];
  if (info.format !== REPORTED_FORMAT[target]) problems.push(`the output is ${info.format}, not ${target}`);
  if (info.width !== expected.width || info.height !== expected.height) {
    problems.push(`the output is ${info.width}x${info.height}, expected ${expected.width}x${expected.height}`);
  }
  if (info.orientation !== undefined && info.orientation !== 1) problems.push(`the output still carries EXIF orientation ${info.orientation}`);
  if (!ALPHA_TARGETS.has(target) && info.hasAlpha) problems.push(`the output has an alpha channel that ${target.toUpperCase()} viewers do not show`);
  if (expected.hasAlpha && ALPHA_TARGETS.has(target) && !info.hasAlpha) problems.push('the transparency of the input was lost');
  if (expected.exif && !info.hasExif) problems.push('the photo metadata (EXIF) was lost');
  const lost = expected.photoTags.filter((tag) => !info.photoTags.includes(tag)).map((tag) => PHOTO_TAG_NAMES[tag]);
  if (expected.exif && info.hasExif && lost.length > 0) problems.push(`the ${lost.join(', ')} of the photo was lost`);
  if (expected.icc && !info.hasIcc) problems.push('the colour profile was lost');
  if (expected.noMetadata && (info.hasExif || info.hasXmpOrIptc)) problems.push('the output still carries photo metadata (EXIF, XMP or IPTC) that was to be removed');
  const unit = target === 'tiff' ? 'page' : 'frame';
  if (info.pages !== expected.pages) problems.push(`the output has ${info.pages} ${unit}${info.pages === 1 ? '' : 's'}, expected ${expected.pages}`);
  return problems;
}

/** A GIF or WEBP made from a video: it must animate (more than one frame; one when the clip is shorter than two) at the planned picture size. */
export function checkAnimation(info: ImageInfo, expected: { format: 'gif' | 'webp'; width: number; height: number; oneFrame?: boolean }): string[] {
  const problems: string[] = [];
  const name = expected.format.toUpperCase();
  if (info.format !== expected.format) problems.push(`the output is ${info.format}, not ${expected.format}`);
  if (info.pages < 2 && !(expected.oneFrame === true && info.pages === 1)) problems.push(`the ${name} has ${info.pages} frame${info.pages === 1 ? '' : 's'}, so it does not move`);
  if (info.width !== expected.width || info.height !== expected.height) problems.push(`the ${name} is ${info.width}x${info.height}, expected ${expected.width}x${expected.height}`);
  return problems;
}

/** A still whose mean luminance (0 to 255) is at most this shows nothing: a black frame. */
export const BLACK_STILL_LUMINANCE = 12;

/** A still taken from a video: one picture of the planned size and format; a chosen (not asked-for) moment must not be black. */
export function checkStillOfVideo(info: ImageInfo, target: ImageOutput, expected: { width: number; height: number; chosen: boolean }, luminance: number): string[] {
  const problems = checkImageOutput(info, target, { width: expected.width, height: expected.height, hasAlpha: false, exif: false, photoTags: [], icc: false, pages: 1 });
  if (expected.chosen && luminance <= BLACK_STILL_LUMINANCE) problems.push(`the picture is black (mean luminance ${luminance.toFixed(1)} of 255)`);
  return problems;
}
