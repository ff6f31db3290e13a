import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostedClient } from '../../../main/core/hosted/hostedClient';
import { startHostedTestServer, type HostedTestServer } from '../../hosted-server/hostedTestServer';
import { makeMedia, removeDir, tempDir } from '../../helpers/media';

/** The token and the label go to the API's own origin only, through a real HTTP server and a real redirect. */
describe('hosted client transport', () => {
  let server: HostedTestServer;
  let dir: string;
  let wav: string;

  beforeAll(async () => {
    server = await startHostedTestServer();
    dir = tempDir('convertr-transport-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('a download redirected to another origin carries neither the token nor the label', async () => {
    server.setFault('redirect-other-origin');
    const registration = await new HostedClient({ apiUrl: new URL(server.url), timeoutMs: 10_000 }).register({ name: 'Ada', email: 'ada@example.test', password: 'long enough' });
    const token = registration.token.plain_text_token;
    const client = new HostedClient({ apiUrl: new URL(server.url), token, label: 'Studio Nine', timeoutMs: 10_000 });
    const result = await client.convert({ filePath: wav, sizeBytes: statSync(wav).size, inputFormat: 'wav', outputFormat: 'mp3' }, path.join(dir, 'out.mp3'));
    expect(result.bytes).toBeGreaterThan(0);
    const upload = server.requests.find((r) => r.path === '/api/convert')!;
    expect(upload).toMatchObject({ authorization: `Bearer ${token}`, label: 'Studio Nine' });
    const firstHop = server.requests.find((r) => r.path.startsWith('/files/'))!;
    expect(firstHop.authorization).toBe(`Bearer ${token}`);
    expect(server.otherOriginRequests).toHaveLength(1);
    expect(server.otherOriginRequests[0]).toMatchObject({ authorization: undefined, label: undefined });
  });
});
