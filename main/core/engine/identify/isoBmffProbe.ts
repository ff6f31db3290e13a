import { closeSync } from 'node:fs';
import { NotAFileError, openUserInput, readOpened } from '../../userInputFile.js';
import { pixelAspect, type AudioStreamInfo, type MediaProbe, type VideoStreamInfo } from './media.js';
import { fileBoxes } from './fileBoxes.js';
import { AvcUnsupported, readAvcConfig, slicePpsId, TRANSFER_NAMES } from './avcConfig.js';

/**
 * The probe of an MP4/MOV/M4A/3GP read in this process instead of starting ffprobe (a dynamically linked
 * ffprobe takes about as long to start as a 10 s clip takes to become MP3, or as ffmpeg takes to remux it).
 *
 * It reads the movie header and gives what ffprobe would say for the fields an audio plan and a row's
 * facts (picture size as viewed, length) use: the container, the duration, every stream's index and type,
 * and all of ffprobe's audio fields. Video tracks are listed with their codec, the size their sample
 * description gives, rotation and duration. probeMovieForAudio leaves their picture format (profile, pixel
 * format, colour, bit depth, frame rate, pixel shape) undefined, so it must not feed a video plan; probeMovieWithPictures
 * reads it too, for H.264 in avc1 only (see avcConfig.ts), and serves video plans and the output checks.
 *
 * It is strict: anything it does not understand gives undefined and the caller asks ffprobe. That
 * includes fragmented files, files whose boxes do not tile the file (truncated), more than one sample
 * description, cover art (ffprobe adds a stream for it), tracks other than pictures, sound, and Apple's
 * timed metadata or timecode, video other than H.264/HEVC, sound other than AAC-LC above 24 kHz with 1-6
 * channels (below that rate the decoder may find SBR and report twice the rate), edit lists other than one
 * plain segment, a movie matrix or a track matrix other than a plain rotation, and old Macintosh language codes.
 */

export const MOV_FORMAT_NAME = 'mov,mp4,m4a,3gp,3g2,mj2';

const MAX_MOOV_BYTES = 32 * 2 ** 20;
const AAC_SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const VIDEO_CODECS: Record<string, string> = { avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc' };
/** The decoder configuration each video sample entry must carry. */
const VIDEO_CONFIGS: Record<string, string> = { avc1: 'avcC', avc3: 'avcC', hvc1: 'hvcC', hev1: 'hvcC' };
/** Tracks ffprobe lists as data streams, which outputs leave out: timecode and Apple's timed metadata. */
const DATA_TRACKS: Record<string, string> = { tmcd: 'tmcd', meta: 'mebx' };

const HARMLESS_REFERENCES = new Set(['cdsc', 'cdep', 'tmcd']);

/** Thrown inside the parser for anything it does not fully understand; the entry points turn it into undefined. */
class Unsupported extends Error {}

function unsupported(why: string): never {
  throw new Unsupported(why);
}

interface Box {
  type: string;
  /** First byte of the payload (after the size, type and any 64-bit size). */
  body: number;
  end: number;
}

function boxType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** The boxes that exactly tile bytes [from, to); a size that overruns or leaves a gap is not understood. */
function children(view: DataView, bytes: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    if (at + 8 > to) unsupported('a box header runs past its parent');
    let size = view.getUint32(at);
    const type = boxType(bytes, at + 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) unsupported('a box header runs past its parent');
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      // "To the end of the file" is for the file's last box; inside the movie ffmpeg refuses some and reads others.
      unsupported(`box ${type} of size 0 inside the movie`);
    }
    if (size < header || at + size > to) unsupported(`box ${type} does not fit its parent`);
    out.push({ type, body: at + header, end: at + size });
    at += size;
  }
  return out;
}

function only(boxes: Box[], type: string, required: true): Box;
function only(boxes: Box[], type: string, required?: false): Box | undefined;
function only(boxes: Box[], type: string, required = false): Box | undefined {
  const found = boxes.filter((b) => b.type === type);
  if (found.length > 1) unsupported(`more than one ${type}`);
  if (required && found.length === 0) unsupported(`no ${type}`);
  return found[0];
}

/** A full box's version, 0 or 1: ffmpeg refuses the others ("not yet implemented"). */
function fullBoxVersion(box: Box, bytes: Uint8Array): 0 | 1 {
  need(box, 4);
  const version = bytes[box.body]!;
  if (version > 1) unsupported(`a version ${version} ${box.type}`);
  return version as 0 | 1;
}

function need(box: Box, bytes: number): void {
  if (box.end - box.body < bytes) unsupported(`box ${box.type} is too short`);
}

/** A movie header matrix (a b u c d v x y w, a-d and x-y in 16.16, u v w in 2.30) as clockwise degrees, when it is a plain rotation. */
function rotationOf(view: DataView, at: number): number {
  const m = Array.from({ length: 9 }, (_, i) => view.getInt32(at + i * 4));
  const [a, b, u, c, d, v, , , w] = m as [number, number, number, number, number, number, number, number, number];
  if (u !== 0 || v !== 0 || w !== 0x40000000) unsupported('a perspective matrix');
  const one = 0x10000;
  // ffprobe's rotation is -atan2(b, a) counter-clockwise; the engine stores its opposite, clockwise.
  if (a === one && b === 0 && c === 0 && d === one) return 0;
  if (a === 0 && b === one && c === -one && d === 0) return 90;
  if (a === -one && b === 0 && c === 0 && d === -one) return 180;
  if (a === 0 && b === -one && c === one && d === 0) return 270;
  return unsupported('a matrix that is not a plain rotation');
}

