import { BitReader, huffmanTable, type HuffmanTable } from './jpegOutput.js';

/**
 * Rewrites a baseline JPEG's Huffman tables as the optimal ones for its own coefficients (what libjpeg's
 * `optimize_coding` writes): the same pixels, 2-4 % fewer bytes. The coefficients are not decoded into numbers,
 * only re-coded: each Huffman symbol gets a new code and its extra bits are copied as they are. Anything this
 * does not cover (progressive, restart intervals, several scans, arithmetic coding, a damaged scan) comes back
 * unchanged.
 */
export function optimiseJpegHuffman(bytes: Uint8Array): Uint8Array {
  try {
    return recode(bytes) ?? bytes;
  } catch {
    return bytes;
  }
}

interface Layout {
  /** Byte ranges before the scan to keep (every segment but the Huffman tables). */
  kept: [number, number][];
  scanHeader: [number, number];
  dataStart: number;
  dataEnd: number;
  blocks: { dc: number; ac: number }[];
  mcus: number;
  dc: Map<number, HuffmanTable>;
  ac: Map<number, HuffmanTable>;
}

function readLayout(bytes: Uint8Array): Layout | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  const dc = new Map<number, HuffmanTable>();
  const ac = new Map<number, HuffmanTable>();
  const kept: [number, number][] = [[0, 2]];
  let components: { id: number; h: number; v: number }[] | undefined;
  let width = 0;
  let height = 0;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    const end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (end > bytes.length) return undefined;
    const body = at + 4;
    if (marker === 0xc4) {
      for (let p = body; p < end;) {
        let count = 0;
        for (let i = 1; i <= 16; i++) count += bytes[p + i]!;
        const table = huffmanTable(bytes.subarray(p + 1, p + 17), bytes.subarray(p + 17, p + 17 + count));
        (bytes[p]! >> 4 === 0 ? dc : ac).set(bytes[p]! & 15, table);
        p += 17 + count;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (bytes[body] !== 8) return undefined;
      height = (bytes[body + 1]! << 8) | bytes[body + 2]!;
      width = (bytes[body + 3]! << 8) | bytes[body + 4]!;
      components = [];
      for (let i = 0; i < bytes[body + 5]!; i++) {
        const c = body + 6 + 3 * i;
        components.push({ id: bytes[c]!, h: bytes[c + 1]! >> 4, v: bytes[c + 1]! & 15 });
      }
      kept.push([at, end]);
    } else if (marker === 0xdd) {
      if (((bytes[body]! << 8) | bytes[body + 1]!) !== 0) return undefined;
      kept.push([at, end]);
    } else if (marker === 0xda) {
      if (!components) return undefined;
      const count = bytes[body]!;
      // One interleaved scan of every component, the whole of each block: a baseline picture.
      if (count !== components.length) return undefined;
      const hMax = Math.max(...components.map((c) => c.h));
      const vMax = Math.max(...components.map((c) => c.v));
      const blocks: Layout['blocks'] = [];
      for (let i = 0; i < count; i++) {
        const component = components.find((c) => c.id === bytes[body + 1 + 2 * i]);
        const tables = bytes[body + 2 + 2 * i]!;
        if (!component || !dc.has(tables >> 4) || !ac.has(tables & 15)) return undefined;
        for (let b = 0; b < component.h * component.v; b++) blocks.push({ dc: tables >> 4, ac: tables & 15 });
      }
      const mcus = count === 1 ? Math.ceil(width / 8) * Math.ceil(height / 8) : Math.ceil(width / (8 * hMax)) * Math.ceil(height / (8 * vMax));
      if (count === 1 && (components[0]!.h !== hMax || components[0]!.v !== vMax)) return undefined;
      // The first marker after the header: a 0xFF not followed by a stuffed zero.
      let dataEnd = bytes.indexOf(0xff, end);
      while (dataEnd >= 0 && dataEnd + 1 < bytes.length && bytes[dataEnd + 1] === 0x00) dataEnd = bytes.indexOf(0xff, dataEnd + 2);
      if (dataEnd < 0 || dataEnd + 1 >= bytes.length) return undefined;
      // The scan must be the last thing before the end-of-image marker.
      if (dataEnd + 2 !== bytes.length || bytes[dataEnd + 1] !== 0xd9) return undefined;
      return { kept, scanHeader: [at, end], dataStart: end, dataEnd, blocks, mcus, dc, ac };
    } else if ((marker >= 0xc2 && marker <= 0xcf) || marker === 0xd9) {
      return undefined;
    } else {
      kept.push([at, end]);
    }
    at = end;
  }
  return undefined;
}

