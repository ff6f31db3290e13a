// What the quality bench and the level-mapping test share: the committed sources, clips made from them, the
// built command run with its encoder settings recorded, CPU time of a child, and SSIM/VMAF/bandwidth from ffmpeg.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SOURCES = path.join(ROOT, 'test/bench/sources');
export const QUALITIES = ['high', 'balanced', 'small'] as const;
export type Level = (typeof QUALITIES)[number];

const BUILT_CLI = path.join(ROOT, 'bin/convertr.js');
const SHARP_SPY = path.join(ROOT, 'test/bench/sharpSpy.mjs');

/** The full path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  const result = spawnSync('which', [command], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

export function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function ffmpeg(args: string[]): string {
  const result = spawnSync('ffmpeg', ['-nostdin', '-hide_banner', ...args], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  return result.stderr;
}

/** User + system CPU seconds of a command and every child it waited for (GNU time reads the kernel's rusage). */
export interface Timed {
  cpuSeconds: number;
  stdout: string;
}

export function runTimed(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Timed {
  const timeFile = path.join(tmpdir(), `convertr-quality-time-${process.pid}`);
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args], {
    env: { ...process.env, ...options.env }, cwd: options.cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20,
  });
  const times = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)! : '';
  rmSync(timeFile, { force: true });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${(result.stderr + result.stdout).slice(-2000)}`);
  const [user, sys] = times.split(' ').map(Number);
  return { cpuSeconds: (user ?? NaN) + (sys ?? NaN), stdout: result.stdout };
}

/**
 * A folder of stand-ins for ffmpeg and libheif's decoder that write down each call's arguments and then exec the
 * real program (same process, so pausing and the parent-death signal still reach it).
 */
export function makeToolSpies(dir: string): { env: NodeJS.ProcessEnv; log: string } {
  fresh(dir);
  const log = path.join(dir, 'calls.log');
  const env: NodeJS.ProcessEnv = { QUALITY_BENCH_LOG: log };
  const spy = (real: string | undefined, envVar: string) => {
    if (!real) return;
    const name = path.basename(real);
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\n{ printf '%s\\037' ${name}; for a in "$@"; do printf '%s\\037' "$a"; done; printf '\\n'; } >> "$QUALITY_BENCH_LOG"\nexec '${real}' "$@"\n`);
    chmodSync(file, 0o755);
    env[envVar] = file;
  };
  spy(process.env['FFMPEG_PATH'] || which('ffmpeg'), 'FFMPEG_PATH');
  spy(process.env['HEIF_DECODER_PATH'] || which('heif-dec') || which('heif-convert'), 'HEIF_DECODER_PATH');
  return { env, log };
}

// Arguments that say where things go or how ffmpeg talks, not how the picture or the sound is encoded.
const PLUMBING_FLAGS = new Set(['-y', '-n', '-nostdin', '-hide_banner', '-nostats', '-an', '-vn', '-sn', '-dn', '-xerror', '-copyts']);
const PLUMBING_KEYS = /^-(i|f|map|map_metadata|map_chapters|metadata|movflags|progress|loglevel|v|stats_period|fflags|probesize|analyzeduration|format_whitelist|protocol_whitelist|passlogfile|max_muxing_queue_size|disposition|ss|t|to|frames)(:|$)/;

