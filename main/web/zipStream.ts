import { crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';

/** One file of a streamed archive: its size is known before its bytes are read (from fstat). */
export interface ZipEntry {
  name: string;
  size: number;
  modified: Date;
  /** The bytes, exactly `size` of them (more or fewer fails the archive). */
  open(): Readable;
}

/** Where the archive goes: resolves once the chunk may be followed by the next one (back-pressure). */
export type ZipSink = (chunk: Buffer) => Promise<void>;

const LIMIT32 = 0xffffffff;
const LIMIT16 = 0xffff;
const UTF8_NAMES = 1 << 11;
const SIZES_AFTER_DATA = 1 << 3;

function dosTime(date: Date): { time: number; day: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    day: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** A name unique within the archive: "clip.mp4", then "clip (2).mp4"… */
function uniqueName(name: string, taken: Set<string>): string {
  const safe = name.replace(/[\\/]/g, '_') || 'file';
  let candidate = safe;
  const dot = safe.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ''];
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${stem} (${n})${extension}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

interface Written {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  time: number;
  day: number;
}

/**
 * Writes a store-only (uncompressed) ZIP of the entries to the sink, reading one file at a time: CRC-32
 * as the bytes pass, sizes after each file's data, and ZIP64 records wherever a size, offset or count
 * does not fit the classic 32-bit fields (files over 4 GiB, archives over 4 GiB, over 65,535 files).
 */
export async function writeZip(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, sink: ZipSink): Promise<void> {
  const written: Written[] = [];
  const taken = new Set<string>();
  let offset = 0;
  const put = async (chunk: Buffer) => {
    await sink(chunk);
    offset += chunk.length;
  };

  for await (const entry of entries) {
    const name = Buffer.from(uniqueName(entry.name, taken), 'utf8');
    const { time, day } = dosTime(entry.modified);
    const large = entry.size >= LIMIT32;
    const start = offset;
    const local = Buffer.alloc(30 + name.length + (large ? 20 : 0));
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(large ? 45 : 20, 4);
    local.writeUInt16LE(UTF8_NAMES | SIZES_AFTER_DATA, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(0, 14);
    local.writeUInt32LE(large ? LIMIT32 : 0, 18);
    local.writeUInt32LE(large ? LIMIT32 : 0, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(large ? 20 : 0, 28);
    name.copy(local, 30);
    if (large) {
      local.writeUInt16LE(0x0001, 30 + name.length);
      local.writeUInt16LE(16, 32 + name.length);
    }
    await put(local);

    let crc = 0;
    let read = 0;
    for await (const chunk of entry.open()) {
      const bytes = chunk as Buffer;
      crc = crc32(bytes, crc);
      read += bytes.length;
      if (read > entry.size) break;
      await put(bytes);
    }
    if (read !== entry.size) throw new Error(`${entry.name} changed size while it was being added (${entry.size} bytes expected).`);

    const descriptor = Buffer.alloc(large ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    if (large) {
      descriptor.writeBigUInt64LE(BigInt(read), 8);
      descriptor.writeBigUInt64LE(BigInt(read), 16);
    } else {
      descriptor.writeUInt32LE(read, 8);
      descriptor.writeUInt32LE(read, 12);
    }
    await put(descriptor);
    written.push({ name, crc: crc >>> 0, size: read, offset: start, time, day });
  }

  const directoryStart = offset;
  for (const file of written) {
    const extra: bigint[] = [];
    if (file.size >= LIMIT32) extra.push(BigInt(file.size), BigInt(file.size));
    if (file.offset >= LIMIT32) extra.push(BigInt(file.offset));
    const extraLength = extra.length ? 4 + extra.length * 8 : 0;
    const header = Buffer.alloc(46 + file.name.length + extraLength);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 45, 4);
    header.writeUInt16LE(extra.length ? 45 : 20, 6);
    header.writeUInt16LE(UTF8_NAMES | SIZES_AFTER_DATA, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(file.time, 12);
    header.writeUInt16LE(file.day, 14);
    header.writeUInt32LE(file.crc, 16);
    header.writeUInt32LE(Math.min(file.size, LIMIT32), 20);
    header.writeUInt32LE(Math.min(file.size, LIMIT32), 24);
    header.writeUInt16LE(file.name.length, 28);
    header.writeUInt16LE(extraLength, 30);
    // external attributes: a regular file, rw-r--r--
    header.writeUInt32LE(((0o100644 << 16) >>> 0), 38);
    header.writeUInt32LE(Math.min(file.offset, LIMIT32), 42);
    file.name.copy(header, 46);
    if (extra.length) {
      const at = 46 + file.name.length;
      header.writeUInt16LE(0x0001, at);
      header.writeUInt16LE(extra.length * 8, at + 2);
      extra.forEach((value, i) => header.writeBigUInt64LE(value, at + 4 + i * 8));
    }
    await put(header);
  }
  const directorySize = offset - directoryStart;
  const count = written.length;

  if (count >= LIMIT16 || directoryStart >= LIMIT32 || directorySize >= LIMIT32) {
    const zip64End = offset;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE((3 << 8) | 45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directorySize), 40);
    record.writeBigUInt64LE(BigInt(directoryStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(zip64End), 8);
    locator.writeUInt32LE(1, 16);
    await put(Buffer.concat([record, locator]));
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, LIMIT16), 8);
  end.writeUInt16LE(Math.min(count, LIMIT16), 10);
  end.writeUInt32LE(Math.min(directorySize, LIMIT32), 12);
  end.writeUInt32LE(Math.min(directoryStart, LIMIT32), 16);
  await put(end);
}
