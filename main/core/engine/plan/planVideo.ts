import { AppError } from '../../errors.js';
import type { VideoOutput } from '../../formats.js';
import { TEXT_SUBTITLE_CODECS, displayedSize, isHdr, type AudioStreamInfo, type SubtitleStreamInfo, type VideoStreamInfo } from '../identify/media.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';
import { aacBitrate, bitrateForChannels, loudnessTrack, mp3SampleRate } from './planAudio.js';
import type { LoudnessTrack } from './loudness.js';
import { fitAudioBitrate, type LossyAudioCodec } from './audioBitrateReach.js';
import { DEFAULT_OPTIONS, type ConversionOptions, type Quality, type Speed } from './conversionOptions.js';
import { DEINTERLACED_NOTE, deinterlaceFilters } from './deinterlace.js';
import { peakTrackOf, type PeakTrack } from './peakHeadroom.js';
import { soundTrackLabel } from './soundTrackLabel.js';
import { codecChoice, mpeg4Args, vp9Args, x264Args, type EncoderNames } from './videoCodecs.js';
import { planAudioBudget, planVideoBudget, type SizeTarget } from './sizeBudget.js';
import { CODEC_AT_BITRATE, MPEG4_AT_BITRATE, VP9_AT_BITRATE, X264_AT_BITRATE, type BitrateEncoder, type EncodePass } from './sizeTargetEncoder.js';

/** How each audio track is encoded: a bitrate per track when a size limit or a preset chose one, mono when asked. */
interface AudioSettings {
  quality: Quality;
  kbps?: number;
  mono: boolean;
}

type SubtitleAction = { keep: false; reason: string } | { keep: true; codec: string };

interface VideoProfile {
  muxer: string;
  container: string;
  videoCodec: string;
  canCopyVideo: (stream: VideoStreamInfo) => boolean;
  videoEncoder: (quality: Quality, speed: Speed) => string[];
  /** Options for the picture whether copied or encoded (a codec tag). */
  videoTag: string[];
  /** An average bitrate instead of a constant quality (a size limit), for two passes. */
  bitrateEncoder: BitrateEncoder;
  audioCodec: LossyAudioCodec;
  canCopyAudio: (stream: AudioStreamInfo) => boolean;
  audioEncoder: (stream: AudioStreamInfo, outIndex: number, settings: AudioSettings) => EncodedAudio;
  /** The audio bitrate per track a size limit starts from (stereo). */
  preferredAudioKbps: (quality: Quality) => number;
  subtitle: (stream: SubtitleStreamInfo) => SubtitleAction;
  muxerOptions: string[];
}

const H264_PROFILES = new Set(['Baseline', 'Constrained Baseline', 'Main', 'High']);
const MKV_AUDIO = new Set(['aac', 'mp3', 'opus', 'vorbis', 'flac', 'ac3', 'eac3', 'dts', 'truehd', 'alac', 'pcm_s16le', 'pcm_s24le', 'pcm_f32le']);
/** AAC and Opus bitrates for stereo per quality; more channels get half of it per channel beyond two. */
const AAC_STEREO_KBPS: Record<Quality, number> = { high: 256, balanced: 192, small: 128 };
const OPUS_STEREO_KBPS: Record<Quality, number> = { high: 160, balanced: 128, small: 96 };
const AVI_MP3_KBPS: Record<Quality, number> = { high: 256, balanced: 192, small: 128 };

function even(n: number): boolean {
  return n % 2 === 0;
}

/** An H.264 stream every phone, browser and TV plays as it is. */
function isPlayableH264(stream: VideoStreamInfo): boolean {
  return stream.codec === 'h264' && stream.pixelFormat === 'yuv420p' && H264_PROFILES.has(stream.profile ?? '') &&
    even(stream.width) && even(stream.height) && !isHdr(stream);
}

function channelsOf(stream: AudioStreamInfo, settings: AudioSettings, most: number): number {
  return settings.mono ? 1 : Math.min(most, stream.channels);
}

/** One track's encoder options, and what a chosen bitrate changed (audioBitrateReach.ts). */
interface EncodedAudio {
  args: string[];
  notes: string[];
}

/** The channels, sample rate and bitrate a chosen bitrate is written at; the rate only when it differs from the input's. */
function reachOf(codec: LossyAudioCodec, label: string, settings: AudioSettings, channels: number, sampleRate: number) {
  return settings.kbps === undefined ? { kbps: undefined, channels, sampleRate, notes: [] } : fitAudioBitrate(codec, label, settings.kbps, channels, sampleRate);
}

