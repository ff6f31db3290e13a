import type { ImageOutput } from '../../formats.js';

/** The stills a video gives, through ffmpeg (sharp reads pictures, not videos). */
export const FRAME_GRAB_TARGETS = ['jpg', 'png', 'webp'] as const satisfies readonly ImageOutput[];
export type FrameGrabTarget = (typeof FRAME_GRAB_TARGETS)[number];

export function isFrameGrabTarget(target: string): target is FrameGrabTarget {
  return (FRAME_GRAB_TARGETS as readonly string[]).includes(target);
}

/**
 * A video to WEBP is a still (a frame grab, `--at` its moment); with a cut (`--from`, `--until`; `--from 0` for the
 * whole clip) it is an animated WEBP of that part instead, as a GIF would be.
 */
export function isAnimatedWebp(target: string, cut: { from?: number | undefined; until?: number | undefined }): boolean {
  return target === 'webp' && (cut.from !== undefined || cut.until !== undefined);
}
