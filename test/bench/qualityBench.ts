// npm run bench:quality [-- --quick] [--seconds N] [--only video,photo,sound] [--no-write]
// What users get at each --quality, through the built command, against the peers installed here: size, bitrate,
// SSIM (VMAF when ffmpeg has libvmaf), sound bandwidth, and CPU time (user + system of the child and its children)
// as a ratio to the format's first peer in the same run. Writes test/bench/QUALITY.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  QUALITIES, ROOT, SOURCES, bandwidthKhz, bytes, convertOurs, decodeToWav, durationSeconds, fresh, hasVmaf, makeClip,
  pictureSsim, referencePng, requireBuild, runTimed, videoCodec, videoScore, which,
} from './qualityTools';

interface Options {
  quick: boolean;
  seconds: number;
  sections: Set<string>;
  write: boolean;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seconds = Number(value('--seconds') ?? (quick ? 4 : 10));
  if (!(seconds > 0)) throw new Error('--seconds takes a positive number');
  const sections = new Set((value('--only') ?? 'video,photo,sound').split(',').map((s) => s.trim()));
  return { quick, seconds, sections, write: !argv.includes('--no-write') };
}

type Who = 'ours' | 'peer';

interface Row {
  source: string;
  format: string;
  who: Who;
  name: string;
  settings: string;
  bytes: number;
  /** Video and sound: kbps over the output's length. Photos: bits per pixel. */
  rate: number;
  ssim?: number;
  vmaf?: number;
  bandwidthKhz?: number;
  cpuSeconds: number;
  cpuRatio?: number;
}

const work = path.join(tmpdir(), `convertr-quality-${process.pid}`);
const notes: string[] = [];
const missing: string[] = [];
let step = 0;

function progress(line: string): void {
  step++;
  process.stderr.write(`[${step}] ${line}\n`);
}