/**
 * Decodes every block of the scan into tokens, one per Huffman symbol: the table (0-3 DC, 4-7 AC) in bits 24-26,
 * the symbol in bits 16-23, its extra bits below. Undefined when the scan does not decode exactly.
 */
function tokensOf(bytes: Uint8Array, layout: Layout): { tokens: Uint32Array; count: number } | undefined {
  const reader = new BitReader(bytes, layout.dataStart, layout.dataEnd);
  const blocks = layout.blocks.map((b) => ({ dcId: b.dc << 24, acId: (4 + b.ac) << 24, dc: layout.dc.get(b.dc)!, ac: layout.ac.get(b.ac)! }));
  let tokens = new Uint32Array(Math.max(1024, (layout.dataEnd - layout.dataStart) * 2));
  let count = 0;
  for (let mcu = 0; mcu < layout.mcus; mcu++) {
    for (const block of blocks) {
      // A block has at most 64 symbols: room for one more block is made before it.
      if (count + 64 > tokens.length) {
        const grown = new Uint32Array(tokens.length * 2);
        grown.set(tokens);
        tokens = grown;
      }
      const first = reader.token(block.dc, true);
      if (first < 0 || first >>> 16 > 11) return undefined;
      tokens[count++] = (block.dcId | first) >>> 0;
      for (let k = 1; k < 64;) {
        const token = reader.token(block.ac, false);
        if (token < 0) return undefined;
        const symbol = token >>> 16;
        const bits = symbol & 15;
        tokens[count++] = (block.acId | token) >>> 0;
        if (bits === 0 && symbol !== 0xf0) break;
        k += (symbol >> 4) + 1;
        if (k > 64) return undefined;
      }
      if (reader.exhausted) return undefined;
    }
  }
  return reader.endsExactly() ? { tokens, count } : undefined;
}

/** Optimal code lengths limited to 16 bits, as counts per length and symbols in order (JPEG Annex K.2, as libjpeg does it). */
function optimalTable(counts: Float64Array): { lengths: Uint8Array; symbols: Uint8Array } {
  const freq = Float64Array.from({ length: 257 }, (_, i) => (i < 256 ? counts[i]! : 1));
  const codeSize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    let c1 = -1;
    let c2 = -1;
    let v = Infinity;
    for (let i = 0; i <= 256; i++) if (freq[i]! > 0 && freq[i]! <= v) { v = freq[i]!; c1 = i; }
    v = Infinity;
    for (let i = 0; i <= 256; i++) if (freq[i]! > 0 && freq[i]! <= v && i !== c1) { v = freq[i]!; c2 = i; }
    if (c2 < 0) break;
    freq[c1] = freq[c1]! + freq[c2]!;
    freq[c2] = 0;
    codeSize[c1]!++;
    while (others[c1]! >= 0) { c1 = others[c1]!; codeSize[c1]!++; }
    others[c1] = c2;
    codeSize[c2]!++;
    while (others[c2]! >= 0) { c2 = others[c2]!; codeSize[c2]!++; }
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codeSize[i]! > 0) bits[codeSize[i]!]!++;
  for (let i = 32; i > 16; i--) {
    while (bits[i]! > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] = bits[i]! - 2;
      bits[i - 1]!++;
      bits[j + 1] = bits[j + 1]! + 2;
      bits[j]!--;
    }
  }
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]!--;
  const symbols: number[] = [];
  for (let length = 1; length <= 32; length++) for (let s = 0; s < 256; s++) if (codeSize[s] === length) symbols.push(s);
  return { lengths: Uint8Array.from(bits.subarray(1, 17)), symbols: Uint8Array.from(symbols) };
}

