import { AppError } from '../errors.js';
import { outputKind, type InputFormat, type OutputFormat } from '../formats.js';
import { identifyInput } from '../engine/identify/identifyInput.js';
import type { ImageInspector, MediaProber } from '../engine/ports.js';

/** Local tools that can look inside a file the hosted API sent back; absent ones are skipped (e.g. no ffprobe). */
export interface OutputInspectors {
  prober?: MediaProber | undefined;
  images?: ImageInspector | undefined;
}

/** Containers that sniff as another format of the same family (an M4A is an MP4, an Opus file is Ogg). */
const ACCEPTED: Partial<Record<OutputFormat, readonly InputFormat[]>> = {
  mp4: ['mp4', 'mov', 'm4a'], mov: ['mov', 'mp4'], m4a: ['m4a', 'mp4', 'mov'], mkv: ['mkv', 'webm'], webm: ['webm', 'mkv'],
  ogg: ['ogg', 'opus'], opus: ['opus', 'ogg'],
};

const DURATION_TOLERANCE_SECONDS = 1;

function failed(problem: string): AppError {
  return new AppError('OUTPUT_CHECK_FAILED', `The file the hosted API sent back failed its check: ${problem}.`);
}

/**
 * Checks a hosted output as far as this machine can: its content must be the target format (always), and,
 * with ffprobe or sharp at hand, it must hold the streams the target needs with about the input's duration.
 */
export async function checkHostedOutput(file: string, inputPath: string, target: OutputFormat, inspectors: OutputInspectors, signal?: AbortSignal): Promise<void> {
  let identified;
  try {
    identified = await identifyInput(file);
  } catch (error) {
    throw failed(`its content is not a ${target.toUpperCase()} file (${(error as Error).message})`);
  }
  const accepted = ACCEPTED[target] ?? [target as InputFormat];
  if (!accepted.includes(identified.format)) throw failed(`it is a ${identified.format.toUpperCase()} file, not ${target.toUpperCase()}`);
  const kind = outputKind(target);
  if (kind === 'image') {
    if (!inspectors.images) return;
    const info = await inspectors.images.inspect(file).catch((error: unknown) => {
      throw failed(`it cannot be opened (${(error as Error).message})`);
    });
    if (info.width <= 0 || info.height <= 0) throw failed('the image has no pixels');
    return;
  }
  if (!inspectors.prober) return;
  const output = await inspectors.prober.probe({ path: file, demuxer: identified.demuxer }, signal).catch((error: unknown) => {
    throw failed(`it cannot be read back (${(error as Error).message})`);
  });
  if (kind === 'video' && output.video.length === 0) throw failed('it has no video stream');
  if (kind === 'audio' && output.audio.length === 0) throw failed('it has no audio stream');
  const source = await identifyInput(inputPath)
    .then((input) => inspectors.prober!.probe({ path: input.path, demuxer: input.demuxer, skipBytes: input.skipBytes }, signal))
    .catch(() => undefined);
  const expected = source?.durationSeconds;
  const actual = output.durationSeconds;
  if (expected !== undefined && actual !== undefined && Math.abs(expected - actual) > Math.max(DURATION_TOLERANCE_SECONDS, expected * 0.05)) {
    throw failed(`it lasts ${actual.toFixed(1)} s where the input lasts ${expected.toFixed(1)} s`);
  }
}
