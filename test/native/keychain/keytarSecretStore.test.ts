import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../native/keychain/keytarSecretStore';
import { ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';
import { startSecretService, type SecretService } from './secretService';

function probe(args: string[], env: Record<string, string | undefined>): unknown {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/native/keychain/keytarProbe.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return out === '' ? undefined : JSON.parse(out);
}

describe('KeytarSecretStore against a real Secret Service (gnome-keyring)', () => {
  let service: SecretService;
  beforeAll(async () => {
    service = await startSecretService();
  });
  afterAll(() => service.stop());

  it('stores a token, reads it back, removes it', () => {
    const account = 'http://127.0.0.1:9';
    expect(probe(['read', account], service.env)).toBeNull();
    probe(['write', account, '7|s3cr3t'], service.env);
    expect(probe(['read', account], service.env)).toBe('7|s3cr3t');
    expect(probe(['remove', account], service.env)).toBe(true);
    expect(probe(['read', account], service.env)).toBeNull();
    expect(probe(['remove', account], service.env)).toBe(false);
  });

  it('says KEYCHAIN_UNAVAILABLE when there is no session bus', () => {
    const result = probe(['read', 'http://127.0.0.1:9'], { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus', DISPLAY: '' }) as { error: string };
    expect(result.error).toBe('KEYCHAIN_UNAVAILABLE');
  });
});

describe('KeytarSecretStore where keytar could not be installed (it is optional: no libsecret headers)', () => {
  it('says what is missing and how to get it, as KEYCHAIN_UNAVAILABLE', async () => {
    const requireFromNowhere = createRequire(path.join(tempDir('convertr-no-keytar-'), 'index.js'));
    const store = new KeytarSecretStore('Convertr', () => requireFromNowhere('keytar') as never);
    await expect(store.read('https://convertr.org')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringContaining('apt-get install libsecret-1-dev') });
    await expect(store.write('https://convertr.org', '1|x')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });
});