/** A peer command timed the same way; undefined (with a note) when it fails. */
function peer(name: string, command: string, args: string[], output: string): { cpuSeconds: number; output: string } | undefined {
  try {
    const run = runTimed(command, args);
    if (!existsSync(output)) throw new Error('no output');
    return { cpuSeconds: run.cpuSeconds, output };
  } catch (error) {
    notes.push(`${name} failed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function withRatios(rows: Row[]): Row[] {
  for (const row of rows) {
    const reference = rows.find((r) => r.source === row.source && r.format === row.format && r.who === 'peer');
    // GNU time counts in hundredths: below 0.05 s a ratio would be mostly rounding.
    if (reference && reference.cpuSeconds >= 0.05) row.cpuRatio = row.cpuSeconds / reference.cpuSeconds;
  }
  return rows;
}

// ---- video ----

interface VideoTarget {
  format: string;
  target: string;
  extra: string[];
  /** The codec the output must hold for the row to count (a flag the command ignores is not that codec). */
  codec: string;
  peers: (source: string, dir: string) => { name: string; settings: string; command: string; args: string[]; output: string }[];
}

function handBrakePresets(): string[] {
  if (!which('HandBrakeCLI')) return [];
  const list = spawnSync('HandBrakeCLI', ['--preset-list'], { encoding: 'utf8' });
  const names = `${list.stdout}${list.stderr}`.split('\n').map((l) => l.trim());
  return [['Fast 1080p30'], ['HQ 1080p30', 'HQ 1080p30 Surround']].map((choices) => choices.find((c) => names.includes(c))).filter((c): c is string => c !== undefined);
}

function videoTargets(): VideoTarget[] {
  const handBrake = handBrakePresets();
  if (handBrake.length === 0) missing.push('HandBrakeCLI (its preset rows are left out)');
  const ffmpegPeer = (name: string, settings: string[], ext: string) => (source: string, dir: string) => {
    const output = path.join(dir, `${name.replace(/\W+/g, '_')}.${ext}`);
    return { name, settings: `ffmpeg ${settings.join(' ')}`, command: 'ffmpeg', args: ['-nostdin', '-v', 'error', '-y', '-i', source, ...settings, '-an', output], output };
  };
  return [
    {
      format: 'MP4 (H.264)', target: 'mp4', extra: [], codec: 'h264',
      peers: (source, dir) => [
        ffmpegPeer('ffmpeg -preset medium -crf 23', ['-c:v', 'libx264', '-preset', 'medium', '-crf', '23', '-pix_fmt', 'yuv420p'], 'mp4')(source, dir),
        ...handBrake.map((preset) => {
          const output = path.join(dir, `handbrake_${preset.replace(/\W+/g, '_')}.mp4`);
          return { name: `HandBrakeCLI "${preset}"`, settings: `--preset "${preset}"`, command: 'HandBrakeCLI', args: ['-i', source, '-o', output, '--preset', preset], output };
        }),
      ],
    },
    {
      format: 'WEBM (VP9)', target: 'webm', extra: [], codec: 'vp9',
      peers: (source, dir) => [ffmpegPeer('ffmpeg VP9 -crf 31 -cpu-used 2', ['-c:v', 'libvpx-vp9', '-crf', '31', '-b:v', '0', '-deadline', 'good', '-cpu-used', '2', '-row-mt', '1'], 'webm')(source, dir)],
    },
    {
      format: 'MP4 (H.265)', target: 'mp4', extra: ['--codec', 'h265'], codec: 'hevc',
      peers: (source, dir) => [ffmpegPeer('ffmpeg x265 -preset medium -crf 28', ['-c:v', 'libx265', '-preset', 'medium', '-crf', '28', '-pix_fmt', 'yuv420p', '-tag:v', 'hvc1'], 'mp4')(source, dir)],
    },
  ];
}

function videoRows(clips: { name: string; file: string }[], vmaf: boolean): Row[] {
  const rows: Row[] = [];
  const targets = videoTargets();
  for (const clip of clips) {
    for (const target of targets) {
      const ours: Row[] = [];
      let refused: string | undefined;
      for (const level of QUALITIES) {
        progress(`${clip.name} -> ${target.format} ${level}`);
        let run;
        try {
          run = convertOurs(clip.file, target.target, level, path.join(work, 'out'), work, target.extra);
        } catch (error) {
          refused = `the built command refused ${target.extra.join(' ') || target.target}: ${(error as Error).message.split('\n')[0]}`;
          break;
        }
        const codec = videoCodec(run.output);
        if (codec !== target.codec) {
          refused = `\`convert --to ${target.target} ${target.extra.join(' ')}\` wrote ${codec}, not ${target.codec}`;
          break;
        }
        const score = videoScore(run.output, clip.file, vmaf);
        ours.push({ source: clip.name, format: target.format, who: 'ours', name: level, settings: run.settings, bytes: bytes(run.output), rate: kbps(run.output), ...score, cpuSeconds: run.cpuSeconds });
      }
      if (refused) {
        if (!notes.some((n) => n.includes(refused!.slice(0, 40)))) notes.push(`${target.format} rows left out: ${refused}.`);
        continue;
      }
      rows.push(...ours);
      const dir = fresh(path.join(work, 'peers'));
      for (const p of target.peers(clip.file, dir)) {
        progress(`${clip.name} -> ${p.name}`);
        const done = peer(p.name, p.command, p.args, p.output);
        if (!done) continue;
        rows.push({ source: clip.name, format: target.format, who: 'peer', name: p.name, settings: p.settings, bytes: bytes(done.output), rate: kbps(done.output), ...videoScore(done.output, clip.file, vmaf), cpuSeconds: done.cpuSeconds });
      }
    }
  }
  return withRatios(rows);
}

function kbps(file: string): number {
  return (bytes(file) * 8) / durationSeconds(file) / 1000;
}

// ---- photos ----

