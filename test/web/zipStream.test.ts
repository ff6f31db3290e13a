import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { writeZip, type ZipEntry } from '../../main/web/zipStream';
import { removeDir, tempDir } from '../helpers/media';

const dir = tempDir('convertr-zip-');
afterAll(() => removeDir(dir));

function entry(name: string, bytes: Buffer): ZipEntry {
  return { name, size: bytes.length, modified: new Date(2026, 11, 6, 12, 30, 10), open: () => Readable.from([bytes]) };
}

const ZERO_RUN = Buffer.alloc(1 << 24);

/** Writes the archive to a file; runs of zero bytes become holes, so a 4 GiB entry takes no disk. */
async function zipToFile(file: string, entries: Iterable<ZipEntry>): Promise<void> {
  const fd = openSync(file, 'w');
  let position = 0;
  try {
    await writeZip(entries, async (chunk) => {
      const hole = chunk.length === ZERO_RUN.length && chunk.equals(ZERO_RUN);
      if (!hole) writeSync(fd, chunk, 0, chunk.length, position);
      position += chunk.length;
    });
  } finally {
    closeSync(fd);
  }
}

const python = (script: string, file: string) => execFileSync('python3', ['-c', script, file], { encoding: 'utf8' });

describe('the streamed ZIP writer', () => {
  it('writes an archive unzip and Python read back byte for byte, with UTF-8 names, an empty file and same-named files kept apart', async () => {
    const files = [
      entry('clip.mp4', Buffer.from('not really a movie, but bytes all the same')),
      entry('été – photo.webp', Buffer.alloc(300_000, 7)),
      entry('empty.txt', Buffer.alloc(0)),
      entry('clip.mp4', Buffer.from('a second clip.mp4 from another folder')),
    ];
    const file = path.join(dir, 'small.zip');
    await zipToFile(file, files);
    expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
    const listed = JSON.parse(python('import sys,zipfile,json,base64\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps([[i.filename,i.compress_type,base64.b64encode(z.read(i)).decode()] for i in z.infolist()]))', file)) as [string, number, string][];
    expect(listed.map(([name]) => name)).toEqual(['clip.mp4', 'été – photo.webp', 'empty.txt', 'clip (2).mp4']);
    expect(listed.every(([, method]) => method === 0)).toBe(true);
    listed.forEach(([, , data], i) => expect(Buffer.from(data, 'base64').equals(files[i]!.open().read() ?? Buffer.alloc(0))).toBe(true));
  });

  it('fails instead of writing a corrupt archive when a file is not the size it was stated to be', async () => {
    const short = { ...entry('grew.mp4', Buffer.from('12345')), size: 3 };
    await expect(writeZip([short], async () => {})).rejects.toThrow(/changed size/);
  });

  it('uses ZIP64 for a file over 4 GiB and for more than 65,535 files', async () => {
    const big = 2 ** 32 + 5;
    const zeros = ZERO_RUN;
    const huge: ZipEntry = {
      name: 'huge.mkv',
      size: big,
      modified: new Date(),
      open: () =>
        Readable.from(
          (function* () {
            for (let left = big; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
          })(),
        ),
    };
    const file = path.join(dir, 'large.zip');
    await zipToFile(file, [huge, entry('after.txt', Buffer.from('written past 4 GiB'))]);
    const info = python('import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint([(i.filename,i.file_size,i.header_offset) for i in z.infolist()], z.read("after.txt"))', file);
    expect(info).toContain(`('huge.mkv', ${big}, 0)`);
    expect(info).toMatch(/\('after\.txt', 18, \d{10}\)\] b'written past 4 GiB'/);

    const many = path.join(dir, 'many.zip');
    await zipToFile(many, Array.from({ length: 70_000 }, (_, i) => entry(`f${i}.txt`, Buffer.from(String(i)))));
    expect(python('import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(len(z.infolist()), z.read("f69999.txt"))', many).trim()).toBe("70000 b'69999'");
    writeFileSync(many, '');
  }, 120_000);
});
