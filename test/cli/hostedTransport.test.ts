import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
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
