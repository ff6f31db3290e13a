import {
  AUDIO_OUTPUTS, IMAGE_OUTPUTS, VIDEO_OUTPUTS, inputKind, pairLabel,
  type InputFormat, type OutputFormat,
} from './formats.js';
import { AppError } from './errors.js';

/** What each input can become. GIF is an image that can also become a video. */
export function targetsFor(input: InputFormat): readonly OutputFormat[] {
  switch (inputKind(input)) {
    case 'video':
      return [...VIDEO_OUTPUTS, ...AUDIO_OUTPUTS];
    case 'audio':
      return AUDIO_OUTPUTS;
    case 'image':
      return input === 'gif' ? [...IMAGE_OUTPUTS, ...VIDEO_OUTPUTS] : IMAGE_OUTPUTS;
  }
}

export function isPairSupported(input: InputFormat, output: OutputFormat): boolean {
  return targetsFor(input).includes(output);
}

export function assertPairSupported(input: InputFormat, output: OutputFormat): void {
  if (!isPairSupported(input, output)) {
    const targets = targetsFor(input).map((f) => f.toUpperCase()).join(', ');
    throw new AppError(
      'PAIR_UNSUPPORTED',
      `${pairLabel(input, output)} is not supported: a ${input.toUpperCase()} file can become ${targets}.`,
    );
  }
}
