import { parseArgs } from 'node:util';
import { OUTPUT_FORMATS, parseOutputFormat, type OutputFormat } from '../core/formats.js';
import { MODE_PREFERENCES, type ModePreference } from '../core/modes.js';
import { parseMoment } from '../core/engine/plan/moments.js';
import { parseWindow } from '../core/telemetry/stats.js';
import { didYouMean } from './didYouMean.js';
import { CONFLICT_POLICIES, MAX_AUDIO_BITRATE_KBPS, MIN_AUDIO_BITRATE_KBPS, QUALITIES, SPEEDS, VIDEO_CODECS, parseMaxSize, type ConflictPolicy, type ConversionOptions, type Quality, type Speed, type VideoCodec } from '../core/engine/plan/conversionOptions.js';
import { nameTemplateProblem } from '../core/engine/run/outputName.js';

export class UsageError extends Error {}

export interface ConvertArgs {
  command: 'convert';
  inputs: string[];
  /** Null when a preset names the target. */
  target: OutputFormat | null;
  /** A preset's id or name, as typed. */
  preset: string | undefined;
  /** The options given on the command line (they win over the preset's). */
  options: Partial<ConversionOptions>;
  outputDir: string | undefined;
  mode: ModePreference;
  /** Hybrid: this month's hosted budget in USD; undefined: the one in Settings. */
  budgetUsd: number | undefined;
  /** Every byte stays on this machine. */
  private: boolean;
  /** Strip GPS and camera serial numbers from photos before upload. */
  stripLocation: boolean;
  apiUrl: string | undefined;
  label: string | undefined;
  json: boolean;
  /** Convert folder files again even when their earlier output is still in place. */
  again: boolean;
  /** Failures also show the tool's own words and the error code. */
  verbose: boolean;
}

export interface RegisterArgs {
  command: 'register';
  name: string;
  email: string;
  apiUrl: string | undefined;
  label: string | undefined;
}

export interface LoginArgs {
  command: 'login';
  apiUrl: string | undefined;
}

export interface LogoutArgs {
  command: 'logout';
  apiUrl: string | undefined;
}

export interface DoctorArgs {
  command: 'doctor';
  json: boolean;
}

export interface StatsArgs {
  command: 'stats';
  windowDays: number;
  json: boolean;
}

export interface ResumeArgs {
  command: 'resume';
  json: boolean;
  /** Only the batch whose id starts with this (as `convertr resume` prints it); every interrupted batch when absent. */
  batch: string | undefined;
  /** Give the batches up instead of finishing them. */
  discard: boolean;
  verbose: boolean;
}

export interface HelpArgs {
  command: 'help';
  topic: string | undefined;
}

export type CliArgs = ConvertArgs | RegisterArgs | LoginArgs | LogoutArgs | DoctorArgs | StatsArgs | ResumeArgs | HelpArgs;

const isModePreference = (text: string): text is ModePreference => (MODE_PREFERENCES as readonly string[]).includes(text);

