import { AppError } from '../../errors.js';
import type { AudioOutput } from '../../formats.js';
import type { AudioStreamInfo } from '../identify/media.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';
import { DEFAULT_OPTIONS, type ConversionOptions, type Quality } from './conversionOptions.js';
import { planAudioBudget, type SizeTarget } from './sizeBudget.js';
import type { LoudnessTrack } from './loudness.js';
import { channelWords, fitAudioBitrate, type BitrateFit } from './audioBitrateReach.js';
import { isFloatPcm, peakTrackOf } from './peakHeadroom.js';

/** The bitrates LAME writes (MPEG-1 layer III, and below 32 at a lower rate); a size limit picks the largest that fits. */
export const MP3_BITRATES = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320] as const;
/** What a size limit starts from: about what each level spends on dense music. */
const MP3_STEREO_KBPS: Record<Quality, number> = { high: 256, balanced: 192, small: 128 };
const MP3_MONO_KBPS: Record<Quality, number> = { high: 128, balanced: 128, small: 64 };
/**
 * LAME's VBR levels (`-q:a`, as `-V` in lame): each keeps at least the bandwidth of the constant bitrate it
 * replaced (measured on pink noise: V0 past 20 kHz where 256k stops at 19.2, V2 and 192k at 18.7, V5 and 128k at
 * 16.5) and spends bits where the sound needs them: V2 wrote 96 kbps for music where 192k wrote 193, and 49 for a chord.
 */
const MP3_VBR_LEVEL: Record<Quality, number> = { high: 0, balanced: 2, small: 5 };
const AAC_STEREO_KBPS: Record<Quality, number> = { high: 256, balanced: 192, small: 128 };
const OPUS_STEREO_KBPS: Record<Quality, number> = { high: 160, balanced: 128, small: 96 };
const VORBIS_LEVEL: Record<Quality, number> = { high: 7, balanced: 5, small: 3 };

/** What the user chose for the sound: a quality, and perhaps a fixed bitrate (a preset or a size limit) or mono. */
export interface AudioEncodeSettings {
  quality: Quality;
  kbps?: number;
  mono: boolean;
}

/** A stereo bitrate for other channel counts: half for mono, half again per channel beyond two. */
export function bitrateForChannels(stereoKbps: number, channels: number): number {
  return channels <= 1 ? Math.round(stereoKbps / 2) : channels === 2 ? stereoKbps : Math.min(512, Math.round((stereoKbps / 2) * channels));
}

const MP3_SAMPLE_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/** The sample rate an MP3 gets: the input's when MP3 allows it, else the nearest allowed one at or below 48 kHz. */
export function mp3SampleRate(inputRate: number): number {
  if (MP3_SAMPLE_RATES.includes(inputRate)) return inputRate;
  if (inputRate > 48000) return inputRate % 44100 === 0 ? 44100 : 48000;
  return MP3_SAMPLE_RATES.find((rate) => rate >= inputRate) ?? 48000;
}

interface AudioCodecChoice {
  muxer: string;
  container: string;
  codec: string;
  canCopy: (stream: AudioStreamInfo) => boolean;
  /** Picture codecs the container stores as cover art (none: this ffmpeg cannot write a picture into it). */
  coverCodecs: readonly string[];
  /** Muxer options whether the stream is copied or encoded (an M4A that starts playing before it is fully downloaded). */
  muxerOptions?: string[];
  /** Lossy codecs: the quality and a bitrate apply; lossless ones only take mono. */
  lossy: boolean;
  /** The bitrate a size limit starts from for this stream (what the quality would give it). */
  preferredKbps: (stream: AudioStreamInfo, settings: AudioEncodeSettings) => number;
  /** Bitrates the encoder can hit exactly, when it has a fixed list. */
  bitrateSteps?: readonly number[];
  encode: (stream: AudioStreamInfo, settings: AudioEncodeSettings) => { options: string[]; channels: number; sampleRate: number; notes: string[] };
}

function channelsFor(stream: AudioStreamInfo, settings: AudioEncodeSettings, most: number): number {
  return settings.mono ? 1 : Math.min(most, stream.channels);
}

