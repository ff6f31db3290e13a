import { speedApplies, type ConversionOptions, type Speed } from '../engine/plan/conversionOptions.js';
import type { ModePreference } from '../modes.js';
import type { OutputFormat } from '../formats.js';

/**
 * The speed Settings give the window's video jobs: its encoding speed in the "on this computer" mode. In the
 * modes that may upload, none: a chosen speed keeps a job on this computer (the hosted API encodes with its own
 * settings), and a default must not keep every video here.
 */
export function settingsSpeed(settings: { mode: ModePreference; encodingSpeed: Speed }): Speed {
  return settings.mode === 'local' ? settings.encodingSpeed : 'balanced';
}

/**
 * The options a window job converts to this target with: a speed of its own (its row's, else its preset's,
 * `balanced` included) wins; without one, the default where the target is encoded as video.
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
