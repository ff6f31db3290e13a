import { readFile, stat } from 'node:fs/promises';
import type { MediaProbe } from '../identify/media.js';

/**
 * The output check of an MP3 without starting ffprobe (a dynamically linked ffprobe takes longer to start
 * than a short file takes to encode). It is stricter than ffprobe's header read: every MPEG audio frame
 * header is checked and the frames must tile the file exactly, from the end of the ID3v2 tag to the end of
 * the file (or an ID3v1 tag). Anything it does not recognise with certainty (free-format bitrates, other
 * layers, APE tags, a change of sample rate or channel count, a large file) gives undefined, and the
 * caller asks ffprobe instead: this reader never fails a file that ffprobe would pass, nor passes one that
 * is not whole.
 */

const MAX_BYTES = 64 * 2 ** 20;
const MPEG1_BITRATES = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_BITRATES = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
/** Sample rates by version bits (0: MPEG 2.5, 2: MPEG 2, 3: MPEG 1). */
const SAMPLE_RATES: Record<number, readonly number[]> = { 0: [11025, 12000, 8000], 2: [22050, 24000, 16000], 3: [44100, 48000, 32000] };

interface FrameHeader {
  version: number;
  sampleRate: number;
  channels: number;
  length: number;
  samples: number;
  /** Bytes between the 4-byte header and a Xing/Info tag, which sits where the side information would. */
  sideInfoBytes: number;
}

/** A Layer III frame header at `at`, or undefined when those four bytes are not one. */
export function mp3FrameHeader(bytes: Uint8Array, at: number): FrameHeader | undefined {
  if (at + 4 > bytes.length) return undefined;
  const [b0, b1, b2, b3] = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (version === 1 || layer !== 1 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const mpeg1 = version === 3;
  const bitrate = (mpeg1 ? MPEG1_BITRATES : MPEG2_BITRATES)[bitrateIndex]! * 1000;
  const sampleRate = SAMPLE_RATES[version]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  const samples = mpeg1 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrate) / sampleRate) + padding;
  const sideInfoBytes = mpeg1 ? (channels === 1 ? 17 : 32) : channels === 1 ? 9 : 17;
  return { version, sampleRate, channels, length, samples, sideInfoBytes };
}

function id3v2Length(bytes: Uint8Array): number {
  if (bytes.length < 10 || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  return 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
}

/** The frame count of a Xing/Info tag whose flags are at `at`; -1 when it gives none (ffprobe then estimates). */
function xingFrameCount(bytes: Uint8Array, at: number, end: number): number {
  if (at + 8 > end) return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(at) & 1 ? view.getUint32(at + 4) : -1;
}

function hasAscii(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** What ffprobe would say of a whole MP3 in these bytes (container, one audio stream, duration), or undefined. */
export function readMp3Frames(bytes: Uint8Array): MediaProbe | undefined {
  let end = bytes.length;
  if (end >= 128 && hasAscii(bytes, end - 128, 'TAG')) end -= 128;
  let at = id3v2Length(bytes);
  let first: FrameHeader | undefined;
  let frames = 0;
  let samples = 0;
  let taggedFrames: number | undefined;
  while (at < end) {
    const header = mp3FrameHeader(bytes, at);
    if (!header || at + header.length > end) return undefined;
    if (first && (header.version !== first.version || header.sampleRate !== first.sampleRate || header.channels !== first.channels)) return undefined;
    const tagAt = at + 4 + header.sideInfoBytes;
    const infoFrame = !first && (hasAscii(bytes, tagAt, 'Xing') || hasAscii(bytes, tagAt, 'Info'));
    if (infoFrame) taggedFrames = xingFrameCount(bytes, tagAt + 4, at + header.length);
    first ??= header;
    if (!infoFrame) {
      frames++;
      samples += header.samples;
    }
    at += header.length;
  }
  if (!first || frames === 0 || at !== end) return undefined;
  // ffprobe takes the length from the Xing/Info frame count when there is one: a count that differs is not vouched for.
  if (taggedFrames !== undefined && taggedFrames !== frames) return undefined;
  const durationSeconds = samples / first.sampleRate;
  return {
    container: 'mp3',
    durationSeconds,
    video: [],
    coverArt: [],
    audio: [{ index: 0, codec: 'mp3', profile: undefined, channels: first.channels, sampleRate: first.sampleRate, sampleFormat: undefined, bitsPerSample: undefined, language: undefined, durationSeconds }],
    subtitles: [],
    otherStreamCount: 0,
  };
}

/** The MP3 file at `path` read as above; undefined when ffprobe should decide (see the module comment). */
export async function readMp3Output(path: string): Promise<MediaProbe | undefined> {
  const info = await stat(path);
  if (info.size > MAX_BYTES) return undefined;
  return readMp3Frames(await readFile(path));
}
