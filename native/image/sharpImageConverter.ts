import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import sharp, { type AvifOptions, type JpegOptions, type Metadata, type Sharp } from 'sharp';
import { AppError, cancelledError, throwIfAborted } from '../../main/core/errors.js';
import { readFileHead } from '../../main/core/engine/identify/identifyInput.js';
import { NotAFileError, openUserInputHandle, readWholeUserInput } from '../../main/core/userInputFile.js';
import { apngFrameCount, isAnimatedImage } from '../../main/core/engine/identify/sniff.js';
import type { ImageOutput } from '../../main/core/formats.js';
import { ALPHA_TARGETS } from '../../main/core/engine/check/checkImageOutput.js';
import type { ImageConversion, ImageConverter, ImageExpectation, ImageInfo, ImageRequest, PhotoTag } from '../../main/core/engine/ports.js';
import type { Quality } from '../../main/core/engine/plan/conversionOptions.js';
import type { HeicDecoderPool } from '../heic/heicDecoderPool.js';
import { encodeBmp, readBmpHeader } from './bmp.js';
import { compactExif, readPhotoTags, readTiffFileExif, withExifInTiff, withOrientationReset } from './exifTiff.js';
import { exifTiffOf, inspectImage } from './sharpImageInspector.js';
import { HeifParseError, parseHeif } from './heifContainer.js';
import type { NativeHeifDecoder } from '../heic/nativeHeifDecoder.js';
import { MAX_JPEG_EXIF_BYTES, insertJpegMetadata } from './jpegMetadata.js';
import { insertPngMetadata } from './pngMetadata.js';
import { readPlainPng, type PlainPng } from './plainPng.js';
import { soundMetadata } from './metadataHealth.js';
import { JpegStructureError, readJpegOutput } from './jpegOutput.js';
import type { BmpDecoder } from './bmpDecoder.js';
import { readApngTiming, type ApngDecoder, type ApngTiming } from './apngFrames.js';
import { ANIMATED_PICTURE_TARGETS, MAX_JOB_MEMORY_BYTES, OPTIMISED_JPEG_MAX_PIXELS, formatBytes, pictureJobMemory } from '../../main/core/scheduling/memoryEstimate.js';
import { readPictureFacts } from '../../main/core/engine/identify/pictureHeader.js';
import { cutAnimation } from '../../main/core/engine/plan/animationCut.js';

/** Targets that keep the ICC profile through sharp's keepIccProfile. */
const METADATA_TARGETS = new Set<ImageOutput>(['jpg', 'png', 'webp', 'avif', 'tiff']);
/** Targets that keep EXIF: through libvips, except TIFF, whose EXIF IFDs are written here (libvips' TIFF writer keeps none). */
const EXIF_TARGETS = new Set<ImageOutput>(['jpg', 'png', 'webp', 'avif', 'tiff']);
/** HEIC files above this size are refused before reading: the file, its copy in the decoder and the decoded pixels must fit in memory. */
export const MAX_HEIC_BYTES = 256 * 1024 * 1024;
/** Targets that hold 16 bits a sample, which a 16-bit source keeps. */
const DEEP_TARGETS = new Set<ImageOutput>(['png', 'tiff']);
const WHITE = { r: 255, g: 255, b: 255 };

/** How a HEIC was decoded, for the job's notes and the benchmarks. */
export type HeicDecoderUsed = 'native' | 'wasm';

interface Source {
  /** A fresh pipeline; `tolerant` decodes what it can of a truncated file. */
  build: (tolerant: boolean) => Sharp;
  /** Whether a truncated input may be retried tolerantly. */
  canRetryTolerant: boolean;
  width: number;
  height: number;
  hasAlpha: boolean;
  /** 16 bits a sample: the colour space that keeps them in a target that holds them (PNG, TIFF). */
  deep?: 'rgb16' | 'grey16';
  pages: number;
  exif: boolean;
  photoTags: PhotoTag[];
  /** The EXIF block (TIFF structure), for targets whose writer drops it. */
  exifBlock?: Uint8Array;
  icc: boolean;
  /** Metadata sharp never saw in the source (HEIC's, a TIFF's EXIF), written into the output by hand. */
  carriedMetadata?: { exif?: Uint8Array; icc?: Uint8Array };
  /** A finished JPEG from the native decoder: written as it is, with our metadata. */
  nativeJpeg?: Buffer;
  /** Frame delays and loops for a GIF or WEBP made from frames that carry none of their own (an APNG's). */
  timing?: ApngTiming;
  /** `build` already gives the planned size (frames joined into an animation are resized one by one). */
  presized?: boolean;
  notes: string[];
}