export const USAGE = `Usage: convertr <command> [options]

Commands:
  convert <input...> --to <format> [--out <dir>] [--quality ${QUALITIES.join('|')}] [--max-size <N>MB] [--resize <px>]
          [--strip-metadata] [--mono] [--audio-bitrate <kbps>] [--at <time>] [--from <time>] [--until <time>] [--on-conflict ${CONFLICT_POLICIES.join('|')}] [--preset <name>]
          [--name <template>] [--speed ${SPEEDS.join('|')}] [--codec ${VIDEO_CODECS.join('|')}] [--normalize]
          [--mode ${MODE_PREFERENCES.join('|')}] [--budget <USD>] [--private]
          [--strip-location] [--api-url <url>] [--label <text>] [--again] [--json] [--verbose]
      Convert files or folders (folders are searched recursively for supported files; with --out their
      sub-folders are mirrored). In a folder, Convertr's own outputs, files already in the target format
      and files whose earlier output is still in place are skipped (--again converts those once more).
      Formats: ${OUTPUT_FORMATS.join(', ')}
      --quality      high, balanced (default) or small: video quality, audio bitrate, image quality.
      --max-size     video and lossy audio under N MB (1 MB = 1,000,000 bytes), never over it: video in two
                     x264 medium passes, encoded again at a lower bitrate when it misses; it uses at least
                     70 % of the limit unless the quality level's own encode fits in less (an easy file stays small);
                     a GIF or an animated WEBP from a video gets fewer frames and a smaller picture until it fits;
                     a size too small to watch or hear is refused before any work.
      --resize <px>  the longest edge of pictures and video at most px (never enlarged).
      --at <time>    a video to JPG, PNG or WEBP: the picture at 00:00:05 (or 5, in seconds); without it,
                     a representative picture past the start (not a black first frame).
      --from <time> --until <time>  keep only that part of a video, a sound or a GIF (either may be left out);
                     a cut starting on a key frame is copied when the file can be, another is re-encoded to the frame.
                     A video to WEBP with a cut is an animated WEBP (--from 0 for the whole clip).
      --strip-metadata  remove EXIF, XMP and IPTC (GPS position, camera serial numbers) and container tags
                     such as a video's recording location; without it, metadata is kept.
      --verbose      with a failure, also the error code and the tool's or the system's own words.
      --mono         mix the sound down to one channel (speech, podcasts).
      --speed        fast, balanced (default) or thorough: how long the video encoder may take for a smaller file.
      --codec        h264 (default, plays everywhere), h265 (smaller; tagged hvc1 for Apple devices) or av1,
                     for MP4, MKV and MOV.
      --normalize    loudness evened out (EBU R128 loudnorm, two passes), for sound and the sound of a video.
      --audio-bitrate <kbps>  a fixed bitrate for lossy sound (MP3, M4A, OGG, OPUS and video's sound),
                     ${MIN_AUDIO_BITRATE_KBPS}k to ${MAX_AUDIO_BITRATE_KBPS}k, instead of the quality's; a low one lowers the
                     sample rate (and the channels) to what the encoder needs, with a note.
      --on-conflict  when the output's name is taken: keep-both (default, "name (1).ext"), skip, or
                     overwrite (replaced only after the new file passed its check; never the input).
      --name <template>  the output's name before its extension, from {name} (the input's), {preset}
                     (the preset's id, else the format), {target}, {ext} and {quality}: --name "{name}-{preset}".
                     Without it: the input's name; a same-format output beside its input gets "-converted"
                     ("clip.mp4" -> "clip-converted.mp4") rather than "clip (1).mp4".
      --preset <name> a named target with its options ("convertr presets" lists them); --to and the
                     options above change it for this run.
      --mode local   on this machine (default); hosted: through the hosted Convertr API;
             auto    hosted only when this machine lacks what a job needs (local when offline or over 1 GB);
             hybrid  local first; a job goes hosted only when that finishes the batch sooner, within the budget.
      --budget <USD> hybrid: the most hosted jobs may spend this calendar month (default: Settings, else $0).
                     A hosted job's cost ($0.002 a conversion minute, at least one; images up to 10 MB free)
                     is reserved before its upload.
      --private      no byte leaves this machine (no job is uploaded, whatever the mode).
      --strip-location  remove GPS and camera serial numbers from photos (JPG, HEIC) before upload;
                     other photos are then converted here.
      --api-url      the hosted API (default: CONVERTR_API_URL, else https://convertr.org; https:// required
                     except for a server on this machine).
      --label <text> a client label, sent to the hosted API; only its hash (a cohort) is stored.
      Running the same command after a crash or Ctrl-C resumes the interrupted batch; while it still runs
      elsewhere, the second command waits for it (and takes over if that process dies).
  presets [save <name> --to <format> [options] | delete <name>] [--json]
      List the built-in presets and yours, keep the options of a command as a preset of yours, or delete one.
  register --name <name> --email <email> [--api-url <url>] [--label <text>]
      Register with the hosted API; the password is read from stdin (one line) or asked for.
      The token is kept in the OS keychain, never in a file.
  login [--api-url <url>]
      Sign in with a token you already have (id|secret); it is read from stdin (one line) or asked for,
      never from the command line, and kept in the OS keychain.
  logout [--api-url <url>]
      Remove the hosted API token from the keychain; conversions become anonymous.
  watch <folder> --to <format> [--out <dir>] [--recursive] [--include <glob>]... [--exclude <glob>]...
        [--move-to <dir>] [--stable-for 1.5s] [--save] [--json] [--verbose]
        [--preset <name>] [--quality ...] [--max-size <N>MB] [--resize <px>] [--strip-metadata] [--mono]
        [--audio-bitrate <kbps>] [--on-conflict ...] [--name <template>]
      Convert every file that arrives in a folder, once, until Ctrl-C. Files already there are converted
      first; a file is taken only when its size stays unchanged for --stable-for. Output goes to --out
      (default <folder>/converted, never watched). --move-to moves each converted source to a done folder.
      What it converted is remembered, so running the same command again converts only what is new or
      changed. --save also keeps the rule as a batch folder that the app runs whenever it is open.
      --preset and the option flags work as for convert; the rule keeps them. Failures are printed in
      plain words; --verbose adds the error code and the tool's or the system's own words.
  serve [--port <n>]
      The whole app in a browser on 127.0.0.1 (prints the address with its one-time token), until Ctrl-C.
  resume [<batch>] [--discard] [--json] [--verbose]
      Finish every interrupted batch (or the one whose id is given), after naming each with its files.
      --discard gives them up instead: partial files and scratch folders are removed and nothing resumes
      them; outputs already in place are kept.
  stats [--window 14d] [--json]
      Requests, success and error rates, average runtime and conversion minutes per format pair.
  doctor [--json]
      Show which ffmpeg, ffprobe, sharp, HEIC decoder and database are in use.
  help
      Show this text.

Exit codes: 0 all succeeded, 1 any conversion failed, 2 usage error.`;

