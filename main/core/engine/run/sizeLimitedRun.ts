import { AppError, isAppError } from '../../errors.js';
import { formatMegabytes } from '../plan/conversionOptions.js';
import type { FfmpegPlan } from '../plan/ffmpegPlan.js';

/** Encodes after the first that may follow when an output misses its size limit. */
export const MAX_SIZE_CORRECTIONS = 2;
/** A corrected bitrate aims this much under what the limit / actual ratio alone would give. */
export const CORRECTION_MARGIN = 0.97;

/** Other plans of the same job under the same limit. */
export interface SizeLimitedReplans {
  /** The limit's bitrates times `scale` (below 1): another try after an output came out over the limit. */
  atBitrateScale(scale: number): FfmpegPlan;
  /** The quality level's own settings, as without a limit: what an easy input needs. */
  atQuality(): FfmpegPlan;
}

/**
 * Runs one plan to its temporary output and answers the bytes written. `reuseFirstPass`: the analysis pass of
 * an earlier plan of the job holds for this one (only the bitrate differs), so only the encoding pass runs.
 */
export type RunPlan = (plan: FfmpegPlan, reuseFirstPass: boolean) => Promise<number>;

/**
 * Runs a plan with a size limit until its output fits: over the limit, the encoding pass runs again at the
 * bitrates scaled by limit / actual (and a margin), at most MAX_SIZE_CORRECTIONS times. An output the limit
 * decided that comes out under its minimum (content too easy to use the bits) is replaced by the quality
 * level's own encode when that fits: the level's quality is all the user asked for, and the limit a ceiling.
 * When that does not fit either, the bitrate is raised toward the limit once, and an output that fits is always kept.
 * Answers the plan whose output is in place; its size target is what the output is checked against.
 */
export async function runWithinSizeLimit(first: FfmpegPlan, replans: SizeLimitedReplans, run: RunPlan): Promise<FfmpegPlan> {
  const target = first.sizeTarget;
  let plan = first;
  let bytes = await run(plan, false);
  if (!target) return plan;
  let scale = 1;
  for (let corrections = 0; bytes > target.maxBytes; corrections++) {
    if (corrections === MAX_SIZE_CORRECTIONS) throw stillTooLarge(bytes, target.maxBytes, corrections + 1);
    scale *= (target.maxBytes / bytes) * CORRECTION_MARGIN;
    try {
      plan = replans.atBitrateScale(scale);
    } catch (error) {
      if (isAppError(error) && error.code === 'SIZE_UNREACHABLE') throw stillTooLarge(bytes, target.maxBytes, corrections + 1);
      throw error;
    }
    bytes = await run(plan, plan.firstPass !== undefined);
  }
  if (plan.sizeTarget?.minBytes === undefined || bytes >= plan.sizeTarget.minBytes) return plan;
  const easy = replans.atQuality();
  const easyBytes = await run(easy, false);
  if (easyBytes <= target.maxBytes) {
    return { ...easy, sizeTarget: { maxBytes: target.maxBytes }, notes: [...easy.notes, `At its quality this file needs only ${formatMegabytes(easyBytes)} of the ${formatMegabytes(target.maxBytes)} it may use.`] };
  }
  // The level's own encode does not fit, yet the encoder wrote fewer bits than the limit's bitrate (VBR sound does on
  // easy passages): the bitrate is raised toward the limit once; an output over it gives way to the one that fit.
  const fitting = plan;
  const raised = replans.atBitrateScale(scale * (target.maxBytes / bytes) * CORRECTION_MARGIN);
  const raisedBytes = await run(raised, raised.firstPass !== undefined);
  const [kept, keptBytes] = raisedBytes <= target.maxBytes ? [raised, raisedBytes] : [fitting, await run(fitting, fitting.firstPass !== undefined)];
  if (keptBytes > target.maxBytes) throw stillTooLarge(keptBytes, target.maxBytes, 4);
  const minBytes = plan.sizeTarget.minBytes;
  return {
    ...kept,
    sizeTarget: { maxBytes: target.maxBytes },
    notes: keptBytes >= minBytes ? kept.notes : [...kept.notes, `Came out at ${formatMegabytes(keptBytes)} of the ${formatMegabytes(target.maxBytes)} it may use: the encoder needs no more bits for this file at the highest bitrate that fits.`],
  };
}

function stillTooLarge(bytes: number, maxBytes: number, encodes: number): AppError {
  return new AppError(
    'SIZE_UNREACHABLE',
    `After ${encodes} encodes this file still comes out at ${formatMegabytes(bytes)} (${bytes} bytes), over the ${formatMegabytes(maxBytes)} limit; choose a larger limit or a smaller picture (--resize).`,
  );
}
