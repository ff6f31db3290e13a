import type { InputFormat } from '../../formats.js';

/** What the first bytes of a file say it is, whatever its name. */
export type Sniff =
  | { kind: 'media'; format: InputFormat; demuxer: string; offset?: number }
  | { kind: 'playlist'; what: string }
  | { kind: 'program'; what: string }
  | { kind: 'text' }
  | { kind: 'empty' }
  | { kind: 'unknown' };

/** How many bytes `sniffContainer` wants to see. */
export const SNIFF_HEAD_BYTES = 4096;

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1', 'mif2']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const AUDIO_MP4_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);
const QUICKTIME_TOP_BOXES = new Set(['moov', 'mdat', 'free', 'wide', 'skip', 'pnot']);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let out = '';
  for (let i = start; i < start + length && i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((value, i) => bytes[at + i] === value);
}

function sniffIsoBmff(head: Uint8Array): Sniff | undefined {
  const boxType = ascii(head, 4, 4);
  if (boxType === 'ftyp') {
    const size = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
    const major = ascii(head, 8, 4);
    const brands = [major];
    for (let at = 16; at + 4 <= Math.min(size, head.length); at += 4) brands.push(ascii(head, at, 4));
    if (brands.some((b) => AVIF_BRANDS.has(b)) && (major === 'avif' || major === 'avis' || major === 'mif1' || major === 'msf1')) {
      return { kind: 'media', format: 'avif', demuxer: 'avif' };
    }
    if (HEIC_BRANDS.has(major) || (brands.some((b) => HEIC_BRANDS.has(b)) && !brands.some((b) => b.startsWith('iso') || b.startsWith('mp4')))) {
      return { kind: 'media', format: 'heic', demuxer: 'heic' };
    }
    if (major === 'qt  ') return { kind: 'media', format: 'mov', demuxer: 'mov' };
    if (major.startsWith('3g')) return { kind: 'media', format: '3gp', demuxer: 'mov' };
    if (AUDIO_MP4_BRANDS.has(major)) return { kind: 'media', format: 'm4a', demuxer: 'mov' };
    return { kind: 'media', format: 'mp4', demuxer: 'mov' };
  }
  if (QUICKTIME_TOP_BOXES.has(boxType)) return { kind: 'media', format: 'mov', demuxer: 'mov' };
  return undefined;
}

function sniffRiff(head: Uint8Array): Sniff | undefined {
  const riff = ascii(head, 0, 4);
  if (riff !== 'RIFF' && riff !== 'RF64' && riff !== 'BW64') return undefined;
  const form = ascii(head, 8, 4);
  if (form === 'WAVE') return { kind: 'media', format: 'wav', demuxer: 'wav' };
  if (form === 'AVI ' || form === 'AVIX') return { kind: 'media', format: 'avi', demuxer: 'avi' };
  if (form === 'WEBP') return { kind: 'media', format: 'webp', demuxer: 'webp' };
  return undefined;
}

/** Sony Wave64: "riff" followed by the rest of its GUID, then the "wave" GUID. */
const W64_RIFF = [0x72, 0x69, 0x66, 0x66, 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00];
/** The SMPTE universal label that opens every MXF partition pack. */
const MXF_PARTITION = [0x06, 0x0e, 0x2b, 0x34, 0x02, 0x05, 0x01, 0x01, 0x0d, 0x01, 0x02, 0x01, 0x01];

