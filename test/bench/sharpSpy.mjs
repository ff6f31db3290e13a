// Loaded with `node --import` before the built command by the quality bench: writes down the options of every
// sharp encoder call (one JSON line each, to QUALITY_BENCH_SHARP_LOG) and changes nothing else.
import { appendFileSync } from 'node:fs';
import sharp from 'sharp';

const log = process.env.QUALITY_BENCH_SHARP_LOG;
let depth = 0;
for (const method of ['jpeg', 'png', 'webp', 'avif', 'heif', 'tiff', 'gif', 'jxl']) {
  const original = sharp.prototype[method];
  if (!log || typeof original !== 'function') continue;
  sharp.prototype[method] = function (options) {
    // avif() calls heif() itself: only the outer call is what the caller asked for.
    if (depth === 0) appendFileSync(log, `${JSON.stringify({ method, options })}\n`);
    depth++;
    try {
      return original.call(this, options);
    } finally {
      depth--;
    }
  };
}
