/** Minimal BMP support: sharp reads and writes no BMP. Writes 24-bit BI_RGB; reads the header for checks. */
export function encodeBmp(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const pixelBytes = rowSize * height;
  const out = new Uint8Array(54 + pixelBytes);
  const view = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  view.setUint32(2, out.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, pixelBytes, true);
  view.setInt32(38, 2835, true);
  view.setInt32(42, 2835, true);
  for (let y = 0; y < height; y++) {
    const src = (height - 1 - y) * width * 3;
    const dst = 54 + y * rowSize;
    for (let x = 0; x < width; x++) {
      out[dst + x * 3] = rgb[src + x * 3 + 2]!;
      out[dst + x * 3 + 1] = rgb[src + x * 3 + 1]!;
      out[dst + x * 3 + 2] = rgb[src + x * 3]!;
    }
  }
  return out;
}

export function readBmpHeader(bytes: Uint8Array): { width: number; height: number; bitsPerPixel: number } | undefined {
  if (bytes.length < 30 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)), bitsPerPixel: view.getUint16(28, true) };
}