/** The conversion option flags, shared by convert, watch and presets save. */
export const OPTION_FLAGS = {
  quality: { type: 'string' },
  'max-size': { type: 'string' },
  resize: { type: 'string' },
  'strip-metadata': { type: 'boolean' },
  'on-conflict': { type: 'string' },
  mono: { type: 'boolean' },
  'audio-bitrate': { type: 'string' },
  at: { type: 'string' },
  from: { type: 'string' },
  until: { type: 'string' },
  name: { type: 'string' },
  speed: { type: 'string' },
  codec: { type: 'string' },
  normalize: { type: 'boolean' },
} as const;

/** The conversion options given as flags; only those given (a preset's fill the rest). */
export function parseOptionFlags(values: { quality?: string; 'max-size'?: string; resize?: string; 'strip-metadata'?: boolean; 'on-conflict'?: string; mono?: boolean; 'audio-bitrate'?: string; at?: string; from?: string; until?: string; name?: string; speed?: string; codec?: string; normalize?: boolean }): Partial<ConversionOptions> {
  const options: Partial<ConversionOptions> = {};
  if (values.name !== undefined) {
    const problem = nameTemplateProblem(values.name);
    if (problem) throw new UsageError(`--name: ${problem}`);
    options.nameTemplate = values.name;
  }
  if (values.quality !== undefined) {
    if (!(QUALITIES as readonly string[]).includes(values.quality)) throw new UsageError(`--quality must be high, balanced or small, not ${values.quality}.${didYouMean(values.quality, QUALITIES)}`);
    options.quality = values.quality as Quality;
  }
  if (values['max-size'] !== undefined) {
    const bytes = parseMaxSize(values['max-size']);
    if (bytes === undefined) throw new UsageError(`--max-size takes a size in MB such as 25MB, not ${values['max-size']}.`);
    options.maxSizeBytes = bytes;
  }
  if (values.resize !== undefined) {
    const px = /^\s*(\d+)\s*(px)?\s*$/i.exec(values.resize)?.[1];
    if (px === undefined) throw new UsageError(`--resize takes the longest edge in pixels such as 1280, not ${values.resize}.`);
    options.resize = Number(px);
  }
  if (values['strip-metadata']) options.stripMetadata = true;
  if (values.mono) options.mono = true;
  if (values['audio-bitrate'] !== undefined) {
    const kbps = /^\s*(\d+)\s*(k|kbps|kbit\/s)?\s*$/i.exec(values['audio-bitrate'])?.[1];
    if (kbps === undefined) throw new UsageError(`--audio-bitrate takes kilobits per second such as 96k, not ${values['audio-bitrate']}.`);
    if (Number(kbps) < MIN_AUDIO_BITRATE_KBPS || Number(kbps) > MAX_AUDIO_BITRATE_KBPS) {
      throw new UsageError(`--audio-bitrate is between ${MIN_AUDIO_BITRATE_KBPS}k and ${MAX_AUDIO_BITRATE_KBPS}k, not ${values['audio-bitrate']}.`);
    }
    options.audioBitrateKbps = Number(kbps);
  }
  if (values.at !== undefined) {
    const seconds = parseMoment(values.at);
    if (seconds === undefined) throw new UsageError(`--at takes a moment such as 00:00:05 or 5 (seconds), not ${values.at}.`);
    options.at = seconds;
  }
  for (const flag of ['from', 'until'] as const) {
    const text = values[flag];
    if (text === undefined) continue;
    const seconds = parseMoment(text);
    if (seconds === undefined) throw new UsageError(`--${flag} takes a moment such as 00:01:30 or 90 (seconds), not ${text}.`);
    options[flag] = seconds;
  }
  if (values.speed !== undefined) {
    if (!(SPEEDS as readonly string[]).includes(values.speed)) throw new UsageError(`--speed must be fast, balanced or thorough, not ${values.speed}.${didYouMean(values.speed, SPEEDS)}`);
    options.speed = values.speed as Speed;
  }
  if (values.codec !== undefined) {
    if (!(VIDEO_CODECS as readonly string[]).includes(values.codec)) throw new UsageError(`--codec must be h264, h265 or av1, not ${values.codec}.${didYouMean(values.codec, VIDEO_CODECS)}`);
    options.videoCodec = values.codec as VideoCodec;
  }
  if (values.normalize) options.normalize = true;
  if (values['on-conflict'] !== undefined) {
    if (!(CONFLICT_POLICIES as readonly string[]).includes(values['on-conflict'])) {
      throw new UsageError(`--on-conflict must be keep-both, skip or overwrite, not ${values['on-conflict']}.${didYouMean(values['on-conflict'], CONFLICT_POLICIES)}`);
    }
    options.onConflict = values['on-conflict'] as ConflictPolicy;
  }
  return options;
}

