import { squarePixelSize, type MediaProbe } from './media.js';

/** What a row shows of a file: its picture size as viewed (rotation applied, pixels made square) and its length; null when it has none. */
export interface MediaFacts {
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
}

/** The facts of a probed file: its first moving picture's size, else its cover art's none; its length. */
export function factsOfProbe(probe: MediaProbe): MediaFacts {
  const video = probe.video[0];
  const size = video ? squarePixelSize(video) : undefined;
  const duration = probe.durationSeconds ?? video?.durationSeconds ?? probe.audio[0]?.durationSeconds;
  return {
    width: size && size.width > 0 ? size.width : null,
    height: size && size.height > 0 ? size.height : null,
    durationSeconds: duration !== undefined && Number.isFinite(duration) && duration > 0 ? duration : null,
  };
}

/** A still picture's facts. */
export function factsOfPicture(width: number, height: number): MediaFacts {
  return { width: width > 0 ? width : null, height: height > 0 ? height : null, durationSeconds: null };
}
