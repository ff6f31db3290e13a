import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../../main/core/app/settingsStore';
import { DEFAULT_API_URL, isLoopbackHost, isSecureTransport, resolveApiUrl } from '../../../main/core/hosted/hostedPlan';
import { removeDir, tempDir } from '../../helpers/media';

describe('the hosted API address', () => {
  const dir = tempDir('convertr-api-url-');
  afterAll(() => removeDir(dir));

  it('defaults to the public service at https://convertr.org, in the CLI and in the window settings alike', () => {
    expect(DEFAULT_API_URL).toBe('https://convertr.org');
    expect(resolveApiUrl(undefined, {}).href).toBe('https://convertr.org/');
    expect(resolveApiUrl(undefined, { CONVERTR_API_URL: '' }).origin).toBe('https://convertr.org');
    expect(new SettingsStore(path.join(dir, 'fresh')).get().apiUrl).toBe('https://convertr.org');
  });

  it('replaces the retired convertr.app default a settings file from an earlier version holds', () => {
    const home = path.join(dir, 'old');
    mkdirSync(home);
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ mode: 'hosted', apiUrl: 'https://convertr.app' }));
    expect(new SettingsStore(home).get()).toMatchObject({ mode: 'hosted', apiUrl: 'https://convertr.org' });
  });

  it('requires HTTPS except for loopback addresses', () => {
    for (const ok of ['https://api.example.test', 'http://127.0.0.1:8080', 'http://127.5.6.7', 'http://localhost:3000', 'http://[::1]:9000']) {
      expect(() => resolveApiUrl(ok, {}), ok).not.toThrow();
    }
    for (const bad of ['http://convertr.org', 'http://192.168.1.10:8080', 'http://10.0.0.1', 'http://127.0.0.1.example.test', 'http://[::2]']) {
      expect(() => resolveApiUrl(bad, {}), bad).toThrow(/HTTPS is required/);
    }
    expect(() => resolveApiUrl(undefined, { CONVERTR_API_URL: 'http://convertr.org' })).toThrow(/HTTPS is required/);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isSecureTransport(new URL('http://files.example.test/x'))).toBe(false);
    expect(isSecureTransport(new URL('https://files.example.test/x'))).toBe(true);
  });

  it('refuses to save a plain-HTTP API URL to another machine in the settings', () => {
    const store = new SettingsStore(path.join(dir, 'strict'));
    mkdirSync(path.join(dir, 'strict'), { recursive: true });
    expect(() => store.update({ apiUrl: 'http://convertr.org' })).toThrow(/HTTPS is required/);
    expect(store.get().apiUrl).toBe('https://convertr.org');
    expect(store.update({ apiUrl: 'http://127.0.0.1:9999/' }).apiUrl).toBe('http://127.0.0.1:9999');
  });
});