function mp3Kbps(channels: number, settings: AudioEncodeSettings): number {
  return settings.kbps ?? (channels === 1 ? MP3_MONO_KBPS : MP3_STEREO_KBPS)[settings.quality];
}

/** A chosen bitrate (a preset, `--audio-bitrate` or a size limit) is kept exactly; otherwise the quality's VBR level. */
function mp3Rate(settings: AudioEncodeSettings): string[] {
  return settings.kbps !== undefined ? ['-b:a', `${settings.kbps}k`] : ['-q:a', String(MP3_VBR_LEVEL[settings.quality])];
}

/** The bitrate, channels and sample rate a chosen bitrate is written at (audioBitrateReach.ts), or these as they are. */
function reach(codec: Parameters<typeof fitAudioBitrate>[0], label: string, settings: AudioEncodeSettings, channels: number, sampleRate: number): BitrateFit {
  return settings.kbps === undefined ? { kbps: 0, channels, sampleRate, notes: [] } : fitAudioBitrate(codec, label, settings.kbps, channels, sampleRate);
}

function downmixNote(stream: AudioStreamInfo, channels: number): string[] {
  return stream.channels > channels ? [`Mixed ${stream.channels} audio channels down to ${channelWords(channels)}.`] : [];
}

const PCM_COPYABLE = new Set(['pcm_s16le', 'pcm_s24le', 'pcm_f32le']);