function aacEncoder(stream: AudioStreamInfo, i: number, settings: AudioSettings): EncodedAudio {
  const kept = stream.sampleRate > 96000 ? 48000 : stream.sampleRate;
  const fit = reachOf('aac', 'AAC', settings, channelsOf(stream, settings, 8), kept);
  const channels = fit.channels;
  const rate = fit.sampleRate !== stream.sampleRate ? ['-ar:a:' + i, String(fit.sampleRate)] : [];
  const bitrate = fit.kbps !== undefined ? `${fit.kbps}k` : settings.quality === 'balanced' && !settings.mono ? aacBitrate(channels) : `${bitrateForChannels(AAC_STEREO_KBPS[settings.quality], channels)}k`;
  return { args: [`-c:a:${i}`, 'aac', `-b:a:${i}`, bitrate, `-ac:a:${i}`, String(channels), ...rate], notes: fit.notes };
}

function imageSubtitleDropped(container: string) {
  return (stream: SubtitleStreamInfo): SubtitleAction =>
    TEXT_SUBTITLE_CODECS.has(stream.codec)
      ? { keep: true, codec: container === 'webm' ? 'webvtt' : 'mov_text' }
      : { keep: false, reason: `${container.toUpperCase()} cannot hold image-based subtitles (${stream.codec})` };
}

const MP4_LIKE: Omit<VideoProfile, 'muxer' | 'container'> = {
  videoCodec: 'h264',
  canCopyVideo: isPlayableH264,
  videoEncoder: x264Args,
  videoTag: [],
  bitrateEncoder: X264_AT_BITRATE,
  audioCodec: 'aac',
  canCopyAudio: (s) => s.codec === 'aac',
  audioEncoder: aacEncoder,
  preferredAudioKbps: (q) => AAC_STEREO_KBPS[q] / 1.5,
  subtitle: imageSubtitleDropped('mp4'),
  muxerOptions: ['-movflags', '+faststart+use_metadata_tags', '-map_chapters', '0'],
};

const PROFILES: Record<VideoOutput, VideoProfile> = {
  mp4: { ...MP4_LIKE, muxer: 'mp4', container: 'mp4' },
  mov: { ...MP4_LIKE, muxer: 'mov', container: 'mov', subtitle: imageSubtitleDropped('mov') },
  mkv: {
    muxer: 'matroska', container: 'matroska', videoCodec: 'h264',
    canCopyVideo: (s) => ['h264', 'hevc', 'vp8', 'vp9', 'av1'].includes(s.codec) && (s.codec !== 'h264' || even(s.width) && even(s.height)),
    videoEncoder: x264Args,
    videoTag: [],
    bitrateEncoder: X264_AT_BITRATE,
    audioCodec: 'aac',
    canCopyAudio: (s) => MKV_AUDIO.has(s.codec),
    audioEncoder: aacEncoder,
    preferredAudioKbps: (q) => AAC_STEREO_KBPS[q] / 1.5,
    subtitle: (s) => ({ keep: true, codec: s.codec === 'mov_text' ? 'srt' : 'copy' }),
    // Attached files (the fonts styled ASS subtitles are drawn with, a cover) go along; no other container holds them.
    muxerOptions: ['-map_chapters', '0', '-map', '0:t?', '-c:t', 'copy'],
  },
  webm: {
    muxer: 'webm', container: 'webm', videoCodec: 'vp9',
    canCopyVideo: (s) => ['vp8', 'vp9', 'av1'].includes(s.codec) && !isHdr(s),
    videoEncoder: vp9Args,
    videoTag: [],
    bitrateEncoder: VP9_AT_BITRATE,
    audioCodec: 'opus',
    canCopyAudio: (s) => s.codec === 'opus' || s.codec === 'vorbis',
    audioEncoder: (s, i, settings) => {
      const fit = reachOf('opus', 'Opus', settings, channelsOf(s, settings, 8), 48000);
      const channels = fit.channels;
      const kbps = fit.kbps ?? (settings.quality === 'balanced' && channels > 2 ? 64 * channels : bitrateForChannels(OPUS_STEREO_KBPS[settings.quality], channels));
      return { args: [`-c:a:${i}`, 'libopus', `-b:a:${i}`, `${kbps}k`, `-ac:a:${i}`, String(channels), ...(channels > 2 ? ['-mapping_family', '1'] : [])], notes: fit.notes };
    },
    preferredAudioKbps: (q) => OPUS_STEREO_KBPS[q] * 0.75,
    subtitle: imageSubtitleDropped('webm'),
    muxerOptions: [],
  },
  avi: {
    muxer: 'avi', container: 'avi', videoCodec: 'mpeg4',
    canCopyVideo: (s) => s.codec === 'mpeg4' && s.pixelFormat === 'yuv420p' && even(s.width) && even(s.height),
    videoEncoder: mpeg4Args,
    videoTag: [],
    bitrateEncoder: MPEG4_AT_BITRATE,
    audioCodec: 'mp3',
    canCopyAudio: (s) => s.codec === 'mp3' && s.channels <= 2,
    audioEncoder: (s, i, settings) => {
      const fit = reachOf('mp3', 'MP3', settings, channelsOf(s, settings, 2), mp3SampleRate(s.sampleRate));
      const channels = fit.channels;
      return { args: [`-c:a:${i}`, 'libmp3lame', `-b:a:${i}`, `${fit.kbps ?? bitrateForChannels(AVI_MP3_KBPS[settings.quality], Math.max(2, channels))}k`, `-ac:a:${i}`, String(channels), `-ar:a:${i}`, String(fit.sampleRate)], notes: fit.notes };
    },
    preferredAudioKbps: () => 128,
    subtitle: () => ({ keep: false, reason: 'AVI cannot hold subtitles' }),
    muxerOptions: [],
  },
};

