import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { probeMovieForAudio, probeMovieWithPictures } from '../../main/core/engine/identify/isoBmffProbe';
import type { MediaProbe } from '../../main/core/engine/identify/media';
import { readMp3Frames } from '../../main/core/engine/plan/mp3Output';
import { parseFfprobeJson } from '../../main/core/engine/identify/probeParse';
import { withoutStreamStarts } from '../helpers/probes';
import { JpegStructureError, readJpegOutput } from '../../native/image/jpegOutput';
import { readPlainPng } from '../../native/image/plainPng';

/**
 * Differential fuzzing of the in-process readers against the real decoders: each seed file (test/fixtures/fuzz,
 * made by ffmpeg, sharp and vips) is mutated with a seeded generator (byte flips, truncations, field
 * overwrites); every mutant a reader accepts is judged again by ffprobe or sharp, and the reader must then
 * agree. A reader may always decline (its caller asks the real decoder); it must never vouch for what the
 * real decoder refuses or reads otherwise.
 */

export const SEEDS_DIR = fileURLToPath(new URL('../fixtures/fuzz', import.meta.url));

export type ReaderName = 'mp4' | 'mp4video' | 'mp3' | 'jpeg' | 'png';

/** What the in-process reader said: facts it vouches for, "ask the real decoder", or "this file is damaged". */
type ReaderVerdict = { kind: 'accepted'; facts: unknown } | { kind: 'declined' } | { kind: 'refused'; why: string };