const AUDIO_CHOICES: Record<AudioOutput, AudioCodecChoice> = {
  mp3: {
    muxer: 'mp3', container: 'mp3', codec: 'mp3',
    canCopy: (s) => s.codec === 'mp3' && s.channels <= 2 && s.sampleRate <= 48000,
    coverCodecs: ['mjpeg', 'png'],
    lossy: true,
    preferredKbps: (s, settings) => mp3Kbps(channelsFor(s, settings, 2), settings),
    bitrateSteps: MP3_BITRATES,
    encode: (s, settings) => {
      const wanted = channelsFor(s, settings, 2);
      const fit = reach('mp3', 'MP3', settings, wanted, mp3SampleRate(s.sampleRate));
      const { channels, sampleRate } = fit;
      return {
        options: ['-c:a', 'libmp3lame', ...mp3Rate({ ...settings, kbps: settings.kbps === undefined ? undefined : fit.kbps }), '-ac', String(channels), '-ar', String(sampleRate), '-id3v2_version', '3'],
        channels, sampleRate, notes: [...downmixNote(s, wanted), ...fit.notes],
      };
    },
  },
  m4a: {
    muxer: 'mp4', container: 'mp4', codec: 'aac',
    canCopy: (s) => s.codec === 'aac',
    coverCodecs: ['mjpeg', 'png'],
    muxerOptions: ['-movflags', '+faststart'],
    lossy: true,
    preferredKbps: (s, settings) => settings.kbps ?? bitrateForChannels(AAC_STEREO_KBPS[settings.quality], channelsFor(s, settings, 8)),
    encode: (s, settings) => {
      const wanted = channelsFor(s, settings, 8);
      const fit = reach('aac', 'M4A', settings, wanted, Math.min(96000, s.sampleRate));
      const { channels, sampleRate } = fit;
      const bitrate = settings.kbps !== undefined ? `${fit.kbps}k` : settings.quality === 'balanced' ? aacBitrate(channels) : `${bitrateForChannels(AAC_STEREO_KBPS[settings.quality], channels)}k`;
      return { options: ['-c:a', 'aac', '-b:a', bitrate, '-ac', String(channels), '-ar', String(sampleRate)], channels, sampleRate, notes: [...downmixNote(s, wanted), ...fit.notes] };
    },
  },
  wav: {
    muxer: 'wav', container: 'wav', codec: 'pcm',
    canCopy: (s) => PCM_COPYABLE.has(s.codec),
    coverCodecs: [],
    lossy: false,
    preferredKbps: () => 0,
    encode: (s, settings) => {
      // Float stays float: it holds peaks above full scale that whole numbers would cut off.
      const deep = (s.bitsPerSample ?? 16) > 16 && !(s.sampleFormat ?? '').startsWith('flt');
      const codec = isFloatPcm(s.codec) ? 'pcm_f32le' : deep ? 'pcm_s24le' : 'pcm_s16le';
      const channels = channelsFor(s, settings, 64);
      return { options: ['-c:a', codec, ...(settings.mono ? ['-ac', '1'] : [])], channels, sampleRate: s.sampleRate, notes: downmixNote(s, channels) };
    },
  },
  flac: {
    muxer: 'flac', container: 'flac', codec: 'flac',
    canCopy: (s) => s.codec === 'flac',
    coverCodecs: ['mjpeg', 'png'],
    lossy: false,
    preferredKbps: () => 0,
    encode: (s, settings) => {
      const channels = channelsFor(s, settings, 8);
      return { options: ['-c:a', 'flac', '-ac', String(channels)], channels, sampleRate: s.sampleRate, notes: downmixNote(s, channels) };
    },
  },
  ogg: {
    muxer: 'ogg', container: 'ogg', codec: 'vorbis',
    canCopy: (s) => s.codec === 'vorbis',
    coverCodecs: [],
    lossy: true,
    preferredKbps: (s, settings) => settings.kbps ?? bitrateForChannels({ high: 224, balanced: 160, small: 112 }[settings.quality], channelsFor(s, settings, 8)),
    encode: (s, settings) => {
      const wanted = channelsFor(s, settings, 8);
      const fit = reach('vorbis', 'OGG', settings, wanted, Math.min(192000, s.sampleRate));
      const { channels, sampleRate } = fit;
      const rate = settings.kbps !== undefined ? ['-b:a', `${fit.kbps}k`] : ['-q:a', String(VORBIS_LEVEL[settings.quality])];
      return { options: ['-c:a', 'libvorbis', ...rate, '-ac', String(channels), '-ar', String(sampleRate)], channels, sampleRate, notes: [...downmixNote(s, wanted), ...fit.notes] };
    },
  },
  opus: {
    muxer: 'opus', container: 'ogg', codec: 'opus',
    canCopy: (s) => s.codec === 'opus',
    coverCodecs: [],
    lossy: true,
    preferredKbps: (s, settings) => settings.kbps ?? bitrateForChannels(OPUS_STEREO_KBPS[settings.quality], channelsFor(s, settings, 8)),
    encode: (s, settings) => {
      const wanted = channelsFor(s, settings, 8);
      const fit = reach('opus', 'OPUS', settings, wanted, 48000);
      const channels = fit.channels;
      const surround = channels > 2 ? ['-mapping_family', '1'] : [];
      const kbps = settings.kbps !== undefined ? fit.kbps : (settings.quality === 'balanced' && channels > 2 ? 64 * channels : bitrateForChannels(OPUS_STEREO_KBPS[settings.quality], channels));
      return { options: ['-c:a', 'libopus', '-b:a', `${kbps}k`, '-ac', String(channels), ...surround], channels, sampleRate: 48000, notes: [...downmixNote(s, wanted), ...fit.notes] };
    },
  },
};

/** A bitrate that keeps AAC transparent: 192k for stereo, 64k per channel beyond that. */
export function aacBitrate(channels: number): string {
  return channels <= 2 ? '192k' : `${Math.min(512, 64 * channels)}k`;
}

/**
 * The input's cover art kept as the output's attached picture where the container holds one (copied, never
 * re-encoded); otherwise a note that it was left out. Tags follow `-map_metadata`.
 */
function coverArtPlan(input: ProbedInput, target: AudioOutput, choice: AudioCodecChoice, strip: boolean): { options: string[]; notes: string[] } {
  const cover = input.probe.coverArt[0];
  if (!cover || strip) return { options: ['-vn'], notes: [] };
  if (!choice.coverCodecs.includes(cover.codec)) {
    return { options: ['-vn'], notes: [`The cover art was left out: ${target.toUpperCase()} files made here cannot hold a picture (MP3, M4A and FLAC can).`] };
  }
  return { options: ['-map', `0:${cover.index}`, '-c:v', 'copy', '-disposition:v', 'attached_pic'], notes: [] };
}

