export const MEDIA_KINDS = ['video', 'audio', 'image'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const VIDEO_OUTPUTS = ['mp4', 'mov', 'mkv', 'webm', 'avi'] as const;
export const AUDIO_OUTPUTS = ['mp3', 'm4a', 'wav', 'flac', 'ogg', 'opus'] as const;
export const IMAGE_OUTPUTS = ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp'] as const;
export const OUTPUT_FORMATS = [...VIDEO_OUTPUTS, ...AUDIO_OUTPUTS, ...IMAGE_OUTPUTS] as const;

export type VideoOutput = (typeof VIDEO_OUTPUTS)[number];
export type AudioOutput = (typeof AUDIO_OUTPUTS)[number];
export type ImageOutput = (typeof IMAGE_OUTPUTS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Every input format the engine reads, each with the demuxer family ffmpeg or an image library opens it with. */
export const INPUT_FORMATS = [
  'mp4', 'mov', '3gp', 'mkv', 'webm', 'avi', 'mts', 'mpg', 'flv', 'wmv', 'mxf', 'ogv',
  'mp3', 'mp2', 'm4a', 'aac', 'wav', 'w64', 'aiff', 'caf', 'flac', 'ogg', 'opus', 'spx', 'wma', 'mka',
  'ape', 'wv', 'amr', 'ac3', 'eac3', 'dts', 'au', 'sph', 'voc',
  'jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'bmp', 'heic',
] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** What an input usually is before its streams are known; the streams decide in the end (see `kindOfStreams`). */
const INPUT_KIND: Record<InputFormat, MediaKind> = {
  mp4: 'video', mov: 'video', '3gp': 'video', mkv: 'video', webm: 'video', avi: 'video', mts: 'video', mpg: 'video',
  flv: 'video', wmv: 'video', mxf: 'video', ogv: 'video',
  mp3: 'audio', mp2: 'audio', m4a: 'audio', aac: 'audio', wav: 'audio', w64: 'audio', aiff: 'audio', caf: 'audio',
  flac: 'audio', ogg: 'audio', opus: 'audio', spx: 'audio', wma: 'audio', mka: 'audio', ape: 'audio', wv: 'audio',
  amr: 'audio', ac3: 'audio', eac3: 'audio', dts: 'audio', au: 'audio', sph: 'audio', voc: 'audio',
  jpg: 'image', png: 'image', webp: 'image', avif: 'image', tiff: 'image', gif: 'image', bmp: 'image', heic: 'image',
};

/** Audio formats whose container may also carry pictures in motion (an Ogg with Theora, an M4A that is an MP4). */
const AUDIO_CONTAINERS_THAT_MAY_HOLD_VIDEO = new Set<InputFormat>(['m4a', 'ogg', 'wma', 'mka']);

/** The video and audio flavours of one container: the streams pick the name a user knows. */
const VIDEO_FLAVOUR: Partial<Record<InputFormat, InputFormat>> = { m4a: 'mp4', wma: 'wmv', ogg: 'ogv', opus: 'ogv', spx: 'ogv', mka: 'mkv' };
const AUDIO_FLAVOUR: Partial<Record<InputFormat, InputFormat>> = { mp4: 'm4a', wmv: 'wma', ogv: 'ogg', mkv: 'mka' };

/** File name extensions (lower case, without the dot) and the input format they usually hold. */
const EXTENSION_TO_INPUT: Record<string, InputFormat> = {
  mp4: 'mp4', m4v: 'mp4', f4v: 'mp4',
  '3gp': '3gp', '3g2': '3gp', '3gpp': '3gp',
  mov: 'mov', qt: 'mov',
  mkv: 'mkv', mk3d: 'mkv', mka: 'mka',
  webm: 'webm',
  avi: 'avi', divx: 'avi',
  mts: 'mts', m2ts: 'mts', m2t: 'mts', ts: 'mts', tod: 'mts',
  mpg: 'mpg', mpeg: 'mpg', vob: 'mpg', mod: 'mpg', m2v: 'mpg', m1v: 'mpg',
  flv: 'flv',
  wmv: 'wmv', asf: 'wmv',
  mxf: 'mxf',
  ogv: 'ogv',
  mp3: 'mp3',
  mp2: 'mp2', mpa: 'mp2', m2a: 'mp2',
  m4a: 'm4a', m4b: 'm4a',
  aac: 'aac', adts: 'aac',
  wav: 'wav', wave: 'wav', bwf: 'wav', rf64: 'wav',
  w64: 'w64',
  aif: 'aiff', aiff: 'aiff', aifc: 'aiff',
  caf: 'caf',
  flac: 'flac',
  ogg: 'ogg', oga: 'ogg',
  opus: 'opus',
  spx: 'spx',
  wma: 'wma',
  ape: 'ape',
  wv: 'wv',
  amr: 'amr', awb: 'amr',
  ac3: 'ac3',
  eac3: 'eac3', ec3: 'eac3',
  dts: 'dts',
  au: 'au', snd: 'au',
  sph: 'sph', nist: 'sph',
  voc: 'voc',
  jpg: 'jpg', jpeg: 'jpg', jpe: 'jpg', jfif: 'jpg',
  png: 'png', apng: 'png',
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

/** Whether a file of this format may turn out to hold video once its streams are read. */
export function mayHoldVideo(format: InputFormat): boolean {
  return INPUT_KIND[format] === 'video' || AUDIO_CONTAINERS_THAT_MAY_HOLD_VIDEO.has(format);
}

/** What the streams make of a container: pictures in motion make a video, sound alone an audio file. */
export function kindOfStreams(streams: { video: boolean }): Exclude<MediaKind, 'image'> {
  return streams.video ? 'video' : 'audio';
}

/** The name a user knows a container by once its streams are known: an MP4 with sound only is an M4A, an Ogg with Theora an OGV. */
export function formatForStreams(format: InputFormat, streams: { video: boolean }): InputFormat {
  return (streams.video ? VIDEO_FLAVOUR[format] : AUDIO_FLAVOUR[format]) ?? format;
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
