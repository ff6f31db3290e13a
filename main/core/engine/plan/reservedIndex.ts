/**
 * An MP4/MOV written with `+faststart` is written whole, then read and written again to move its index (the
 * moov box) to the front: twice the writing of the whole file. A copy's index is about the size of its input's,
 * so room for it can be kept at the front instead (`-moov_size`), and the file is written once. When the room
 * is too small ffmpeg refuses to finish the file; the job then runs again with `+faststart`.
 */

/** Room kept beyond the input's index: its tables are rewritten by ffmpeg, with our metadata and chapters. */
const INDEX_ROOM_FACTOR = 1.25;
const INDEX_ROOM_EXTRA_BYTES = 16 * 1024;

/** The arguments with room kept for the index instead of `+faststart`; undefined when they do not ask for faststart. */
export function withReservedIndex(args: readonly string[], inputIndexBytes: number | undefined): string[] | undefined {
  if (inputIndexBytes === undefined || inputIndexBytes <= 0) return undefined;
  const at = args.findIndex((arg, i) => args[i - 1] === '-movflags' && /(^|\+)faststart\b/.test(arg));
  if (at < 0) return undefined;
  const flags = args[at]!.split('+').filter((flag) => flag !== '' && flag !== 'faststart');
  const room = Math.ceil(inputIndexBytes * INDEX_ROOM_FACTOR) + INDEX_ROOM_EXTRA_BYTES;
  const kept = flags.length > 0 ? [...args.slice(0, at), `+${flags.join('+')}`, ...args.slice(at + 1)] : [...args.slice(0, at - 1), ...args.slice(at + 1)];
  // Output options go before the output, which is always the last argument.
  return [...kept.slice(0, -1), '-moov_size', String(room), kept.at(-1)!];
}

/** ffmpeg refused to finish the file because the index did not fit the room kept for it. */
export function isReservedIndexTooSmall(error: unknown): boolean {
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  return typeof detail === 'string' && detail.includes('reserved_moov_size is too small');
}
