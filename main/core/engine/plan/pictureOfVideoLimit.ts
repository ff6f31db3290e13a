import { AppError } from '../../errors.js';
import type { SampleAspectRatio } from '../identify/media.js';
import { MAX_VIDEO_FRAME_PIXELS } from './planVideo.js';

type Size = { width: number; height: number };

const megapixels = (size: Size) => `${(size.width * size.height / 1e6).toFixed(1)} megapixels`;

/**
 * Refuses, before any work, a picture made from a video (a still, or every frame of a GIF or animated WEBP) above
 * the video frame limit. A pixel shape far wider than any real video's (a damaged header) stretches the picture
 * shown, and a large `--resize` keeps it that large: ffmpeg would otherwise allocate pictures of that size, for an
 * animation one per frame. `sizeFor` is the planner's own size for a longest side, so the advice fits it.
 */
export function assertPictureOfVideoWithinLimit(
  what: string, shown: Size, size: Size, pixelShape: SampleAspectRatio | undefined, resize: number | undefined, sizeFor: (edge: number) => Size,
): void {
  if (size.width * size.height <= MAX_VIDEO_FRAME_PIXELS) return;
  const longest = Math.max(shown.width, shown.height);
  let edge = Math.floor(longest * Math.sqrt(MAX_VIDEO_FRAME_PIXELS / (shown.width * shown.height)));
  while (edge > 1) {
    const fitted = sizeFor(edge);
    if (fitted.width * fitted.height <= MAX_VIDEO_FRAME_PIXELS) break;
    edge--;
  }
  const stretched = pixelShape && pixelShape.num > pixelShape.den
    ? `This video's pixels are marked ${pixelShape.num}:${pixelShape.den}, ${pixelShape.num / pixelShape.den < 10 ? 'wider' : 'far wider'} than high, so it is shown at`
    : 'This video is shown at';
  const picture = size.width === shown.width && size.height === shown.height
    ? `${stretched} ${shown.width}x${shown.height} (${megapixels(shown)})`
    : `${stretched} ${shown.width}x${shown.height}; ${resize !== undefined ? `at --resize ${resize} ` : ''}${what} would be ${size.width}x${size.height} (${megapixels(size)})`;
  throw new AppError(
    'TOO_LARGE',
    `${picture}, above the ${(MAX_VIDEO_FRAME_PIXELS / 1e6).toFixed(1)}-megapixel limit that protects your computer's memory; choose a smaller picture with --resize (${edge} or less).`,
  );
}