/** ffmpeg's seconds from a count of ticks, rounded to its microsecond time base as ffprobe prints it. */
function seconds(ticks: number, timescale: number): number {
  return Math.round((ticks * 1e6) / timescale) / 1e6;
}

function languageOf(code: number): string | undefined {
  // ffmpeg reads all 16 bits: with the pad bit set, a code is letters of its own.
  if (code & 0x8000) unsupported('a language code with its pad bit set');
  if (code === 0x7fff) return undefined;
  if (code === 0) return 'eng';
  if (code < 0x400) unsupported('an old Macintosh language code');
  return String.fromCharCode(0x60 + ((code >> 10) & 0x1f), 0x60 + ((code >> 5) & 0x1f), 0x60 + (code & 0x1f));
}

/** An MPEG-4 descriptor's tag, length (up to four 7-bit bytes) and where its body starts. */
function descriptor(bytes: Uint8Array, at: number, end: number): { tag: number; body: number; end: number } {
  if (at + 2 > end) unsupported('a short descriptor');
  const tag = bytes[at]!;
  let length = 0;
  let p = at + 1;
  for (let i = 0; i < 4; i++) {
    if (p >= end) unsupported('a short descriptor');
    const byte = bytes[p++]!;
    length = (length << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) break;
    if (i === 3) unsupported('a descriptor length over four bytes');
  }
  if (p + length > end) unsupported('a descriptor runs past its box');
  return { tag, body: p, end: p + length };
}

/** Three bytes: the sync extension 0x2b7, extension object type 5 (SBR), SBR present 0, then zero padding. */
function isNoSbrExtension(extension: Uint8Array): boolean {
  const bits = (extension[0]! << 16) | (extension[1]! << 8) | extension[2]!;
  return bits >> 13 === 0x2b7 && ((bits >> 8) & 0x1f) === 5 && (bits & 0xff) === 0;
}

/** The AAC AudioSpecificConfig from an esds box, checked to be MPEG-4 AAC-LC without SBR or PS signalled. */
function aacConfigOf(bytes: Uint8Array, esds: Box): { sampleRate: number; channels: number } {
  need(esds, 4);
  const es = descriptor(bytes, esds.body + 4, esds.end);
  if (es.tag !== 3 || es.body + 3 > es.end) unsupported('no ES descriptor');
  const flags = bytes[es.body + 2]!;
  let p = es.body + 3;
  if (flags & 0x80) p += 2;
  if (flags & 0x40) p += 1 + (bytes[p] ?? 0);
  if (flags & 0x20) p += 2;
  const config = descriptor(bytes, p, es.end);
  if (config.tag !== 4 || config.body + 13 > config.end) unsupported('no decoder config descriptor');
  if (bytes[config.body] !== 0x40) unsupported('not MPEG-4 audio');
  const specific = descriptor(bytes, config.body + 13, config.end);
  if (specific.tag !== 5) unsupported('no decoder specific info');
  const length = specific.end - specific.body;
  // The two bytes of AAC-LC, perhaps followed by the extension that says "no SBR" (as ffmpeg's encoder writes it); any other extension is declined.
  if (length !== 2 && !(length === 5 && isNoSbrExtension(bytes.subarray(specific.body + 2, specific.end)))) unsupported('an audio specific config other than plain AAC-LC');
  const bits = (bytes[specific.body]! << 8) | bytes[specific.body + 1]!;
  const objectType = bits >> 11;
  const rateIndex = (bits >> 7) & 0xf;
  const channelConfig = (bits >> 3) & 0xf;
  const dependsOnCoreCoder = (bits >> 1) & 1;
  const extension = bits & 1;
  if (objectType !== 2) unsupported('an AAC object type other than LC');
  if (dependsOnCoreCoder || extension) unsupported('AAC with core coder or extension flags');
  const sampleRate = AAC_SAMPLE_RATES[rateIndex];
  if (sampleRate === undefined) unsupported('an AAC sample rate index out of the table');
  if (sampleRate <= 24000) unsupported('AAC at 24 kHz or less (the decoder may find SBR)');
  if (channelConfig < 1 || channelConfig > 6) unsupported('an AAC channel configuration other than 1-6');
  return { sampleRate, channels: channelConfig };
}

/** The esds of an mp4a sample entry: directly inside it, or inside QuickTime's wave box. */
function esdsOf(view: DataView, bytes: Uint8Array, entry: Box): Box {
  need(entry, 28);
  const version = view.getUint16(entry.body + 8);
  if (version > 1) unsupported('a version 2 sound description');
  const boxes = children(view, bytes, entry.body + (version === 1 ? 44 : 28), entry.end);
  const direct = only(boxes, 'esds');
  const wave = only(boxes, 'wave');
  if (direct && wave) unsupported('esds both inside and outside wave');
  if (direct) return direct;
  if (!wave) unsupported('no esds');
  return only(children(view, bytes, wave.body, wave.end), 'esds', true);
}

interface SampleTable {
  fourcc: string;
  entry: Box;
  sampleCount: number;
  sttsTicks: number;
  /** Where the first sample lies in the file. */
  firstSample: Span;
  /** The bytes of each chunk in the file: its offset and the sizes of its samples. */
  chunks: Span[];
}

/** Bytes [start, end) of the file. */
type Span = readonly [number, number];

