import { closeSync, read } from 'node:fs';
import { promisify } from 'node:util';
import { endianness } from 'node:os';
import { throwIfAborted } from '../../errors.js';
import { openUserInput, readOpened } from '../../userInputFile.js';
import type { FfmpegPlan, ProbedInput } from './ffmpegPlan.js';
import { withHeadroom } from './peakHeadroom.js';

/** Chunks walked at most before the sound data: a WAV holds a handful (fmt, fact, bext, iXML, LIST, data). */
const MAX_CHUNKS = 64;
/** What one read takes in. */
const BLOCK_BYTES = 4 * 2 ** 20;
const IEEE_FLOAT = 3;
const readAt = promisify(read);
const EXTENSIBLE = 0xfffe;

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

/** Where a 32-bit float WAV's samples lie, or undefined for any other WAV (whole numbers, 64-bit float, RF64). */
function floatData(fd: number, size: number): { start: number; end: number } | undefined {
  const head = readOpened(fd, 12, 0);
  if (head.length < 12 || ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') return undefined;
  let float = false;
  let at = 12;
  for (let count = 0; count < MAX_CHUNKS && at + 8 <= size; count += 1) {
    const chunk = readOpened(fd, 8, at);
    const tag = ascii(chunk, 0, 4);
    const length = chunk.readUInt32LE(4);
    if (tag === 'fmt ') {
      const format = readOpened(fd, Math.min(length, 40), at + 8);
      if (format.length < 16) return undefined;
      const tagCode = format.readUInt16LE(0);
      const code = tagCode === EXTENSIBLE && format.length >= 26 ? format.readUInt16LE(24) : tagCode;
      float = code === IEEE_FLOAT && format.readUInt16LE(14) === 32;
      if (!float) return undefined;
    }
    if (tag === 'data') {
      // A size never written (0, all ones) or past the end (a recording cut short): the samples run to the file's end.
      const end = length === 0 || at + 8 + length > size ? size : at + 8 + length;
      return float ? { start: at + 8, end } : undefined;
    }
    at += 8 + length + (length % 2);
  }
  return undefined;
}

/**
 * The peak of a 32-bit float WAV in dBFS (-inf for silence), read in process: the samples are scanned as they lie,
 * with no ffmpeg run to decode them (a fifth of the CPU of ffmpeg's astats pass), a block at a time so that the
 * event loop goes on. Undefined for anything else (the astats pass measures those), or when a sample is not a number.
 */
export async function wavFloatPeakDb(path: string, signal?: AbortSignal): Promise<number | undefined> {
  if (endianness() !== 'LE') return undefined;
  const { fd, size } = openUserInput(path);
  try {
    const data = floatData(fd, size);
    if (!data) return undefined;
    const block = new Uint8Array(BLOCK_BYTES);
    let peak = 0;
    for (let at = data.start; at + 4 <= data.end;) {
      const length = Math.min(BLOCK_BYTES, data.end - at) & ~3;
      throwIfAborted(signal);
      const { bytesRead } = await readAt(fd, block, 0, length, at);
      if (bytesRead < 4) break;
      const samples = new Float32Array(block.buffer, 0, bytesRead >> 2);
      for (let i = 0; i < samples.length; i += 1) {
        const value = Math.abs(samples[i]!);
        if (value > peak) peak = value;
        else if (!(value <= peak)) return undefined;
      }
      at += bytesRead & ~3;
    }
    if (!Number.isFinite(peak)) return undefined;
    return peak > 0 ? 20 * Math.log10(peak) : -Infinity;
  } finally {
    closeSync(fd);
  }
}

/**
 * The plan with its gain chosen already when its float track is a WAV read whole (no cut), its peak read in process:
 * no astats pass runs, and a short sound may still share its ffmpeg process. Otherwise the plan as it is.
 */
export async function withPeakReadInProcess(plan: FfmpegPlan, input: Pick<ProbedInput, 'path' | 'demuxer' | 'skipBytes'>, signal?: AbortSignal): Promise<FfmpegPlan> {
  if (plan.peakTracks?.length !== 1 || input.demuxer !== 'wav' || input.skipBytes || plan.inputOptions.length > 0) return plan;
  const peak = await wavFloatPeakDb(input.path, signal);
  return peak === undefined ? plan : withHeadroom(plan, [peak]);
}
