import { readOpened } from '../../userInputFile.js';

/** More top-level boxes than this is no file a camera or a muxer writes: the walk stops, not whole. */
const MAX_TOP_LEVEL_BOXES = 10_000;

/** A top-level box of an MP4/MOV (ISO BMFF) file as its header declares it; a size of 0 (to the file's end) is resolved. */
export interface FileBox {
  type: string;
  at: number;
  headerBytes: number;
  size: number;
}

export interface FileBoxes {
  /** In file order, up to the first header that is cut or declares less than a header; the last may run past the file's end. */
  boxes: FileBox[];
  /** Every box ends within the file and together they fill it (a tail shorter than a box header aside, as ffmpeg allows). */
  whole: boolean;
}

/** The top-level boxes of the open file `fd` of `size` bytes, from `from` (the bytes before an MP4 behind junk). */
export function fileBoxes(fd: number, size: number, from = 0): FileBoxes {
  const boxes: FileBox[] = [];
  let at = from;
  while (at + 8 <= size) {
    if (boxes.length >= MAX_TOP_LEVEL_BOXES) return { boxes, whole: false };
    const head = readOpened(fd, 16, at);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const declared = view.getUint32(0);
    const headerBytes = declared === 1 ? 16 : 8;
    const size64 = declared === 1 && head.length >= 16 ? Number(view.getBigUint64(8)) : undefined;
    const boxSize = declared === 0 ? size - at : declared === 1 ? size64 ?? 0 : declared;
    if (boxSize < headerBytes) return { boxes, whole: false };
    const type = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
    boxes.push({ type, at, headerBytes, size: boxSize });
    if (at + boxSize > size) return { boxes, whole: false };
    at += boxSize;
  }
  return { boxes, whole: true };
}
