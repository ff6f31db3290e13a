import type { ImageOutput } from '../../formats.js';

/** The stills a video gives, through ffmpeg (sharp reads pictures, not videos). */
export const FRAME_GRAB_TARGETS = ['jpg', 'png', 'webp'] as const satisfies readonly ImageOutput[];
export type FrameGrabTarget = (typeof FRAME_GRAB_TARGETS)[number];

export function isFrameGrabTarget(target: string): target is FrameGrabTarget {
  return (FRAME_GRAB_TARGETS as readonly string[]).includes(target);
}
