export type MediaKind = 'video' | 'audio' | 'image';

export const VIDEO_OUTPUTS = ['mp4', 'mov', 'mkv', 'webm', 'avi'] as const;
export const AUDIO_OUTPUTS = ['mp3', 'm4a', 'wav', 'flac', 'ogg', 'opus'] as const;
export const IMAGE_OUTPUTS = ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp'] as const;
export const OUTPUT_FORMATS = [...VIDEO_OUTPUTS, ...AUDIO_OUTPUTS, ...IMAGE_OUTPUTS] as const;

export type VideoOutput = (typeof VIDEO_OUTPUTS)[number];
export type AudioOutput = (typeof AUDIO_OUTPUTS)[number];
export type ImageOutput = (typeof IMAGE_OUTPUTS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const INPUT_FORMATS = [
  'mp4', 'mov', 'mkv', 'webm', 'avi', 'mts', 'mpg', 'wmv',
  'mp3', 'm4a', 'aac', 'wav', 'flac', 'ogg', 'opus', 'wma',
  'jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp', 'heic',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const INPUT_KIND: Record<InputFormat, MediaKind> = {
  mp4: 'video', mov: 'video', mkv: 'video', webm: 'video', avi: 'video', mts: 'video', mpg: 'video', wmv: 'video',
  mp3: 'audio', m4a: 'audio', aac: 'audio', wav: 'audio', flac: 'audio', ogg: 'audio', opus: 'audio', wma: 'audio',
  jpg: 'image', png: 'image', webp: 'image', avif: 'image', tiff: 'image', gif: 'image', bmp: 'image', heic: 'image',
};

/** File name extensions (lower case, without the dot) and the input format they usually hold. */
const EXTENSION_TO_INPUT: Record<string, InputFormat> = {
  mp4: 'mp4', m4v: 'mp4', '3gp': 'mp4', '3g2': 'mp4',
  mov: 'mov', qt: 'mov',
  mkv: 'mkv', mka: 'mkv',
  webm: 'webm',
  avi: 'avi',
  mts: 'mts', m2ts: 'mts', ts: 'mts',
  mpg: 'mpg', mpeg: 'mpg', vob: 'mpg',
  wmv: 'wmv', asf: 'wmv',
  mp3: 'mp3',
  m4a: 'm4a',
  aac: 'aac',
  wav: 'wav', wave: 'wav',
  flac: 'flac',
  ogg: 'ogg', oga: 'ogg',
  opus: 'opus',
  wma: 'wma',
  jpg: 'jpg', jpeg: 'jpg', jpe: 'jpg', jfif: 'jpg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  tif: 'tiff', tiff: 'tiff',
  gif: 'gif',
  bmp: 'bmp', dib: 'bmp',
  heic: 'heic', heif: 'heic', hif: 'heic', heics: 'heic',
};

const OUTPUT_ALIASES: Record<string, OutputFormat> = {
  jpeg: 'jpg', tif: 'tiff', aac: 'm4a', oga: 'ogg', m4v: 'mp4',
};

export function inputKind(format: InputFormat): MediaKind {
  return INPUT_KIND[format];
}

export function outputKind(format: OutputFormat): MediaKind {
  if ((VIDEO_OUTPUTS as readonly string[]).includes(format)) return 'video';
  if ((AUDIO_OUTPUTS as readonly string[]).includes(format)) return 'audio';
  return 'image';
}

export function isVideoOutput(format: OutputFormat): format is VideoOutput {
  return outputKind(format) === 'video';
}

export function isAudioOutput(format: OutputFormat): format is AudioOutput {
  return outputKind(format) === 'audio';
}

export function isImageOutput(format: OutputFormat): format is ImageOutput {
  return outputKind(format) === 'image';
}

/** Lower-case extension of a path, without the dot; '' when there is none. */
export function extensionOf(filePath: string): string {
  const base = filePath.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** The input format a file name suggests; the content decides in the end. */
export function inputFormatFromName(filePath: string): InputFormat | undefined {
  return EXTENSION_TO_INPUT[extensionOf(filePath)];
}

export function isSupportedInputName(filePath: string): boolean {
  return inputFormatFromName(filePath) !== undefined;
}

/** Parses what a user typed after `--to` ("JPEG", ".mp3", "tif"). */
export function parseOutputFormat(text: string): OutputFormat | undefined {
  const key = text.trim().toLowerCase().replace(/^\./, '');
  if ((OUTPUT_FORMATS as readonly string[]).includes(key)) return key as OutputFormat;
  return OUTPUT_ALIASES[key];
}

export function formatLabel(format: InputFormat | OutputFormat): string {
  return format.toUpperCase();
}

export function pairLabel(input: InputFormat, output: OutputFormat): string {
  return `${formatLabel(input)}->${formatLabel(output)}`;
}

/** The extension an output file gets. */
export function outputExtension(format: OutputFormat): string {
  return format;
}

/** The default target a user gets for a kind: video->MP4, audio->MP3, image->JPG. */
export function defaultTargetFor(kind: MediaKind): OutputFormat {
  return kind === 'video' ? 'mp4' : kind === 'audio' ? 'mp3' : 'jpg';
}
