import type { ImageOutput, InputFormat } from '../formats.js';
import type { MediaProbe } from './identify/media.js';
import type { ConversionOptions, Quality } from './plan/conversionOptions.js';
import type { SharedRunMember } from './plan/sharedRun.js';

/** The core's view of the outside world. native/ implements these; tests hand in fakes. */

export interface Clock {
  now(): number;
}

export interface ProbeTarget {
  path: string;
  demuxer: string;
  skipBytes?: number;
}

export interface MediaProber {
  probe(target: ProbeTarget, signal?: AbortSignal): Promise<MediaProbe>;
  /**
   * The times, in seconds from the file's start, of the first video stream's key frames between `window.from` and
   * `window.to`; a prober without it leaves every later cut to be re-encoded.
   */
  keyFrameTimes?(target: ProbeTarget, window: { from: number; to: number }, signal?: AbortSignal): Promise<number[]>;
}

export interface FfmpegRunOptions {
  signal?: AbortSignal;
  /** Called with the seconds of output written so far. */
  onProgress?: (outputSeconds: number) => void;
}

/** How a shared run went for one member: how long its process ran, and the part of that run that was its own. */
export interface SharedRunOutcome {
  runMs: number;
  /** Its sound's length over the whole run's (1 when it ran alone). */
  share: number;
  /** How many members the process served. */
  members: number;
}

export interface FfmpegRunner {
  run(args: string[], options?: FfmpegRunOptions): Promise<void>;
  /**
   * Runs the member with other members submitted about now in one ffmpeg process (sharedRun.ts), or alone; when the
   * shared process fails, is cancelled for another member or is paused, each member runs again alone. A runner
   * without it runs every conversion alone.
   */
  runShared?(member: SharedRunMember, options?: FfmpegRunOptions): Promise<SharedRunOutcome>;
  /** Runs an analysis that writes no file (a loudness measurement) and returns what ffmpeg logged. */
  analyse(args: string[], options?: FfmpegRunOptions): Promise<string>;
}

/** Which encoders the ffmpeg in use has (asked once); undefined when it could not say. */
export interface EncoderLister {
  encoders(): Promise<ReadonlySet<string> | undefined>;
}

export interface ImageRequest {
  inputPath: string;
  sourceFormat: InputFormat;
  target: ImageOutput;
  outputPath: string;
  maxPixels: number;
  /** The job's private folder for intermediate files (never the output folder). */
  scratchDir: string;
  quality?: Quality;
  /** Longest edge at most this many pixels; never upscaled. */
  resize?: number;
  /** Write no EXIF, XMP or IPTC (the ICC colour profile stays: it is colour, not personal data). */
  stripMetadata?: boolean;
  /** The whole input, when identifying it read all of it (a small file): not read again. */
  inputBytes?: Uint8Array;
  /** A cut of an animation to GIF or WEBP: only the frames shown from `from` until `until` seconds. */
  cut?: Pick<ConversionOptions, 'from' | 'until'>;
}

/** Photo facts users judge a converter by: date taken, GPS position, camera make and model. */
export type PhotoTag = 'dateTaken' | 'gps' | 'camera';

/** What a correct image output must look like. */
export interface ImageExpectation {
  width: number;
  height: number;
  hasAlpha: boolean;
  /** The output must carry EXIF (date taken, GPS, camera) because the input had it and the target can hold it. */
  exif: boolean;
  /** The photo facts the input's EXIF held, each of which the output must hold too (empty when exif is false). */
  photoTags: PhotoTag[];
  icc: boolean;
  pages: number;
  /** The output must hold no EXIF, XMP or IPTC at all (metadata stripped). */
  noMetadata?: boolean;
}

export interface ImageConversion {
  expectation: ImageExpectation;
  notes: string[];
  /** The input picture's size as decoded (upright), when the converter read it. */
  source?: { width: number; height: number };
  /** What the converter read from the very bytes it wrote, when it can (the file is then not read back). */
  output?: ImageInfo;
}

/** What an image file holds, as read back after writing it. */
export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  hasAlpha: boolean;
  /** EXIF orientation tag; undefined when absent. */
  orientation: number | undefined;
  hasExif: boolean;
  /** Photo facts found in the EXIF. */
  photoTags: PhotoTag[];
  hasIcc: boolean;
  pages: number;
  /** XMP or IPTC blocks present (they may hold a position, a name, a serial number). */
  hasXmpOrIptc?: boolean;
}

/** Reads what an image file is (format, size, alpha, orientation, metadata) without decoding its pixels. */
export interface ImageInspector {
  inspect(path: string): Promise<ImageInfo>;
}

/** Converts images; it inspects too, so that the engine checks its own outputs with the same reader. */
export interface ImageConverter extends ImageInspector {
  convert(request: ImageRequest, signal?: AbortSignal): Promise<ImageConversion>;
  /** The mean luminance of a picture, 0 (black) to 255 (white): a still of a video is checked not to be black. */
  meanLuminance(path: string): Promise<number>;
}
