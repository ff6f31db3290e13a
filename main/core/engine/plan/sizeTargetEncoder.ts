/**
 * The x264 preset of a size-limited encode, at every quality level. Two passes at an average bitrate spend
 * a fixed number of bits, so the preset alone decides the picture they buy: `medium` reaches a given quality
 * with markedly fewer bits than `veryfast`, and ffmpeg runs the analysis pass with fast settings whatever it is.
 */
export const SIZE_TARGET_X264_PRESET = 'medium';

/** H.264 at an average bitrate (a size limit, two passes). */
export function x264AtBitrate(kbps: number): string[] {
  return ['-c:v', 'libx264', '-preset', SIZE_TARGET_X264_PRESET, '-b:v', `${kbps}k`, '-profile:v', 'high'];
}
