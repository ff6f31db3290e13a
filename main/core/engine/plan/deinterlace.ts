import type { VideoStreamInfo } from '../identify/media.js';

/**
 * The filter that makes whole pictures of interlaced ones (bwdif, one picture per frame, at the frame rate): every
 * screen but a TV shows a field pair as one picture, combed along each moving edge, and an encoder that stores it as
 * progressive tells the player not to mend it. First in a graph, before any scale mixes the two fields' lines.
 * A turned picture is left alone: ffmpeg turns it before the graph, and its fields would then be columns.
 */
export function deinterlaceFilters(video: Pick<VideoStreamInfo, 'interlaced' | 'rotation'>): string[] {
  return video.interlaced && video.rotation === 0 ? ['bwdif=mode=send_frame:parity=auto:deint=interlaced'] : [];
}

export const DEINTERLACED_NOTE = 'Made whole pictures of the interlaced video (as a camcorder or TV records it), so that computers and phones show no combing.';