interface PhotoPeer {
  format: string;
  tool: string;
  settings: string[];
  /** Builds the command from the reference PNG (and its PPM for cjpeg). */
  args: (png: string, ppm: string, output: string) => string[];
  ext: string;
}

const PHOTO_PEERS: PhotoPeer[] = [
  ...[75, 90].map((q): PhotoPeer => ({ format: 'JPG', tool: 'cjpeg', settings: ['-quality', String(q), '-optimize'], args: (_png, ppm, out) => ['-quality', String(q), '-optimize', '-outfile', out, ppm], ext: 'jpg' })),
  ...[75, 90].map((q): PhotoPeer => ({ format: 'WEBP', tool: 'cwebp', settings: ['-q', String(q), '-m', '4'], args: (png, _ppm, out) => ['-quiet', '-q', String(q), '-m', '4', png, '-o', out], ext: 'webp' })),
  ...[[10, 20], [20, 30], [30, 40]].map(([min, max]): PhotoPeer => ({
    format: 'AVIF', tool: 'avifenc', settings: ['-s', '6', '-j', '1', '-y', '420', '--min', String(min), '--max', String(max)],
    args: (png, _ppm, out) => ['-s', '6', '-j', '1', '-y', '420', '--min', String(min), '--max', String(max), png, out], ext: 'avif',
  })),
];

async function photoRows(photos: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  const peersHere = PHOTO_PEERS.filter((p) => which(p.tool));
  for (const tool of new Set(PHOTO_PEERS.map((p) => p.tool))) if (!which(tool)) missing.push(`${tool} (its rows are left out)`);
  for (const photo of photos) {
    const name = path.basename(photo);
    progress(`${name}: reference PNG`);
    const png = await referencePng(photo, work);
    const ppm = path.join(work, `${name}.ppm`);
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', png, '-pix_fmt', 'rgb24', ppm]);
    const { width, height } = await sharp(png).metadata();
    const pixels = width! * height!;
    for (const format of ['JPG', 'WEBP', 'AVIF']) {
      for (const level of QUALITIES) {
        progress(`${name} -> ${format} ${level}`);
        const run = convertOurs(photo, format.toLowerCase(), level, path.join(work, 'out'), work);
        rows.push({ source: `${name} (${width}x${height})`, format, who: 'ours', name: level, settings: run.settings, bytes: bytes(run.output), rate: (bytes(run.output) * 8) / pixels, ssim: await pictureSsim(run.output, png, work), cpuSeconds: run.cpuSeconds });
      }
      for (const p of peersHere.filter((x) => x.format === format)) {
        const label = `${p.tool} ${p.settings.join(' ')}`;
        progress(`${name} -> ${label}`);
        const output = path.join(fresh(path.join(work, 'peers')), `peer.${p.ext}`);
        const done = peer(label, p.tool, p.args(png, ppm, output), output);
        if (!done) continue;
        rows.push({ source: `${name} (${width}x${height})`, format, who: 'peer', name: p.tool, settings: label, bytes: bytes(output), rate: (bytes(output) * 8) / pixels, ssim: await pictureSsim(output, png, work), cpuSeconds: done.cpuSeconds });
      }
    }
    rmSync(ppm, { force: true });
  }
  return withRatios(rows);
}

// ---- sound ----

interface SoundPeer {
  name: string;
  command: string;
  settings: string[];
  args: (wav: string, output: string) => string[];
  ext: string;
}

const ffmpegSound = (name: string, settings: string[], ext: string): SoundPeer =>
  ({ name, command: 'ffmpeg', settings, args: (wav, out) => ['-nostdin', '-v', 'error', '-y', '-i', wav, ...settings, out], ext });