/** A 32-bit count or time ffmpeg reads as a signed int: the top bit set is a field it refuses or replaces. */
function signed31(view: DataView, at: number, what: string): number {
  const value = view.getUint32(at);
  if (value >= 0x80000000) unsupported(`${what} has its top bit set`);
  return value;
}

/** A 64-bit time ffmpeg reads as int64_t; beyond what a double holds exactly is not read here. */
function signed63(view: DataView, at: number, what: string): number {
  const value = view.getBigInt64(at);
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) unsupported(`${what} is out of range`);
  return Number(value);
}

/** A full box's entry count and where its entries start, when exactly `count` entries of `entryBytes` fill it. */
function entries(view: DataView, box: Box, entryBytes: number, extra = 0): { count: number; at: number } {
  need(box, 8 + extra);
  const count = view.getUint32(box.body + 4 + extra);
  if (box.end - box.body !== 8 + extra + count * entryBytes) unsupported(`box ${box.type} does not hold its ${count} entries exactly`);
  return { count, at: box.body + 8 + extra };
}

/**
 * The sample tables as ffmpeg indexes them: sample times (stts), sizes (stsz), chunks (stsc) and their offsets (stco),
 * all counts agreeing, nothing ffmpeg reads as negative; any doubt declines.
 */
function sampleTableOf(view: DataView, bytes: Uint8Array, stbl: Box): SampleTable {
  const boxes = children(view, bytes, stbl.body, stbl.end);
  const stsd = only(boxes, 'stsd', true);
  need(stsd, 8);
  if (view.getUint32(stsd.body + 4) !== 1) unsupported('a track with other than one sample description');
  const descriptions = children(view, bytes, stsd.body + 8, stsd.end);
  if (descriptions.length !== 1) unsupported('a sample description count that does not match its boxes');
  const entry = descriptions[0]!;
  const stts = entries(view, only(boxes, 'stts', true), 8);
  let sampleCount = 0;
  let sttsTicks = 0;
  for (let i = 0; i < stts.count; i++) {
    const n = signed31(view, stts.at + i * 8, 'an stts count');
    sampleCount += n;
    sttsTicks += n * signed31(view, stts.at + 4 + i * 8, 'an stts duration');
  }
  if (sampleCount === 0) unsupported('a track without samples');
  const stsz = only(boxes, 'stsz') ?? unsupported('no stsz');
  need(stsz, 12);
  // One size for every sample (timecode, PCM) and no table, or a table of sizes.
  const sameSize = signed31(view, stsz.body + 4, 'the sample size');
  const sizes = entries(view, stsz, sameSize ? 0 : 4, 4);
  if (sizes.count !== sampleCount) unsupported('stsz and stts count other numbers of samples');
  for (let i = 0; i < (sameSize ? 0 : sizes.count); i++) if (signed31(view, sizes.at + i * 4, 'a sample size') === 0) unsupported('an empty sample');
  const stco = only(boxes, 'stco');
  const co64 = only(boxes, 'co64');
  if ((stco === undefined) === (co64 === undefined)) unsupported('not exactly one chunk offset table');
  const chunks = entries(view, (stco ?? co64)!, stco ? 4 : 8);
  if (co64) for (let i = 0; i < chunks.count; i++) signed63(view, chunks.at + i * 8, 'a chunk offset');
  const stsc = entries(view, only(boxes, 'stsc', true), 12);
  if (stsc.count === 0 || chunks.count === 0) unsupported('no chunks');
  let described = 0;
  const spans: Span[] = [];
  const sizeOf = (sample: number) => sameSize || view.getUint32(sizes.at + sample * 4);
  const offsetOf = (chunk: number) => (co64 ? Number(view.getBigUint64(chunks.at + chunk * 8)) : view.getUint32(chunks.at + chunk * 4));
  for (let i = 0; i < stsc.count; i++) {
    const first = view.getUint32(stsc.at + i * 12);
    const perChunk = signed31(view, stsc.at + 4 + i * 12, 'samples per chunk');
    const next = i + 1 < stsc.count ? view.getUint32(stsc.at + (i + 1) * 12) : chunks.count + 1;
    if ((i === 0 && first !== 1) || next <= first || next > chunks.count + 1) unsupported('stsc chunks out of order or past stco');
    if (perChunk === 0 || view.getUint32(stsc.at + 8 + i * 12) !== 1) unsupported('an stsc entry ffmpeg would mend');
    for (let chunk = first - 1; chunk < next - 1 && described <= sampleCount; chunk++) {
      let bytesInChunk = 0;
      for (let k = 0; k < perChunk && described + k < sampleCount; k++) bytesInChunk += sizeOf(described + k);
      spans.push([offsetOf(chunk), offsetOf(chunk) + bytesInChunk]);
      described += perChunk;
    }
  }
  if (described !== sampleCount) unsupported('stsc describes other samples than stsz');
  // Composition offsets (B-frames): ffmpeg refuses a table that runs past its box.
  const ctts = only(boxes, 'ctts');
  if (ctts) {
    fullBoxVersion(ctts, bytes);
    entries(view, ctts, 8);
  }
  const stss = only(boxes, 'stss');
  if (stss) {
    const sync = entries(view, stss, 4);
    for (let i = 0, last = 0; i < sync.count; i++) {
      const n = view.getUint32(sync.at + i * 4);
      if (n <= last || n > sampleCount) unsupported('a sync sample out of order or range');
      last = n;
    }
  }
  return { fourcc: entry.type, entry, sampleCount, sttsTicks, firstSample: [offsetOf(0), offsetOf(0) + sizeOf(0)], chunks: spans };
}

