import {
  AUDIO_OUTPUTS, IMAGE_OUTPUTS, VIDEO_OUTPUTS, inputKind, mayHoldVideo, pairLabel,
  type ImageOutput, type InputFormat, type MediaKind, type OutputFormat, type VideoOutput,
} from './formats.js';
import { AppError } from './errors.js';
import { FRAME_GRAB_TARGETS } from './engine/plan/frameGrabTargets.js';

/** Video containers that are also ordinary audio-only files (an MP4 with sound only plays everywhere). */
export const AUDIO_ONLY_VIDEO_TARGETS: readonly VideoOutput[] = ['mp4', 'mov', 'mkv', 'webm'];

/** Pictures a video can become through ffmpeg: an animated GIF of the clip, or one still of it. */
export const VIDEO_IMAGE_TARGETS: readonly ImageOutput[] = ['gif', ...FRAME_GRAB_TARGETS];

/** What the probe found, when it has run. */
export interface StreamFacts {
  video: boolean;
}

/**
 * What each input can become. Media follows its streams: with video, any video or audio target; with sound only,
 * any audio target and MP4/MOV/MKV/WEBM as an audio-only file; with video, also the pictures of VIDEO_IMAGE_TARGETS. Before the probe, a container that may hold video
 * is given the benefit of the doubt. GIF is an image that can also become a video.
 */
export function targetsFor(input: InputFormat, streams?: StreamFacts): readonly OutputFormat[] {
  if (inputKind(input) === 'image') return input === 'gif' ? [...IMAGE_OUTPUTS, ...VIDEO_OUTPUTS] : targetsForKind('image');
  const video = streams ? streams.video : mayHoldVideo(input);
  return targetsForKind(video ? 'video' : 'audio');
}

/** What a file of this kind (as its streams make it: pictures in motion, sound alone, a still) can become. */
export function targetsForKind(kind: MediaKind): readonly OutputFormat[] {
  if (kind === 'image') return IMAGE_OUTPUTS;
  return kind === 'video' ? [...VIDEO_OUTPUTS, ...AUDIO_OUTPUTS, ...VIDEO_IMAGE_TARGETS] : [...AUDIO_OUTPUTS, ...AUDIO_ONLY_VIDEO_TARGETS];
}

export function isPairSupported(input: InputFormat, output: OutputFormat, streams?: StreamFacts): boolean {
  return targetsFor(input, streams).includes(output);
}

/** Names read with a vowel sound first ("an MP3", "an AVI", "an OGG"); the rest take "a" ("a WAV", "a FLAC", "a HEIC"). */
const READ_WITH_A_VOWEL = new Set(['mp4', 'mov', 'mkv', 'avi', 'mts', 'mpg', 'flv', 'mxf', 'ogv', 'mp3', 'mp2', 'm4a', 'aac', 'aiff', 'ogg', 'opus', 'spx', 'mka', 'ape', 'amr', 'ac3', 'eac3', 'au', 'sph', 'avif']);

export function assertPairSupported(input: InputFormat, output: OutputFormat, streams?: StreamFacts): void {
  if (!isPairSupported(input, output, streams)) {
    const targets = targetsFor(input, streams).map((f) => f.toUpperCase()).join(', ');
    const what = streams && !streams.video && inputKind(input) === 'video' ? `${input.toUpperCase()} file with sound only` : `${input.toUpperCase()} file`;
    throw new AppError(
      'PAIR_UNSUPPORTED',
      `${pairLabel(input, output)} is not supported: ${READ_WITH_A_VOWEL.has(input) ? 'an' : 'a'} ${what} can become ${targets}.`,
    );
  }
}
