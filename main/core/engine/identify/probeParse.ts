import { z } from 'zod';
import { pixelAspect, type AudioStreamInfo, type MediaProbe, type SampleAspectRatio, type SubtitleStreamInfo, type VideoStreamInfo } from './media.js';

const numberLike = z.union([z.number(), z.string()]).optional();

const sideDataSchema = z.object({ side_data_type: z.string().optional(), rotation: numberLike }).passthrough();

const streamSchema = z.object({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  pix_fmt: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  sample_aspect_ratio: z.string().optional(),
  field_order: z.string().optional(),
  channels: z.number().optional(),
  sample_rate: numberLike,
  sample_fmt: z.string().optional(),
  bits_per_raw_sample: numberLike,
  bits_per_sample: numberLike,
  color_transfer: z.string().optional(),
  color_range: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  duration: numberLike,
  start_time: numberLike,
  disposition: z.object({ attached_pic: z.number().optional() }).passthrough().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  side_data_list: z.array(sideDataSchema).optional(),
}).passthrough();

export const ffprobeOutputSchema = z.object({
  streams: z.array(streamSchema).default([]),
  format: z.object({ format_name: z.string().optional(), duration: numberLike, start_time: numberLike }).passthrough().optional(),
});

export type FfprobeOutput = z.infer<typeof ffprobeOutputSchema>;
type RawStream = z.infer<typeof streamSchema>;

function toNumber(value: number | string | undefined): number | undefined {
  if (value === undefined || value === 'N/A' || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A stream's own length: ffprobe's `duration`, else the `DURATION` tag (or `DURATION-eng`) Matroska and WEBM writers put on each stream ("00:01:02.500000000"). */
function streamDuration(stream: RawStream): number | undefined {
  const own = toNumber(stream.duration);
  if (own !== undefined) return own;
  const key = Object.keys(stream.tags ?? {}).find((name) => /^DURATION(-\w+)?$/i.test(name));
  const tag = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(key ? stream.tags![key]! : '');
  return tag ? Number(tag[1]) * 3600 + Number(tag[2]) * 60 + Number(tag[3]) : undefined;
}

/** When a stream starts, from the file's start, when ffprobe says. */
function startOf(stream: RawStream, fileStart: number | undefined): { startSeconds?: number } {
  const start = toNumber(stream.start_time);
  return start === undefined ? {} : { startSeconds: Math.max(0, start - (fileStart ?? 0)) };
}

function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [num, den] = rate.split('/').map(Number);
  if (!num || !den) return undefined;
  return num / den;
}

/** ffprobe reports the display matrix as counter-clockwise degrees (-90 for a phone held upright); we store clockwise 0/90/180/270. */
export function normaliseRotation(stream: RawStream): number {
  const fromSideData = stream.side_data_list?.map((s) => toNumber(s.rotation)).find((r) => r !== undefined);
  const fromTag = toNumber(stream.tags?.['rotate']);
  const counterClockwise = fromSideData !== undefined ? fromSideData : fromTag !== undefined ? -fromTag : 0;
  const clockwise = ((Math.round(-counterClockwise / 90) * 90) % 360 + 360) % 360;
  return clockwise;
}

/** ffprobe's `sample_aspect_ratio` ("64:45"; "1:1", "0:1" or "N/A" say square or unknown) when its pixels are not square. */
function sampleAspectOf(stream: RawStream): { sampleAspectRatio?: SampleAspectRatio } {
  const match = /^(\d+):(\d+)$/.exec(stream.sample_aspect_ratio ?? '');
  const sar = match ? pixelAspect(Number(match[1]), Number(match[2])) : undefined;
  return sar ? { sampleAspectRatio: sar } : {};
}

function bitDepthOf(pixelFormat: string | undefined, raw: number | undefined): number | undefined {
  if (raw) return raw;
  if (!pixelFormat) return undefined;
  const match = /p(9|10|12|14|16)(le|be)?$/.exec(pixelFormat);
  return match ? Number(match[1]) : 8;
}

function toVideo(stream: RawStream, fileStart: number | undefined): VideoStreamInfo {
  return {
    index: stream.index,
    codec: stream.codec_name ?? 'unknown',
    profile: stream.profile,
    pixelFormat: stream.pix_fmt,
    width: stream.width ?? 0,
    height: stream.height ?? 0,
    rotation: normaliseRotation(stream),
    ...sampleAspectOf(stream),
    // "tt"/"bb" (top or bottom field first, shown in that order) and "tb"/"bt" (stored one way, shown the other).
    ...(['tt', 'bb', 'tb', 'bt'].includes(stream.field_order ?? '') ? { interlaced: true } : {}),
    colorTransfer: stream.color_transfer,
    colorRange: stream.color_range === 'tv' || stream.color_range === 'pc' ? stream.color_range : undefined,
    bitDepth: bitDepthOf(stream.pix_fmt, toNumber(stream.bits_per_raw_sample)),
    frameRate: parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate),
    durationSeconds: streamDuration(stream),
    ...startOf(stream, fileStart),
  };
}

function toAudio(stream: RawStream, fileStart: number | undefined): AudioStreamInfo {
  return {
    index: stream.index,
    codec: stream.codec_name ?? 'unknown',
    profile: stream.profile,
    channels: stream.channels ?? 0,
    sampleRate: toNumber(stream.sample_rate) ?? 0,
    sampleFormat: stream.sample_fmt,
    bitsPerSample: toNumber(stream.bits_per_raw_sample) || toNumber(stream.bits_per_sample) || undefined,
    language: stream.tags?.['language'],
    durationSeconds: streamDuration(stream),
    ...startOf(stream, fileStart),
  };
}

function toSubtitle(stream: RawStream): SubtitleStreamInfo {
  return { index: stream.index, codec: stream.codec_name ?? 'unknown', language: stream.tags?.['language'] };
}

/** Turns ffprobe's `-show_format -show_streams` JSON into the engine's MediaProbe. Throws on a shape it cannot read. */
export function parseFfprobeJson(json: unknown): MediaProbe {
  const parsed = ffprobeOutputSchema.parse(json);
  const probe: MediaProbe = {
    container: parsed.format?.format_name ?? 'unknown',
    durationSeconds: toNumber(parsed.format?.duration),
    video: [],
    coverArt: [],
    audio: [],
    subtitles: [],
    otherStreamCount: 0,
  };
  const fileStart = toNumber(parsed.format?.start_time);
  for (const stream of parsed.streams) {
    if (stream.codec_type === 'video') {
      const isCover = stream.disposition?.attached_pic === 1;
      (isCover ? probe.coverArt : probe.video).push(toVideo(stream, fileStart));
    } else if (stream.codec_type === 'audio' && (stream.channels ?? 0) > 0) {
      probe.audio.push(toAudio(stream, fileStart));
    } else if (stream.codec_type === 'subtitle') {
      probe.subtitles.push(toSubtitle(stream));
    } else {
      probe.otherStreamCount++;
    }
  }
  if (probe.durationSeconds === undefined) {
    const streamDurations = parsed.streams.map(streamDuration).filter((d): d is number => d !== undefined);
    if (streamDurations.length > 0) probe.durationSeconds = Math.max(...streamDurations);
  }
  return probe;
}