/** ffmpeg filters that turn HLG or PQ HDR into SDR BT.709 that H.264 players show with the right colours. */
export function toneMapFilters(transfer: string): string[] {
  return [
    `zscale=tin=${transfer}:pin=bt2020:min=bt2020nc:t=linear:npl=100`,
    'format=gbrpf32le',
    'zscale=p=bt709',
    'tonemap=tonemap=hable:desat=0',
    'zscale=t=bt709:m=bt709:r=tv',
  ];
}

/** Pixel formats stored as RGB or a palette: turning them into YUV needs a matrix, and BT.709 is what players assume for them. */
export function isRgbLike(pixelFormat: string | undefined): boolean {
  return /^(rgb|bgr|argb|abgr|gbr|pal8|0rgb|0bgr|rgb0|bgr0|x2rgb|x2bgr)/.test(pixelFormat ?? '');
}

/**
 * Every encoded picture ends as 8-bit 4:2:0 in limited (TV) range with even sides: JPEG-range (yuvj*), 4:2:2,
 * 4:4:4, 10/12-bit, paletted and RGB inputs included. RGB and paletted pictures are converted with BT.709.
 * An odd side loses its last column or row (a screen recording's 1365x767 becomes 1364x766): the other pixels stay as
 * they were and square, where scaling by one pixel would resample them all and leave a pixel shape such as 29724:29741.
 */
export function videoFilters(stream: VideoStreamInfo, shown: { width: number; height: number }, resized?: { width: number; height: number }): string[] {
  const filters = [...deinterlaceFilters(stream), ...(isHdr(stream) ? toneMapFilters(stream.colorTransfer!) : [])];
  const scale: string[] = [];
  if (resized) scale.push(`w=${resized.width}`, `h=${resized.height}`);
  else if (!even(shown.width) || !even(shown.height)) filters.splice(deinterlaceFilters(stream).length, 0, 'crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0');
  if (isRgbLike(stream.pixelFormat)) scale.push('out_color_matrix=bt709');
  scale.push('out_range=tv');
  filters.push(`scale=${scale.join(':')}`, 'format=yuv420p');
  // scale keeps the shown shape exactly by bending the pixel shape (188x332 from 720x1280 came out 747:752): a picture
  // resized to even sides keeps the pixel shape it had instead, turned with the picture.
  if (resized) filters.push(`setsar=${pixelShapeShown(stream)}`);
  return filters;
}

/** The pixel shape of a picture as shown (turned a quarter, a 4:3 pixel is 3:4), as ffmpeg writes it. */
function pixelShapeShown(stream: VideoStreamInfo): string {
  const sar = stream.sampleAspectRatio;
  if (!sar) return '1';
  return stream.rotation % 180 === 0 ? `${sar.num}/${sar.den}` : `${sar.den}/${sar.num}`;
}