const SOUND_TARGETS: { format: string; target: string; peers: SoundPeer[] }[] = [
  { format: 'MP3', target: 'mp3', peers: [{ name: 'lame -V2', command: 'lame', settings: ['-V2'], args: (wav, out) => ['--quiet', '-V2', wav, out], ext: 'mp3' }] },
  { format: 'M4A', target: 'm4a', peers: [ffmpegSound('ffmpeg AAC at its default', ['-c:a', 'aac'], 'm4a')] },
  { format: 'OPUS', target: 'opus', peers: [ffmpegSound('ffmpeg libopus at its default', ['-c:a', 'libopus'], 'opus')] },
];

function soundRows(sounds: string[]): Row[] {
  const rows: Row[] = [];
  if (!which('lame')) missing.push('lame (the LAME -V2 rows are left out)');
  for (const sound of sounds) {
    const name = path.basename(sound);
    const wav = decodeToWav(sound, path.join(work, `${name}.wav`));
    const label = `${name} (${durationSeconds(wav).toFixed(1)} s)`;
    rows.push({ source: label, format: 'WAV', who: 'peer', name: 'the reference (decoded source)', settings: 'pcm_s16le', bytes: bytes(wav), rate: kbps(wav), bandwidthKhz: bandwidthKhz(wav), cpuSeconds: 0 });
    for (const target of SOUND_TARGETS) {
      for (const level of QUALITIES) {
        progress(`${name} -> ${target.format} ${level}`);
        const run = convertOurs(wav, target.target, level, path.join(work, 'out'), work);
        rows.push({ source: label, format: target.format, who: 'ours', name: level, settings: run.settings, bytes: bytes(run.output), rate: kbps(run.output), bandwidthKhz: bandwidthKhz(run.output), cpuSeconds: run.cpuSeconds });
      }
      for (const p of target.peers.filter((x) => which(x.command))) {
        progress(`${name} -> ${p.name}`);
        const output = path.join(fresh(path.join(work, 'peers')), `peer.${p.ext}`);
        const done = peer(p.name, p.command, p.args(wav, output), output);
        if (!done) continue;
        rows.push({ source: label, format: target.format, who: 'peer', name: p.name, settings: `${p.command} ${p.settings.join(' ')}`, bytes: bytes(output), rate: kbps(output), bandwidthKhz: bandwidthKhz(output), cpuSeconds: done.cpuSeconds });
      }
    }
  }
  return withRatios(rows);
}

// ---- the report ----

const cell = (text: string) => text.replace(/\|/g, '\\|');
const fixed = (n: number | undefined, digits: number) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));
const size = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} KB`);
const who = (r: Row) => (r.who === 'ours' ? `**${r.name}**` : r.name);

function videoTable(rows: Row[], vmaf: boolean): string[] {
  return [
    `| clip | format | row | settings | size | Mbps | SSIM | ${vmaf ? 'VMAF' : 'VMAF (no libvmaf)'} | CPU s | CPU / peer |`,
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.source} | ${r.format} | ${who(r)} | \`${cell(r.settings)}\` | ${size(r.bytes)} | ${(r.rate / 1000).toFixed(2)} | ${fixed(r.ssim, 5)} | ${fixed(r.vmaf, 2)} | ${r.cpuSeconds.toFixed(1)} | ${fixed(r.cpuRatio, 2)} |`),
  ];
}

function photoTable(rows: Row[]): string[] {
  return [
    '| photo | format | row | settings | size | bits/pixel | SSIM | CPU s | CPU / peer |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.source} | ${r.format} | ${who(r)} | \`${cell(r.settings)}\` | ${size(r.bytes)} | ${r.rate.toFixed(3)} | ${fixed(r.ssim, 5)} | ${r.cpuSeconds.toFixed(2)} | ${fixed(r.cpuRatio, 2)} |`),
  ];
}

function soundTable(rows: Row[]): string[] {
  return [
    '| sound | format | row | settings | size | kbps | bandwidth kHz | CPU s | CPU / peer |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.source} | ${r.format} | ${who(r)} | \`${cell(r.settings)}\` | ${size(r.bytes)} | ${r.rate.toFixed(0)} | ${fixed(r.bandwidthKhz, 2)} | ${r.cpuSeconds.toFixed(2)} | ${r.format === 'WAV' ? '' : fixed(r.cpuRatio, 2)} |`),
  ];
}

