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

/** Width and height as a viewer shows them, after rotation. */
export function displayedSize(stream: Pick<VideoStreamInfo, 'width' | 'height' | 'rotation'>): { width: number; height: number } {
  return stream.rotation % 180 === 0 ? { width: stream.width, height: stream.height } : { width: stream.height, height: stream.width };
}