/** Containers and raw streams recognised by a fixed signature at the start of the file. */
function sniffSignatures(head: Uint8Array): Sniff | undefined {
  const four = ascii(head, 0, 4);
  const media = (format: InputFormat, demuxer: string): Sniff => ({ kind: 'media', format, demuxer });
  if (ascii(head, 0, 8) === 'NIST_1A\n') return media('sph', 'nistsphere');
  if (four === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(head, 8, 4))) return media('aiff', 'aiff');
  if (four === 'caff') return media('caf', 'caf');
  if (startsWith(head, W64_RIFF)) return media('w64', 'w64');
  if (ascii(head, 0, 5) === '#!AMR') return media('amr', 'amr');
  if (four === '.snd') return media('au', 'au');
  if (ascii(head, 0, 20) === 'Creative Voice File\x1a') return media('voc', 'voc');
  if (four === 'MAC ') return media('ape', 'ape');
  if (four === 'wvpk') return media('wv', 'wv');
  if (ascii(head, 0, 3) === 'FLV' && head[3] === 1) return media('flv', 'flv');
  if (startsWith(head, MXF_PARTITION)) return media('mxf', 'mxf');
  if (startsWith(head, [0x7f, 0xfe, 0x80, 0x01])) return media('dts', 'dts');
  if (startsWith(head, [0x0b, 0x77]) && head.length > 5) return (head[5]! >> 3) > 10 ? media('eac3', 'eac3') : media('ac3', 'ac3');
  return undefined;
}

/** Programs and scripts are never media, whatever their name says. */
function sniffProgram(head: Uint8Array): Sniff | undefined {
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { kind: 'program', what: 'a Linux program' };
  if (ascii(head, 0, 2) === 'MZ') return { kind: 'program', what: 'a Windows program' };
  const macho = [[0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]];
  if (macho.some((magic) => startsWith(head, magic))) return { kind: 'program', what: 'a macOS program' };
  if (ascii(head, 0, 2) === '#!' && ascii(head, 0, 5) !== '#!AMR') return { kind: 'program', what: 'a script' };
  return undefined;
}