/** A data reference that says "this file" and nothing else, as every muxer writes it (ffmpeg opens other files for any other). */
function assertSelfContained(view: DataView, bytes: Uint8Array, minf: Box[]): void {
  const dinf = only(minf, 'dinf');
  if (!dinf) return;
  const dref = only(children(view, bytes, dinf.body, dinf.end), 'dref', true);
  need(dref, 8);
  if (view.getUint32(dref.body) !== 0 || view.getUint32(dref.body + 4) !== 1) unsupported('a data reference table of other than one entry');
  const [reference, ...more] = children(view, bytes, dref.body + 8, dref.end);
  if (!reference || more.length > 0 || !['url ', 'alis'].includes(reference.type) || reference.end - reference.body !== 4 || view.getUint32(reference.body) !== 1) unsupported('a reference to other files');
}

type Track =
  | { kind: 'video'; stream: VideoStreamInfo }
  | { kind: 'audio'; stream: AudioStreamInfo }
  | { kind: 'data' };

/** A track's length as ffprobe gives it: the media duration, cut short by the sample times and by one plain edit. */
function trackTicks(view: DataView, bytes: Uint8Array, trakBoxes: Box[], mediaTicks: number, sttsTicks: number, mediaScale: number, movieScale: number): number {
  // ffmpeg shortens the media duration to the sample times only when they add up to more than nothing.
  let ticks = sttsTicks > 0 ? Math.min(mediaTicks, sttsTicks) : mediaTicks;
  const edts = only(trakBoxes, 'edts');
  if (!edts) return ticks;
  const elst = only(children(view, bytes, edts.body, edts.end), 'elst', true);
  need(elst, 8);
  const version = fullBoxVersion(elst, bytes);
  const count = view.getUint32(elst.body + 4);
  const entryBytes = version === 1 ? 20 : 12;
  const edit = (i: number) => {
    const at = elst.body + 8 + i * entryBytes;
    return {
      segment: version === 1 ? signed63(view, at, 'an edit') : view.getUint32(at),
      mediaTime: version === 1 ? Number(view.getBigInt64(at + 8)) : view.getInt32(at + 4),
      rate: view.getInt32(at + (version === 1 ? 16 : 8)),
    };
  };
  if (count !== 1 && count !== 2) unsupported('an edit list of more than two segments');
  need(elst, 8 + count * entryBytes);
  const { segment, mediaTime, rate } = edit(count - 1);
  if (mediaTime < 0 || rate !== 0x10000) unsupported('an empty or speed-changing edit');
  // A remux that moved a track's start (ffmpeg's -avoid_negative_ts) writes one empty edit before the plain one. ffmpeg
  // then ends the track at the two edits' end, which is read here only when it does not cut the track short.
  if (count === 2) {
    const empty = edit(0);
    if (empty.mediaTime !== -1 || empty.rate !== 0x10000) unsupported('an edit list of two segments that does not start with one empty edit');
    const editsEnd = Math.round((empty.segment * mediaScale) / movieScale) + Math.round((segment * mediaScale) / movieScale);
    if (editsEnd < ticks) unsupported('an empty edit before a segment that cuts the track short');
    return ticks;
  }
  const edited = Math.round((segment * mediaScale) / movieScale);
  // An edit that starts past the media, runs to its end (0), or rounds to nothing: ffmpeg's lengths for them are its own.
  if (mediaTime >= ticks || (segment === 0 && mediaTime > 0) || (segment > 0 && edited === 0)) unsupported('an edit that starts past the media or rounds to nothing');
  if (segment > 0) ticks = Math.min(ticks, edited);
  return ticks;
}

/** Whether a box of `type` starts the run of boxes at `from` (QuickTime writers may end the run with padding). */
function hasChildBox(view: DataView, bytes: Uint8Array, from: number, to: number, type: string): boolean {
  for (let at = from; at + 8 <= to; ) {
    const size = view.getUint32(at);
    if (boxType(bytes, at + 4) === type) return size >= 8 && at + size <= to;
    if (size < 8) return false;
    at += size;
  }
  return false;
}

/** The boxes inside a visual sample description, after its 78 bytes of fields, up to any padding that is not a box. */
function sampleEntryBoxes(view: DataView, bytes: Uint8Array, entry: Box): Box[] {
  const out: Box[] = [];
  for (let at = entry.body + 78; at + 8 <= entry.end; ) {
    const size = view.getUint32(at);
    if (size < 8 || at + size > entry.end) break;
    out.push({ type: boxType(bytes, at + 4), body: at + 8, end: at + size });
    at += size;
  }
  return out;
}

/** The colour a `colr` box of type nclx or nclc gives the track (an ICC profile or an unknown type gives none). */
function containerColour(view: DataView, bytes: Uint8Array, colr: Box | undefined): { transfer?: number; fullRange?: boolean } {
  if (!colr) return {};
  need(colr, 4);
  const kind = boxType(bytes, colr.body);
  if (kind !== 'nclx' && kind !== 'nclc') return {};
  need(colr, kind === 'nclx' ? 11 : 10);
  const transfer = view.getUint16(colr.body + 6);
  if (transfer !== 2 && TRANSFER_NAMES[transfer] === undefined) unsupported('a colr transfer ffprobe names otherwise');
  return { transfer, ...(kind === 'nclx' ? { fullRange: (bytes[colr.body + 10]! & 0x80) !== 0 } : {}) };
}

