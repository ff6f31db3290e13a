import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface SecretService {
  /** Environment for child processes that should see this keyring. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A private D-Bus session with an unlocked gnome-keyring (the Secret Service keytar talks to), so that tests
 * run the same from a desktop session, a CI job as root without a bus, or a container.
 */
export async function startSecretService(): Promise<SecretService> {
  const home = mkdtempSync(path.join(tmpdir(), 'convertr-keyring-'));
  const env = { ...process.env, XDG_DATA_HOME: path.join(home, 'data'), XDG_RUNTIME_DIR: home, HOME: home } as Record<string, string>;
  const bus: ChildProcess = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const address = await new Promise<string>((resolve, reject) => {
    let text = '';
    bus.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(text.trim());
    });
    bus.on('error', reject);
    bus.on('exit', (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  const sessionEnv = { XDG_DATA_HOME: env['XDG_DATA_HOME']!, XDG_RUNTIME_DIR: home, DBUS_SESSION_BUS_ADDRESS: address };
  const keyring = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { env: { ...env, ...sessionEnv }, input: 'pw\n', encoding: 'utf8', timeout: 20_000 });
  if (keyring.status !== 0) throw new Error(`gnome-keyring-daemon failed: ${keyring.stderr}`);
  const keyringPid = Number(/GNOME_KEYRING_PID=(\d+)/.exec(keyring.stdout)?.[1]);
  return {
    env: sessionEnv,
    stop: async () => {
      if (keyringPid > 0) {
        try {
          process.kill(keyringPid);
        } catch {
          // already gone with its bus
        }
      }
      bus.kill();
      await new Promise((resolve) => (bus.exitCode !== null ? resolve(undefined) : bus.once('exit', resolve)));
      rmSync(home, { recursive: true, force: true });
    },
  };
}
