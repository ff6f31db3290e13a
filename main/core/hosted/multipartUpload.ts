import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../errors.js';
import { openUserInputHandle } from '../userInputFile.js';
import { drained, type BodyWriter } from './httpExchange.js';

export interface MultipartFile {
  path: string;
  sizeBytes: number;
  /** The name the server sees. */
  fileName: string;
  contentType: string;
}

export interface MultipartUpload {
  contentType: string;
  /** Exact, computed before sending. */
  contentLength: number;
  write: BodyWriter;
}

const quoted = (text: string) => text.replace(/["\\\r\n]/g, '_');

/**
 * A multipart/form-data body with text fields first and the file last, streamed from disk in constant
 * memory. `onBytes` gets the file bytes sent so far.
 */
export function multipartUpload(fields: readonly [string, string][], file: MultipartFile, onBytes: (sent: number) => void = () => {}): MultipartUpload {
  const boundary = `----convertr${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`).join('')
      + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const write: BodyWriter = async (sink, stopped) => {
    if (!sink.write(head)) await drained(sink);
    let sent = 0;
    const { handle } = await openUserInputHandle(file.path);
    const stream = createReadStream(file.path, { fd: handle, start: 0, end: Math.max(0, file.sizeBytes - 1), highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (stopped()) return;
        sent += chunk.length;
        const more = sink.write(chunk);
        onBytes(sent);
        if (!more) await drained(sink);
      }
    } finally {
      stream.destroy();
    }
    if (stopped()) return;
    if (sent !== file.sizeBytes) throw new AppError('INPUT_UNREADABLE', `The file changed while it was being uploaded (${sent} of ${file.sizeBytes} bytes read).`);
    if (!sink.write(tail)) await drained(sink);
  };
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength: head.length + file.sizeBytes + tail.length, write };
}