/**
 * The picture size for a longest edge of at most `maxEdge`, aspect kept, even sides (what H.264 in 4:2:0
 * needs); undefined when the picture is already that small (never upscaled).
 */
export function resizedVideoSize(shown: { width: number; height: number }, maxEdge: number | undefined): { width: number; height: number } | undefined {
  if (maxEdge === undefined) return undefined;
  const longest = Math.max(shown.width, shown.height);
  if (longest <= maxEdge) return undefined;
  const scale = maxEdge / longest;
  const evenRound = (n: number) => Math.max(2, 2 * Math.round((n * scale) / 2));
  const size = { width: evenRound(shown.width), height: evenRound(shown.height) };
  // Rounding up to even may pass the limit by one pixel on an odd limit.
  if (size.width > maxEdge) size.width -= 2;
  if (size.height > maxEdge) size.height -= 2;
  return size;
}

/** H.264 level 6.2's largest frame; larger frames neither play on devices nor decode within a sane amount of memory. */
export const MAX_VIDEO_FRAME_PIXELS = 35_651_584;

function assertFrameWithinLimit(video: VideoStreamInfo): void {
  if (video.width * video.height > MAX_VIDEO_FRAME_PIXELS) {
    throw new AppError(
      'TOO_LARGE',
      `This video's pictures are ${video.width}x${video.height} (${(video.width * video.height / 1e6).toFixed(1)} megapixels), above the ${(MAX_VIDEO_FRAME_PIXELS / 1e6).toFixed(1)}-megapixel limit of H.264 that also protects your computer's memory.`,
    );
  }
}

/** Sound only, into a container that is usually a video (an MP4 with audio alone is a valid, widely played file). */
function planAudioOnly(input: ProbedInput, target: VideoOutput, profile: VideoProfile, forceReencode: boolean, conversion: ConversionOptions, bitrateScale?: number): FfmpegPlan {
  const probe = input.probe;
  // A song's cover art goes into an MP4 as an M4A holds it (ffmpeg 5.1 writes none into MOV, and a Matroska one reads as a video).
  const cover = probe.coverArt[0];
  const keepsCover = target === 'mp4' && cover !== undefined && ['mjpeg', 'png'].includes(cover.codec) && !conversion.stripMetadata;
  const out: string[] = keepsCover ? ['-sn', '-dn', '-map', `0:${cover.index}`, '-c:v', 'copy', '-disposition:v', 'attached_pic'] : ['-vn', '-sn', '-dn'];
  let copied = 0;
  let sizeTarget: SizeTarget | undefined;
  const settings: AudioSettings = { quality: conversion.quality, mono: conversion.mono ?? false, kbps: conversion.audioBitrateKbps };
  if (conversion.maxSizeBytes !== undefined) {
    const tracks = Math.max(1, probe.audio.length);
    const budget = planAudioBudget(conversion.maxSizeBytes / tracks, probe.durationSeconds, settings.kbps ?? profile.preferredAudioKbps(conversion.quality), undefined, bitrateScale);
    settings.kbps = budget.kbps;
    sizeTarget = { maxBytes: conversion.maxSizeBytes, minBytes: budget.target.minBytes === undefined ? undefined : budget.target.minBytes * tracks };
  }
  const reencode = forceReencode || settings.kbps !== undefined || settings.mono || conversion.quality === 'small' || (conversion.normalize ?? false);
  const loudness: LoudnessTrack[] = [];
  const peakTracks: PeakTrack[] = [];
  const notes = [`This file has sound only, so the ${target.toUpperCase()} holds audio alone${keepsCover ? ', with its cover art' : ''}.`];
  if (cover && !keepsCover && !conversion.stripMetadata) notes.push(`The cover art was left out: ${target.toUpperCase()} files made here cannot hold a picture (MP4 can).`);
  probe.audio.forEach((stream, i) => {
    out.push('-map', `0:${stream.index}`);
    if (!reencode && profile.canCopyAudio(stream)) {
      out.push(`-c:a:${i}`, 'copy');
      copied++;
    } else {
      const encoded = profile.audioEncoder(stream, i, settings);
      out.push(...encoded.args);
      notes.push(...encoded.notes);
      encodedSound(stream, i, probe.audio.length, settings, target, profile, conversion, loudness, peakTracks);
    }
  });
  // ffmpeg writes the cover (covr) only among iTunes-style tags, which the song's title, artist and album are.
  const muxerOptions = muxerOptionsFor(profile, conversion).map((o) => keepsCover && o === '+faststart+use_metadata_tags' ? '+faststart' : o);
  out.push(...metadataOptions(conversion), ...muxerOptions);
  return {
    inputOptions: [],
    outputOptions: out,
    muxer: profile.muxer,
    strategy: copied === probe.audio.length ? 'remux' : 'encode',
    expectation: {
      container: profile.container,
      audio: { count: probe.audio.length, codec: copied === 0 ? profile.audioCodec : undefined },
      subtitles: 0,
      durationSeconds: probe.durationSeconds,
      durationToleranceSeconds: durationTolerance(probe.durationSeconds),
      inputDurationSeconds: probe.durationSeconds,
    },
    notes: [...new Set(notes)],
    durationSeconds: probe.durationSeconds,
    sizeTarget,
    ...(loudness.length > 0 ? { loudness } : {}),
    ...(peakTracks.length > 0 ? { peakTracks } : {}),
  };
}