/** The encoder settings of one logged ffmpeg call: every argument except the plumbing and the paths. */
export function encoderArgs(args: string[]): string {
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (PLUMBING_FLAGS.has(arg)) continue;
    if (PLUMBING_KEYS.test(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-') && (arg.includes('/') || i === args.length - 1)) continue;
    kept.push(arg);
  }
  return kept.join(' ');
}

const SHARP_METHOD: Record<string, string> = { jpg: 'jpeg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tiff', gif: 'gif' };

/** What the built command ran to encode: its ffmpeg encodes, the native HEIC decoder's call and the sharp encoder options. */
export function settingsFromLogs(toolLog: string, sharpLog: string, target: string): string {
  const parts: string[] = [];
  if (existsSync(toolLog)) {
    for (const line of readFileSync(toolLog, 'utf8').split('\n').filter(Boolean)) {
      const [tool, ...args] = line.split('\x1f').filter((a, i, all) => i < all.length - 1 || a !== '');
      if (tool?.startsWith('ffmpeg') && !args.some((a) => /^-c(odec)?(:[av])?(:\d+)?$/.test(a))) continue;
      const settings = encoderArgs(args);
      if (settings && !parts.includes(`${tool} ${settings}`)) parts.push(`${tool} ${settings}`);
    }
  }
  if (existsSync(sharpLog)) {
    for (const line of readFileSync(sharpLog, 'utf8').split('\n').filter(Boolean)) {
      const { method, options } = JSON.parse(line) as { method: string; options: unknown };
      // Pictures decoded on the way (a HEIC to PNG) are not the target's encoder.
      if (method !== SHARP_METHOD[target]) continue;
      const call = `sharp.${method}(${JSON.stringify(options ?? {})})`;
      if (!parts.includes(call)) parts.push(call);
    }
  }
  return parts.join('; ') || 'not recorded';
}

export interface OursRun extends Timed {
  output: string;
  settings: string;
}

/** One file through the built command (`node bin/convertr.js convert ... --json`), with the settings it used. */
export function convertOurs(input: string, target: string, level: Level, outDir: string, work: string, extra: string[] = []): OursRun {
  fresh(outDir);
  const spies = makeToolSpies(path.join(work, 'spies'));
  const sharpLog = path.join(work, 'spies', 'sharp.log');
  const run = runTimed(process.execPath, ['--import', pathToFileURL(SHARP_SPY).href, BUILT_CLI, 'convert', input, '--to', target, '--quality', level, '--out', outDir, '--json', ...extra], {
    env: { ...spies.env, QUALITY_BENCH_SHARP_LOG: sharpLog, CONVERTR_HOME: path.join(work, 'home') },
  });
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { status: string; output: string | null; error: { message: string } | null };
  if (report.status !== 'succeeded' || !report.output) throw new Error(`convertr ${input} --to ${target} --quality ${level}: ${report.error?.message ?? report.status}`);
  return { ...run, output: report.output, settings: settingsFromLogs(spies.log, sharpLog, target) };
}

export function requireBuild(): void {
  if (!existsSync(path.join(ROOT, 'out/main/cli.cjs'))) throw new Error('out/ is missing: run "npx electron-vite build" first.');
}

/**
 * A photo (HEIC, or JPEG with its EXIF orientation) as the reference: the upright PNG the built command decodes it
 * to, then turned into sRGB the way sharp shows a picture with its colour profile (and without it, as the peers write).
 */
export async function referencePng(photo: string, work: string): Promise<string> {
  const dir = path.join(work, `ref-${path.basename(photo)}`);
  const decoded = convertOurs(photo, 'png', 'high', dir, work).output;
  const srgb = path.join(dir, `${path.basename(photo)}.srgb.png`);
  await sharp(readFileSync(decoded)).png({ compressionLevel: 1 }).toFile(srgb);
  return srgb;
}

export interface ClipMotion {
  kind: 'pan' | 'zoom';
}

/**
 * A 1080p30 clip made from a still: `pan` moves a 16:9 window (two thirds of the photo's width) from its top left
 * to its bottom right; `zoom` pushes into the centre (1x to 1.6x, from a photo scaled up twice so that the window
 * moves by sub-pixel steps instead of jumping a pixel at a time). Lossless x264 in MKV, so that every target encodes.
 */
export function makeClip(photoPng: string, output: string, seconds: number, motion: ClipMotion, size = { width: 1920, height: 1080 }): string {
  const frames = Math.round(seconds * 30);
  const filter = motion.kind === 'pan'
    ? `crop=w='trunc(iw*2/3/2)*2':h='trunc(iw*2/3*9/16/2)*2':x='(iw-ow)*n/${frames}':y='(ih-oh)*n/${frames}',scale=${size.width}:${size.height}:flags=bicubic`
    : `crop=w=iw:h='trunc(iw*9/16/2)*2',scale=iw*2:-2:flags=bicubic,zoompan=z='1+0.6*on/${frames}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=1:s=${size.width}x${size.height}:fps=30`;
  ffmpeg(['-v', 'error', '-y', '-loop', '1', '-framerate', '30', '-i', photoPng, '-vf', `${filter},format=yuv420p`, '-frames:v', String(frames), '-r', '30',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', output]);
  return output;
}

/** A sound decoded to 16-bit WAV at its own rate and channels. */
export function decodeToWav(sound: string, output: string): string {
  ffmpeg(['-v', 'error', '-y', '-i', sound, '-map', '0:a:0', '-c:a', 'pcm_s16le', output]);
  return output;
}

export function hasVmaf(): boolean {
  return /\blibvmaf\b/.test(spawnSync('ffmpeg', ['-hide_banner', '-filters'], { encoding: 'utf8' }).stdout);
}

export interface PictureScore {
  ssim: number;
  vmaf?: number;
}

/**
 * SSIM (ffmpeg's `ssim`, the All figure over Y, U and V) of a video against its reference, the output scaled to the
 * reference's size when a peer changed it, frames paired by their order (every clip here is a constant 30 fps); VMAF too when this ffmpeg has libvmaf.
 */
export function videoScore(distorted: string, reference: string, vmaf: boolean): PictureScore {
  const { width, height } = videoSize(reference);
  const prep = `[0:v]scale=${width}:${height}:flags=bicubic,format=yuv420p,settb=1/30,setpts=N[d];[1:v]format=yuv420p,settb=1/30,setpts=N[r]`;
  const ssimLog = ffmpeg(['-i', distorted, '-i', reference, '-lavfi', `${prep};[d][r]ssim`, '-f', 'null', '-']);
  const ssim = Number(/SSIM .*All:([\d.]+)/.exec(ssimLog)?.[1]);
  if (!vmaf) return { ssim };
  const vmafLog = ffmpeg(['-i', distorted, '-i', reference, '-lavfi', `${prep};[d][r]libvmaf=n_threads=2`, '-f', 'null', '-']);
  return { ssim, vmaf: Number(/VMAF score[:=]\s*([\d.]+)/.exec(vmafLog)?.[1]) };
}

/** SSIM of a picture against its sRGB reference PNG: the picture decoded to sRGB as a viewer shows it (sharp applies its profile), both compared in the same YUV 4:4:4. */
export async function pictureSsim(distorted: string, referencePngFile: string, work: string): Promise<number> {
  const decoded = path.join(work, `decoded-${path.basename(distorted)}.png`);
  // From the bytes, not the path: libvips caches a decoded file by its name, and outputs reuse names.
  await sharp(readFileSync(distorted)).png({ compressionLevel: 1 }).toFile(decoded);
  const log = ffmpeg(['-i', decoded, '-i', referencePngFile, '-lavfi', '[0:v]format=rgb24,format=yuv444p[d];[1:v]format=rgb24,format=yuv444p[r];[d][r]ssim', '-f', 'null', '-']);
  rmSync(decoded, { force: true });
  return Number(/SSIM .*All:([\d.]+)/.exec(log)?.[1]);
}

export function videoSize(file: string): { width: number; height: number } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  const [width, height] = out.trim().split(',').map(Number);
  return { width: width!, height: height! };
}

export function durationSeconds(file: string): number {
  return Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());
}

export function videoCodec(file: string): string {
  return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
}

export function bytes(file: string): number {
  return statSync(file).size;
}

/**
 * The highest frequency the sound keeps: its long-term power spectrum (Hann windows of 4096 samples, mono mix at
 * 48 kHz) in 250 Hz bands, and the top band still within 60 dB of the loudest band.
 */
export function bandwidthKhz(sound: string): number {
  const raw = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', sound, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'], { maxBuffer: 512 * 2 ** 20 });
  const samples = new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.byteLength / 4));
  const n = 4096;
  const power = new Float64Array(n / 2);
  const window = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let start = 0; start + n <= samples.length; start += n / 2) {
    for (let i = 0; i < n; i++) {
      re[i] = samples[start + i]! * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let k = 0; k < n / 2; k++) power[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
  }
  const binHz = 48000 / n;
  const bandHz = 250;
  const bands: number[] = [];
  for (let k = 0; k < n / 2; k++) {
    const band = Math.floor((k * binHz) / bandHz);
    bands[band] = (bands[band] ?? 0) + power[k]!;
  }
  const loudest = Math.max(...bands);
  let top = 0;
  bands.forEach((p, i) => {
    if (p > 0 && 10 * Math.log10(p / loudest) > -60) top = i;
  });
  return ((top + 1) * bandHz) / 1000;
}

/** In-place radix-2 FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(angle * k);
        const wi = Math.sin(angle * k);
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** The files of a folder (a peer's output folder holds one). */
export function onlyFile(dir: string): string {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
  if (files.length !== 1) throw new Error(`${dir} holds ${files.length} files`);
  return path.join(dir, files[0]!);
}