function longest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** Plans an audio-only output: the first audio track and its cover art; video left out. */
export function planAudioConversion(input: ProbedInput, target: AudioOutput, options: { forceReencode?: boolean; conversion?: ConversionOptions; bitrateScale?: number } = {}): FfmpegPlan {
  const stream = input.probe.audio[0];
  if (!stream) {
    throw new AppError('NO_AUDIO_STREAM', `This file has no audio track, so it cannot become ${target.toUpperCase()}.`);
  }
  const conversion = options.conversion ?? DEFAULT_OPTIONS;
  const choice = AUDIO_CHOICES[target];
  const duration = stream.durationSeconds ?? input.probe.durationSeconds;
  const settings: AudioEncodeSettings = { quality: conversion.quality, mono: (conversion.mono ?? false) && stream.channels > 1, kbps: choice.lossy ? conversion.audioBitrateKbps : undefined };
  let sizeTarget: SizeTarget | undefined;
  if (conversion.maxSizeBytes !== undefined && choice.lossy) {
    const budget = planAudioBudget(conversion.maxSizeBytes, duration, choice.preferredKbps(stream, settings), choice.bitrateSteps, options.bitrateScale);
    settings.kbps = budget.kbps;
    sizeTarget = budget.target;
  }
  // A chosen bitrate, mono, a smaller quality or a new loudness needs new sound; high and balanced keep a stream that already qualifies.
  const normalize = conversion.normalize ?? false;
  const reencode = options.forceReencode || settings.mono || normalize || (choice.lossy && (settings.kbps !== undefined || settings.quality === 'small'));
  const copy = !reencode && choice.canCopy(stream);
  const encoded = copy ? undefined : choice.encode(stream, settings);
  const cover = coverArtPlan(input, target, choice, conversion.stripMetadata ?? false);
  const notes = [...(encoded?.notes ?? []), ...cover.notes];
  if (input.probe.audio.length > 1) notes.push(`Used the first of ${input.probe.audio.length} audio tracks.`);
  const peakTrack = !normalize && encoded && (target === 'flac' || choice.lossy) ? peakTrackOf(stream, target.toUpperCase(), choice.lossy) : undefined;
  return {
    sizeTarget,
    inputOptions: [],
    outputOptions: [
      '-map', `0:${stream.index}`, ...cover.options, '-sn', '-dn',
      ...(conversion.stripMetadata ? ['-map_metadata', '-1', '-fflags', '+bitexact'] : ['-map_metadata', '0']),
      ...(copy ? ['-c:a', 'copy'] : encoded!.options),
      ...(choice.muxerOptions ?? []),
    ],
    muxer: choice.muxer,
    strategy: copy ? 'remux' : 'encode',
    expectation: {
      container: choice.container,
      audio: {
        count: 1,
        codec: copy ? stream.codec : choice.codec,
        maxChannels: encoded?.channels ?? stream.channels,
        maxSampleRate: encoded?.sampleRate ?? stream.sampleRate,
      },
      subtitles: 0,
      durationSeconds: duration,
      durationToleranceSeconds: durationTolerance(duration),
      // A file of sound alone lasts as long as its longest reading; a movie's first audio track may end before its picture.
      inputDurationSeconds: input.probe.video.length > 0 ? duration : longest(stream.durationSeconds, input.probe.durationSeconds),
    },
    notes,
    durationSeconds: duration,
    ...(normalize && encoded ? { loudness: [loudnessTrack(stream, 0, encoded.channels)] } : {}),
    // Normalising sets the level (and holds the peaks) itself; WAV keeps float as float.
    ...(peakTrack ? { peakTracks: [peakTrack] } : {}),
  };
}

/** A track to normalise, measured after the downmix it gets (a mono mix of stereo sounds quieter than the stereo). */
export function loudnessTrack(stream: AudioStreamInfo, outIndex: number, channels: number, label?: string): LoudnessTrack {
  const downmixTo = channels < stream.channels && channels <= 2 ? channels as 1 | 2 : undefined;
  return { inputIndex: stream.index, outIndex, sampleRate: stream.sampleRate > 0 ? stream.sampleRate : 48000, ...(downmixTo ? { downmixTo } : {}), ...(label ? { label } : {}) };
}