/** Each symbol's code and length under a table given as counts per length. */
function encoderOf(lengths: Uint8Array, symbols: Uint8Array): { code: Int32Array; size: Int32Array } {
  const code = new Int32Array(256);
  const size = new Int32Array(256);
  let next = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < lengths[length - 1]!; i++) {
      code[symbols[k]!] = next++;
      size[symbols[k++]!] = length;
    }
    next <<= 1;
  }
  return { code, size };
}

/**
 * The scan's tokens under the new codes, their extra bits copied, stuffed and padded with ones: `code` and `size`
 * hold each table's (0-7) code and length per symbol at table * 256 + symbol.
 */
function encodeTokens(tokens: Uint32Array, count: number, code: Int32Array, size: Int32Array, capacity: number): Uint8Array {
  let out = new Uint8Array(capacity);
  let length = 0;
  // Bits not yet written (fewer than 8 between steps), in the low bits.
  let buffer = 0;
  let pending = 0;
  for (let i = 0; i <= count; i++) {
    // Room for the bytes (and stuffing) one token may finish: at most 16 + 16 bits.
    if (length + 10 > out.length) {
      const grown = new Uint8Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    let value: number;
    let bits: number;
    let rest = 0;
    let restBits = 0;
    if (i === count) {
      // The end: the last byte padded with ones.
      bits = (8 - pending) & 7;
      value = (1 << bits) - 1;
    } else {
      const token = tokens[i]!;
      const table = token >>> 24;
      const symbol = (token >>> 16) & 0xff;
      const at = (table << 8) | symbol;
      const extra = table < 4 ? symbol : symbol & 15;
      bits = size[at]!;
      value = code[at]!;
      // A code and its extra bits in one step when they fit in 24 bits (almost always).
      if (bits + extra <= 24) {
        value = (value << extra) | (token & 0xffff);
        bits += extra;
      } else {
        rest = token & 0xffff;
        restBits = extra;
      }
    }
    for (;;) {
      buffer = ((buffer << bits) | value) >>> 0;
      pending += bits;
      while (pending >= 8) {
        pending -= 8;
        const byte = (buffer >>> pending) & 0xff;
        out[length++] = byte;
        if (byte === 0xff) out[length++] = 0;
      }
      buffer &= (1 << pending) - 1;
      if (restBits === 0) break;
      value = rest;
      bits = restBits;
      restBits = 0;
    }
  }
  return out.subarray(0, length);
}

function recode(bytes: Uint8Array): Uint8Array | undefined {
  const layout = readLayout(bytes);
  if (!layout) return undefined;
  const decoded = tokensOf(bytes, layout);
  if (!decoded) return undefined;
  const { tokens, count } = decoded;
  // Symbol counts per table at table * 256 + symbol: a token's bits 16-26.
  const counts = new Float64Array(8 * 256);
  for (let i = 0; i < count; i++) counts[tokens[i]! >>> 16]!++;
  const used = [...new Set(layout.blocks.flatMap((b) => [b.dc, 4 + b.ac]))].sort((a, b) => a - b);
  const tables = new Map(used.map((t) => [t, optimalTable(counts.subarray(t * 256, t * 256 + 256))]));
  const code = new Int32Array(8 * 256);
  const size = new Int32Array(8 * 256);
  for (const [t, table] of tables) {
    const encoder = encoderOf(table.lengths, table.symbols);
    code.set(encoder.code, t * 256);
    size.set(encoder.size, t * 256);
  }
  const data = encodeTokens(tokens, count, code, size, layout.dataEnd - layout.dataStart + 1024);
  const dht: number[] = [];
  for (const [t, table] of tables) dht.push((t >= 4 ? 0x10 : 0) | (t & 3), ...table.lengths, ...table.symbols);
  const dhtSegment = Uint8Array.from([0xff, 0xc4, (dht.length + 2) >> 8, (dht.length + 2) & 0xff, ...dht]);
  const parts = [...layout.kept.map(([from, to]) => bytes.subarray(from, to)), dhtSegment, bytes.subarray(...layout.scanHeader), data, Uint8Array.of(0xff, 0xd9)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out.length < bytes.length ? out : undefined;
}
