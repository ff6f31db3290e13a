import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHostedTestServer, type HostedTestServer } from '../hosted-server/hostedTestServer';
import { startSecretService, type SecretService } from '../native/keychain/secretService';
import { ROOT, runBuiltCli } from '../helpers/cli';
import { axeProblems, dropFiles, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { makeMedia, removeDir, tempDir } from '../helpers/media';

const SCREENSHOTS = path.join(ROOT, 'test/e2e/screenshots');

function allFileText(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name)).toString('latin1'))
    .join('\n');
}

/** axe in light and dark (serious and critical only), with a screenshot of each. */
async function auditBothThemes(page: Page, name: string): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(120);
    problems.push(...(await axeProblems(page)).map((p) => `${name} (${scheme}): ${p}`));
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${scheme}-1280x800.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return problems;
}

describe('Settings and stats for people, in Chromium against the built convertr serve', () => {
  let browser: Browser;
  let served: ServedApp;
  let server: HostedTestServer;
  let keyring: SecretService;
  let home: string;
  let dir: string;
  let page: Page;

  beforeAll(async () => {
    home = tempDir('convertr-e2e-settings-');
    dir = tempDir('convertr-e2e-settings-files-');
    [server, keyring] = await Promise.all([startHostedTestServer(), startSecretService()]);
    served = await startServe(home, keyring.env);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(served.url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await Promise.all([server?.close(), keyring?.stop()]);
    removeDir(home);
    removeDir(dir);
  });

  it('shows the hosted fields and account only when a hosted, hybrid or automatic mode is chosen', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const hostedControls = async () => ({
      apiUrl: await page.getByLabel('API URL').count(),
      label: await page.getByLabel('Client label').count(),
      upload: await page.getByLabel(/before upload/).count(),
      account: await page.getByRole('region', { name: 'Hosted account' }).count(),
    });
    await expect(page.getByLabel('On this computer').isChecked()).resolves.toBe(true);
    expect(await hostedControls()).toEqual({ apiUrl: 0, label: 0, upload: 0, account: 0 });
    await expect(page.getByTestId('local-only-hint').isVisible()).resolves.toBe(true);
    expect(await auditBothThemes(page, 'settings-local')).toEqual([]);
    for (const mode of ['Hosted Convertr API', 'Automatic', /Hybrid: here first/]) {
      await page.getByLabel(mode).check();
      expect(await hostedControls()).toEqual({ apiUrl: 1, label: 1, upload: 1, account: 1 });
      const account = page.getByRole('region', { name: 'Hosted account' });
      for (const button of ['Sign in', 'Register', 'Log out']) await expect(account.getByRole('button', { name: button }).count()).resolves.toBe(1);
    }
    await expect(page.getByLabel('Monthly hosted budget (USD)').count()).resolves.toBe(1);
    expect(await auditBothThemes(page, 'settings-hosted')).toEqual([]);
    await page.getByLabel('On this computer').check();
    expect(await hostedControls()).toEqual({ apiUrl: 0, label: 0, upload: 0, account: 0 });
  }, 60_000);

  it('stats for someone who converts only here: time spent apart from billable minutes, ms for short jobs, no cohorts or budget, no UNKNOWN pair', async () => {
    const wav = path.join(dir, 'beep.wav');
    makeMedia(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.3', wav]);
    writeFileSync(path.join(dir, 'notes.xyz'), 'not a sound');
    await runBuiltCli(['convert', wav, path.join(dir, 'notes.xyz'), '--to', 'mp3', '--out', path.join(dir, 'out'), '--json'], { CONVERTR_HOME: home });
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByRole('button', { name: '1 day' }).click();
    await expect.poll(() => page.getByTestId('total-requests').textContent()).toBe('2');
    const stats = page.getByRole('region', { name: 'Stats' });
    await expect(page.getByTestId('time-spent').textContent()).resolves.toMatch(/^\d{1,3} ms$/);
    await expect(page.getByTestId('billable-minutes').textContent()).resolves.toBe('1');
    const headline = await stats.locator('.headline').innerText();
    expect(headline).toMatch(/time spent converting/);
    expect(headline).toMatch(/billable minutes/);
    await expect(stats.getByText(/Billable minutes are what the hosted plan would count/).count()).resolves.toBe(1);
    expect(headline).not.toMatch(/conversion minutes|cohort/i);
    await expect(page.getByTestId('cohorts').count()).resolves.toBe(0);
    await expect(page.getByTestId('hosted-spend').count()).resolves.toBe(0);
    const wavRow = await stats.getByRole('row', { name: /^WAV->MP3/ }).innerText();
    expect(wavRow).toMatch(/\d{1,3} ms/);
    const text = await stats.innerText();
    expect(text).toContain('XYZ->MP3');
    expect(text).not.toMatch(/UNKNOWN|0m 0s|Hosted cost|hybrid budget/);
    expect(await auditBothThemes(page, 'stats-local-only')).toEqual([]);
  }, 120_000);

  it('signs in with a pasted token: refuses a malformed one, keeps it in the keychain only, and hosted conversions use it', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('Hosted Convertr API').check();
    await page.getByLabel('API URL').fill(server.url);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();

    // A token the user made on the hosted service's own pages.
    const form = new FormData();
    for (const [k, v] of Object.entries({ name: 'Ada', email: 'ada@example.test', password: 'correct horse', password_confirmation: 'correct horse' })) form.append(k, v);
    await fetch(new URL('/api/client-registrations', server.url), { method: 'POST', body: form, headers: { accept: 'application/json' } });
    const [token] = server.tokens();
    expect(token).toMatch(/^\d+\|\w+$/);

    const field = page.getByLabel('API token');
    await field.fill('my password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('account-status').textContent()).toMatch(/^That is not a Convertr API token/);
    await expect(page.getByTestId('account-status').textContent()).resolves.not.toContain('my password');

    await field.fill(token!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('account-status').textContent()).toBe(`Signed in to ${new URL(server.url).origin}; the token is kept in the system keychain.`);
    await expect(field.inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(token!.split('|')[1]);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(token!.split('|')[1]);
    expect(allFileText(home)).not.toContain(token!.split('|')[1]);
    expect(await auditBothThemes(page, 'settings-signed-in')).toEqual([]);

    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByLabel('Target format', { exact: true }).selectOption('mp3');
    await dropFiles(page, [{ name: 'tone.wav', bytes: readFileSync(path.join(dir, 'beep.wav')) }]);
    await expect.poll(() => server.requests.filter((r) => r.path === '/api/convert').map((r) => r.authorization), { timeout: 60_000 }).toContain(`Bearer ${token}`);
  }, 120_000);
});