function parseConvert(rest: string[]): ConvertArgs {
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      ...OPTION_FLAGS,
      preset: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      mode: { type: 'string', default: 'local' },
      budget: { type: 'string' },
      private: { type: 'boolean', default: false },
      'strip-location': { type: 'boolean', default: false },
      'api-url': { type: 'string' },
      label: { type: 'string' },
      json: { type: 'boolean', default: false },
      again: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('convert needs at least one input file or folder.');
  if (!values.to && !values.preset) throw new UsageError(`convert needs --to <format> (one of ${OUTPUT_FORMATS.join(', ')}) or --preset <name>.`);
  const target = values.to ? parseOutputFormat(values.to) : null;
  if (values.to && !target) throw new UsageError(`--to ${values.to} is not a format Convertr writes.${didYouMean(values.to, OUTPUT_FORMATS)} Formats: ${OUTPUT_FORMATS.join(', ')}.`);
  const options = parseOptionFlags(values);
  const mode = values.mode;
  if (!isModePreference(mode)) throw new UsageError(`--mode must be local, hosted, auto or hybrid, not ${mode}.${didYouMean(mode, MODE_PREFERENCES)}`);
  if (values.out === '') throw new UsageError('--out needs a folder.');
  let budgetUsd: number | undefined;
  if (values.budget !== undefined) {
    if (mode !== 'hybrid') throw new UsageError('--budget applies to --mode hybrid.');
    const text = values.budget.trim().replace(/^\$/, '');
    budgetUsd = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(budgetUsd) || budgetUsd > 1_000_000) throw new UsageError(`--budget takes an amount in US dollars like 0.50, not "${values.budget}".`);
  }
  const isPrivate = values.private ?? false;
  if (isPrivate && mode === 'hosted') throw new UsageError('--private keeps every byte on this machine, so it cannot be combined with --mode hosted.');
  return { command: 'convert', inputs: positionals, target: target ?? null, preset: values.preset, options, outputDir: values.out, mode, budgetUsd, private: isPrivate, stripLocation: values['strip-location'] ?? false, apiUrl: values['api-url'], label: values.label, json: values.json ?? false, again: values.again ?? false, verbose: values.verbose ?? false };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function parseRegister(rest: string[]): RegisterArgs {
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { name: { type: 'string' }, email: { type: 'string' }, 'api-url': { type: 'string' }, label: { type: 'string' } },
  });
  const name = values.name?.trim();
  const email = values.email?.trim();
  if (!name) throw new UsageError('register needs --name <your name>.');
  if (!email) throw new UsageError('register needs --email <address>.');
  if (!EMAIL.test(email)) throw new UsageError(`--email ${email} is not an email address.`);
  return { command: 'register', name, email, apiUrl: values['api-url'], label: values.label };
}

