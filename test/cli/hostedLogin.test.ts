import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { ROOT, runCli, type CliRun } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { startSecretService, type SecretService } from '../native/keychain/secretService';

/** `convertr` with text on stdin (the token). */
function runCliWithInput(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const allFileText = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1')).join('\n');

describe('convertr login with a token the user already has', () => {
  let server: HostedTestServer;
  let keyring: SecretService;
  let dir: string;
  let home: string;
  let token: string;
  const env = () => ({ ...keyring.env, CONVERTR_HOME: home });

  beforeAll(async () => {
    [server, keyring] = await Promise.all([startHostedTestServer(), startSecretService()]);
    dir = tempDir('convertr-login-');
    home = tempDir('convertr-home-');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', path.join(dir, 'tone.wav')]);
    const form = new FormData();
    for (const [k, v] of Object.entries({ name: 'Ada', email: 'ada@example.test', password: 'correct horse', password_confirmation: 'correct horse' })) form.append(k, v);
    await fetch(new URL('/api/client-registrations', server.url), { method: 'POST', body: form, headers: { accept: 'application/json' } });
    token = server.tokens()[0]!;
  }, 60_000);
  afterAll(async () => {
    await Promise.all([server.close(), keyring.stop()]);
    removeDir(dir);
    removeDir(home);
  });

  it('refuses a token on the command line and a malformed one on stdin, without echoing either', async () => {
    const onArgv = await runCli(['login', token, '--api-url', server.url], env());
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toMatch(/never given on the command line/);
    expect(onArgv.stderr + onArgv.stdout).not.toContain(token);
    const malformed = await runCliWithInput(['login', '--api-url', server.url], 'my secret password\n', env());
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toMatch(/not a Convertr API token/);
    expect(malformed.stderr).not.toContain('my secret password');
  }, 60_000);

  it('keeps a token read from stdin in the keychain, and hosted conversions send it', async () => {
    const login = await runCliWithInput(['login', '--api-url', server.url], `${token}\n`, env());
    expect(login.code).toBe(0);
    expect(login.stdout).toBe(`Signed in to ${new URL(server.url).origin}: the token is stored in the OS keychain; hosted conversions now use it.\n`);
    const converted = await runCli(['convert', path.join(dir, 'tone.wav'), '--to', 'mp3', '--out', path.join(dir, 'out'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    expect(converted.code).toBe(0);
    expect(server.requests.filter((r) => r.path === '/api/convert').map((r) => r.authorization)).toEqual([`Bearer ${token}`]);
    expect(allFileText(home)).not.toContain(token.split('|')[1]);
    expect(login.stdout + login.stderr + converted.stdout + converted.stderr).not.toContain(token.split('|')[1]);
  }, 90_000);
});
