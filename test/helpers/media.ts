import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared corpus beside the checkout; CONVERTR_TEST_CORPUS points elsewhere (the mutation sandbox is deeper). */
export const CORPUS = process.env['CONVERTR_TEST_CORPUS'] ?? fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const corpus = (relative: string) => path.join(CORPUS, relative);

export function tempDir(prefix = 'convertr-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs ffmpeg to make a test input; throws with ffmpeg's stderr if it fails. */
export function makeMedia(args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  pix_fmt?: string;
  sample_aspect_ratio?: string;
  width?: number;
  height?: number;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  color_transfer?: string;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

export interface Probed {
  format: { format_name: string; duration?: string; tags?: Record<string, string> };
  streams: ProbedStream[];
}

/** ffprobe straight from the test, independent of the engine's own probe code. */
export function ffprobe(file: string): Probed {
  const out = execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { encoding: 'utf8' });
  return JSON.parse(out) as Probed;
}

export const videoOf = (p: Probed) => p.streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
export const audiosOf = (p: Probed) => p.streams.filter((s) => s.codec_type === 'audio');
export const durationOf = (p: Probed) => Number(p.format.duration);
export const rotationOf = (s: ProbedStream | undefined) => s?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0;

/** exiftool's reading of tags, e.g. ['Orientation#', 'DateTimeOriginal']. */
export function exiftool(file: string, tags: string[]): Record<string, string | number> {
  const out = execFileSync('exiftool', ['-j', '-n', ...tags.map((t) => `-${t}`), file], { encoding: 'utf8' });
  return (JSON.parse(out) as Record<string, string | number>[])[0]!;
}

/** Files in a folder, hidden ones included: what a failed job must not leave behind. */
export function listAll(dir: string): string[] {
  return readdirSync(dir).sort();
}