function version(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.split('\n').find((l) => /\d+\.\d+/.test(l))?.trim() ?? 'unknown';
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  requireBuild();
  fresh(work);
  const vmaf = hasVmaf();
  const started = new Date();
  const loadAtStart = loadavg()[0]!;
  const sections: string[] = [];
  const at = (file: string) => path.join(SOURCES, file);
  if (options.sections.has('video')) {
    progress(`making two ${options.seconds} s 1080p30 clips from the photos`);
    const pug = await referencePng(at('pug.heic'), work);
    const xiaomi = await referencePng(at('xiaomi.heic'), work);
    const clips = [
      { name: `pan across pug.heic (${options.seconds} s)`, file: makeClip(pug, path.join(work, 'pan.mkv'), options.seconds, { kind: 'pan' }) },
      { name: `zoom into xiaomi.heic (${options.seconds} s)`, file: makeClip(xiaomi, path.join(work, 'zoom.mkv'), options.seconds, { kind: 'zoom' }) },
    ];
    sections.push('## Video', '', 'Each clip: 1920x1080, 30 fps, no sound, lossless x264 in MKV (so every target encodes); SSIM against it.', '', ...videoTable(videoRows(clips, vmaf), vmaf), '');
  }
  if (options.sections.has('photo')) {
    sections.push('## Photos', '', 'Ours convert the photo itself; the peers encode the reference: the upright PNG the built command decodes the photo to, in sRGB. SSIM compares each output, decoded to sRGB as a viewer shows it, with that reference. Our files keep the photo\'s metadata (EXIF, ICC profile), the peers\' do not.', '', ...photoTable(await photoRows([at('pug.heic'), at('xiaomi.heic'), at('portrait_6.jpg')])), '');
  }
  if (options.sections.has('sound')) {
    sections.push('## Sound', '', 'Every row encodes the same WAV (the source decoded). Bandwidth: the highest 250 Hz band of the long-term spectrum within 60 dB of the loudest band.', '', ...soundTable(soundRows([at('Oxygen-Sys-Log-In.ogg'), at('video_with_failing_audio.mp3')])), '');
  }
  const minutes = (Date.now() - started.getTime()) / 60000;
  const header = [
    '# Quality per byte: our levels against the peers',
    '',
    `Made by \`npm run bench:quality${options.quick ? ' -- --quick' : ''}\` (test/bench/qualityBench.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${minutes.toFixed(0)} min: ${availableParallelism()} cores (load average ${loadAtStart.toFixed(1)} at the start); ${version('ffmpeg', ['-version'])}; Node ${process.version}.`,
    `Our rows run the built command (\`node bin/convertr.js convert <file> --to <format> --quality <level> --json\`); their settings are what it ran, recorded as it ran (ffmpeg and heif-dec arguments, sharp's encoder options). CPU is user + system time of the command and its children (GNU time); "CPU / peer" divides by the first peer row of the same source and format (n/a where that peer took under 0.05 s).`,
    `Clips: ${options.seconds} s${options.quick ? ' (--quick; the default is 10 s)' : ''}. VMAF: ${vmaf ? 'libvmaf' : 'this ffmpeg has no libvmaf, so SSIM only'}.`,
    ...(missing.length > 0 ? [`Missing here: ${missing.join('; ')}.`] : ['Every peer tool was installed.']),
    ...notes.map((n) => `Note: ${n}`),
    '',
  ];
  const text = [...header, ...sections].join('\n');
  console.log(text);
  if (options.write) writeFileSync(path.join(ROOT, 'test/bench/QUALITY.md'), text);
  rmSync(work, { recursive: true, force: true });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

