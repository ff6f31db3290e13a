// npm run bench: our engine against the native tools, side by side in one run, as ratios (ours / baseline).
// Needs ffmpeg, heif-convert (libheif-examples), vips (libvips-tools) and GNU time; generates its inputs.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { identifyInput, refineFormat } from '../../main/core/engine/identify/identifyInput';
import { probeMovieForAudio } from '../../main/core/engine/identify/isoBmffProbe';
import { buildFfmpegArgs } from '../../main/core/engine/plan/ffmpegPlan';
import { planAudioConversion } from '../../main/core/engine/plan/planAudio';
import { planVideoConversion } from '../../main/core/engine/plan/planVideo';
import { FfprobeProber } from '../../native/ffmpeg/ffprobeProber';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const CORES = availableParallelism();
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const work = path.join(tmpdir(), `convertr-bench-${process.pid}`);
const CLI = path.join(ROOT, 'out/main/cli.cjs');
/** BENCH_BEFORE=<another build's out/main/cli.cjs, or cli.js before it was CommonJS>: rows 5, 6 and 8 also run it, interleaved, in a "before" column. */
const BEFORE = process.env['BENCH_BEFORE'] ? path.resolve(process.env['BENCH_BEFORE']) : undefined;
/** BENCH_ONLY=5,7 runs those rows only (and makes only their inputs); every row when unset. */
const ONLY = process.env['BENCH_ONLY'] ? new Set(process.env['BENCH_ONLY'].split(',').map((n) => Number(n.trim()))) : undefined;
const wanted = (row: number) => !ONLY || ONLY.has(row);