const CODEC_NAMES: Record<LossyAudioCodec, string> = { aac: 'AAC', opus: 'Opus', mp3: 'MP3', vorbis: 'Vorbis' };

/**
 * What an encoded track is measured for first: its loudness when normalised, else, when its sound is float, its peak
 * (peakHeadroom.ts), which every video profile's lossy codec would let players cut off above full scale.
 */
function encodedSound(stream: AudioStreamInfo, outIndex: number, tracks: number, settings: AudioSettings, target: VideoOutput, profile: VideoProfile, conversion: ConversionOptions, loudness: LoudnessTrack[], peakTracks: PeakTrack[]): void {
  const label = soundTrackLabel(stream, outIndex, tracks);
  if (conversion.normalize) {
    loudness.push(loudnessTrack(stream, outIndex, audioChannels(stream, settings, target), label));
    return;
  }
  const peak = peakTrackOf(stream, CODEC_NAMES[profile.audioCodec], true, outIndex, label);
  if (peak) peakTracks.push(peak);
}

/** Chapters are kept with the rest of the metadata; stripping drops them too. */
function muxerOptionsFor(profile: VideoProfile, conversion: Pick<ConversionOptions, 'stripMetadata'>): string[] {
  if (!conversion.stripMetadata) return profile.muxerOptions;
  const kept: string[] = [];
  for (let i = 0; i < profile.muxerOptions.length; i += 2) {
    if (profile.muxerOptions[i] !== '-map_chapters') kept.push(profile.muxerOptions[i]!, profile.muxerOptions[i + 1]!);
  }
  return kept;
}

/** Tags and chapters copied from the input, or none of them (global, per-stream and chapter titles) when stripping. */
export function metadataOptions(conversion: Pick<ConversionOptions, 'stripMetadata'>): string[] {
  return conversion.stripMetadata ? ['-map_metadata', '-1', '-map_chapters', '-1', '-fflags', '+bitexact'] : ['-map_metadata', '0'];
}

/**
 * How each muxer times frames by default (MP4, MOV and AVI at a constant rate, repeating a picture to fill a gap;
 * Matroska as they come). The analysis pass writes nothing, so it is told: with other frames than the encode, x264's
 * second pass fails ("2nd pass has more frames than 1st pass").
 */
const MUXER_FRAME_TIMING: Record<VideoOutput, 'cfr' | 'vfr'> = { mp4: 'cfr', mov: 'cfr', avi: 'cfr', mkv: 'vfr', webm: 'vfr' };

/** Plans a video output: remux when the streams already qualify, else encode to the compatible profile. */
export interface VideoPlanOptions {
  forceReencode?: boolean;
  conversion?: ConversionOptions;
  /** Where a two-pass encode keeps its statistics (the job's scratch folder); without it a size limit uses one pass. */
  passLogFile?: string;
  /** Below 1: the bitrates a size limit chose, lowered for another try after an output came out over the limit. */
  bitrateScale?: number;
  /** The encoders this ffmpeg has (asked only for H.265 and AV1); without it the usual ones are assumed. */
  encoders?: EncoderNames;
}

