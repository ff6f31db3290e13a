import { outputKind, type MediaKind, type OutputFormat } from '../../formats.js';
import { atApplies, cutApplies, normalizeApplies, speedApplies, supportsMaxSize, videoCodecApplies } from './conversionOptions.js';

export const OFFERED_OPTIONS = ['at', 'cut', 'speed', 'videoCodec', 'normalize', 'sizeLimit', 'sound', 'audioBitrate', 'resize'] as const;
export type OfferedOption = (typeof OFFERED_OPTIONS)[number];
export type OfferedOptions = Record<OfferedOption, boolean>;
/** What the options are offered for: an input of a kind, or a picture that moves (an animated GIF, WEBP or PNG). */
export type OfferedInput = MediaKind | 'animation';

/**
 * The options one conversion takes: those limited to some targets (a still's moment, a cut, speed, codec,
 * loudness, a size limit), narrowed by what the input is once it is known (a picture has no moment, cut or size
 * limit; sound has no picture or video codec; an animation to GIF or WEBP keeps a cut's frames), and the sound
 * and picture options where the output holds sound or pictures. The engine refuses what a picture input does not
 * take by this; the window offers only what it says.
 */
export function offeredOptions(target: OutputFormat, input?: OfferedInput): OfferedOptions {
  const kind = outputKind(target);
  const picture = input === 'image' || input === 'animation';
  const sound = input === 'audio';
  // A picture to GIF or WEBP is one picture, frame by frame: nothing is timed or encoded at a speed, and only an animation is cut.
  const still = picture && kind === 'image';
  const cut = cutApplies(target) && (!still || input === 'animation');
  return {
    at: atApplies(target) && !picture && !sound,
    cut,
    speed: speedApplies(target) && !still && !sound,
    videoCodec: videoCodecApplies(target) && !sound,
    normalize: normalizeApplies(target),
    // A WEBP of a cut moves, and a moving WEBP takes a size limit as a GIF does; a picture's size is its quality's.
    sizeLimit: !picture && (supportsMaxSize(target) || (cut && kind === 'image')),
    sound: kind !== 'image' && !picture,
    // Lossless sound (WAV, FLAC) has no bitrate to choose.
    audioBitrate: kind !== 'image' && !picture && (kind === 'video' || supportsMaxSize(target)),
    resize: kind !== 'audio' && !sound,
  };
}