function sh(command: string, args: string[]): void {
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function copies(source: string, dir: string, count: number, ext: string): string {
  fresh(dir);
  for (let i = 0; i < count; i++) copyFileSync(source, path.join(dir, `f${String(i).padStart(4, '0')}.${ext}`));
  return dir;
}

interface Timing {
  seconds: number;
  /** User and system time of the command and the processes it waited for (GNU time: 10 ms steps). */
  cpuSeconds: number;
  maxRssMb: number;
  queuedAfter?: number;
}

/** Wall time, CPU time and peak RSS (GNU time) of one command, and how long it took to list and queue its inputs when it says (CONVERTR_TIMINGS=1). */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Timing {
  const start = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M %U %S', command, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  const [maxRssKb, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const queued = /queued ([\d.]+) s after the process started/.exec(result.stderr);
  return { seconds, cpuSeconds: user! + system!, maxRssMb: maxRssKb! / 1024, ...(queued ? { queuedAfter: Number(queued[1]) } : {}) };
}

/** The native tools over every file of a folder with xargs -P <cores>. */
function nativeBatch(inputDir: string, outputDir: string, template: string): Timing {
  fresh(outputDir);
  const script = `cd '${inputDir}' && ls | xargs -P ${CORES} -I{} sh -c '${template.replace(/'/g, "'\\''")}'`;
  return timed('sh', ['-c', script]);
}

function ours(input: string, target: string, outputDir: string, cli = CLI): Timing {
  fresh(outputDir);
  return timed(process.execPath, [cli, 'convert', input, '--to', target, '--out', outputDir, '--json'], { CONVERTR_HOME: path.join(work, cli === CLI ? 'home' : 'home-before'), CONVERTR_TIMINGS: '1' });
}

/** The same run with the BENCH_BEFORE build, when one is given. */
const before = (input: string, target: string, outputDir: string) => (BEFORE ? () => ours(input, target, `${outputDir}-before`, BEFORE) : undefined);

/** A shell word. */
const quoted = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * The ffmpeg arguments our engine runs for one file (planned as the converter plans it), as a shell command with
 * `{}` for the input's name and `<out>/{}.<ext>` for the output, for xargs: the baseline with the same encoder settings.
 */
async function plannedCommand(sample: string, target: 'mp3', outputDir: string): Promise<string> {
  const identified = await identifyInput(sample);
  const probe = probeMovieForAudio(sample);
  if (!probe) throw new Error(`${sample} is not read in process; the bench expects a plain MP4`);
  const input = { ...refineFormat(identified, probe), probe };
  const output = path.join(outputDir, `OUTPUT.${target}`);
  const args = buildFfmpegArgs(planAudioConversion(input, target), input, output);
  const words = args.map((a) => a === `file:${sample}` ? 'file:{}' : a.replace(output, path.join(outputDir, `{}.${target}`)));
  return `ffmpeg ${words.map(quoted).join(' ')} > /dev/null`;
}

/** The same for a video into MP4 (probed by ffprobe, as the engine probes an AVI): the planner's encoder, preset and quality. */
async function plannedVideoCommand(sample: string, outputDir: string): Promise<string> {
  const identified = await identifyInput(sample);
  const probe = await new FfprobeProber('ffprobe').probe({ path: sample, demuxer: identified.demuxer });
  const input = { ...refineFormat(identified, probe), probe };
  const output = path.join(outputDir, 'OUTPUT.mp4');
  const args = buildFfmpegArgs(planVideoConversion(input, 'mp4', { passLogFile: path.join(outputDir, 'pass') }), input, output);
  const words = args.map((a) => a === `file:${sample}` ? 'file:{}' : a.replace(output, path.join(outputDir, '{}.mp4')));
  return `ffmpeg ${words.map(quoted).join(' ')} > /dev/null`;
}

/** Ours over the baseline in bytes, for rows whose baseline writes another encoder's files. */
function bytesRatio(ours: string, baseline: string): string {
  const total = (dir: string) => readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  return `${Math.round((total(ours) / total(baseline) - 1) * 100)} %`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Row {
  name: string;
  ours: number;
  baseline: number;
  target: string;
  /** The BENCH_BEFORE build's median, run interleaved with ours and the baseline. */
  before?: number;
  /** Median CPU time of ours, the baseline and the BENCH_BEFORE build: steadier than wall time on a busy machine. */
  cpu: { ours: number; baseline: number; before?: number };
}

function compare(name: string, target: string, runOurs: () => Timing, runBaseline: () => Timing, rss?: number[], runBefore?: () => Timing): Row {
  const a: Timing[] = [];
  const b: Timing[] = [];
  const c: Timing[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (runBefore) c.push(runBefore());
    const mine = runOurs();
    a.push(mine);
    if (rss) rss.push(mine.maxRssMb);
    b.push(runBaseline());
  }
  const wall = (runs: Timing[]) => median(runs.map((t) => t.seconds));
  const cpu = (runs: Timing[]) => median(runs.map((t) => t.cpuSeconds));
  return {
    name, ours: wall(a), baseline: wall(b), target,
    ...(c.length > 0 ? { before: wall(c) } : {}),
    cpu: { ours: cpu(a), baseline: cpu(b), ...(c.length > 0 ? { before: cpu(c) } : {}) },
  };
}

/** `node -e 0` with NODE_EXTRA_CA_CERTS as set and without it (medians, interleaved): Node 20 reads that file at every start. */
function extraCaCertsCost(): string | undefined {
  if (!process.env['NODE_EXTRA_CA_CERTS']) return undefined;
  const without = { ...process.env };
  delete without['NODE_EXTRA_CA_CERTS'];
  const set: number[] = [];
  const unset: number[] = [];
  for (let i = 0; i < 11; i++) {
    set.push(timed(process.execPath, ['-e', '0']).seconds);
    unset.push(timed('env', ['-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0']).seconds);
  }
  const cost = `NODE_EXTRA_CA_CERTS is set here: Node's start takes ${(median(set) * 1000).toFixed(0)} ms with it and ${(median(unset) * 1000).toFixed(0)} ms without (\`node -e 0\`, medians of 11)`;
  if (process.env['BENCH_KEEP_CA']) return `${cost}; every row of ours pays that difference (BENCH_KEEP_CA=1).`;
  // A user's machine does not set it: every command of these rows runs without it (BENCH_KEEP_CA=1 keeps it).
  delete process.env['NODE_EXTRA_CA_CERTS'];
  return `${cost}; these rows ran without it, as a user's machine does (BENCH_KEEP_CA=1 keeps it).`;
}

async function generate(): Promise<Record<string, string>> {
  const seeds = fresh(path.join(work, 'seeds'));
  const tiny = path.join(seeds, 'icon.png');
  await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 40, g: 120, b: 200 } } }).png().toFile(tiny);
  const clip720 = path.join(seeds, 'clip720.mp4');
  if (wanted(8)) {
    sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=20', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=20:sample_rate=48000', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip720]);
  }
  if (!wanted(1) && !wanted(2) && !wanted(3) && !wanted(4) && !wanted(6)) {
    return {
      clip720,
      thousand: copies(tiny, path.join(work, 'in-1000'), 1000, 'png'),
      ...(wanted(7) ? { tenThousand: copies(tiny, path.join(work, 'in-10000'), 10_000, 'png') } : {}),
    };
  }
  const phone = path.join(seeds, 'phone.mp4');
  sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=10', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10:sample_rate=48000', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', phone]);
  const camera = path.join(seeds, 'camera.avi');
  sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x480:rate=25:duration=10', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10', '-c:v', 'mpeg4', '-q:v', '4', '-c:a', 'libmp3lame', '-shortest', camera]);
  const compatible = path.join(seeds, 'compatible.mp4');
  if (wanted(4)) sh('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=60', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', compatible]);
  const png = path.join(seeds, 'scan.png');
  await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 128, g: 128, b: 128 }, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toFile(png);
  const heic = fresh(path.join(work, 'in-heic'));
  for (let i = 0; i < 60; i++) copyFileSync(path.join(CORPUS, 'heic', i % 2 === 0 ? 'arrow.heic' : 'pug.heic'), path.join(heic, `IMG_${String(i).padStart(4, '0')}.heic`));
  const heic12 = fresh(path.join(work, 'in-heic12'));
  for (let i = 0; i < 12; i++) copyFileSync(path.join(CORPUS, 'heic', i % 2 === 0 ? 'arrow.heic' : 'pug.heic'), path.join(heic12, `IMG_${String(i).padStart(4, '0')}.heic`));
  return {
    mp4: copies(phone, path.join(work, 'in-mp4'), 20, 'mp4'),
    avi: copies(camera, path.join(work, 'in-avi'), 4, 'avi'),
    heic,
    heic12,
    png: copies(png, path.join(work, 'in-png'), 100, 'png'),
    tiny: copies(tiny, path.join(work, 'in-tiny'), 500, 'png'),
    thousand: copies(tiny, path.join(work, 'in-1000'), 1000, 'png'),
    tenThousand: copies(tiny, path.join(work, 'in-10000'), 10_000, 'png'),
    ...(wanted(4) ? { compatible: copies(compatible, path.join(work, 'in-compatible'), 1, 'mp4') } : {}),
    clip720,
  };
}