/** The container's profile with the picture codec `--codec` chose: H.265 or AV1 instead of H.264 in MP4, MOV and MKV. */
function profileWithCodec(target: VideoOutput, conversion: ConversionOptions, encoders: EncoderNames | undefined): VideoProfile {
  const profile = PROFILES[target];
  const codec = conversion.videoCodec;
  if (codec === undefined || codec === 'h264') return profile;
  if (target !== 'mp4' && target !== 'mov' && target !== 'mkv') {
    throw new AppError('OPTION_UNSUPPORTED', `A video codec (--codec) applies to MP4, MKV and MOV, not to ${target.toUpperCase()}.`);
  }
  const choice = codecChoice(codec, target, encoders);
  const bitrateEncoder = CODEC_AT_BITRATE[choice.codec];
  if (conversion.maxSizeBytes !== undefined && !bitrateEncoder) {
    throw new AppError('OPTION_UNSUPPORTED', 'A size limit (--max-size) needs an encode in two passes, which Convertr makes with H.264 or H.265 but not with AV1; choose --codec h265 or h264, or leave out the size limit.');
  }
  return { ...profile, videoCodec: choice.codec, canCopyVideo: choice.canCopy, videoEncoder: choice.encoder, videoTag: choice.tag, bitrateEncoder: bitrateEncoder ?? profile.bitrateEncoder };
}

