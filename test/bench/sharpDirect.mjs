// The reference for the small-image benchmark: sharp itself over a folder, one conversion in flight per core.
// Usage: node sharpDirect.mjs <input dir> <output dir> <format>
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const [input, output, format] = process.argv.slice(2);
const files = readdirSync(input);
let next = 0;
async function worker() {
  while (next < files.length) {
    const file = files[next++];
    await sharp(path.join(input, file)).rotate().toFormat(format, { quality: 90 }).toFile(path.join(output, `${file}.${format}`));
  }
}
await Promise.all(Array.from({ length: availableParallelism() }, worker));
