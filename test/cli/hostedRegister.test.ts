import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { jsonLines, ROOT, runCli, type CliRun } from '../helpers/cli';
import { makeMedia, removeDir, tempDir } from '../helpers/media';
import { startSecretService, type SecretService } from '../native/keychain/secretService';

/** `convertr` with text on stdin (the password). */
function runCliWithInput(args: string[], input: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function allFileText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

describe('convertr register / logout with the token in a real keychain', () => {
  let server: HostedTestServer;
  let keyring: SecretService;
  let dir: string;
  let home: string;
  let wav: string;
  const env = () => ({ ...keyring.env, CONVERTR_HOME: home });

  beforeAll(async () => {
    [server, keyring] = await Promise.all([startHostedTestServer(), startSecretService()]);
    dir = tempDir('convertr-register-');
    home = tempDir('convertr-home-');
    wav = path.join(dir, 'tone.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=duration=1', wav]);
  });
  afterAll(async () => {
    await Promise.all([server.close(), keyring.stop()]);
    removeDir(dir);
    removeDir(home);
  });

  it('registers, shows the cohort, converts with the bearer token, and never writes or prints the token', async () => {
    const outputs: string[] = [];
    const register = await runCliWithInput(['register', '--name', 'Ada', '--email', 'ada@example.test', '--api-url', server.url, '--label', 'Lab One'], 'correct horse battery\n', env());
    outputs.push(register.stdout, register.stderr);
    expect(register.code).toBe(0);
    const [token] = server.tokens();
    expect(token).toMatch(/^\d+\|[0-9a-f]+$/);
    expect(register.stdout).toMatch(/Cohort: cohort_[0-9a-f]{16}/);
    expect(register.stdout).toMatch(/OS keychain/);
    const registration = server.requests.find((r) => r.path === '/api/client-registrations')!;
    expect(registration).toMatchObject({ label: 'Lab One', accept: 'application/json' });

    const convert = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'auth'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    outputs.push(convert.stdout, convert.stderr);
    expect(jsonLines(convert.stdout)[0]).toMatchObject({ status: 'succeeded', mode: 'hosted' });
    expect(server.requests.filter((r) => r.path === '/api/convert').at(-1)!.authorization).toBe(`Bearer ${token}`);

    server.setFault('json-url-other-origin');
    const elsewhere = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'elsewhere'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    server.setFault('none');
    outputs.push(elsewhere.stdout, elsewhere.stderr);
    expect(jsonLines(elsewhere.stdout)[0]).toMatchObject({ status: 'succeeded' });
    expect(server.otherOriginRequests).toHaveLength(1);
    expect(server.otherOriginRequests[0]!.authorization).toBeUndefined();

    for (const text of outputs) expect(text).not.toContain(token!.split('|')[1]);
    expect(allFileText(home)).not.toContain(token!.split('|')[1]);
    expect(allFileText(dir)).not.toContain(token!.split('|')[1]);
  });

  it('a revoked token fails the job with HOSTED_AUTH and advice; logout makes conversions anonymous again', async () => {
    server.revokeTokens();
    const rejected = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'revoked'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    expect(rejected.code).toBe(1);
    const [line] = jsonLines(rejected.stdout);
    expect(line).toMatchObject({ status: 'failed', error: { code: 'HOSTED_AUTH' } });
    expect((line!['error'] as { message: string }).message).toMatch(/register again.*logout/);

    const logout = await runCli(['logout', '--api-url', server.url], env());
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(/removed/);
    const anonymous = await runCli(['convert', wav, '--to', 'mp3', '--out', path.join(dir, 'anon'), '--mode', 'hosted', '--api-url', server.url, '--json'], env());
    expect(anonymous.code).toBe(0);
    expect(server.requests.filter((r) => r.path === '/api/convert').at(-1)!.authorization).toBeUndefined();
  });

  it('a second registration with the same email shows the server\'s own words (422)', async () => {
    const again = await runCliWithInput(['register', '--name', 'Ada', '--email', 'ada@example.test', '--api-url', server.url], 'correct horse battery\n', env());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/The email has already been taken\. \(request id: req-[0-9a-f]+\) \[HOSTED_REJECTED\]/);
  });

  it('without a keychain, says so plainly, keeps the token in memory only and prints it nowhere', async () => {
    const noBus = { CONVERTR_HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
    const run = await runCliWithInput(['register', '--name', 'Bo', '--email', 'bo@example.test', '--api-url', server.url], 'another password\n', noBus);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/No OS keychain is available\. .*memory for this session only/);
    const token = server.tokens().at(-1)!;
    expect(run.stdout + run.stderr).not.toContain(token.split('|')[1]);
    expect(allFileText(home)).not.toContain(token.split('|')[1]);
  });

  it('register without --email is a usage error', async () => {
    const run = await runCliWithInput(['register', '--name', 'X', '--api-url', server.url], 'pw\n', env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--email/);
  });
});
