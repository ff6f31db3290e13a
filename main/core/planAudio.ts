import { AppError } from './errors.js';
import type { AudioOutput } from './formats.js';
import type { AudioStreamInfo } from './media.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';

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
  /** Muxer options whether the stream is copied or encoded (an M4A that starts playing before it is fully downloaded). */
  muxerOptions?: string[];
  encode: (stream: AudioStreamInfo) => { options: string[]; channels: number; sampleRate: number; notes: string[] };
}

function downmixNote(stream: AudioStreamInfo, channels: number): string[] {
  return stream.channels > channels ? [`Mixed ${stream.channels} audio channels down to ${channels === 2 ? 'stereo' : `${channels} channels`}.`] : [];
}

const PCM_COPYABLE = new Set(['pcm_s16le', 'pcm_s24le']);

const AUDIO_CHOICES: Record<AudioOutput, AudioCodecChoice> = {
  mp3: {
    muxer: 'mp3', container: 'mp3', codec: 'mp3',
    canCopy: (s) => s.codec === 'mp3' && s.channels <= 2 && s.sampleRate <= 48000,
    encode: (s) => {
      const channels = Math.min(2, s.channels);
      const sampleRate = mp3SampleRate(s.sampleRate);
      return {
        options: ['-c:a', 'libmp3lame', '-b:a', channels === 1 ? '128k' : '192k', '-ac', String(channels), '-ar', String(sampleRate), '-id3v2_version', '3'],
        channels, sampleRate, notes: downmixNote(s, channels),
      };
    },
  },
  m4a: {
    muxer: 'mp4', container: 'mp4', codec: 'aac',
    canCopy: (s) => s.codec === 'aac',
    muxerOptions: ['-movflags', '+faststart'],
    encode: (s) => {
      const channels = Math.min(8, s.channels);
      const sampleRate = Math.min(96000, s.sampleRate);
      return { options: ['-c:a', 'aac', '-b:a', aacBitrate(channels), '-ac', String(channels), '-ar', String(sampleRate)], channels, sampleRate, notes: downmixNote(s, channels) };
    },
  },
  wav: {
    muxer: 'wav', container: 'wav', codec: 'pcm',
    canCopy: (s) => PCM_COPYABLE.has(s.codec),
    encode: (s) => {
      const deep = (s.bitsPerSample ?? 16) > 16 && !(s.sampleFormat ?? '').startsWith('flt');
      return { options: ['-c:a', deep ? 'pcm_s24le' : 'pcm_s16le'], channels: s.channels, sampleRate: s.sampleRate, notes: [] };
    },
  },
  flac: {
    muxer: 'flac', container: 'flac', codec: 'flac',
    canCopy: (s) => s.codec === 'flac',
    encode: (s) => {
      const channels = Math.min(8, s.channels);
      return { options: ['-c:a', 'flac', '-ac', String(channels)], channels, sampleRate: s.sampleRate, notes: downmixNote(s, channels) };
    },
  },
  ogg: {
    muxer: 'ogg', container: 'ogg', codec: 'vorbis',
    canCopy: (s) => s.codec === 'vorbis',
    encode: (s) => {
      const channels = Math.min(8, s.channels);
      const sampleRate = Math.min(192000, s.sampleRate);
      return { options: ['-c:a', 'libvorbis', '-q:a', '5', '-ac', String(channels), '-ar', String(sampleRate)], channels, sampleRate, notes: downmixNote(s, channels) };
    },
  },
  opus: {
    muxer: 'opus', container: 'ogg', codec: 'opus',
    canCopy: (s) => s.codec === 'opus',
    encode: (s) => {
      const channels = Math.min(8, s.channels);
      const surround = channels > 2 ? ['-mapping_family', '1'] : [];
      return { options: ['-c:a', 'libopus', '-b:a', channels > 2 ? `${64 * channels}k` : '128k', '-ac', String(channels), ...surround], channels, sampleRate: 48000, notes: downmixNote(s, channels) };
    },
  },
};

/** A bitrate that keeps AAC transparent: 192k for stereo, 64k per channel beyond that. */
export function aacBitrate(channels: number): string {
  return channels <= 2 ? '192k' : `${Math.min(512, 64 * channels)}k`;
}

/** Plans an audio-only output: the first audio track, cover art and video left out. */
export function planAudioConversion(input: ProbedInput, target: AudioOutput, options: { forceReencode?: boolean } = {}): FfmpegPlan {
  const stream = input.probe.audio[0];
  if (!stream) {
    throw new AppError('NO_AUDIO_STREAM', `This file has no audio track, so it cannot become ${target.toUpperCase()}.`);
  }
  const choice = AUDIO_CHOICES[target];
  const copy = !options.forceReencode && choice.canCopy(stream);
  const encoded = copy ? undefined : choice.encode(stream);
  const notes = [...(encoded?.notes ?? [])];
  if (input.probe.audio.length > 1) notes.push(`Used the first of ${input.probe.audio.length} audio tracks.`);
  const duration = stream.durationSeconds ?? input.probe.durationSeconds;
  return {
    inputOptions: [],
    outputOptions: [
      '-map', `0:${stream.index}`, '-vn', '-sn', '-dn',
      '-map_metadata', '0',
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
    },
    notes,
    durationSeconds: duration,
  };
}
