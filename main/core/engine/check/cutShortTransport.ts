import type { ByteSource } from './byteSource.js';
import type { CutShort } from './cutShortInput.js';

const SYNC = 0x47;
/**
 * Packet sizes and where the sync byte lies in each: 188 (broadcast, .ts), 192 (Blu-ray and AVCHD's .m2ts/.mts, a
 * 4-byte time stamp first) and 204 (188 and 16 bytes of error correction, from DVB capture cards).
 */
const LAYOUTS = [{ size: 188, sync: 0 }, { size: 192, sync: 4 }, { size: 204, sync: 0 }] as const;
type Layout = (typeof LAYOUTS)[number];
/** Sync bytes in a row that fix the packet size at the start, and that a file's last packets are read by. */
const SYNCED_PACKETS = 8;

/** The packet layout whose sync bytes recur for SYNCED_PACKETS packets from one of the first bytes of the stream. */
function layoutAt(head: Uint8Array): Layout | undefined {
  for (const layout of LAYOUTS) {
    for (let first = 0; first < layout.size; first += 1) {
      let synced = 0;
      while (synced < SYNCED_PACKETS && head[first + synced * layout.size] === SYNC) synced += 1;
      if (synced === SYNCED_PACKETS) return layout;
    }
  }
  return undefined;
}

/**
 * Whether an MPEG transport stream (.ts, .mts, .m2ts) ends partway through a packet, as an interrupted download or copy
 * leaves it: the sync bytes of its last packets, each a packet apart, place one that the file ends within. A TS declares
 * no length, so the share is not known. Undefined when it ends on a whole packet (a cut there cannot be told), when its
 * last packets are out of step, or when bytes that begin no packet follow them (a tag some tools append).
 */
export function cutShortTransport(source: ByteSource, skipBytes = 0): CutShort | undefined {
  const layout = layoutAt(source.read(skipBytes, 204 + SYNCED_PACKETS * 204));
  if (!layout) return undefined;
  const windowBytes = (SYNCED_PACKETS + 1) * layout.size;
  const from = Math.max(skipBytes, source.size - windowBytes);
  const tail = source.read(from, source.size - from);
  if (tail.length < windowBytes) return undefined;
  // The last sync byte with one a packet before it all the way back through the window: a stray 0x47 in a payload is not.
  for (let at = tail.length - 1; at >= tail.length - layout.size - 1 && at >= 0; at -= 1) {
    let before = at;
    while (before >= 0 && tail[before] === SYNC) before -= layout.size;
    if (before >= 0) continue;
    const end = at - layout.sync + layout.size;
    return end > tail.length ? { presentBytes: source.size } : undefined;
  }
  return undefined;
}