/** Plans a video output: remux when the streams already qualify, else encode to the compatible profile. */
export function planVideoConversion(input: ProbedInput, target: VideoOutput, options: VideoPlanOptions = {}): FfmpegPlan {
  const probe = input.probe;
  const video = probe.video[0];
  const conversion = options.conversion ?? DEFAULT_OPTIONS;
  if (!video && probe.audio.length > 0 && target !== 'avi') return planAudioOnly(input, target, PROFILES[target], options.forceReencode ?? false, conversion, options.bitrateScale);
  if (!video) throw new AppError('NO_VIDEO_STREAM', `This file has no video picture, so it cannot become ${target.toUpperCase()}.`);
  const profile = profileWithCodec(target, conversion, options.encoders);
  assertFrameWithinLimit(video);
  const notes: string[] = [];
  const out: string[] = ['-map', `0:${video.index}`];
  const shown = displayedSize(video);
  const resized = resizedVideoSize(shown, conversion.resize);
  const encodedSize = resized ?? { width: shown.width - (shown.width % 2), height: shown.height - (shown.height % 2) };
  const audioSettings: AudioSettings = { quality: conversion.quality, mono: conversion.mono ?? false, kbps: conversion.audioBitrateKbps };
  let videoKbps: number | undefined;
  let sizeTarget: SizeTarget | undefined;
  if (conversion.maxSizeBytes !== undefined) {
    const budget = planVideoBudget({
      maxBytes: conversion.maxSizeBytes, durationSeconds: probe.durationSeconds, width: encodedSize.width, height: encodedSize.height,
      frameRate: video.frameRate, audioTracks: probe.audio.length, preferredAudioKbps: audioSettings.kbps ?? profile.preferredAudioKbps(conversion.quality), quality: conversion.quality,
      bitrateScale: options.bitrateScale,
    });
    videoKbps = budget.videoKbps;
    audioSettings.kbps = budget.audioKbps;
    sizeTarget = budget.target;
  }
  // A chosen size, picture size or smaller quality needs new pictures; high and balanced keep a stream that already plays.
  const reencodeVideo = options.forceReencode || videoKbps !== undefined || resized !== undefined || conversion.quality === 'small';
  const reencodeAudio = options.forceReencode || audioSettings.kbps !== undefined || audioSettings.mono || conversion.quality === 'small' || (conversion.normalize ?? false);
  // Only MP4 and MOV carry a display rotation (ffmpeg writes none into Matroska or AVI): elsewhere a turned picture is turned in its pixels.
  const turnedInPixels = video.rotation !== 0 && target !== 'mp4' && target !== 'mov';
  const copyVideo = !reencodeVideo && !turnedInPixels && profile.canCopyVideo(video);
  const speed = conversion.speed ?? 'balanced';
  const statsFile = videoKbps !== undefined && options.passLogFile !== undefined && profile.bitrateEncoder.canKeepStatsIn(options.passLogFile) ? options.passLogFile : undefined;

  let expectedVideo;
  let firstPass: string[] | undefined;
  if (copyVideo) {
    out.push('-c:v', 'copy', ...profile.videoTag);
    expectedVideo = { codec: video.codec, evenDimensions: false, width: video.width, height: video.height, rotation: video.rotation, sdr: !isHdr(video) };
  } else {
    const encoder = (pass?: EncodePass) => videoKbps !== undefined ? profile.bitrateEncoder.args(videoKbps, speed, pass) : profile.videoEncoder(conversion.quality, speed);
    const picture = (pass?: EncodePass) => [...encoder(pass), ...profile.videoTag, '-vf', videoFilters(video, shown, resized).join(','), '-color_range', 'tv'];
    if (statsFile !== undefined) firstPass = ['-map', `0:${video.index}`, ...picture({ pass: 1, statsFile }), '-fps_mode', MUXER_FRAME_TIMING[target], '-an', '-sn', '-dn'];
    out.push(...picture(statsFile === undefined ? undefined : { pass: 2, statsFile }));
    if (isHdr(video) || isRgbLike(video.pixelFormat)) {
      out.push('-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709');
    }
    if (isHdr(video)) {
      notes.push('Converted HDR to SDR so that every screen shows the right colours.');
    }
    if (deinterlaceFilters(video).length > 0) notes.push(DEINTERLACED_NOTE);
    if (resized) notes.push(`Made the picture ${resized.width}x${resized.height}.`);
    if (turnedInPixels) notes.push(`${target.toUpperCase()} cannot hold the video's rotation, so the picture was turned upright and re-encoded.`);
    expectedVideo = {
      codec: profile.videoCodec, pixelFormat: 'yuv420p', limitedRange: true, evenDimensions: true,
      width: encodedSize.width, height: encodedSize.height, rotation: 0, sdr: true,
    };
  }

  let audioOut = 0;
  let copiedAudio = 0;
  const loudness: LoudnessTrack[] = [];
  const peakTracks: PeakTrack[] = [];
  if (conversion.normalize && probe.audio.length === 0) notes.push('This video has no sound to normalise.');
  probe.audio.forEach((stream) => {
    out.push('-map', `0:${stream.index}`);
    if (!reencodeAudio && profile.canCopyAudio(stream)) {
      out.push(`-c:a:${audioOut}`, 'copy');
      copiedAudio++;
    } else {
      const encoded = profile.audioEncoder(stream, audioOut, audioSettings);
      out.push(...encoded.args);
      notes.push(...encoded.notes.filter((note) => !notes.includes(note)));
      encodedSound(stream, audioOut, probe.audio.length, audioSettings, target, profile, conversion, loudness, peakTracks);
    }
    audioOut++;
  });

  let subtitlesOut = 0;
  const dropped: string[] = [];
  for (const stream of probe.subtitles) {
    const action = profile.subtitle(stream);
    if (!action.keep) {
      dropped.push(action.reason);
      continue;
    }
    out.push('-map', `0:${stream.index}`, `-c:s:${subtitlesOut}`, action.codec);
    subtitlesOut++;
  }
  if (dropped.length > 0) notes.push(`Left out ${dropped.length} subtitle track${dropped.length > 1 ? 's' : ''}: ${[...new Set(dropped)].join('; ')}.`);

  const remux = copyVideo && copiedAudio === probe.audio.length;
  out.push(...metadataOptions(conversion), ...muxerOptionsFor(profile, conversion), '-max_muxing_queue_size', '4096');
  if (remux) out.push('-avoid_negative_ts', 'make_zero');

  return {
    inputOptions: input.demuxer === 'avi' ? ['-fflags', '+genpts'] : [],
    outputOptions: out,
    muxer: profile.muxer,
    strategy: remux ? 'remux' : 'encode',
    expectation: {
      container: profile.container,
      video: expectedVideo,
      audio: { count: probe.audio.length, codec: copiedAudio === 0 ? profile.audioCodec : undefined },
      subtitles: subtitlesOut,
      durationSeconds: probe.durationSeconds,
      durationToleranceSeconds: durationTolerance(probe.durationSeconds),
      inputDurationSeconds: probe.durationSeconds,
    },
    notes,
    durationSeconds: probe.durationSeconds,
    sizeTarget,
    firstPass,
    ...(loudness.length > 0 ? { loudness } : {}),
    ...(peakTracks.length > 0 ? { peakTracks } : {}),
  };
}

/** The channels a track's encoder writes: mono when asked, at most stereo in AVI's MP3, else up to eight. */
function audioChannels(stream: AudioStreamInfo, settings: AudioSettings, target: VideoOutput): number {
  return channelsOf(stream, settings, target === 'avi' ? 2 : 8);
}
