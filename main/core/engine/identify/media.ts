/** A media file as the engine sees it after probing: what the planner and the output checks reason about. */
export interface VideoStreamInfo {
  index: number;
  codec: string;
  profile: string | undefined;
  pixelFormat: string | undefined;
  width: number;
  height: number;
  /** Display rotation in degrees clockwise, normalised to 0, 90, 180 or 270. */
  rotation: number;
  /**
   * The shape of a stored pixel (width over height, reduced), only when it is not square: 64:45 for a 16:9 PAL DVD,
   * 4:3 for 1440x1080 HDV. A viewer stretches the width by it before any rotation. Absent when square or unknown.
   */
  sampleAspectRatio?: SampleAspectRatio;
  /** Pictures stored as two fields, each half the lines from a different moment (a camcorder's 1080i, DV, a DVD): ffprobe's field order. */
  interlaced?: boolean;
  colorTransfer: string | undefined;
  /** 'tv' (limited) or 'pc' (full), when the stream says. */
  colorRange: string | undefined;
  bitDepth: number | undefined;
  frameRate: number | undefined;
  durationSeconds: number | undefined;
  /** Seconds from the file's start to the stream's, when ffprobe says (MP4 reads in this process leave it out). */
  startSeconds?: number;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  profile: string | undefined;
  channels: number;
  sampleRate: number;
  sampleFormat: string | undefined;
  bitsPerSample: number | undefined;
  language: string | undefined;
  durationSeconds: number | undefined;
  /** Seconds from the file's start to the stream's, when ffprobe says (MP4 reads in this process leave it out). */
  startSeconds?: number;
}

export interface SubtitleStreamInfo {
  index: number;
  codec: string;
  language: string | undefined;
}

export interface MediaProbe {
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** Seconds, when known. */
  durationSeconds: number | undefined;
  /** Video streams that are real pictures in motion (cover art excluded). */
  video: VideoStreamInfo[];
  /** Still pictures attached as cover art. */
  coverArt: VideoStreamInfo[];
  audio: AudioStreamInfo[];
  subtitles: SubtitleStreamInfo[];
  /** Streams of other types (data, attachments, timecode) that outputs leave out. */
  otherStreamCount: number;
}

export const TEXT_SUBTITLE_CODECS = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text', 'microdvd', 'subviewer', 'subviewer1', 'sami', 'realtext', 'jacosub', 'mpl2', 'pjs', 'vplayer', 'stl']);

export const HDR_TRANSFERS = new Set(['arib-std-b67', 'smpte2084']);

export function isHdr(stream: VideoStreamInfo): boolean {
  return stream.colorTransfer !== undefined && HDR_TRANSFERS.has(stream.colorTransfer);
}

export interface SampleAspectRatio {
  num: number;
  den: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A pixel shape of `num`:`den` reduced, or undefined when it is square or says nothing (a zero or negative part, as ffmpeg's 0:1). */
export function pixelAspect(num: number, den: number): SampleAspectRatio | undefined {
  if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num <= 0 || den <= 0 || num === den) return undefined;
  const divisor = gcd(num, den);
  return { num: num / divisor, den: den / divisor };
}

/** Width and height of the stored pixels, turned as a viewer turns them (what a video output keeps, its pixel shape with it). */
export function displayedSize(stream: Pick<VideoStreamInfo, 'width' | 'height' | 'rotation'>): { width: number; height: number } {
  return stream.rotation % 180 === 0 ? { width: stream.width, height: stream.height } : { width: stream.height, height: stream.width };
}

/**
 * Width and height as a viewer shows them, in square pixels: the stored width stretched by the pixel shape (the
 * height kept, as `scale=iw*sar:ih` does), then turned. What a picture made from the video (a GIF, an animated
 * WEBP, a still) is sized from, since pictures carry no pixel shape that viewers follow.
 */
export function squarePixelSize(stream: Pick<VideoStreamInfo, 'width' | 'height' | 'rotation' | 'sampleAspectRatio'>): { width: number; height: number } {
  const sar = stream.sampleAspectRatio;
  const width = sar ? Math.max(1, Math.round((stream.width * sar.num) / sar.den)) : stream.width;
  return displayedSize({ width, height: stream.height, rotation: stream.rotation });
}