function sniffMatroska(head: Uint8Array): Sniff | undefined {
  if (!startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const isWebm = ascii(head, 0, 64).includes('webm');
  return { kind: 'media', format: isWebm ? 'webm' : 'mkv', demuxer: 'matroska' };
}

function sniffOgg(head: Uint8Array): Sniff | undefined {
  if (ascii(head, 0, 4) !== 'OggS') return undefined;
  const firstPage = ascii(head, 0, 128);
  if (firstPage.includes('\x80theora')) return { kind: 'media', format: 'ogv', demuxer: 'ogg' };
  if (firstPage.includes('OpusHead')) return { kind: 'media', format: 'opus', demuxer: 'ogg' };
  if (firstPage.includes('Speex   ')) return { kind: 'media', format: 'spx', demuxer: 'ogg' };
  return { kind: 'media', format: 'ogg', demuxer: 'ogg' };
}

function id3Size(head: Uint8Array): number | undefined {
  if (ascii(head, 0, 3) !== 'ID3' || head.length < 10) return undefined;
  const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
  const footer = (head[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

const MPEG_BITRATES_V1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG_BITRATES_V2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const MPEG_RATES: Record<number, number[]> = { 3: [44100, 48000, 32000], 2: [22050, 24000, 16000], 0: [11025, 12000, 8000] };

/** Length in bytes of the MPEG layer III frame starting at `at`, or undefined when no valid header is there. */
export function mp3FrameLength(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length) return undefined;
  const b1 = bytes[at + 1]!;
  const b2 = bytes[at + 2]!;
  if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  if (version === 1 || layer !== 1) return undefined;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const padding = (b2 >> 1) & 0x01;
  const bitrate = (version === 3 ? MPEG_BITRATES_V1_L3 : MPEG_BITRATES_V2_L3)[bitrateIndex]! * 1000;
  const sampleRate = MPEG_RATES[version]![rateIndex]!;
  const samplesPerFrame = version === 3 ? 1152 : 576;
  return Math.floor((samplesPerFrame / 8) * bitrate / sampleRate) + padding;
}

/**
 * Where MP3 audio really starts: an ID3 tag, or the first of `minFrames` consecutive valid frames.
 * Finds the audio behind junk that makes ffmpeg's own probe guess another format.
 */
export function findMp3Start(bytes: Uint8Array, minFrames = 4): number | undefined {
  for (let at = 0; at + 10 < bytes.length; at++) {
    if (bytes[at] === 0x49 && ascii(bytes, at, 3) === 'ID3' && bytes[at + 3]! < 0x05 && bytes[at + 3]! >= 0x02) return at;
    if (bytes[at] !== 0xff) continue;
    let cursor = at;
    let frames = 0;
    while (frames < minFrames) {
      const length = mp3FrameLength(bytes, cursor);
      if (length === undefined || length < 24) break;
      frames++;
      cursor += length;
    }
    if (frames >= minFrames) return at;
  }
  return undefined;
}

/** An MPEG audio layer II frame header (MP2, the sound of DVB broadcasts and video CDs). */
function isMpegLayer2Header(bytes: Uint8Array, at: number): boolean {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return false;
  const version = (bytes[at + 1]! >> 3) & 0x03;
  const layer = (bytes[at + 1]! >> 1) & 0x03;
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 0x03;
  return version !== 1 && layer === 2 && bitrateIndex !== 0 && bitrateIndex !== 15 && rateIndex !== 3;
}

function sniffMpegAudio(head: Uint8Array): Sniff | undefined {
  const tagEnd = id3Size(head);
  if (tagEnd !== undefined) {
    if (tagEnd + 4 <= head.length) {
      if (ascii(head, tagEnd, 4) === 'fLaC') return { kind: 'media', format: 'flac', demuxer: 'flac' };
      if (head[tagEnd] === 0xff && (head[tagEnd + 1]! & 0xf6) === 0xf0) return { kind: 'media', format: 'aac', demuxer: 'aac' };
    }
    return { kind: 'media', format: 'mp3', demuxer: 'mp3' };
  }
  if (head[0] === 0xff && (head[1]! & 0xf6) === 0xf0) return { kind: 'media', format: 'aac', demuxer: 'aac' };
  if (mp3FrameLength(head, 0) !== undefined) return { kind: 'media', format: 'mp3', demuxer: 'mp3' };
  if (isMpegLayer2Header(head, 0)) return { kind: 'media', format: 'mp2', demuxer: 'mp3' };
  return undefined;
}

function sniffTransportStream(head: Uint8Array): Sniff | undefined {
  for (const [first, packet] of [[0, 188], [4, 192]] as const) {
    if (head.length >= first + packet * 2 + 1 && head[first] === 0x47 && head[first + packet] === 0x47 && head[first + packet * 2] === 0x47) {
      return { kind: 'media', format: 'mts', demuxer: 'mpegts' };
    }
  }
  return undefined;
}

function sniffImages(head: Uint8Array): Sniff | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'media', format: 'jpg', demuxer: 'jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'media', format: 'png', demuxer: 'png' };
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return { kind: 'media', format: 'gif', demuxer: 'gif' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'media', format: 'tiff', demuxer: 'tiff' };
  if (ascii(head, 0, 2) === 'BM' && head.length >= 18) {
    const dibHeaderSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(14, true);
    if ([12, 40, 52, 56, 64, 108, 124].includes(dibHeaderSize)) return { kind: 'media', format: 'bmp', demuxer: 'bmp_pipe' };
  }
  return undefined;
}

function sniffText(head: Uint8Array): Sniff {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 1024));
  text = text.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('#EXTM3U') || text.startsWith('#EXTINF')) return { kind: 'playlist', what: 'an HLS/M3U playlist' };
  if (text.startsWith('[playlist]')) return { kind: 'playlist', what: 'a PLS playlist' };
  if (text.startsWith('ffconcat')) return { kind: 'playlist', what: 'an ffmpeg concat list' };
  if (/^file\s+'?[^\n]+'?\s*$/m.test(text.split('\n')[0] ?? '')) return { kind: 'playlist', what: 'an ffmpeg concat list' };
  if (text.startsWith('v=0') && /\nm=(audio|video) /.test(text)) return { kind: 'playlist', what: 'an SDP stream description' };
  if (text.startsWith('<?xml') && /<MPD[\s>]/.test(text)) return { kind: 'playlist', what: 'a DASH manifest' };
  if (/^<\?xml|^<ASX|^<asx|^<smil/i.test(text) && /<(asx|smil|playlist)/i.test(text)) return { kind: 'playlist', what: 'a playlist' };
  let control = 0;
  const sample = head.subarray(0, 1024);
  for (const byte of sample) {
    if (byte === 0) return { kind: 'unknown' };
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control++;
  }
  return control === 0 ? { kind: 'text' } : { kind: 'unknown' };
}

