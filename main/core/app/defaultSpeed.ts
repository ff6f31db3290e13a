import { speedApplies, type ConversionOptions, type Speed } from '../engine/plan/conversionOptions.js';
import type { OutputFormat } from '../formats.js';

/**
 * The options a window job converts to this target with: a speed of its own (its row's, else its preset's,
 * `balanced` included) wins; without one, Settings' encoding speed where the target is encoded as video.
 * A target that takes no speed gets none, so a Retry to a sound or a picture drops the video's.
 */
export function withDefaultSpeed(options: ConversionOptions, target: OutputFormat, defaultSpeed: Speed): ConversionOptions {
  if (!speedApplies(target)) {
    if (options.speed === undefined) return options;
    const { speed: _dropped, ...rest } = options;
    return rest;
  }
  return options.speed !== undefined || defaultSpeed === 'balanced' ? options : { ...options, speed: defaultSpeed };
}