/** libjpeg's quality per choice (high everywhere; balanced and small for pictures mozjpeg does not write). */
const JPEG_QUALITY: Record<Quality, number> = { high: 95, balanced: 90, small: 75 };
/**
 * mozjpeg's quality (trellis quantisation, its own tables, progressive scans) for the SSIM of libjpeg's 90 and 75
 * (within 0.001 on four phone photos, higher on two), 5-21 % smaller. At high (95, 4:4:4) it saved nothing at equal SSIM.
 */
const MOZJPEG_QUALITY: Partial<Record<Quality, number>> = { balanced: 92, small: 80 };
/** Below this, mozjpeg saves a few hundred bytes and its time (2-6 times libjpeg's) is most of the job's. */
const MOZJPEG_MIN_PIXELS = 100_000;
const WEBP_QUALITY: Record<Quality, number> = { high: 95, balanced: 90, small: 72 };
/** libheif's quality for avifenc's quantizers at each level (`--min 10 --max 20`, `20 30`, `30 40`: 15, 25, 35 of 63). */
const AVIF_QUALITY: Record<Quality, number> = { high: 76, balanced: 60, small: 45 };
/**
 * aom's speed through libheif: effort 3 is aom's cpu-used 6, avifenc's default speed (effort 4 took 4 times the CPU
 * for about 1 % fewer bytes at the same SSIM). Tuned for SSIM as libavif tunes aom: with the same quantizer that
 * writes avifenc's file to within a few bytes at its CPU (sharp's default, `iq` in 4:4:4, took 1.4 times the CPU and
 * 20 % more bytes at the same SSIM on a 12 MP phone photo).
 */
const AVIF_EFFORT = 3;
/** Up to this many pixels 4:4:4 colour costs fewer bytes than 4:2:0 at the same SSIM (25 % at 0.3 MP, 5 % at 0.75 MP); above, more (10 % at 5 MP). */
const AVIF_FULL_CHROMA_MAX_PIXELS = 1_000_000;

/** How an AVIF is written at each quality and picture size. */
export function avifOptions(quality: Quality, pixels: number): AvifOptions {
  const chromaSubsampling = pixels <= AVIF_FULL_CHROMA_MAX_PIXELS ? '4:4:4' : '4:2:0';
  return { quality: AVIF_QUALITY[quality], effort: AVIF_EFFORT, chromaSubsampling, tune: 'ssim' };
}

function encode(image: Sharp, target: ImageOutput, quality: Quality, pixels: number, timing?: ApngTiming): Sharp {
  const animation = timing ? { delay: timing.delaysMs, loop: timing.loops } : {};
  switch (target) {
    case 'jpg': return image.jpeg(jpegOptions(quality, pixels));
    case 'png': return image.png({ compressionLevel: quality === 'small' ? 9 : 6 });
    case 'webp': return image.webp({ quality: WEBP_QUALITY[quality], effort: 4, ...animation });
    case 'avif': return image.avif(avifOptions(quality, pixels));
    case 'tiff': return image.tiff({ compression: quality === 'small' ? 'deflate' : 'lzw' });
    case 'gif': return image.gif(animation);
    case 'bmp': return image.removeAlpha().toColourspace('srgb').raw();
  }
}

/** How a JPEG is written at each quality and picture size. */
export function jpegOptions(quality: Quality, pixels: number): JpegOptions {
  const chromaSubsampling = quality === 'high' ? '4:4:4' : '4:2:0';
  // Optimised Huffman tables and progressive scans hold every coefficient of the picture: a large picture is written line by line instead.
  const whole = pixels <= OPTIMISED_JPEG_MAX_PIXELS;
  const moz = MOZJPEG_QUALITY[quality];
  if (moz !== undefined && whole && pixels >= MOZJPEG_MIN_PIXELS) return { quality: moz, chromaSubsampling, mozjpeg: true };
  return { quality: JPEG_QUALITY[quality], chromaSubsampling, optimiseCoding: whole };
}

function isTruncation(error: unknown): boolean {
  // libpng names no cause: a PNG cut short (a download or copy that stopped) fails with "libpng read error".
  return /premature end|truncated|corrupt|unexpected end|libpng read error/i.test(error instanceof Error ? error.message : String(error));
}

/** libvips' decoder warned (a read error, a row it could not decode) and the strict first attempt stopped there. */
function isDecoderWarning(error: unknown): boolean {
  return /Warning treated as error/i.test(error instanceof Error ? error.message : String(error));
}

/** The widest and tallest picture each target holds (WebP's 14-bit sizes; AVIF, JPEG and GIF as sharp writes them). */
const MAX_EDGE: Partial<Record<ImageOutput, number>> = { webp: 16383, avif: 16384, jpg: 65535, gif: 65535 };

