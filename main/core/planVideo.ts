import { AppError } from './errors.js';
import type { VideoOutput } from './formats.js';
import { TEXT_SUBTITLE_CODECS, displayedSize, isHdr, type AudioStreamInfo, type SubtitleStreamInfo, type VideoStreamInfo } from './media.js';
import { durationTolerance, type FfmpegPlan, type ProbedInput } from './ffmpegPlan.js';
import { aacBitrate, mp3SampleRate } from './planAudio.js';

type SubtitleAction = { keep: false; reason: string } | { keep: true; codec: string };

interface VideoProfile {
  muxer: string;
  container: string;
  videoCodec: string;
  canCopyVideo: (stream: VideoStreamInfo) => boolean;
  videoEncoder: string[];
  audioCodec: string;
  canCopyAudio: (stream: AudioStreamInfo) => boolean;
  audioEncoder: (stream: AudioStreamInfo, outIndex: number) => string[];
  subtitle: (stream: SubtitleStreamInfo) => SubtitleAction;
  muxerOptions: string[];
}

const H264_PROFILES = new Set(['Baseline', 'Constrained Baseline', 'Main', 'High']);
const MKV_AUDIO = new Set(['aac', 'mp3', 'opus', 'vorbis', 'flac', 'ac3', 'eac3', 'dts', 'truehd', 'alac', 'pcm_s16le', 'pcm_s24le', 'pcm_f32le']);
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-profile:v', 'high'];

function even(n: number): boolean {
  return n % 2 === 0;
}

/** An H.264 stream every phone, browser and TV plays as it is. */
function isPlayableH264(stream: VideoStreamInfo): boolean {
  return stream.codec === 'h264' && stream.pixelFormat === 'yuv420p' && H264_PROFILES.has(stream.profile ?? '') &&
    even(stream.width) && even(stream.height) && !isHdr(stream);
}

function aacEncoder(stream: AudioStreamInfo, i: number): string[] {
  const channels = Math.min(8, stream.channels);
  const rate = stream.sampleRate > 96000 ? ['-ar:a:' + i, '48000'] : [];
  return [`-c:a:${i}`, 'aac', `-b:a:${i}`, aacBitrate(channels), `-ac:a:${i}`, String(channels), ...rate];
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
  videoEncoder: X264,
  audioCodec: 'aac',
  canCopyAudio: (s) => s.codec === 'aac',
  audioEncoder: aacEncoder,
  subtitle: imageSubtitleDropped('mp4'),
  muxerOptions: ['-movflags', '+faststart+use_metadata_tags', '-map_chapters', '0'],
};

