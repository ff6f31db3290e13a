// Converts every shared corpus file to the targets SOURCES.md names and prints a Markdown table (npm run corpus:report).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppError } from '../../main/core/errors';
import type { OutputFormat } from '../../main/core/formats';
import { createNativeEngine } from '../../native/createNativeEngine';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
const CASES: [string, OutputFormat[]][] = [
  ['heic/pug.heic', ['jpg']], ['heic/arrow.heic', ['jpg', 'png']], ['heic/cat.hif', ['jpg']], ['heic/RGBA_10__29x100.heif', ['png', 'jpg']],
  ['heic/xiaomi.heic', ['jpg']], ['heic/IMG_5195.HEIC', ['jpg']], ['heic/truncated.heic', ['jpg']], ['heic/corrupted.heic', ['jpg']],
  ['video/mpeg4-mp3.avi', ['mp4']], ['video/sideways movie.mov', ['mp4']], ['video/ios9.mov', ['mp4', 'mp3']], ['video/vfr-rotated.mp4', ['mp4', 'mp3']],
  ['video/video_with_failing_audio.mp4', ['mp4', 'mp3']], ['video/bear-vp9-odd-dimensions.webm', ['mp4', 'mp3']], ['video/sample_with_pgs_subtitles.mkv', ['mp4']],
  ['video/hlg10-color-test.mp4', ['mp4']], ['video/broken.mp4', ['mp4']], ['video/iphone4s-portrait.MOV', ['mp4', 'mp3']],
  ['audio/with-attached-pic.mp3', ['mp3', 'm4a', 'wav']], ['audio/sixchan.wav', ['mp3']], ['audio/100kB-garbage-prefix.mp3', ['mp3', 'wav']], ['audio/ms-adpcm.wav', ['mp3']],
  ['image/portrait_6.jpg', ['png', 'webp']], ['image/pixel-motion-photo-shortened.jpg', ['png']], ['image/pigs_in_a_polka.gif', ['mp4', 'webp']],
];

const engine = createNativeEngine();
const out = mkdtempSync(path.join(tmpdir(), 'convertr-corpus-'));
const lines = ['| file | target | result | runtime |', '|---|---|---|---:|'];
for (const [file, targets] of CASES) {
  for (const target of targets) {
    const started = performance.now();
    try {
      const result = await engine.converter.convert({ inputPath: path.join(CORPUS, file), target, outputDir: out });
      const notes = result.notes.length > 0 ? ` (${result.notes.join(' ')})` : '';
      lines.push(`| ${file} | ${target.toUpperCase()} | ${result.pair} ${result.strategy}${notes} | ${Math.round(result.runtimeMs)} ms |`);
    } catch (error) {
      const appError = error as AppError;
      lines.push(`| ${file} | ${target.toUpperCase()} | ${appError.code}: ${appError.message} | ${Math.round(performance.now() - started)} ms |`);
    }
  }
}
console.log(lines.join('\n'));
await engine.close();
rmSync(out, { recursive: true, force: true });
