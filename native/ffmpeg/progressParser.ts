/**
 * Reads ffmpeg's `-progress pipe:1` stream: blocks of key=value lines ending in `progress=continue|end`.
 * Calls back with the seconds of output written at the end of each block.
 */
export function createProgressParser(onSeconds: (seconds: number) => void): (chunk: string) => void {
  let pending = '';
  let outTimeUs: number | undefined;
  return (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const raw of lines) {
      const line = raw.trim();
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      if (key === 'out_time_us' || key === 'out_time_ms') {
        const n = Number(value);
        if (Number.isFinite(n) && n >= 0) outTimeUs = n;
      } else if (key === 'progress') {
        if (outTimeUs !== undefined) onSeconds(outTimeUs / 1e6);
      }
    }
  };
}