export const COMMANDS = ['convert', 'presets', 'register', 'login', 'logout', 'watch', 'serve', 'resume', 'stats', 'doctor', 'help'] as const;

/** Parses argv after the program name. Throws UsageError with a message meant for the user. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'convert':
        return parseConvert(rest);
      case 'register':
        return parseRegister(rest);
      case 'login': {
        const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { 'api-url': { type: 'string' } } });
        if (positionals.length > 0) throw new UsageError('login reads the token from stdin or asks for it; it is never given on the command line, where the shell history would keep it.');
        return { command: 'login', apiUrl: values['api-url'] };
      }
      case 'logout': {
        const { values } = parseArgs({ args: rest, strict: true, options: { 'api-url': { type: 'string' } } });
        return { command: 'logout', apiUrl: values['api-url'] };
      }
      case 'stats': {
        const { values } = parseArgs({ args: rest, strict: true, options: { window: { type: 'string', default: '14d' }, json: { type: 'boolean', default: false } } });
        let windowDays: number;
        try {
          windowDays = parseWindow(values.window ?? '14d');
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        return { command: 'stats', windowDays, json: values.json ?? false };
      }
      case 'resume': {
        const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { json: { type: 'boolean', default: false }, discard: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } } });
        if (positionals.length > 1) throw new UsageError('resume takes at most one batch id.');
        const batch = positionals[0]?.toLowerCase();
        if (batch !== undefined && !/^[0-9a-f]{6,32}$/.test(batch)) throw new UsageError(`"${positionals[0]}" is not a batch id (the hexadecimal id "convertr resume" prints).`);
        return { command: 'resume', json: values.json ?? false, batch, discard: values.discard ?? false, verbose: values.verbose ?? false };
      }
      case 'doctor': {
        const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean', default: false } } });
        return { command: 'doctor', json: values.json ?? false };
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return { command: 'help', topic: rest[0] };
      default:
        throw new UsageError(`Unknown command "${command}".${didYouMean(command, COMMANDS)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}
