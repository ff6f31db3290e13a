import { readFile } from 'node:fs/promises';

/** What an animated WEBP holds, read from its RIFF chunks (ffprobe reads the container but decodes no animated frame). */
export interface AnimatedWebpFacts {
  width: number;
  height: number;
  frames: number;
  /** The frames' durations added up. */
  durationSeconds: number;
  /** 0 loops forever. */
  loopCount: number | undefined;
}

const u24 = (bytes: Buffer, at: number) => bytes.readUIntLE(at, 3);

/** The canvas, frames and length of a WEBP's animation; a WEBP that is not well formed, or holds no animation, is refused with what was wrong. */
export function parseAnimatedWebp(bytes: Buffer): AnimatedWebpFacts {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') throw new Error('the file is not a WEBP');
  const end = Math.min(bytes.length, 8 + bytes.readUInt32LE(4));
  let canvas: { width: number; height: number } | undefined;
  let loopCount: number | undefined;
  let frames = 0;
  let durationMs = 0;
  for (let at = 12; at + 8 <= end;) {
    const kind = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (body + size > end) throw new Error(`its ${kind} chunk is cut short`);
    if (kind === 'VP8X' && size >= 10) canvas = { width: u24(bytes, body + 4) + 1, height: u24(bytes, body + 7) + 1 };
    if (kind === 'ANIM' && size >= 6) loopCount = bytes.readUInt16LE(body + 4);
    if (kind === 'ANMF') {
      if (size < 24) throw new Error('a frame chunk is cut short');
      const picture = bytes.toString('latin1', body + 16, body + 20);
      if (picture !== 'VP8 ' && picture !== 'VP8L' && picture !== 'ALPH') throw new Error('a frame holds no picture');
      frames += 1;
      durationMs += u24(bytes, body + 12);
    }
    at = body + size + (size % 2);
  }
  if (!canvas) throw new Error('the WEBP holds one still picture, so it does not move');
  return { ...canvas, frames, durationSeconds: durationMs / 1000, loopCount };
}

export async function readAnimatedWebp(path: string): Promise<AnimatedWebpFacts> {
  return parseAnimatedWebp(await readFile(path));
}

/** An animated WEBP as planned: more than one frame, the planned picture size, lasting the clip (or its cut) within tolerance. */
export function checkAnimatedWebp(facts: AnimatedWebpFacts, expected: { width: number; height: number; durationSeconds: number | undefined; toleranceSeconds: number }): string[] {
  const problems: string[] = [];
  if (facts.frames < 2) problems.push(`the WEBP has ${facts.frames} frame${facts.frames === 1 ? '' : 's'}, so it does not move`);
  if (facts.width !== expected.width || facts.height !== expected.height) problems.push(`the WEBP is ${facts.width}x${facts.height}, expected ${expected.width}x${expected.height}`);
  if (expected.durationSeconds !== undefined && Math.abs(facts.durationSeconds - expected.durationSeconds) > expected.toleranceSeconds) {
    problems.push(`the WEBP lasts ${facts.durationSeconds.toFixed(2)} s, expected ${expected.durationSeconds.toFixed(2)} s`);
  }
  return problems;
}