/** Decides a file's real container from its first bytes (`SNIFF_HEAD_BYTES` of them). */
export function sniffContainer(head: Uint8Array): Sniff {
  if (head.length === 0) return { kind: 'empty' };
  const asf = startsWith(head, [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11]) ? { kind: 'media', format: 'wmv', demuxer: 'asf' } as const : undefined;
  const mpegPs = startsWith(head, [0x00, 0x00, 0x01, 0xba]) ? { kind: 'media', format: 'mpg', demuxer: 'mpeg' } as const : undefined;
  const flac = ascii(head, 0, 4) === 'fLaC' ? { kind: 'media', format: 'flac', demuxer: 'flac' } as const : undefined;
  return (
    sniffIsoBmff(head) ?? sniffRiff(head) ?? sniffMatroska(head) ?? sniffOgg(head) ?? asf ?? mpegPs ?? flac ??
    sniffSignatures(head) ?? sniffImages(head) ?? sniffMpegAudio(head) ?? sniffTransportStream(head) ??
    sniffProgram(head) ?? sniffText(head)
  );
}

/** Whether a GIF holds more than one picture: walks its blocks up to the second image descriptor. */
function gifHasSeveralFrames(bytes: Uint8Array): boolean {
  if (bytes.length < 13) return false;
  const flags = bytes[10]!;
  let at = 13 + ((flags & 0x80) !== 0 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  let frames = 0;
  const skipSubBlocks = (from: number): number => {
    let cursor = from;
    while (cursor < bytes.length && bytes[cursor] !== 0) cursor += bytes[cursor]! + 1;
    return cursor + 1;
  };
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x3b) return false;
    if (block === 0x21) {
      at = skipSubBlocks(at + 2);
    } else if (block === 0x2c) {
      if (++frames > 1) return true;
      if (at + 10 > bytes.length) return false;
      const local = bytes[at + 9]!;
      at += 10 + ((local & 0x80) !== 0 ? 3 * 2 ** ((local & 0x07) + 1) : 0);
      at = skipSubBlocks(at + 1);
    } else {
      return false;
    }
  }
  return false;
}

/** Whether a PNG carries an APNG animation control chunk before its first image data. */
function pngIsAnimated(bytes: Uint8Array): boolean {
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'acTL') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    at += 12 + length;
  }
  return false;
}

/** Whether an image file (its first bytes; for GIF, enough to reach the second frame) is an animation. */
export function isAnimatedImage(bytes: Uint8Array, format: InputFormat): boolean {
  if (format === 'gif') return gifHasSeveralFrames(bytes);
  if (format === 'png') return pngIsAnimated(bytes);
  if (format === 'webp') return ascii(bytes, 12, 4) === 'VP8X' && bytes.length > 20 && (bytes[20]! & 0x02) !== 0;
  return false;
}

/** The frame count an APNG declares in its acTL chunk (1 when there is none). */
export function apngFrameCount(bytes: Uint8Array): number {
  let at = 8;
  while (at + 16 <= bytes.length) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at);
    const type = ascii(bytes, at + 4, 4);
    if (type === 'acTL') return view.getUint32(8);
    if (type === 'IDAT') return 1;
    at += 12 + view.getUint32(0);
  }
  return 1;
}
