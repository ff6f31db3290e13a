import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strippedPhotoBytes } from '../../main/core/hosted/photoPrivacy';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli } from '../helpers/cli';
import { corpus, exiftool, makeMedia, removeDir, tempDir } from '../helpers/media';
import { execFileSync } from 'node:child_process';

const PRIVATE_TAGS = ['GPSLatitude', 'GPSLongitude', 'SerialNumber', 'LensSerialNumber', 'XMP:GPSLatitude'];

/** --strip-location: what reaches the server (kept by the test server) has no GPS or serial number; the original is untouched. */
describe('stripping location and serial numbers before upload', () => {
  let server: HostedTestServer;
  let dir: string;
  let jpg: string;
  let heic: string;
  const env = () => ({ CONVERTR_HOME: path.join(dir, 'home'), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });

  beforeAll(async () => {
    server = await startHostedTestServer();
    server.keepUploads(true);
    dir = tempDir('convertr-photo-privacy-');
    jpg = path.join(dir, 'holiday.jpg');
    copyFileSync(corpus('image/portrait_6.jpg'), jpg);
    execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=48.8584', '-GPSLatitudeRef=N', '-GPSLongitude=2.2945', '-GPSLongitudeRef=E',
      '-SerialNumber=BODY123456', '-LensSerialNumber=LENS98765', '-Make=Canon', '-Model=EOS R5', '-XMP:GPSLatitude=48.8584', '-XMP:GPSLongitude=2.2945', jpg]);
    heic = path.join(dir, 'pug.heic');
    copyFileSync(corpus('heic/pug.heic'), heic);
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('the uploaded JPG and HEIC carry no GPS, serial number or XMP location; make and model stay; the originals keep theirs', async () => {
    expect(exiftool(jpg, PRIVATE_TAGS)).toMatchObject({ SerialNumber: 'BODY123456', LensSerialNumber: 'LENS98765' });
    const before = readFileSync(jpg);
    const run = await runCli(['convert', jpg, heic, '--to', 'png', '--out', path.join(dir, 'out'), '--mode', 'hosted', '--strip-location', '--api-url', server.url, '--json'], env());
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(jsonLines(run.stdout).map((l) => l['mode'])).toEqual(['hosted', 'hosted']);
    expect(server.keptUploads).toHaveLength(2);
    for (const upload of server.keptUploads) {
      const tags = exiftool(upload, [...PRIVATE_TAGS, 'GPSPosition', 'Make']);
      // Zeroed in place: absent, or present and empty.
      for (const tag of ['GPSLatitude', 'GPSLongitude', 'GPSPosition', 'SerialNumber', 'LensSerialNumber']) expect(tags[tag] ?? '', `${upload} ${tag}`).toBe('');
      expect(tags['Make']).toBeDefined();
      const raw = readFileSync(upload);
      for (const text of ['BODY123456', 'LENS98765', 'GPSLatitude']) expect(raw.includes(Buffer.from(text)), `${upload} ${text}`).toBe(false);
    }
    expect(readFileSync(jpg).equals(before)).toBe(true);
    expect(exiftool(heic, ['GPSLatitude'])['GPSLatitude']).toBeDefined();
  });

  it('without the option the photo goes as it is; a PNG, which cannot be stripped, is converted here', async () => {
    server.keptUploads.length = 0;
    const plain = await runCli(['convert', jpg, '--to', 'webp', '--out', path.join(dir, 'plain'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    expect(plain.code, plain.stderr).toBe(0);
    expect(exiftool(server.keptUploads[0]!, ['SerialNumber'])['SerialNumber']).toBe('BODY123456');
    const png = path.join(dir, 'shot.png');
    makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=64x64', '-frames:v', '1', png]);
    const requests = server.requests.length;
    const kept = await runCli(['convert', png, '--to', 'jpg', '--out', path.join(dir, 'png'), '--mode', 'hosted', '--strip-location', '--api-url', server.url, '--json'], env());
    expect(jsonLines(kept.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'local' });
    expect(server.requests.length).toBe(requests);
  });

  it('strips in place, keeping the length, so every offset in the container stays valid', () => {
    const bytes = readFileSync(jpg);
    const stripped = strippedPhotoBytes(bytes, 'jpg')!;
    expect(stripped.length).toBe(bytes.length);
    expect(Buffer.from(stripped).includes(Buffer.from('BODY123456'))).toBe(false);
    expect(strippedPhotoBytes(bytes, 'png')).toBeUndefined();
  });
});
