// Runs in a worker thread: decodes one HEIC image at a time with heic-decode (libheif in WebAssembly).
// Plain JavaScript so that it loads the same way from the sources and from the built app.
import { parentPort } from 'node:worker_threads';
import heicDecode from 'heic-decode';

/**
 * @param {{ id: number, buffer: Uint8Array, width: number, height: number }} request
 *   width/height: the displayed size of the primary image, to pick it among several top-level images.
 */
async function decodePrimary(request) {
  const images = await heicDecode.all({ buffer: request.buffer });
  try {
    const primary = images.find((image) => image.width === request.width && image.height === request.height);
    if (!primary) throw new Error('the primary image is missing or incomplete');
    const { width, height, data } = await primary.decode();
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    images.dispose();
  }
}

parentPort?.on('message', async (request) => {
  try {
    const image = await decodePrimary(request);
    parentPort?.postMessage({ id: request.id, ok: true, ...image }, [image.data.buffer]);
  } catch (error) {
    parentPort?.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
