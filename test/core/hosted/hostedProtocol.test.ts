import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { dispositionFileName } from '../../../main/core/hosted/contentDisposition';
import { serverWords, parseJsonSuccess } from '../../../main/core/hosted/hostedResponses';
import { multipartUpload } from '../../../main/core/hosted/multipartUpload';
import { backoffMs, retryDelayMs } from '../../../main/core/hosted/retryAfter';
import { labelHeaderValue } from '../../../main/core/hosted/hostedClient';
import { resolveApiUrl } from '../../../main/core/hosted/hostedPlan';
import { removeDir, tempDir } from '../../helpers/media';

describe('multipart upload body', () => {
  const dir = tempDir('convertr-multipart-');
  afterAll(() => removeDir(dir));

  it('announces exactly the bytes it sends, fields first and the file last', async () => {
    const file = path.join(dir, 'in.wav');
    const content = Buffer.alloc(700_000, 7);
    writeFileSync(file, content);
    const progress: number[] = [];
    const body = multipartUpload([['input_format', 'wav'], ['output_format', 'mp3']], { path: file, sizeBytes: content.length, fileName: 'input.wav', contentType: 'application/octet-stream' }, (n) => progress.push(n));
    const chunks: Buffer[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (chunks.push(chunk), cb()) });
    await body.write(sink, () => false);
    const sent = Buffer.concat(chunks);
    expect(sent.length).toBe(body.contentLength);
    const text = sent.toString('latin1');
    expect(text.indexOf('name="input_format"')).toBeLessThan(text.indexOf('name="output_format"'));
    expect(text.indexOf('name="output_format"')).toBeLessThan(text.indexOf('name="file"'));
    expect(text.endsWith(`--${body.contentType.split('boundary=')[1]}--\r\n`)).toBe(true);
    expect(progress.at(-1)).toBe(content.length);
  });

  it('fails clearly when the file shrinks during the upload', async () => {
    const file = path.join(dir, 'short.wav');
    writeFileSync(file, Buffer.alloc(10));
    const body = multipartUpload([], { path: file, sizeBytes: 20, fileName: 'x', contentType: 'application/octet-stream' });
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    await expect(body.write(sink, () => false)).rejects.toMatchObject({ code: 'INPUT_UNREADABLE' });
  });
});

describe('reading what the server says', () => {
  it('prefers filename* and never lets a name climb out of the folder', () => {
    expect(dispositionFileName(`attachment; filename="a.mp3"; filename*=UTF-8''%C3%A9t%C3%A9.mp3`)).toBe('été.mp3');
    expect(dispositionFileName('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(dispositionFileName('attachment; filename="..\\\\evil.exe"')).toBe('evil.exe');
    expect(dispositionFileName('attachment; filename=".."')).toBeUndefined();
    expect(dispositionFileName(undefined)).toBeUndefined();
  });

  it('quotes Laravel validation errors in the server\'s own words', () => {
    const body = JSON.stringify({ message: 'The output format field is required. (and 1 more error)', errors: { output_format: ['The output format field is required.'], file: ['The file failed to upload.'] } });
    expect(serverWords(body)).toBe('The output format field is required. (and 1 more error) — file: The file failed to upload.');
    expect(serverWords('<html>413</html>')).toBeUndefined();
  });

  it('tells a download link from a job', () => {
    expect(parseJsonSuccess({ download_url: '/files/1', credits_charged: 2, minutes: 3 })).toEqual({ kind: 'download', url: '/files/1', cost: { creditsCharged: 2, minutes: 3 } });
    expect(parseJsonSuccess({ id: 5, status: 'queued' })).toMatchObject({ kind: 'job', job: { id: '5', status: 'queued' } });
    expect(parseJsonSuccess({ hello: 'world' })).toBeUndefined();
  });

  it('waits as Retry-After or X-RateLimit-Reset asks', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryDelayMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now)).toBe(10_000);
    expect(retryDelayMs({ 'x-ratelimit-reset': String(now / 1000 + 7) }, now)).toBe(7000);
    expect(retryDelayMs({ 'x-ratelimit-reset': '4' }, now)).toBe(4000);
    expect(retryDelayMs({}, now)).toBeUndefined();
    expect(backoffMs(10)).toBeLessThanOrEqual(10_000);
  });

  it('sends a non-ASCII label percent-encoded, since header values must be Latin-1', () => {
    expect(labelHeaderValue('  Team A ')).toBe('Team A');
    expect(labelHeaderValue('Équipe 東京')).toBe(encodeURIComponent('Équipe 東京'));
  });

  it('takes the API URL from --api-url, then CONVERTR_API_URL, then the public service', () => {
    expect(resolveApiUrl('http://127.0.0.1:8080/', {}).href).toBe('http://127.0.0.1:8080/');
    expect(resolveApiUrl(undefined, { CONVERTR_API_URL: 'https://api.example.test/v2/' }).href).toBe('https://api.example.test/v2');
    expect(resolveApiUrl(undefined, {}).origin).toBe('https://convertr.org');
    expect(() => resolveApiUrl('https://user:pw@example.test', {})).toThrow(/credentials/);
  });
});
