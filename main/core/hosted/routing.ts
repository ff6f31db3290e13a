import type { ConversionMode, ModePreference } from '../modes.js';
import { HOSTED_UPLOAD_LIMIT_BYTES } from './hostedPlan.js';

export { MODE_PREFERENCES, type ModePreference } from '../modes.js';

export interface RoutingFacts {
  /** This machine has what the job needs (ffmpeg, ffprobe, the image libraries). */
  localCapable: boolean;
  /** The hosted API answered a (cached) reachability check. */
  hostedReachable: () => boolean;
  inputBytes: number;
  uploadLimitBytes?: number;
  /** `--private` or a rule's "never upload": no byte leaves this machine. */
  neverUpload?: boolean;
}

/**
 * Where one job runs for `local`, `hosted` and `auto` (hybrid has its own decision). `auto` keeps work on
 * this machine (free, private) unless the machine lacks what the job needs; it stays local when the hosted
 * API is unreachable or the file is over the upload limit. Nothing is uploaded when the job is private.
 */
export function chooseMode(preference: Exclude<ModePreference, 'hybrid'>, facts: RoutingFacts): ConversionMode {
  if (facts.neverUpload) return 'local';
  if (preference !== 'auto') return preference;
  if (facts.inputBytes > (facts.uploadLimitBytes ?? HOSTED_UPLOAD_LIMIT_BYTES)) return 'local';
  if (facts.localCapable) return 'local';
  return facts.hostedReachable() ? 'hosted' : 'local';
}
