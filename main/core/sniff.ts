import type { InputFormat } from './formats.js';

/** What the first bytes of a file say it is, whatever its name. */
export type Sniff =
  | { kind: 'media'; format: InputFormat; demuxer: string; offset?: number }
  | { kind: 'playlist'; what: string }
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

function sniffMatroska(head: Uint8Array): Sniff | undefined {
  if (!startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return undefined;
  const isWebm = ascii(head, 0, 64).includes('webm');
  return { kind: 'media', format: isWebm ? 'webm' : 'mkv', demuxer: 'matroska' };
}

function sniffOgg(head: Uint8Array): Sniff | undefined {
  if (ascii(head, 0, 4) !== 'OggS') return undefined;
  const firstPage = ascii(head, 0, 128);
  if (firstPage.includes('OpusHead')) return { kind: 'media', format: 'opus', demuxer: 'ogg' };
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
    sniffImages(head) ?? sniffMpegAudio(head) ?? sniffTransportStream(head) ?? sniffText(head)
  );
}