function version(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.split('\n').find((l) => /\d+\.\d+/.test(l))?.trim() ?? 'unknown';
}

async function main(): Promise<void> {
  sh('npx', ['electron-vite', 'build']);
  const caCerts = extraCaCertsCost();
  const inputs = await generate();
  const out = (name: string) => path.join(work, `out-${name}`);
  const rss: number[] = [];
  const rss10k: number[] = [];
  const rows: Row[] = [];
  let remux: Row | undefined;
  let mp3: Row | undefined;
  if (wanted(1) || wanted(6)) {
    // The baseline runs the very arguments our planner gives these files (encoder, bitrate or quality, tags), under xargs.
    const mp3Command = await plannedCommand(path.join(inputs.mp4!, 'f0000.mp4'), 'mp3', out('mp3n'));
    const mp3Row = compare('MP4->MP3 x20', '', () => ours(inputs.mp4!, 'mp3', out('mp3')), () => nativeBatch(inputs.mp4!, out('mp3n'), mp3Command), rss, before(inputs.mp4!, 'mp3', out('mp3')));
    mp3 = { ...mp3Row, name: `6. 20 MP4->MP3 vs ffmpeg under xargs -P ${CORES} (same binaries, the planner's arguments)`, target: '<= 1.10' };
  }
  // At the balanced level ours runs heif-convert too, then gives its JPEG the optimal Huffman tables (the same pixels, fewer bytes).
  const heicRow = (row: Row, ourDir: string, baselineDir: string): Row => ({ ...row, name: `${row.name} (both libheif's libjpeg q90; ours with optimal Huffman tables, ${bytesRatio(ourDir, baselineDir)} bytes)` });
  if (wanted(1)) {
    const aviCommand = await plannedVideoCommand(path.join(inputs.avi!, readdirSync(inputs.avi!)[0]!), out('avin'));
    const mixed = [
      mp3!,
      // The planner's own arguments (x264's preset and CRF of the balanced level), as row 6 does for the sound.
      compare('AVI->MP4 x4 (ffmpeg with the planner\'s arguments)', '', () => ours(inputs.avi!, 'mp4', out('avi')), () => nativeBatch(inputs.avi!, out('avin'), aviCommand), rss),
      heicRow(compare('HEIC->JPG x60', '', () => ours(inputs.heic!, 'jpg', out('heic')), () => nativeBatch(inputs.heic!, out('heicn'), `heif-convert -q 90 {} ${out('heicn')}/{}.jpg > /dev/null`), rss), out('heic'), out('heicn')),
      compare('PNG->WEBP x100', '', () => ours(inputs.png!, 'webp', out('png')), () => nativeBatch(inputs.png!, out('pngn'), `vips copy {} ${out('pngn')}/{}.webp[Q=90]`), rss),
    ];
    const sum = (pick: (r: Row) => number) => mixed.reduce((n, r) => n + pick(r), 0);
    const mixedRow: Row = { name: '1. mixed batch (sum of the four)', ours: sum((r) => r.ours), baseline: sum((r) => r.baseline), target: '<= 1.10', cpu: { ours: sum((r) => r.cpu.ours), baseline: sum((r) => r.cpu.baseline) } };
    rows.push({ ...mixed[0]!, name: 'MP4->MP3 x20', target: '' }, ...mixed.slice(1), mixedRow);
  }
  if (wanted(2)) rows.push(compare('2. 500 small PNG->JPG', '<= 1.5', () => ours(inputs.tiny!, 'jpg', out('tiny')), () => timed('sh', ['-c', `mkdir -p ${out('tinyn')} && cd '${inputs.tiny}' && for f in *; do vips copy "$f" "${out('tinyn')}/$f.jpg[Q=90]"; done`])));
  if (wanted(3)) rows.push(heicRow(compare('3. 12 x 12 MP HEIC->JPG', '<= 1.5', () => ours(inputs.heic12!, 'jpg', out('heic12')), () => nativeBatch(inputs.heic12!, out('heic12n'), `heif-convert -q 90 {} ${out('heic12n')}/{}.jpg > /dev/null`)), out('heic12'), out('heic12n')));
  // The file itself: an MP4 found in a folder is skipped as already in the target format.
  if (wanted(4)) {
    remux = compare('4. MP4->MP4, compatible 60 s 1080p phone clip', '>= 30x faster', () => ours(path.join(inputs.compatible!, 'f0000.mp4'), 'mp4', out('remux')), () => nativeBatch(inputs.compatible!, out('remuxn'), `ffmpeg -nostdin -v error -i {} -c:v libx264 -c:a aac ${out('remuxn')}/{}`));
    rows.push(remux);
  }
  if (wanted(5)) {
    rows.push(compare('5. 1000 small PNG->JPG vs sharp direct (one in flight per core)', '<= 1.10', () => ours(inputs.thousand!, 'jpg', out('k')), () => {
      fresh(out('kn'));
      return timed(process.execPath, [path.join(ROOT, 'test/bench/sharpDirect.mjs'), inputs.thousand!, out('kn'), 'jpg']);
    }, undefined, before(inputs.thousand!, 'jpg', out('k'))));
  }
  if (mp3 && wanted(6)) rows.push(mp3);
  // The fixed cost of a video job: the whole command (Node's start, reading the input, the check) against ffmpeg alone.
  if (wanted(8)) {
    rows.push(compare('8. MP4->MP4 remux of a compatible 20 s 720p clip vs ffmpeg -c copy', '<= 2', () => ours(inputs.clip720!, 'mp4', out('copy')), () => {
      fresh(out('copyn'));
      return timed('ffmpeg', ['-nostdin', '-v', 'error', '-i', inputs.clip720!, '-c', 'copy', path.join(out('copyn'), 'clip720.mp4')]);
    }, undefined, before(inputs.clip720!, 'mp4', out('copy'))));
  }
  const queued10k: number[] = [];
  if (wanted(7)) {
    rows.push(compare('7. 10,000 vs 1,000 small PNG->JPG (total time)', '<= 11', () => {
      const run = ours(inputs.tenThousand!, 'jpg', out('10k'));
      if (run.queuedAfter !== undefined) queued10k.push(run.queuedAfter);
      return run;
    }, () => ours(inputs.thousand!, 'jpg', out('1k')), rss10k));
  }
  const withBefore = rows.some((r) => r.before !== undefined);
  const ratio = (a: number | undefined, b: number) => (a === undefined || b === 0 ? '' : (a / b).toFixed(2));
  const beforeCells = (r: Row) => (withBefore ? ` ${r.before?.toFixed(2) ?? ''} | ${ratio(r.before, r.baseline)} | ${ratio(r.cpu.before, r.cpu.baseline)} |` : '');
  const lines = [
    `Machine: ${CORES} cores; ${version('ffmpeg', ['-version'])}; heif-convert ${version('heif-convert', ['--help'])}; ${version('vips', ['--version'])}; Node ${process.version}; median of ${RUNS} runs`,
    ...(withBefore ? [`"before" runs ${path.relative(ROOT, BEFORE!)}, interleaved with ours and the baseline in the same runs`] : []),
    '',
    `| benchmark | ours (s) | baseline (s) | ours / baseline | CPU ours / baseline |${withBefore ? ' before (s) | before / baseline | CPU before / baseline |' : ''} target |`,
    `|---|---:|---:|---:|---:|${withBefore ? '---:|---:|---:|' : ''}---|`,
    ...rows.map((r) => `| ${r.name} | ${r.ours.toFixed(2)} | ${r.baseline.toFixed(2)} | ${(r.ours / r.baseline).toFixed(2)}${r === remux ? ` (${(r.baseline / r.ours).toFixed(1)}x faster)` : ''} | ${ratio(r.cpu.ours, r.cpu.baseline)} |${beforeCells(r)} ${r.target} |`),
    '',
    ...(caCerts ? [caCerts] : []),
    ...(rss.length > 0 ? [`Peak RSS of the CLI on the mixed batch: ${Math.max(...rss).toFixed(0)} MB (target < 1024 MB)`] : []),
    ...(rss10k.length > 0 ? [
      `Peak RSS of the CLI on 10,000 files: ${Math.max(...rss10k).toFixed(0)} MB (target < 400 MB)`,
      `10,000 files listed and queued ${queued10k.length > 0 ? median(queued10k).toFixed(2) : '?'} s after the command started, Node's start included (median; target < 3 s)`,
    ] : []),
  ];
  console.log(lines.join('\n'));
  if (process.env['BENCH_WRITE']) writeFileSync(path.join(ROOT, 'test/bench/RESULTS.md'), `# Benchmark results\n\n${lines.join('\n')}\n`);
  readdirSync(work);
  rmSync(work, { recursive: true, force: true });
}

void main();