interface Reader {
  /** Seeds by file extension. */
  extensions: string[];
  read(file: string, bytes: Buffer): ReaderVerdict;
  /** The real decoder's facts in the reader's terms, or the reason it refuses the file. */
  real(file: string, bytes: Buffer): Promise<{ facts: unknown } | { refused: string }>;
  /** Where mutations land: the bytes the reader looks at. */
  span(bytes: Buffer): [number, number];
  /** Facts equal enough (the same fields, durations within what the output checks distinguish). */
  same(mine: unknown, theirs: unknown): boolean;
  /** PNG: chunk CRCs recomputed after a mutation, half the time, so that it reaches past the CRC check. */
  fixChecksums?: (bytes: Buffer) => void;
}

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function ffprobe(file: string, demuxer: string): Promise<{ facts: MediaProbe } | { refused: string }> {
  const out = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-f', demuxer, `file:${file}`]);
  if (out.code !== 0) return { refused: out.stderr.trim().split('\n')[0] ?? `exit ${out.code}` };
  try {
    return { facts: withoutStreamStarts(parseFfprobeJson(JSON.parse(out.stdout))) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** What an audio plan and a row's facts read of an input probe (see isoBmffProbe). */
function audioRelevant(probe: MediaProbe) {
  return {
    container: probe.container,
    durationSeconds: probe.durationSeconds,
    video: probe.video.map((v) => ({ index: v.index, codec: v.codec, width: v.width, height: v.height, rotation: v.rotation, durationSeconds: v.durationSeconds })),
    coverArt: probe.coverArt.map((v) => v.index),
    audio: probe.audio,
    subtitles: probe.subtitles,
    otherStreamCount: probe.otherStreamCount,
  };
}

/** What an output check reads of an MP3: one MP3 stream, its channels and rate, its length. */
function mp3Relevant(probe: MediaProbe) {
  return {
    container: probe.container,
    durationSeconds: probe.durationSeconds,
    video: probe.video.length,
    audio: probe.audio.map((a) => ({ codec: a.codec, channels: a.channels, sampleRate: a.sampleRate })),
    subtitles: probe.subtitles.length,
  };
}

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function boxAt(bytes: Buffer, type: string): [number, number] | undefined {
  let at = 0;
  while (at + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(at);
    if (size === 1) size = Number(bytes.readBigUInt64BE(at + 8));
    if (size === 0) size = bytes.length - at;
    if (size < 8) return undefined;
    if (bytes.toString('latin1', at + 4, at + 8) === type) return [at, Math.min(bytes.length, at + size)];
    at += size;
  }
  return undefined;
}

function fixPngChecksums(bytes: Buffer): void {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return;
    bytes.writeUInt32BE(crc32(bytes.subarray(at + 4, at + 8 + length)), at + 8 + length);
    at = end;
  }
}

export const READERS: Record<ReaderName, Reader> = {
  mp4: {
    extensions: ['.mp4', '.m4a', '.mov'],
    read: (file) => {
      const probe = probeMovieForAudio(file);
      return probe ? { kind: 'accepted', facts: audioRelevant(probe) } : { kind: 'declined' };
    },
    real: async (file) => {
      const probed = await ffprobe(file, 'mov');
      return 'facts' in probed ? { facts: audioRelevant(probed.facts) } : probed;
    },
    span: (bytes) => boxAt(bytes, 'moov') ?? [0, bytes.length],
    same: deepEqual,
  },
  // The same movie reader with the pictures' format (a video plan, the check of an MP4/MOV output): every field ffprobe gives.
  mp4video: {
    extensions: ['.mp4', '.mov'],
    read: (file) => {
      const probe = probeMovieWithPictures(file);
      return probe ? { kind: 'accepted', facts: probe } : { kind: 'declined' };
    },
    real: (file) => ffprobe(file, 'mov'),
    span: (bytes) => boxAt(bytes, 'moov') ?? [0, bytes.length],
    same: deepEqual,
  },
  mp3: {
    extensions: ['.mp3'],
    read: (_file, bytes) => {
      const probe = readMp3Frames(bytes);
      return probe ? { kind: 'accepted', facts: mp3Relevant(probe) } : { kind: 'declined' };
    },
    real: async (file) => {
      const probed = await ffprobe(file, 'mp3');
      return 'facts' in probed ? { facts: mp3Relevant(probed.facts) } : probed;
    },
    span: (bytes) => [0, bytes.length],
    same: (mine, theirs) => {
      const a = mine as ReturnType<typeof mp3Relevant>;
      const b = theirs as ReturnType<typeof mp3Relevant>;
      const close = a.durationSeconds !== undefined && b.durationSeconds !== undefined && Math.abs(a.durationSeconds - b.durationSeconds) < 0.06;
      return close && deepEqual({ ...a, durationSeconds: 0 }, { ...b, durationSeconds: 0 });
    },
  },
  jpeg: {
    extensions: ['.jpg'],
    read: (_file, bytes) => {
      try {
        const info = readJpegOutput(bytes);
        return info ? { kind: 'accepted', facts: { width: info.width, height: info.height } } : { kind: 'declined' };
      } catch (error) {
        if (error instanceof JpegStructureError) return { kind: 'refused', why: error.message };
        throw error;
      }
    },
    // libjpeg through sharp, every scan decoded, any warning (premature end, corrupt data) a refusal.
    real: async (_file, bytes) => {
      try {
        const { info } = await sharp(bytes, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
        return { facts: { width: info.width, height: info.height } };
      } catch (error) {
        return { refused: (error as Error).message.split('\n')[0]! };
      }
    },
    span: (bytes) => [0, bytes.length],
    same: deepEqual,
  },
  png: {
    extensions: ['.png'],
    read: (_file, bytes) => {
      const png = readPlainPng(bytes);
      return png ? { kind: 'accepted', facts: png } : { kind: 'declined' };
    },
    // sharp's header read, which the plain reader stands in for, and a whole decode of the picture.
    real: async (_file, bytes) => {
      try {
        const meta = await sharp(bytes).metadata();
        await sharp(bytes, { failOn: 'warning' }).raw().toBuffer();
        return { facts: { width: meta.width, height: meta.height, hasAlpha: meta.hasAlpha } };
      } catch (error) {
        return { refused: (error as Error).message.split('\n')[0]! };
      }
    },
    span: (bytes) => [0, bytes.length],
    same: deepEqual,
    fixChecksums: fixPngChecksums,
  },
};

/** mulberry32: a small seeded generator, so that every run with one seed makes the same mutants. */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Values that sit on the edges readers get wrong: sign bits, zero, one, all ones. */
const EDGE_VALUES = [0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x00010000, 0x40000000];

export type MutationKind = 'flip' | 'truncate' | 'overwrite';

/** One mutant of `seed` within [from, to): a byte flip, a truncation, or a 1-, 2- or 4-byte field overwritten with an edge value. */
export function mutate(seed: Buffer, [from, to]: [number, number], random: () => number): { bytes: Buffer; kind: MutationKind; at: number } {
  const pick = (n: number) => Math.floor(random() * n);
  const roll = random();
  const at = from + pick(Math.max(1, to - from));
  if (roll < 0.15) return { bytes: Buffer.from(seed.subarray(0, at)), kind: 'truncate', at };
  const bytes = Buffer.from(seed);
  if (roll < 0.55) {
    const flips = 1 + pick(3);
    for (let i = 0; i < flips; i++) {
      const p = i === 0 ? at : from + pick(Math.max(1, to - from));
      bytes[p] = bytes[p]! ^ (1 << pick(8));
    }
    return { bytes, kind: 'flip', at };
  }
  const width = [1, 2, 4][pick(3)]!;
  const start = Math.min(at - (at % width), bytes.length - width);
  const value = random() < 0.8 ? EDGE_VALUES[pick(EDGE_VALUES.length)]! : pick(2 ** 32);
  if (width === 1) bytes.writeUInt8(value & 0xff, start);
  else if (width === 2) bytes.writeUInt16BE(value & 0xffff, start);
  else bytes.writeUInt32BE(value >>> 0, start);
  return { bytes, kind: 'overwrite', at: start };
}

export interface Disagreement {
  reader: ReaderName;
  seed: string;
  mutant: number;
  kind: MutationKind;
  at: number;
  /** What the reader vouched for. */
  reader_said: unknown;
  /** What the real decoder said instead (its facts or its refusal). */
  real_said: unknown;
}

export interface ReaderCounts {
  mutants: number;
  accepted: number;
  declined: number;
  refused: number;
  /** Accepted mutants the real decoder refuses. */
  realRefused: number;
  /** Accepted mutants the real decoder reads otherwise. */
  realDisagrees: number;
}

export interface FuzzReport {
  seed: number;
  seconds: number;
  counts: Record<ReaderName, ReaderCounts>;
  disagreements: Disagreement[];
}

export interface FuzzOptions {
  /** Mutants in all, shared evenly by the readers. */
  count: number;
  /** Stop starting new mutants after this long. */
  seconds: number;
  seed?: number;
  readers?: ReaderName[];
  /** Real decoders judged at once. */
  concurrency?: number;
}

/** Runs the differential fuzz; every reader gets its share of mutants, spread over its seeds. */
export async function fuzzReaders(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const seed = options.seed ?? 1;
  const names = options.readers ?? (Object.keys(READERS) as ReaderName[]);
  const dir = mkdtempSync(path.join(tmpdir(), 'convertr-fuzz-'));
  const counts = Object.fromEntries(names.map((n) => [n, { mutants: 0, accepted: 0, declined: 0, refused: 0, realRefused: 0, realDisagrees: 0 }])) as Record<ReaderName, ReaderCounts>;
  const disagreements: Disagreement[] = [];
  const seedFiles = readdirSync(SEEDS_DIR).sort();
  const perReader: { reader: ReaderName; seedName: string; seedBytes: Buffer; index: number; random: () => number }[][] = [];
  names.forEach((name, r) => {
    const jobs: (typeof perReader)[number] = [];
    perReader.push(jobs);
    const seeds = seedFiles.filter((f) => READERS[name].extensions.includes(path.extname(f)));
    const share = Math.floor(options.count / names.length) + (r < options.count % names.length ? 1 : 0);
    for (let i = 0; i < share; i++) {
      const seedName = seeds[i % seeds.length]!;
      jobs.push({ reader: name, seedName, seedBytes: readFileSync(path.join(SEEDS_DIR, seedName)), index: i, random: generator(seed * 1_000_003 + r * 100_003 + i) });
    }
  });
  // Round robin, so that a time limit shortens every reader's run alike.
  const jobs = Array.from({ length: Math.max(0, ...perReader.map((j) => j.length)) }, (_, i) => perReader.map((j) => j[i]).filter((j) => j !== undefined)).flat();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && Date.now() - started < options.seconds * 1000) {
      const job = jobs[next++]!;
      const reader = READERS[job.reader];
      const mutant = mutate(job.seedBytes, reader.span(job.seedBytes), job.random);
      if (reader.fixChecksums && job.random() < 0.5) reader.fixChecksums(mutant.bytes);
      const file = path.join(dir, `${job.reader}-${job.index}${path.extname(job.seedName)}`);
      writeFileSync(file, mutant.bytes);
      const tally = counts[job.reader];
      tally.mutants++;
      const mine = reader.read(file, mutant.bytes);
      tally[mine.kind]++;
      if (mine.kind === 'accepted') {
        const theirs = await reader.real(file, mutant.bytes);
        const refused = 'refused' in theirs;
        if (refused || !reader.same(mine.facts, theirs.facts)) {
          if (refused) tally.realRefused++;
          else tally.realDisagrees++;
          disagreements.push({ reader: job.reader, seed: job.seedName, mutant: job.index, kind: mutant.kind, at: mutant.at, reader_said: mine.facts, real_said: refused ? { refused: theirs.refused } : theirs.facts });
        }
      }
      rmSync(file, { force: true });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 2 }, worker));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seed, seconds: (Date.now() - started) / 1000, counts, disagreements };
}