/** The largest side ffmpeg's reading of a `pasp` box keeps exactly (it reduces the ratio to sides of at most this). */
const PASP_MAX_SIDE = 32767;

/**
 * The pixel shape a `pasp` box in the sample description gives the stream, reduced (1:1 included), which wins
 * over the parameter set's in ffprobe and ffmpeg; undefined without one or when its spacing says nothing (a zero
 * side). A `pasp` anywhere else in the track would be read by ffmpeg too: declined, with spacings it would round.
 */
function paspOf(view: DataView, bytes: Uint8Array, trak: Box, entry: Box): { num: number; den: number } | undefined {
  const pasp = only(sampleEntryBoxes(view, bytes, entry), 'pasp');
  let found = 0;
  for (let at = trak.body; at + 4 <= trak.end; at++) {
    if (bytes[at] === 0x70 && boxType(bytes, at) === 'pasp') found++;
  }
  if (found !== (pasp ? 1 : 0)) unsupported('a pasp box outside the sample description');
  if (!pasp) return undefined;
  need(pasp, 8);
  const h = view.getUint32(pasp.body);
  const v = view.getUint32(pasp.body + 4);
  if (h > 0x7fffffff || v > 0x7fffffff) unsupported('a pasp spacing ffmpeg reads as negative');
  if (h === 0 || v === 0) return undefined;
  const reduced = pixelAspect(h, v) ?? { num: 1, den: 1 };
  if (reduced.num > PASP_MAX_SIDE || reduced.den > PASP_MAX_SIDE) unsupported('a pasp ratio ffmpeg rounds');
  return reduced;
}

/** The track header width ffmpeg's MP4 muxer writes for pixels of that shape: the width as displayed, in 16.16. */
function displayedTrackWidth(width: number, aspect: { num: number; den: number }): number {
  const den = BigInt(aspect.den);
  return Number((BigInt(width) * 0x10000n * BigInt(aspect.num) + den / 2n) / den);
}

