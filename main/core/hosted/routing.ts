import type { ConversionMode } from '../batch.js';
import { HOSTED_UPLOAD_LIMIT_BYTES } from './hostedPlan.js';

export type ModePreference = 'local' | 'hosted' | 'auto';

export interface RoutingFacts {
  /** This machine has what the job needs (ffmpeg, ffprobe, the image libraries). */
  localCapable: boolean;
  /** The hosted API answered a reachability check. */
  hostedReachable: () => boolean;
  inputBytes: number;
  uploadLimitBytes?: number;
}

/**
 * Where one job runs. `auto` keeps work on this machine (free, private) unless the machine lacks what the job
 * needs; it stays local when the hosted API is unreachable or the file is over the upload limit.
 */
export function chooseMode(preference: ModePreference, facts: RoutingFacts): ConversionMode {
  if (preference !== 'auto') return preference;
  if (facts.inputBytes > (facts.uploadLimitBytes ?? HOSTED_UPLOAD_LIMIT_BYTES)) return 'local';
  if (facts.localCapable) return 'local';
  return facts.hostedReachable() ? 'hosted' : 'local';
}
