import { AppError } from '../errors.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../formats.js';
import { BYTES_PER_MB, describeOptions, normalizeOptions, optionsProblem, type ConversionOptions } from '../engine/plan/conversionOptions.js';

/** A named target with its options: built into the app, or the user's own (kept in the database). */
export interface Preset {
  /** What `--preset` takes: lower case, words joined by hyphens ("email-video"). */
  id: string;
  name: string;
  target: OutputFormat;
  options: ConversionOptions;
  builtIn: boolean;
}

export const MAX_PRESET_NAME_LENGTH = 60;

/** "Email video, under 25 MB" -> "email-video-under-25-mb". */
export function presetId(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function builtIn(id: string, name: string, target: OutputFormat, options: Partial<ConversionOptions>): Preset {
  return { id, name, target, options: normalizeOptions(options), builtIn: true };
}

/** The common needs: sizes mail and chat apps accept, pictures for the web, speech and music. */
export const BUILT_IN_PRESETS: readonly Preset[] = [
  builtIn('email-video', 'Email video, under 25 MB', 'mp4', { maxSizeBytes: 25 * BYTES_PER_MB, resize: 1280 }),
  builtIn('chat-video', 'Chat video, under 16 MB', 'mp4', { maxSizeBytes: 16 * BYTES_PER_MB, resize: 1280 }),
  builtIn('web-video', 'Web video, 1080p MP4 without metadata', 'mp4', { resize: 1920, stripMetadata: true }),
  builtIn('small-video', 'Small video, 720p MP4', 'mp4', { resize: 1280, quality: 'small' }),
  builtIn('web-photo', 'Web photo, 2048 px JPG', 'jpg', { resize: 2048, stripMetadata: true }),
  builtIn('share-photo', 'Share photo without location, JPG', 'jpg', { stripMetadata: true }),
  builtIn('thumbnail', 'Thumbnail, 512 px WEBP', 'webp', { resize: 512, quality: 'small', stripMetadata: true }),
  builtIn('podcast-mp3', 'Podcast MP3, mono 96 kbps', 'mp3', { mono: true, audioBitrateKbps: 96 }),
  builtIn('music-mp3', 'Music MP3, high quality', 'mp3', { quality: 'high' }),
  builtIn('voice-note', 'Voice note, under 1 MB M4A', 'm4a', { mono: true, maxSizeBytes: 1 * BYTES_PER_MB }),
];

/** Why a preset the user made cannot be kept; undefined when it can. */
export function presetProblem(name: string, target: string, options: ConversionOptions): string | undefined {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'A preset needs a name.';
  if (trimmed.length > MAX_PRESET_NAME_LENGTH) return `A preset name has at most ${MAX_PRESET_NAME_LENGTH} characters.`;
  if (presetId(trimmed) === '') return 'A preset name needs at least one letter or digit.';
  if (BUILT_IN_PRESETS.some((p) => p.id === presetId(trimmed) || p.name.toLowerCase() === trimmed.toLowerCase())) return `"${trimmed}" is the name of a built-in preset; choose another name.`;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(target)) return `${target} is not a format Convertr writes.`;
  return optionsProblem(options, target as OutputFormat);
}

/** Every preset, built-ins first, then the user's in the order they were made. */
export function allPresets(userPresets: readonly Preset[]): Preset[] {
  return [...BUILT_IN_PRESETS, ...userPresets];
}

/** The preset a user named, by its id or its full name (any case); undefined when none has that name. */
export function findPreset(typed: string, presets: readonly Preset[]): Preset | undefined {
  const wanted = typed.trim().toLowerCase();
  return presets.find((p) => p.id === wanted || p.name.toLowerCase() === wanted || p.id === presetId(wanted));
}

export function unknownPresetError(typed: string, presets: readonly Preset[], suggestion: string): AppError {
  return new AppError('USAGE', `There is no preset "${typed}".${suggestion} Presets: ${presets.map((p) => p.id).join(', ')}.`);
}

/** "MP4, under 25 MB, 1280 px". */
export function describePreset(preset: Pick<Preset, 'target' | 'options'>): string {
  const options = describeOptions(preset.options);
  return options ? `${preset.target.toUpperCase()}, ${options}` : preset.target.toUpperCase();
}

/** Where the user's own presets are kept. */
export interface PresetStore {
  list(): Preset[];
  /** Adds a preset, or replaces the one with this id; returns it as stored. */
  save(name: string, target: OutputFormat, options: ConversionOptions): Preset;
  /** Renames and changes a preset; `id` is the current one. */
  update(id: string, name: string, target: OutputFormat, options: ConversionOptions): Preset;
  remove(id: string): boolean;
}
