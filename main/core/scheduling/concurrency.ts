import type { MediaKind } from '../formats.js';

/** The hosted plan's ceilings on simultaneous tasks. */
export const PLAN_CEILINGS: Record<MediaKind, number> = { video: 20, audio: 40, image: Number.POSITIVE_INFINITY };

/** Rough peak memory of one job, to keep a batch from swapping. */
const MEMORY_PER_JOB: Record<MediaKind, number> = { video: 700 * 2 ** 20, audio: 120 * 2 ** 20, image: 450 * 2 ** 20 };

export interface Hardware {
  cores: number;
  totalMemoryBytes: number;
}

export interface ConcurrencyLimits {
  perLane: Record<MediaKind, number>;
  total: number;
  /** What one running job of a kind counts against `total` (see IMAGE_SHARE). */
  share: Record<MediaKind, number>;
  /** Most jobs of a kind at once, however light each is (jobs sharing one process each count here): the plan's ceilings. */
  ceiling: Record<MediaKind, number>;
}

/**
 * A picture job spends part of its time on the main thread (reading, checking, bookkeeping) while libvips'
 * threads wait: two of them per core keep the cores busy. They count half against the total, so a video or a
 * sound job still gets the core a picture would have taken.
 */
const IMAGE_SHARE = 0.5;

/**
 * The plan's ceilings as maxima, bounded by the machine: x264 already spreads over the cores, so video runs
 * one job per two cores (but two on a dual-core machine, where one encode leaves a core idle in its audio and
 * muxing phases); audio one per core, pictures two (counting half each); memory caps each kind at half of RAM.
 */
export function concurrencyLimits(hardware: Hardware, plan: Record<MediaKind, number> = PLAN_CEILINGS): ConcurrencyLimits {
  const cores = Math.max(1, Math.floor(hardware.cores));
  const memoryBound = (kind: MediaKind) => Math.max(1, Math.floor((hardware.totalMemoryBytes / 2) / MEMORY_PER_JOB[kind]));
  const cpuBound: Record<MediaKind, number> = { video: Math.min(cores, Math.max(2, Math.floor(cores / 2))), audio: cores, image: cores / IMAGE_SHARE };
  const lane = (kind: MediaKind) => Math.max(1, Math.min(plan[kind], cpuBound[kind], memoryBound(kind)));
  return { perLane: { video: lane('video'), audio: lane('audio'), image: lane('image') }, total: cores, share: { video: 1, audio: 1, image: IMAGE_SHARE }, ceiling: { ...plan } };
}
