import type { AudioStreamInfo, MediaProbe, SubtitleStreamInfo, VideoStreamInfo } from '../../main/core/engine/identify/media';
import type { ProbedInput } from '../../main/core/engine/plan/ffmpegPlan';

export function video(overrides: Partial<VideoStreamInfo> = {}): VideoStreamInfo {
  return { index: 0, codec: 'h264', profile: 'High', pixelFormat: 'yuv420p', width: 1920, height: 1080, rotation: 0, colorTransfer: 'bt709', colorRange: 'tv', bitDepth: 8, frameRate: 30, durationSeconds: 10, ...overrides };
}

export function audio(overrides: Partial<AudioStreamInfo> = {}): AudioStreamInfo {
  return { index: 1, codec: 'aac', profile: 'LC', channels: 2, sampleRate: 48000, sampleFormat: 'fltp', bitsPerSample: undefined, language: undefined, durationSeconds: 10, ...overrides };
}

export function subtitle(overrides: Partial<SubtitleStreamInfo> = {}): SubtitleStreamInfo {
  return { index: 2, codec: 'subrip', language: 'eng', ...overrides };
}

export function probe(overrides: Partial<MediaProbe> = {}): MediaProbe {
  return { container: 'mov,mp4,m4a,3gp,3g2,mj2', durationSeconds: 10, video: [video()], coverArt: [], audio: [audio()], subtitles: [], otherStreamCount: 0, ...overrides };
}

export function probedInput(p: MediaProbe, overrides: Partial<ProbedInput> = {}): ProbedInput {
  return { path: '/in/clip.mp4', format: 'mp4', demuxer: 'mov', probe: p, ...overrides };
}

/** A probe without its streams' start times: the MP4 reader in this process leaves them out (the engine asks ffprobe where they matter). */
export function withoutStreamStarts(p: MediaProbe): MediaProbe {
  const strip = <T extends { startSeconds?: number }>({ startSeconds: _start, ...rest }: T): T => rest as T;
  return { ...p, video: p.video.map(strip), coverArt: p.coverArt.map(strip), audio: p.audio.map(strip) };
}