/** The size the avcC's parameter set gives equals the sample description's. */
function assertAvcSize(view: DataView, bytes: Uint8Array, entry: Box, width: number, height: number): void {
  const avcC = only(sampleEntryBoxes(view, bytes, entry), 'avcC', true);
  try {
    const avc = readAvcConfig(bytes.subarray(avcC.body, avcC.end));
    if (avc.width !== width || avc.height !== height) unsupported('a picture size other than its sample description');
  } catch (error) {
    if (error instanceof AvcUnsupported) unsupported(error.message);
    throw error;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** ffmpeg's average frame rate of a track: its samples over the sum of their times, reduced, when it fits 31 bits. */
function frameRateOf(sampleCount: number, sttsTicks: number, timescale: number): number | undefined {
  if (sttsTicks <= 0) return undefined;
  const num = BigInt(timescale) * BigInt(sampleCount);
  const den = BigInt(sttsTicks);
  const divisor = gcd(num, den);
  if (num / divisor > 0x7fffffffn || den / divisor > 0x7fffffffn) unsupported('a frame rate ffmpeg rounds');
  return Number(num / divisor) / Number(den / divisor);
}

/** What the first sample of an H.264 track must hold for the decoder to see only the configuration read here. */
export interface FirstSampleCheck {
  span: Span;
  lengthSize: number;
  parameterSets: Uint8Array[];
  ppsIds: number[];
}

/**
 * An H.264 track's picture format from its sample description (see avcConfig.ts), as ffprobe gives it: the
 * parameter set's colour wins over the container's `colr`, field by field, as in ffmpeg's decoder.
 */
function pictureOf(view: DataView, bytes: Uint8Array, table: SampleTable, timescale: number, checks: FirstSampleCheck[]) {
  if (table.fourcc !== 'avc1') unsupported(`pictures of ${table.fourcc} are left to ffprobe`);
  const boxes = sampleEntryBoxes(view, bytes, table.entry);
  const avcC = only(boxes, 'avcC', true);
  let avc;
  try {
    avc = readAvcConfig(bytes.subarray(avcC.body, avcC.end));
  } catch (error) {
    if (error instanceof AvcUnsupported) unsupported(error.message);
    throw error;
  }
  const colour = containerColour(view, bytes, only(boxes, 'colr'));
  const fullRange = avc.fullRange ?? colour.fullRange;
  const transfer = avc.transfer ?? colour.transfer;
  checks.push({ span: table.firstSample, lengthSize: avc.lengthSize, parameterSets: avc.parameterSets, ppsIds: avc.ppsIds });
  return {
    profile: avc.profile,
    width: avc.width,
    height: avc.height,
    pixelFormat: fullRange ? 'yuvj420p' : 'yuv420p',
    colorRange: fullRange === undefined ? undefined : fullRange ? 'pc' : 'tv',
    colorTransfer: transfer === undefined ? undefined : TRANSFER_NAMES[transfer],
    bitDepth: 8,
    frameRate: frameRateOf(table.sampleCount, table.sttsTicks, timescale),
    sampleAspect: avc.sampleAspect,
  };
}

function readTrack(view: DataView, bytes: Uint8Array, trak: Box, index: number, movieScale: number, chunks: Span[], pictures: FirstSampleCheck[] | undefined): Track {
  const boxes = children(view, bytes, trak.body, trak.end);
  const tref = only(boxes, 'tref');
  // Timed metadata describing a track (cdsc, cdep) and a timecode track (tmcd) change no stream; chapters and hints do.
  if (tref && children(view, bytes, tref.body, tref.end).some((b) => !HARMLESS_REFERENCES.has(b.type))) unsupported('a track that refers to others (chapters, hints)');
  const tkhd = only(boxes, 'tkhd', true);
  const tkVersion = fullBoxVersion(tkhd, bytes);
  const matrixAt = tkhd.body + (tkVersion === 1 ? 52 : 40);
  need(tkhd, matrixAt - tkhd.body + 44);
  const rotation = rotationOf(view, matrixAt);
  const mdia = only(boxes, 'mdia', true);
  const mdiaBoxes = children(view, bytes, mdia.body, mdia.end);
  const mdhd = only(mdiaBoxes, 'mdhd', true);
  const mdVersion = fullBoxVersion(mdhd, bytes);
  need(mdhd, mdVersion === 1 ? 34 : 22);
  const timescale = signed31(view, mdhd.body + (mdVersion === 1 ? 20 : 12), 'the media timescale');
  const mediaTicks = mdVersion === 1 ? signed63(view, mdhd.body + 24, 'the media duration') : view.getUint32(mdhd.body + 16);
  const language = languageOf(view.getUint16(mdhd.body + (mdVersion === 1 ? 32 : 20)));
  if (timescale === 0) unsupported('a zero media timescale');
  const hdlr = only(mdiaBoxes, 'hdlr', true);
  need(hdlr, 12);
  const handler = boxType(bytes, hdlr.body + 8);
  const minf = only(mdiaBoxes, 'minf', true);
  const minfBoxes = children(view, bytes, minf.body, minf.end);
  assertSelfContained(view, bytes, minfBoxes);
  const stbl = only(minfBoxes, 'stbl', true);
  const table = sampleTableOf(view, bytes, stbl);
  chunks.push(...table.chunks);
  const ticks = trackTicks(view, bytes, boxes, mediaTicks, table.sttsTicks, timescale, movieScale);
  const durationSeconds = ticks > 0 ? seconds(ticks, timescale) : undefined;
  if (handler === 'vide') {
    const codec = VIDEO_CODECS[table.fourcc] ?? unsupported(`video codec ${table.fourcc}`);
    need(table.entry, 28);
    const width = view.getUint16(table.entry.body + 24);
    const height = view.getUint16(table.entry.body + 26);
    if (width === 0 || height === 0) unsupported('a video track without a size');
    if (!hasChildBox(view, bytes, table.entry.body + 78, table.entry.end, VIDEO_CONFIGS[table.fourcc]!)) unsupported('a video sample description without its decoder configuration');
    const pasp = paspOf(view, bytes, trak, table.entry);
    // ffprobe gives the size the codec's own headers say; the sample description and the track header must both agree
    // with it. The track header's width may be the displayed one where a pasp box (which then decides the pixel shape) says so.
    const trackWidth = view.getUint32(matrixAt + 36);
    if (trackWidth !== width * 0x10000 && !(pasp && trackWidth === displayedTrackWidth(width, pasp))) unsupported('a track width other than its sample description');
    if (view.getUint32(matrixAt + 40) !== height * 0x10000) unsupported('a track height other than its sample description');
    const picture = pictures ? pictureOf(view, bytes, table, timescale, pictures) : undefined;
    // ffprobe's pixel shape: the pasp box's, else the parameter set's (read with the pictures' format only).
    const aspect = picture ? pasp ?? picture.sampleAspect : undefined;
    const sampleAspectRatio = aspect ? pixelAspect(aspect.num, aspect.den) : undefined;
    if (picture && (picture.width !== width || picture.height !== height)) unsupported('a picture size other than its sample description');
    // ffprobe gives an H.264 track the size its parameter set says: without the pictures' format, that much is still checked.
    if (!picture && table.fourcc !== 'hvc1' && table.fourcc !== 'hev1') assertAvcSize(view, bytes, table.entry, width, height);
    return {
      kind: 'video',
      stream: {
        index, codec, profile: picture?.profile, pixelFormat: picture?.pixelFormat, width, height, rotation, ...(sampleAspectRatio ? { sampleAspectRatio } : {}),
        colorTransfer: picture?.colorTransfer, colorRange: picture?.colorRange, bitDepth: picture?.bitDepth, frameRate: picture?.frameRate, durationSeconds,
      },
    };
  }
  if (handler === 'soun') {
    if (table.fourcc !== 'mp4a') unsupported(`sound codec ${table.fourcc}`);
    const { sampleRate, channels } = aacConfigOf(bytes, esdsOf(view, bytes, table.entry));
    return { kind: 'audio', stream: { index, codec: 'aac', profile: 'LC', channels, sampleRate, sampleFormat: 'fltp', bitsPerSample: undefined, language, durationSeconds } };
  }
  if (DATA_TRACKS[handler] === table.fourcc) return { kind: 'data' };
  return unsupported(`a ${handler} track of ${table.fourcc}`);
}

/** Cover art anywhere under udta or meta becomes a stream of its own in ffprobe: not handled here. */
function assertNoCoverArt(bytes: Uint8Array, box: Box): void {
  for (let at = box.body; at + 4 <= box.end; at++) {
    if (bytes[at] === 0x63 && boxType(bytes, at) === 'covr') unsupported('cover art');
    if (bytes[at] === 0x6b && boxType(bytes, at) === 'keys') assertKeysWhole(bytes, at - 4, box.end);
  }
}

/**
 * The metadata key table (`keys`, written with ffmpeg's use_metadata_tags) whose header starts at `at`: its keys
 * must fill it exactly, each at least a header long, or ffmpeg refuses the whole file.
 */
function assertKeysWhole(bytes: Uint8Array, at: number, end: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at < 0 || at + 16 > end) unsupported('a keys table cut short');
  const size = view.getUint32(at);
  if (size < 16 || at + size > end) unsupported('a keys table that does not fit');
  const count = view.getUint32(at + 12);
  let p = at + 16;
  for (let i = 0; i < count; i++) {
    if (p + 8 > at + size) unsupported('a keys table with fewer keys than it counts');
    const keySize = view.getUint32(p);
    if (keySize < 8 || p + keySize > at + size) unsupported('a metadata key of a size ffmpeg refuses');
    // Some ffmpeg versions skip a key of another type twice over.
    if (boxType(bytes, p + 4) !== 'mdta') unsupported('a metadata key other than mdta');
    p += keySize;
  }
  if (p !== at + size) unsupported('bytes after the metadata keys');
}

const MOVIE_CHILDREN = new Set(['mvhd', 'trak', 'udta', 'meta', 'iods', 'free', 'skip']);

/** What ffprobe says of the movie in `moov` (the moov box's bytes, header included), for an audio target; see the module comment. */
/**
 * Every chunk of every track must lie in the media data, and together they must fill it exactly, as muxers write
 * them: a sample size or chunk offset that does not add up would have ffmpeg read other bytes as sound.
 */
function assertChunksFill(chunks: Span[], mediaData: readonly Span[]): void {
  const filled: [number, number][] = [];
  for (const [start, end] of [...chunks].sort((a, b) => a[0] - b[0])) {
    const last = filled[filled.length - 1];
    if (last && start < last[1]) unsupported('chunks that overlap');
    if (last && start === last[1]) last[1] = end;
    else filled.push([start, end]);
  }
  const data = mediaData.filter(([start, end]) => end > start);
  if (filled.length !== data.length || filled.some(([start, end], i) => start !== data[i]![0] || end !== data[i]![1])) unsupported('chunks that do not fill the media data');
}

/**
 * What ffprobe says of the movie in `moov` (the moov box's bytes, header included), for an audio target; see the
 * module comment. With `mediaData` (the payloads of the file's mdat boxes, in file order) the chunks must fill them.
 */
export function parseMovieForAudio(moov: Uint8Array, mediaData?: readonly Span[]): MediaProbe | undefined {
  return parseMovie(moov, mediaData, undefined);
}

/**
 * The movie as parseMovieForAudio reads it, with the picture format of each video track as well (H.264 only,
 * see avcConfig.ts), so that a video plan and an output check can use it; `checks` gets what the first
 * sample of each video track must hold (see firstSamplesAgree).
 */
export function parseMovieWithPictures(moov: Uint8Array, mediaData: readonly Span[] | undefined, checks: FirstSampleCheck[]): MediaProbe | undefined {
  return parseMovie(moov, mediaData, checks);
}

function parseMovie(moov: Uint8Array, mediaData: readonly Span[] | undefined, pictures: FirstSampleCheck[] | undefined): MediaProbe | undefined {
  try {
    const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
    const [box] = children(view, moov, 0, moov.length);
    if (!box || box.type !== 'moov') unsupported('not a moov box');
    const boxes = children(view, moov, box.body, box.end);
    const stranger = boxes.find((b) => !MOVIE_CHILDREN.has(b.type));
    if (stranger) unsupported(`a ${stranger.type} box in the movie`);
    const mvhd = only(boxes, 'mvhd', true);
    const version = fullBoxVersion(mvhd, moov);
    const at = mvhd.body + (version === 1 ? 20 : 12);
    need(mvhd, at - mvhd.body + (version === 1 ? 12 : 8) + 16 + 36);
    const timescale = signed31(view, at, 'the movie timescale');
    const duration = version === 1 ? signed63(view, at + 4, 'the movie duration') : view.getUint32(at + 4);
    if (timescale === 0) unsupported('a zero movie timescale');
    if (rotationOf(view, at + (version === 1 ? 12 : 8) + 16) !== 0) unsupported('a rotated movie');
    for (const b of boxes) if (b.type === 'udta' || b.type === 'meta') assertNoCoverArt(moov, b);
    const probe: MediaProbe = { container: MOV_FORMAT_NAME, durationSeconds: duration > 0 ? seconds(duration, timescale) : undefined, video: [], coverArt: [], audio: [], subtitles: [], otherStreamCount: 0 };
    const chunks: Span[] = [];
    boxes.filter((b) => b.type === 'trak').forEach((trak, index) => {
      const track = readTrack(view, moov, trak, index, timescale, chunks, pictures);
      if (track.kind === 'video') probe.video.push(track.stream);
      else if (track.kind === 'audio') probe.audio.push(track.stream);
      else probe.otherStreamCount++;
    });
    if (probe.video.length === 0 && probe.audio.length === 0) unsupported('no picture or sound track');
    if (probe.durationSeconds === undefined) unsupported('no movie duration');
    if (mediaData) assertChunksFill(chunks, mediaData);
    return probe;
  } catch (error) {
    if (error instanceof Unsupported || error instanceof RangeError) return undefined;
    throw error;
  }
}

const readAt = (fd: number, position: number, length: number): Uint8Array => readOpened(fd, length, position);

/**
 * The movie header of the file at `path`, when its top-level boxes tile the whole file, exactly one is a
 * moov, none belongs to a fragmented file, and there is media data; undefined otherwise.
 */
export function readMovieBox(path: string): Uint8Array | undefined {
  return readMovie(path)?.moov;
}

/** The size of the moov box of the MP4/MOV at `path` as readMovie finds it; undefined where readMovie declines. */
export function movieIndexBytes(path: string): number | undefined {
  try {
    const { fd, size } = openUserInput(path);
    try {
      return topLevelBoxes(fd, size)?.moov.size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** The movie header as above, and where the payload of each mdat box lies. */
export function readMovie(path: string): { moov: Uint8Array; mediaData: Span[] } | undefined {
  const { fd, size } = openUserInput(path);
  try {
    return readOpenedMovie(fd, size);
  } finally {
    closeSync(fd);
  }
}

function readOpenedMovie(fd: number, size: number): { moov: Uint8Array; mediaData: Span[] } | undefined {
  const boxes = topLevelBoxes(fd, size);
  return boxes && { moov: readAt(fd, boxes.moov.at, boxes.moov.size), mediaData: boxes.mediaData };
}

/** Where the moov box and the payload of each mdat box lie, when the top-level boxes tile the file as readMovie requires. */
function topLevelBoxes(fd: number, size: number): { moov: { at: number; size: number }; mediaData: Span[] } | undefined {
  const { boxes, whole } = fileBoxes(fd, size);
  if (!whole) return undefined;
  let moov: { at: number; size: number } | undefined;
  const mediaData: Span[] = [];
  for (const box of boxes) {
    if (box.type === 'moof' || box.type === 'mfra' || box.type === 'sidx') return undefined;
    if (box.type === 'mdat') mediaData.push([box.at + box.headerBytes, box.at + box.size]);
    if (box.type === 'moov') {
      if (moov) return undefined;
      moov = { at: box.at, size: box.size };
    }
  }
  if (!moov || mediaData.length === 0 || moov.size > MAX_MOOV_BYTES) return undefined;
  return { moov, mediaData };
}

/** The probe above for the MP4/MOV file at `path`, or undefined when ffprobe must decide. */
export function probeMovieForAudio(path: string): MediaProbe | undefined {
  const movie = readMovieOrDecline(path);
  return movie ? parseMovieForAudio(movie.moov, movie.mediaData) : undefined;
}

function readMovieOrDecline(path: string): ReturnType<typeof readMovie> {
  try {
    return readMovie(path);
  } catch (error) {
    // A path that is no longer a file is refused here; any other read failure gets ffprobe's own, specific error.
    if (error instanceof NotAFileError) throw error;
    return undefined;
  }
}

/** A first sample larger than this is not read to check it (a keyframe of a 4K clip is well under it). */
const MAX_FIRST_SAMPLE_BYTES = 8 * 2 ** 20;

/**
 * The first sample's NAL units tile it, any parameter set among them is one of the configuration's, byte for
 * byte (the decoder would otherwise take the picture format from the sample instead), and its first slice
 * names one of the configuration's picture parameter sets.
 */
export function firstSampleAgrees(sample: Uint8Array, check: FirstSampleCheck): boolean {
  const sets = check.parameterSets.map((s) => Buffer.from(s));
  let sliceSeen = false;
  for (let at = 0; at < sample.length; ) {
    if (at + check.lengthSize > sample.length) return false;
    let length = 0;
    for (let i = 0; i < check.lengthSize; i++) length = length * 256 + sample[at + i]!;
    at += check.lengthSize;
    if (length === 0 || at + length > sample.length) return false;
    const nal = sample.subarray(at, at + length);
    const type = nal[0]! & 0x1f;
    if ([13, 15].includes(type) || ((type === 7 || type === 8) && !sets.some((s) => s.equals(nal)))) return false;
    if ((type === 1 || type === 5) && !sliceSeen) {
      sliceSeen = true;
      try {
        if (!check.ppsIds.includes(slicePpsId(nal))) return false;
      } catch (error) {
        if (error instanceof AvcUnsupported) return false;
        throw error;
      }
    }
    at += length;
  }
  return sliceSeen;
}

/**
 * The probe of the MP4/MOV file at `path` with its pictures' format (H.264 in avc1 only), for a video plan or
 * the check of a video output; undefined when ffprobe must decide.
 */
export function probeMovieWithPictures(path: string): MediaProbe | undefined {
  let opened: { fd: number; size: number };
  try {
    opened = openUserInput(path);
  } catch (error) {
    // A path that is no longer a file is refused here; any other read failure gets ffprobe's own, specific error.
    if (error instanceof NotAFileError) throw error;
    return undefined;
  }
  // One descriptor for the movie header and the first samples it points at; a failed read leaves the file to ffprobe.
  const read = <T>(what: () => T): T | undefined => {
    try {
      return what();
    } catch {
      return undefined;
    }
  };
  try {
    const movie = read(() => readOpenedMovie(opened.fd, opened.size));
    if (!movie) return undefined;
    const checks: FirstSampleCheck[] = [];
    const probe = parseMovieWithPictures(movie.moov, movie.mediaData, checks);
    if (!probe) return undefined;
    for (const check of checks) {
      const [start, end] = check.span;
      if (end - start > MAX_FIRST_SAMPLE_BYTES) return undefined;
      const sample = read(() => readOpened(opened.fd, end - start, start));
      if (sample?.length !== end - start || !firstSampleAgrees(sample, check)) return undefined;
    }
    return probe;
  } finally {
    closeSync(opened.fd);
  }
}
