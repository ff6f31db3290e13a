import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startBuiltCli } from './cli';
import { removeDir, tempDir } from './media';

/** Debian's Chromium, headless, with the flags this closed network and running as root need. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface ServedApp {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the installed command's `convertr serve` (bin/convertr.js: the build in out/, real engine, real SQLite)
 * and resolves with the URL it prints, token included.
 */
export function startServe(home: string, env: NodeJS.ProcessEnv = {}): Promise<ServedApp> {
  const { child } = startBuiltCli(['serve', '--port', '0'], { CONVERTR_HOME: home, ...env });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`convertr serve did not start: ${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /serving on (\S+)\n/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        child,
        stop: () =>
          new Promise<void>((done) => {
            child.once('close', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`convertr serve exited with ${code}: ${stderr}`)));
  });
}

const AXE_SOURCE = readFileSync(fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8');

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the page's strict CSP stays on)
 * and returns its serious and critical violations as "rule: target" lines.
 */
export async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? ''})`) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).join('; ')}`);
}

/** Drops real files on the window the way a user's drag-and-drop does: a DataTransfer with File objects. */
export async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  // The window listens for drops once its drop zone is in the page (a drop before that is the page's, not ours).
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const binary = atob(item.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], item.name));
    }
    return transfer;
  }, files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') })));
  await page.dispatchEvent('body', 'dragenter', { dataTransfer });
  await page.dispatchEvent('body', 'drop', { dataTransfer });
}

/** Settings, as a user sets them before dropping: every output into `outDir`, and (with `review`) drops wait for Start. Back on the Queue tab. */
export async function saveOutputSettings(page: Page, outDir: string, { review = false }: { review?: boolean } = {}): Promise<void> {
  await page.getByRole('tab', { name: 'Settings' }).click();
  if (review) await page.getByLabel('Let me review them first').check();
  await page.getByLabel('In one folder:').check();
  await page.getByLabel('Output folder').fill(outDir);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
  await page.getByRole('tab', { name: 'Queue' }).click();
}

export interface WindowInBrowser {
  page: Page;
  served: ServedApp;
  /** The data folder the window's `convertr serve` uses. */
  home: string;
  /** The folder `makeInputs` made this file's test media in. */
  media: string;
}

/**
 * One window for a test file: `convertr serve` on a fresh data folder, its test media made in a folder of their own,
 * a Chromium page at the window of `viewport` size, and (unless `outputs` is 'unset') every output saved to a fresh
 * folder, drops waiting for Start with 'review'. Everything is closed and removed after the file.
 */
export function useWindowInBrowser(name: string, options: { viewport: { width: number; height: number }; outputs?: 'converted' | 'review' | 'unset'; makeInputs?: (media: string) => void }): WindowInBrowser {
  const opened: Partial<WindowInBrowser> = {};
  let browser: Browser | undefined;
  beforeAll(async () => {
    opened.home = tempDir(`convertr-${name}-`);
    opened.media = tempDir(`convertr-${name}-media-`);
    options.makeInputs?.(opened.media);
    opened.served = await startServe(opened.home);
    browser = await launchChromium();
    opened.page = await browser.newPage({ viewport: options.viewport });
    await opened.page.goto(opened.served.url);
    const outputs = options.outputs ?? 'converted';
    if (outputs !== 'unset') await saveOutputSettings(opened.page, tempDir(`convertr-${name}-out-`), { review: outputs === 'review' });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await opened.served?.stop();
    if (opened.home) removeDir(opened.home);
    if (opened.media) removeDir(opened.media);
  });
  return opened as WindowInBrowser;
}