const PROFILES: Record<VideoOutput, VideoProfile> = {
  mp4: { ...MP4_LIKE, muxer: 'mp4', container: 'mp4' },
  mov: { ...MP4_LIKE, muxer: 'mov', container: 'mov', subtitle: imageSubtitleDropped('mov') },
  mkv: {
    muxer: 'matroska', container: 'matroska', videoCodec: 'h264',
    canCopyVideo: (s) => ['h264', 'hevc', 'vp8', 'vp9', 'av1'].includes(s.codec) && (s.codec !== 'h264' || even(s.width) && even(s.height)),
    videoEncoder: X264,
    audioCodec: 'aac',
    canCopyAudio: (s) => MKV_AUDIO.has(s.codec),
    audioEncoder: aacEncoder,
    subtitle: (s) => ({ keep: true, codec: s.codec === 'mov_text' ? 'srt' : 'copy' }),
    muxerOptions: ['-map_chapters', '0'],
  },
  webm: {
    muxer: 'webm', container: 'webm', videoCodec: 'vp9',
    canCopyVideo: (s) => ['vp8', 'vp9', 'av1'].includes(s.codec) && !isHdr(s),
    videoEncoder: ['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-deadline', 'good', '-cpu-used', '5', '-row-mt', '1'],
    audioCodec: 'opus',
    canCopyAudio: (s) => s.codec === 'opus' || s.codec === 'vorbis',
    audioEncoder: (s, i) => {
      const channels = Math.min(8, s.channels);
      return [`-c:a:${i}`, 'libopus', `-b:a:${i}`, channels > 2 ? `${64 * channels}k` : '128k', `-ac:a:${i}`, String(channels), ...(channels > 2 ? ['-mapping_family', '1'] : [])];
    },
    subtitle: imageSubtitleDropped('webm'),
    muxerOptions: [],
  },
  avi: {
    muxer: 'avi', container: 'avi', videoCodec: 'mpeg4',
    canCopyVideo: (s) => s.codec === 'mpeg4' && s.pixelFormat === 'yuv420p' && even(s.width) && even(s.height),
    videoEncoder: ['-c:v', 'mpeg4', '-q:v', '3', '-tag:v', 'XVID'],
    audioCodec: 'mp3',
    canCopyAudio: (s) => s.codec === 'mp3' && s.channels <= 2,
    audioEncoder: (s, i) => [`-c:a:${i}`, 'libmp3lame', `-b:a:${i}`, '192k', `-ac:a:${i}`, String(Math.min(2, s.channels)), `-ar:a:${i}`, String(mp3SampleRate(s.sampleRate))],
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
 */
export function videoFilters(stream: VideoStreamInfo, shown: { width: number; height: number }): string[] {
  const filters = isHdr(stream) ? toneMapFilters(stream.colorTransfer!) : [];
  const scale: string[] = [];
  if (!even(shown.width) || !even(shown.height)) scale.push('w=trunc(iw/2)*2', 'h=trunc(ih/2)*2');
  if (isRgbLike(stream.pixelFormat)) scale.push('out_color_matrix=bt709');
  scale.push('out_range=tv');
  filters.push(`scale=${scale.join(':')}`, 'format=yuv420p');
  return filters;
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
function planAudioOnly(input: ProbedInput, target: VideoOutput, profile: VideoProfile, forceReencode: boolean): FfmpegPlan {
  const probe = input.probe;
  const out: string[] = ['-vn', '-sn', '-dn'];
  let copied = 0;
  probe.audio.forEach((stream, i) => {
    out.push('-map', `0:${stream.index}`);
    if (!forceReencode && profile.canCopyAudio(stream)) {
      out.push(`-c:a:${i}`, 'copy');
      copied++;
    } else {
      out.push(...profile.audioEncoder(stream, i));
    }
  });
  out.push('-map_metadata', '0', ...profile.muxerOptions);
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
    },
    notes: [`This file has sound only, so the ${target.toUpperCase()} holds audio alone.`],
    durationSeconds: probe.durationSeconds,
  };
}

/** Plans a video output: remux when the streams already qualify, else encode to the compatible profile. */
export function planVideoConversion(input: ProbedInput, target: VideoOutput, options: { forceReencode?: boolean } = {}): FfmpegPlan {
  const probe = input.probe;
  const video = probe.video[0];
  const profile = PROFILES[target];
  if (!video && probe.audio.length > 0 && target !== 'avi') return planAudioOnly(input, target, profile, options.forceReencode ?? false);
  if (!video) throw new AppError('NO_VIDEO_STREAM', `This file has no video picture, so it cannot become ${target.toUpperCase()}.`);
  assertFrameWithinLimit(video);
  const notes: string[] = [];
  const out: string[] = ['-map', `0:${video.index}`];
  const copyVideo = !options.forceReencode && profile.canCopyVideo(video);

  let expectedVideo;
  if (copyVideo) {
    out.push('-c:v', 'copy');
    expectedVideo = { codec: video.codec, evenDimensions: false, width: video.width, height: video.height, rotation: video.rotation, sdr: !isHdr(video) };
  } else {
    const shown = displayedSize(video);
    out.push(...profile.videoEncoder, '-vf', videoFilters(video, shown).join(','), '-color_range', 'tv');
    if (isHdr(video) || isRgbLike(video.pixelFormat)) {
      out.push('-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709');
    }
    if (isHdr(video)) {
      notes.push('Converted HDR to SDR so that every screen shows the right colours.');
    }
    expectedVideo = {
      codec: profile.videoCodec, pixelFormat: 'yuv420p', limitedRange: true, evenDimensions: true,
      width: shown.width - (shown.width % 2), height: shown.height - (shown.height % 2), rotation: 0, sdr: true,
    };
  }

  let audioOut = 0;
  let copiedAudio = 0;
  probe.audio.forEach((stream) => {
    out.push('-map', `0:${stream.index}`);
    if (!options.forceReencode && profile.canCopyAudio(stream)) {
      out.push(`-c:a:${audioOut}`, 'copy');
      copiedAudio++;
    } else {
      out.push(...profile.audioEncoder(stream, audioOut));
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
  out.push('-map_metadata', '0', ...profile.muxerOptions, '-max_muxing_queue_size', '4096');
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
    },
    notes,
    durationSeconds: probe.durationSeconds,
  };
}
