import type { FfmpegPlan, ProbedInput } from './ffmpegPlan.js';
import type { ConversionOptions, Quality } from './conversionOptions.js';
import { GIF_CAPS, planAnimations, type AnimationKind } from './planGif.js';

/** An animated WEBP keeps a GIF's caps (480 px, 15 fps; 64 px and 5 fps at least under a size limit): its frames are lossy, so the same caps make it about half a GIF's size. */
export const ANIMATED_WEBP_CAPS = GIF_CAPS;

const WEBP_QUALITY: Record<Quality, number> = { high: 85, balanced: 75, small: 60 };
/** The RIFF, VP8X and ANIM chunks, and the least an ANMF chunk with a one-colour frame takes. */
const WEBP_HEADER_BYTES = 44;
const WEBP_FRAME_BYTES = 40;

/** Fewer bytes than this cannot hold the clip as an animated WEBP at all. */
export function animatedWebpFloorBytes(durationSeconds: number, fps: number): number {
  return WEBP_HEADER_BYTES + Math.ceil(durationSeconds * fps) * WEBP_FRAME_BYTES;
}

const ANIMATED_WEBP: AnimationKind = {
  name: 'animated WEBP',
  article: 'an',
  container: 'webp',
  caps: ANIMATED_WEBP_CAPS,
  floorBytes: animatedWebpFloorBytes,
  outputOptions: (_video, picture, conversion) => [
    '-vf', [...picture, 'format=yuv420p'].join(','),
    '-c:v', 'libwebp_anim', '-quality', String(WEBP_QUALITY[conversion.quality]), '-compression_level', '4',
  ],
};

/**
 * The animated WEBPs to try for a video (or its cut), best first: under a size limit the next has fewer frames or a
 * smaller picture. A limit no animation of the clip can meet is refused before any work.
 */
export function planAnimatedWebpConversions(input: ProbedInput, conversion: ConversionOptions): FfmpegPlan[] {
  return planAnimations(input, conversion, ANIMATED_WEBP);
}