/** Refuses, before any work, a picture larger than the target can hold, naming the size that fits. */
function assertFitsTarget(width: number, height: number, target: ImageOutput): void {
  const limit = MAX_EDGE[target];
  if (limit === undefined || (width <= limit && height <= limit)) return;
  throw new AppError('TOO_LARGE', `This picture is ${width}x${height} pixels; ${target.toUpperCase()} pictures are at most ${limit} pixels wide and high. Resize it to at most ${limit} pixels on its longest edge (--resize ${limit}), or convert it to PNG or TIFF, which hold it whole.`);
}

/** EXIF with orientation reset (the pixels come out upright) and small enough for one JPEG segment, and the ICC profile. */
function carriedMetadataOf(exifBlock: Uint8Array | undefined, icc: Uint8Array | undefined): { exif?: Uint8Array; icc?: Uint8Array } {
  let exif = exifBlock ? withOrientationReset(exifBlock) : undefined;
  if (exif && exif.length > MAX_JPEG_EXIF_BYTES) exif = compactExif(exif);
  if (exif && exif.length > MAX_JPEG_EXIF_BYTES) exif = undefined;
  return { exif, icc };
}


/** Bytes per sample of libvips' band formats. */
const SAMPLE_BYTES: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

function tooMuchMemory(width: number, height: number, target: ImageOutput, bytes: number, frames = 1): AppError {
  const what = frames > 1 ? `animation of ${frames} frames of ${width}x${height}` : `${width}x${height} picture`;
  return new AppError('TOO_LARGE', `Converting this ${what} to ${target.toUpperCase()} would take about ${formatBytes(bytes)} of memory, above the ${formatBytes(MAX_JOB_MEMORY_BYTES)} one conversion may use. JPG, PNG and TIFF are written line by line in far less; a resize also helps.`);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function tooLarge(width: number, height: number, maxPixels: number): AppError {
  return new AppError('TOO_LARGE', `This image is ${width}x${height} (${Math.round((width * height) / 1e6)} megapixels), above the ${Math.round(maxPixels / 1e6)}-megapixel limit that protects your computer.`);
}

/** The picture size for a longest edge of at most `maxEdge`, aspect kept; the same size when it is already that small. */
export function resizedImageSize(width: number, height: number, maxEdge: number | undefined): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (maxEdge === undefined || longest <= maxEdge) return { width, height };
  const scale = maxEdge / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** Whether any pixel is partly transparent (GIF keeps each pixel clear or solid); false when sharp cannot say. */
async function hasPartialAlpha(image: Sharp): Promise<boolean> {
  try {
    const alpha = await image.toColourspace('srgb').ensureAlpha().extractChannel(3).raw().toBuffer();
    return alpha.some((value) => value > 0 && value < 255);
  } catch {
    return false;
  }
}

/** Decoders' words for a file that stops before its picture data does. */
const CUT_SHORT = /bad seek|premature end|unexpected end|truncated/i;

function cutShortError(format: ImageRequest['sourceFormat'], words: string): AppError {
  return new AppError('INPUT_CORRUPT', `This ${format.toUpperCase()} file is incomplete: it ends before its picture does (a copy or download that stopped early), so there is nothing to convert.`, words);
}

/** Whether a GIF lacks its closing byte (the trailer, 0x3B): the file stops before its last frame ended. */
async function gifCutShort(input: string | Buffer): Promise<boolean> {
  if (typeof input !== 'string') return input.length > 0 && input[input.length - 1] !== 0x3b;
  const { handle, size } = await openUserInputHandle(input);
  try {
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x3b;
  } finally {
    await handle.close();
  }
}

/** Whether the header of a WEBP (its RIFF length) or a TIFF (where its first directory is) points past the end of the file. */
async function headerPointsPastEnd(input: string | Buffer): Promise<boolean> {
  const head = typeof input === 'string' ? await readFileHead(input, 12).catch(() => undefined) : input.subarray(0, 12);
  if (!head || head.length < 12) return false;
  const size = typeof input === 'string' ? (await stat(input)).size : input.length;
  const view = new DataView(head.buffer, head.byteOffset, 12);
  const magic = Buffer.from(head.subarray(0, 4)).toString('latin1');
  if (magic === 'RIFF') return view.getUint32(4, true) + 8 > size;
  if (magic === 'II*\0' || magic === 'MM\0*') return view.getUint32(4, magic === 'II*\0') >= size;
  return false;
}

/** Why a picture of several frames or pages became one picture. */
function firstFrameNote(format: ImageRequest['sourceFormat'], target: ImageOutput, frames: number, pagesProblem?: string): string {
  const to = target.toUpperCase();
  // A TIFF of several pages is a scan or a fax, not an animation: a TIFF keeps them all unless `pagesProblem` says why not.
  if (format === 'tiff') return target === 'tiff' ? `This TIFF has ${frames} ${pagesProblem}; the TIFF holds its first page.` : `This TIFF has ${frames} pages; the ${to} holds its first page.`;
  const from = format.toUpperCase();
  if (ANIMATED_PICTURE_TARGETS.has(target)) return `This ${from} is an animation of ${frames} frames; only its first frame could be read, so the ${to} is that one picture.`;
  return `This ${from} is an animation of ${frames} frames; ${to} holds one picture, so this is its first frame.`;
}

/**
 * Whether libvips can read every page of a TIFF as one picture of pages, and write them so: all of one size, each
 * within the pixel limit, and upright (libvips turns no picture of several pages). Why not when it cannot.
 */
async function allPagesProblem(input: string | Buffer, pages: number, maxPixels: number, orientation: number | undefined): Promise<string | undefined> {
  if ((orientation ?? 1) >= 2) return 'pages turned by their orientation tag';
  try {
    const all = await sharp(input, { pages: -1, limitInputPixels: false }).metadata();
    return all.pageHeight !== undefined && all.height === all.pageHeight * pages && (all.width ?? 0) * all.pageHeight <= maxPixels ? undefined : 'pages of different sizes';
  } catch {
    return 'pages of different sizes';
  }
}

/** Animated PNGs above this size keep their first frame: their frames are read into memory whole. */
const MAX_APNG_BYTES = 64 * 1024 * 1024;

/** Inputs up to this size are read into memory once: their header is read from those bytes, and sharp decodes them. */
const SMALL_INPUT_BYTES = 256 * 1024;

/**
 * The whole file when it is small (read synchronously: a few microseconds, less than a thread-pool round trip);
 * a path that is no longer a file is refused here, before sharp would open it.
 */
function readSmallFile(file: string): Buffer | undefined {
  try {
    return readWholeUserInput(file, SMALL_INPUT_BYTES);
  } catch (error) {
    if (error instanceof NotAFileError) throw error;
    return undefined;
  }
}

/** Outputs up to this size are read back synchronously (a few microseconds); larger ones through the thread pool. */
const SYNC_READ_BYTES = 256 * 1024;

/** Writes a new file (never over an existing one) and hands back what it wrote. */
async function writeOutput(file: string, bytes: Uint8Array): Promise<Uint8Array> {
  await writeFile(file, bytes, { flag: 'wx' });
  return bytes;
}

/**
 * Lets sharp write the file (creating a file can wait on the file system's journal: that wait stays in
 * the thread pool) and reads back the bytes it wrote.
 */
async function writeWithSharp(image: Sharp, file: string): Promise<Uint8Array> {
  const { size } = await image.toFile(file);
  return size <= SYNC_READ_BYTES ? readFileSync(file) : readFile(file);
}

/**
 * The facts of a JPEG just written, from its bytes. When the reader cannot prove every scan whole (progressive,
 * restart intervals, a large picture) libjpeg decodes it, streaming, any warning a failure; undefined then, and
 * the caller reads the facts back from the file.
 */
export async function checkWrittenJpeg(bytes: Uint8Array): Promise<ImageInfo | undefined> {
  let facts: ImageInfo | undefined;
  try {
    facts = readJpegOutput(bytes);
  } catch (error) {
    if (error instanceof JpegStructureError) throw new AppError('OUTPUT_CHECK_FAILED', `The converted image failed its check: the JPEG is not whole (${error.message}).`);
    throw error;
  }
  if (facts) return facts;
  try {
    await sharp(bytes, { failOn: 'warning', sequentialRead: true, limitInputPixels: false }).stats();
  } catch (error) {
    throw new AppError('OUTPUT_CHECK_FAILED', `The converted image failed its check: the JPEG does not decode (${firstLine((error as Error).message)}).`);
  }
  return undefined;
}

/** Images through sharp (libvips), HEIC through heic-decode workers, BMP through ffmpeg. */
export class SharpImageConverter implements ImageConverter {
  constructor(private readonly heic: HeicDecoderPool, private readonly bmp: BmpDecoder, private readonly nativeHeif?: NativeHeifDecoder, private readonly apng?: ApngDecoder) {
    // Each conversion reads another file: libvips' operation cache would only hold memory and cost a lookup per step.
    sharp.cache(false);
  }

  async convert(request: ImageRequest, signal?: AbortSignal): Promise<ImageConversion> {
    const source = await this.open(request, signal);
    throwIfAborted(signal);
    const strip = request.stripMetadata ?? false;
    const keepsExif = source.exif && EXIF_TARGETS.has(request.target) && !strip;
    const size = resizedImageSize(source.width, source.height, request.resize);
    const resized = size.width !== source.width || size.height !== source.height;
    assertFitsTarget(size.width, size.height, request.target);
    if (resized) source.notes.push(`Made the picture ${size.width}x${size.height}.`);
    // Without EXIF, XMP and IPTC the colour profile stays: it is colour, not personal data.
    const carriedMetadata = source.carriedMetadata && strip ? { icc: source.carriedMetadata.icc } : source.carriedMetadata;
    const expectation: ImageExpectation = {
      width: size.width,
      height: size.height,
      hasAlpha: source.hasAlpha && ALPHA_TARGETS.has(request.target),
      // A TIFF output carries the photo facts (camera, date, GPS) of the EXIF; one without them has nothing to carry.
      exif: keepsExif && (request.target !== 'tiff' || source.photoTags.length > 0),
      photoTags: keepsExif ? source.photoTags : [],
      icc: source.icc && METADATA_TARGETS.has(request.target),
      pages: ANIMATED_PICTURE_TARGETS.has(request.target) || request.target === 'tiff' ? source.pages : 1,
      noMetadata: strip,
    };
    /** Writes the output; a JPEG comes back as the bytes written, to be checked here instead of by a second sharp call. */
    const write = async (tolerant: boolean): Promise<Uint8Array | undefined> => {
      // libheif copies the HEIC's XMP into its JPEG: without metadata, the JPEG keeps none of it.
      if (source.nativeJpeg) return writeOutput(request.outputPath, insertJpegMetadata(source.nativeJpeg, carriedMetadata ?? {}, true, strip));
      let image = source.build(tolerant);
      if (resized && !source.presized) image = image.resize(size.width, size.height, { fit: 'fill' });
      // A TIFF of several pages keeps its colour profile through libvips and its EXIF through withExifInTiff: a PNG would hold one page.
      const severalPages = request.target === 'tiff' && source.pages > 1;
      const carryMetadata = carriedMetadata && request.target !== 'jpg' && !severalPages && METADATA_TARGETS.has(request.target);
      if (carryMetadata) image = sharp(insertPngMetadata(await image.png({ compressionLevel: 0 }).toBuffer(), carriedMetadata));
      if (source.hasAlpha && !ALPHA_TARGETS.has(request.target)) image = image.flatten({ background: WHITE });
      if (source.deep && DEEP_TARGETS.has(request.target)) image = image.toColourspace(source.deep);
      // Only what the source has: libvips' keepExif writes an EXIF block of its own into a JPEG whose source had none.
      if (METADATA_TARGETS.has(request.target) && (!carriedMetadata || carryMetadata || severalPages)) {
        if (source.icc) image = image.keepIccProfile();
        if (source.exif && !strip) image = image.keepExif();
      }
      image = encode(image, request.target, request.quality ?? 'balanced', size.width * size.height, source.timing);
      if (request.target === 'bmp') {
        const { data, info } = await image.toBuffer({ resolveWithObject: true });
        await writeFile(request.outputPath, encodeBmp(data, info.width, info.height), { flag: 'wx' });
      } else if (request.target === 'tiff' && source.exifBlock && !strip) {
        await writeFile(request.outputPath, withExifInTiff(await image.toBuffer(), source.exifBlock), { flag: 'wx' });
      } else if (request.target === 'jpg') {
        if (!carriedMetadata) return writeWithSharp(image, request.outputPath);
        return writeOutput(request.outputPath, insertJpegMetadata(await image.toBuffer(), carriedMetadata));
      } else {
        await image.toFile(request.outputPath);
      }
      return undefined;
    };
    let written: Uint8Array | undefined;
    try {
      try {
        written = await write(false);
      } catch (error) {
        const truncated = isTruncation(error);
        if (!source.canRetryTolerant || !(truncated || isDecoderWarning(error))) throw error;
        await rm(request.outputPath, { force: true });
        throwIfAborted(signal);
        written = await write(true);
        source.notes.push(truncated ? 'The file is incomplete; converted the part of the picture that could be read.' : 'The file is incomplete or damaged; converted the part of the picture that could be read.');
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      const message = (error as Error).message;
      if (CUT_SHORT.test(message)) throw cutShortError(request.sourceFormat, message);
      if (isTruncation(error) || /VipsJpeg|bad|invalid/i.test(message)) throw new AppError('INPUT_CORRUPT', `This ${request.sourceFormat.toUpperCase()} file is damaged and cannot be read.`, message);
      throw new AppError('IMAGE_FAILED', `The image could not be converted: ${firstLine(message)}`);
    }
    const output = written && await checkWrittenJpeg(written);
    // A GIF's own transparency is already clear or solid: only other pictures are read again for it.
    if (request.target === 'gif' && request.sourceFormat !== 'gif' && source.hasAlpha && await hasPartialAlpha(source.build(true))) {
      source.notes.push('A GIF pixel is either clear or solid: the partly transparent parts of the picture (soft edges, shadows) became clear or solid.');
    }
    const opaque = expectation.hasAlpha && request.target === 'webp' && !(await sharp(request.outputPath).metadata()).hasAlpha && (await source.build(true).stats()).isOpaque;
    // libwebp stores a picture whose alpha channel is opaque everywhere without that channel: nothing was lost.
    return { expectation: opaque ? { ...expectation, hasAlpha: false } : expectation, notes: source.notes, source: { width: source.width, height: source.height }, ...(output ? { output } : {}) };
  }

  inspect(path: string): Promise<ImageInfo> {
    return inspectImage(path);
  }

  async meanLuminance(path: string): Promise<number> {
    const stats = await sharp(path).greyscale().stats();
    return stats.channels[0]!.mean;
  }

  private async open(request: ImageRequest, signal?: AbortSignal): Promise<Source> {
    if (request.sourceFormat === 'heic') return this.openHeic(request, signal);
    if (request.sourceFormat === 'bmp') {
      const header = readBmpHeader(await readFileHead(request.inputPath, 64));
      if (header && header.width * header.height > request.maxPixels) throw tooLarge(header.width, header.height, request.maxPixels);
      const png = await this.bmp.decodeToPng(request.inputPath, request.scratchDir, signal);
      try {
        return await this.openWithSharp(await readFile(png), request);
      } finally {
        await rm(png, { force: true });
      }
    }
    const apng = await this.openApng(request, signal);
    if (apng) return apng;
    // A small plain PNG is read once, here: its header from those bytes, and sharp decodes the same bytes.
    const small = request.sourceFormat !== 'png' ? undefined
      : request.inputBytes ? Buffer.from(request.inputBytes.buffer, request.inputBytes.byteOffset, request.inputBytes.byteLength) : readSmallFile(request.inputPath);
    const plain = small && readPlainPng(small);
    return plain ? this.openWithSharp(small, request, plain) : this.openWithSharp(request.inputPath, request);
  }

  private async openWithSharp(input: string | Buffer, request: ImageRequest, plain?: PlainPng): Promise<Source> {
    const animated = ANIMATED_PICTURE_TARGETS.has(request.target) && (request.sourceFormat === 'gif' || request.sourceFormat === 'webp');
    if (request.cut && !animated) throw new AppError('OPTION_UNSUPPORTED', `This ${request.sourceFormat.toUpperCase()} could not be read frame by frame, so it cannot be cut; convert it whole, or to MP4 with the cut.`);
    let options: { limitInputPixels: number; animated?: boolean; page?: number; pages?: number } = { limitInputPixels: request.maxPixels, animated };
    let meta: Partial<Pick<Metadata, 'width' | 'height' | 'pageHeight' | 'pages' | 'orientation' | 'space' | 'hasAlpha' | 'exif' | 'icc' | 'xmp' | 'channels' | 'depth' | 'isProgressive' | 'delay' | 'loop'>>;
    try {
      // The header alone, without the pixel limit, so that a pixel bomb is reported as too large, not as damaged.
      meta = plain ?? await sharp(input, { ...options, limitInputPixels: false }).metadata();
    } catch (error) {
      const words = (error as Error).message;
      const format = request.sourceFormat.toUpperCase();
      if (CUT_SHORT.test(words) || await headerPointsPastEnd(input)) throw cutShortError(request.sourceFormat, words);
      if (/corrupt header/i.test(words)) throw new AppError('INPUT_CORRUPT', `This ${format} file is damaged: its header, which gives the picture's size and colours, cannot be read, so there is no picture to convert.`, words);
      throw new AppError('INPUT_CORRUPT', `This ${format} file is damaged and cannot be read.`, words);
    }
    const width = meta.width ?? 0;
    const height = meta.pageHeight ?? meta.height ?? 0;
    if (width * height > request.maxPixels) throw tooLarge(width, height, request.maxPixels);
    // A cut opens only the frames shown in it, each with its delay shortened where the cut falls inside it.
    const cut = request.cut && cutAnimation(meta.delay ?? [], request.cut);
    if (cut) options = { limitInputPixels: request.maxPixels, page: cut.first, pages: cut.count };
    // A TIFF of several pages into TIFF keeps them all, read as one picture of pages.
    const severalPages = request.sourceFormat === 'tiff' && request.target === 'tiff' && (meta.pages ?? 1) > 1;
    const pagesProblem = severalPages ? await allPagesProblem(input, meta.pages!, request.maxPixels, meta.orientation) : undefined;
    const allPages = severalPages && pagesProblem === undefined ? meta.pages : undefined;
    if (allPages) options = { limitInputPixels: request.maxPixels * allPages, pages: -1 };
    // A plain PNG's facts come from its bytes (sharp was not asked); every frame of an animation is held at once.
    const facts = (plain && typeof input !== 'string' ? readPictureFacts(input) : undefined) ?? {
      width, height, bands: meta.channels ?? 4, bytesPerSample: SAMPLE_BYTES[meta.depth ?? 'uchar'] ?? 1,
      progressive: meta.isProgressive ?? false, orientation: meta.orientation, frames: cut ? cut.count : animated ? (meta.pages ?? 1) : 1,
    };
    const memory = pictureJobMemory(facts, request.target, request.resize);
    if (memory > MAX_JOB_MEMORY_BYTES) throw tooMuchMemory(width, height, request.target, memory, facts.frames);
    const deep = facts.bytesPerSample === 2 && meta.space !== 'cmyk' ? (facts.bands <= 2 ? 'grey16' : 'rgb16') : undefined;
    const frames = await this.frameCount(input, request.sourceFormat, meta.pages);
    const firstFrameOnly = !animated && !allPages && frames > 1 ? [firstFrameNote(request.sourceFormat, request.target, frames, pagesProblem)] : [];
    // libvips keeps the frames of a GIF cut short that arrived whole, and says nothing of the rest.
    const cutShort = animated && request.sourceFormat === 'gif' && await gifCutShort(input)
      ? [`The file is incomplete; converted the ${frames} frame${frames === 1 ? '' : 's'} that could be read.`]
      : [];
    const swap = (meta.orientation ?? 1) >= 5;
    const cmyk = meta.space === 'cmyk';
    const hasExif = meta.exif !== undefined && meta.exif.length > 0;
    const tiffExif = request.sourceFormat === 'tiff' && !hasExif && typeof input === 'string' ? await readTiffFileExif(input).catch(() => undefined) : undefined;
    const { sound, note } = soundMetadata({ exif: hasExif ? exifTiffOf(meta.exif!) : tiffExif, icc: meta.icc, xmp: meta.xmp });
    const exifBlock = sound.exif;
    const icc = sound.icc !== undefined && !cmyk;
    return {
      build: (tolerant) => {
        const image = sharp(input, { ...options, failOn: tolerant ? 'none' : 'warning' }).autoOrient();
        return cmyk ? image.toColourspace('srgb') : image;
      },
      canRetryTolerant: true,
      width: swap ? height : width,
      height: swap ? width : height,
      hasAlpha: (meta.hasAlpha ?? false) && !cmyk,
      ...(deep ? { deep } : {}),
      pages: cut ? cut.count : animated ? (meta.pages ?? 1) : allPages ?? 1,
      ...(cut ? { timing: { delaysMs: cut.delaysMs, loops: meta.loop ?? 0 } } : {}),
      exif: exifBlock !== undefined,
      photoTags: exifBlock ? readPhotoTags(exifBlock) : [],
      exifBlock,
      icc,
      ...(tiffExif && exifBlock ? { carriedMetadata: carriedMetadataOf(tiffExif, icc ? meta.icc : undefined) } : {}),
      notes: [...firstFrameOnly, ...cutShort, ...(cut ? [cut.note] : []), ...(cmyk ? ['Converted CMYK colours to RGB.'] : []), ...(note ? [note] : [])],
    };
  }

  /** An animated PNG to GIF or WEBP: every frame, from ffmpeg's APNG decoder, with its delays; undefined for any other picture. */
  private async openApng(request: ImageRequest, signal?: AbortSignal): Promise<Source | undefined> {
    if (!this.apng || request.sourceFormat !== 'png' || !ANIMATED_PICTURE_TARGETS.has(request.target)) return undefined;
    // A small input was read whole when it was identified: its animation chunk (before the image data) is in those bytes.
    if (!isAnimatedImage(request.inputBytes ?? await readFileHead(request.inputPath, 64 * 1024), 'png')) return undefined;
    const { handle, size: fileSize } = await openUserInputHandle(request.inputPath);
    let bytes: Buffer;
    try {
      if (fileSize > MAX_APNG_BYTES) return undefined;
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
    const timing = readApngTiming(bytes);
    const facts = readPictureFacts(bytes);
    if (!timing || !facts) return undefined;
    const frames = timing.delaysMs.length;
    if (facts.width * facts.height > request.maxPixels) throw tooLarge(facts.width, facts.height, request.maxPixels);
    // Every frame is held at once, as for an animated GIF.
    const memory = pictureJobMemory({ ...facts, bands: 4, frames }, request.target, request.resize);
    if (memory > MAX_JOB_MEMORY_BYTES) throw tooMuchMemory(facts.width, facts.height, request.target, memory, frames);
    const files = await this.apng.decodeFrames(request.inputPath, request.scratchDir, signal);
    try {
      // A file cut short gives the frames that arrived; with fewer than two there is no animation to keep.
      if (files.length < 2 || files.length > frames) return undefined;
      const kept = files.length;
      const cut = request.cut && cutAnimation(timing.delaysMs.slice(0, kept), request.cut);
      const frameFiles = cut ? files.slice(cut.first, cut.first + cut.count) : files;
      // sharp resizes a joined animation as one tall picture: each frame is resized before the join.
      const size = resizedImageSize(facts.width, facts.height, request.resize);
      const presized = size.width !== facts.width || size.height !== facts.height;
      const pixels = await Promise.all(frameFiles.map(async (file) => presized
        ? sharp(file).resize(size.width, size.height, { fit: 'fill' }).png({ compressionLevel: 0 }).toBuffer()
        : readFile(file)));
      const build = () => sharp(pixels, { join: { animated: true }, limitInputPixels: request.maxPixels });
      // sharp's stats read no joined input: frame by frame.
      const hasAlpha = (await Promise.all(pixels.map(async (frame) => (await sharp(frame).stats()).isOpaque))).includes(false);
      const notes = [...(kept < frames ? [`The file is incomplete or damaged; converted the ${kept} of its ${frames} frames that could be read.`] : []), ...(cut ? [cut.note] : [])];
      return {
        build, canRetryTolerant: false, width: facts.width, height: facts.height, hasAlpha, pages: frameFiles.length, exif: false, photoTags: [], icc: false,
        timing: { ...timing, delaysMs: cut ? cut.delaysMs : timing.delaysMs.slice(0, kept) }, presized, notes,
      };
    } finally {
      await Promise.all(files.map((file) => rm(file, { force: true })));
    }
  }

  /** Frames of an animated GIF or WebP (sharp counts them), or of an APNG (sharp reads only its first frame). */
  private async frameCount(input: string | Buffer, format: ImageRequest['sourceFormat'], pages: number | undefined): Promise<number> {
    if (format !== 'png') return pages ?? 1;
    const head = typeof input === 'string' ? await readFileHead(input, 64 * 1024) : input;
    return isAnimatedImage(head, 'png') ? apngFrameCount(head) : 1;
  }

  private async openHeic(request: ImageRequest, signal?: AbortSignal): Promise<Source> {
    const { handle, size } = await openUserInputHandle(request.inputPath);
    let bytes: Buffer;
    try {
      if (size > MAX_HEIC_BYTES) {
        throw new AppError('TOO_LARGE', `This HEIC file is ${Math.round(size / 1024 / 1024)} MB, above the ${MAX_HEIC_BYTES / 1024 / 1024} MB that Convertr decodes in memory.`);
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
    let summary;
    try {
      summary = parseHeif(bytes);
    } catch (error) {
      if (error instanceof HeifParseError) throw new AppError('INPUT_CORRUPT', `This HEIC file is damaged: ${error.message}.`);
      throw error;
    }
    if (summary.width * summary.height > request.maxPixels) throw tooLarge(summary.width, summary.height, request.maxPixels);
    const shown = summary.rotation % 180 === 0 ? { width: summary.width, height: summary.height } : { width: summary.height, height: summary.width };
    const { sound, note } = soundMetadata({ exif: summary.exif, icc: summary.icc });
    const metadata = carriedMetadataOf(sound.exif, sound.icc);
    const metadataNotes = note ? [note] : [];
    // The native decoder writes the finished JPEG itself: only for a plain conversion (no resize, default quality).
    if (this.nativeHeif && request.target === 'jpg' && !summary.hasAlpha && request.resize === undefined && (request.quality ?? 'balanced') === 'balanced') {
      const jpeg = await this.nativeHeif.decodeToJpeg(request.inputPath, request.scratchDir, 90, signal).catch(() => undefined);
      throwIfAborted(signal);
      const size = jpeg ? await sharp(jpeg).metadata().catch(() => undefined) : undefined;
      if (jpeg && size?.width === shown.width && size.height === shown.height) {
        return {
          build: () => sharp(jpeg), canRetryTolerant: false, width: shown.width, height: shown.height, hasAlpha: false, pages: 1,
          exif: metadata.exif !== undefined, photoTags: metadata.exif ? readPhotoTags(metadata.exif) : [], icc: metadata.icc !== undefined, carriedMetadata: metadata, nativeJpeg: jpeg, notes: metadataNotes,
        };
      }
    }
    const decoded = await this.heic.decode(bytes, shown, signal).catch((error: unknown) => {
      if (signal?.aborted) throw cancelledError();
      throw error;
    });
    const build = () => {
      const image = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 4 }, limitInputPixels: request.maxPixels });
      return summary.hasAlpha ? image : image.removeAlpha();
    };
    return {
      build,
      canRetryTolerant: false,
      width: decoded.width,
      height: decoded.height,
      hasAlpha: summary.hasAlpha,
      pages: 1,
      exif: metadata.exif !== undefined,
      photoTags: metadata.exif ? readPhotoTags(metadata.exif) : [],
      exifBlock: metadata.exif,
      icc: metadata.icc !== undefined,
      carriedMetadata: metadata,
      notes: [...(summary.imageCount > 1 ? [`Converted the main picture of the ${summary.imageCount} stored in this file.`] : []), ...metadataNotes],
    };
  }
}
