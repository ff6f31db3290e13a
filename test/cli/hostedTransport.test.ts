import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, runCli } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

/** An address of this machine that is not loopback: reachable, so only the HTTPS rule can keep the CLI off it. */
function nonLoopbackAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('HTTPS is required for the hosted API', () => {
  const address = nonLoopbackAddress();
  let listener: Server;
  let connections = 0;
  let port = 0;
  let dir: string;
  let wav: string;

  beforeAll(async () => {
    dir = tempDir('convertr-https-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => listener.close(resolve));
    removeDir(dir);
  });

  it.runIf(address)('a plain-HTTP URL to another host is a usage error (exit 2) before any connection, for convert and register', async () => {
    const url = `http://${address}:${port}`;
    const env = { CONVERTR_HOME: path.join(dir, 'home') };
    const convert = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'out'), '--mode', 'hosted', '--api-url', url], env);
    expect(convert.code).toBe(2);
    expect(convert.stderr).toMatch(/HTTPS is required/);
    expect(convert.stderr).not.toMatch(/\n\s+at /);
    const fromEnv = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'out'), '--mode', 'auto'], { ...env, CONVERTR_API_URL: url });
    expect(fromEnv.code).toBe(2);
    const register = await runCli(['register', '--name', 'A', '--email', 'a@example.test', '--api-url', url], env);
    expect(register.code).toBe(2);
    expect(register.stderr).toMatch(/HTTPS is required/);
    expect(connections).toBe(0);
    // The same address over loopback is allowed: the rule is about leaving this machine, not about the port.
    const loopback = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'loop'), '--mode', 'hosted', '--api-url', `http://127.0.0.1:${port}`, '--json'], env);
    expect(loopback.code).toBe(1);
    expect(connections).toBeGreaterThan(0);
  });
});

/** An HTTPS API (a self-signed certificate this test makes and the command trusts) that points downloads at plain http. */
describe('with an HTTPS API, results, links and redirects are HTTPS too', () => {
  let server: HostedTestServer;
  let dir: string;
  let wav: string;
  let ca: string;
  const run = (out: string) => runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, out), '--mode', 'hosted', '--api-url', server.url, '--json'], { CONVERTR_HOME: path.join(dir, 'home'), NODE_EXTRA_CA_CERTS: ca, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });

  beforeAll(async () => {
    dir = tempDir('convertr-https-links-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
    ca = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = await startHostedTestServer({ tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(ca, 'utf8') } });
  });
  afterAll(async () => {
    await server.close();
    removeDir(dir);
  });

  it('converts over HTTPS with the trusted certificate', async () => {
    expect(server.url).toMatch(/^https:/);
    server.setFault('none');
    const ok = await run('out-ok');
    expect(ok.code, ok.stderr).toBe(0);
    expect(jsonLines(ok.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted' });
  });

  it('a download_url on plain http is not followed, and nothing is kept as the conversion', async () => {
    server.setFault('json-url-http');
    const linked = await run('out-link');
    expect(linked.code).toBe(1);
    expect(jsonLines(linked.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'HOSTED_PROTOCOL' } });
    expect(String((jsonLines(linked.stdout)[0]!['error'] as { message: string }).message)).toMatch(/unencrypted http/);
    expect(server.otherOriginRequests).toHaveLength(0);
    expect(existsSync(path.join(dir, 'out-link', 'tone.mp3'))).toBe(false);
  });

  it('a redirect to plain http is not followed', async () => {
    server.setFault('redirect-http');
    const redirected = await run('out-redirect');
    expect(redirected.code).toBe(1);
    expect(jsonLines(redirected.stdout)[0]).toMatchObject({ status: 'failed', error: { code: 'HOSTED_PROTOCOL' } });
    expect(server.otherOriginRequests).toHaveLength(0);
    expect(existsSync(path.join(dir, 'out-redirect', 'tone.mp3'))).toBe(false);
  });
});
