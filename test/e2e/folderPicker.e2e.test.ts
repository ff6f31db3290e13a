import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT } from '../helpers/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

/**
 * Stands in for the desktop app's preload in a real browser: the same contract over the web host's HTTP API,
 * except that `dialog:chooseFolder` answers what the native dialog would (the folder in `window.pickAnswer`,
 * null for Cancel) and records each call. The main-process half is tested in test/electron/startup.test.ts.
 */
function desktopBridge(): void {
  const token = /token=([0-9a-f]+)/.exec(window.location.hash)?.[1] ?? '';
  const page = window as unknown as { pickAnswer: string | null; pickCalls: unknown[]; convertr: unknown };
  page.pickAnswer = null;
  page.pickCalls = [];
  page.convertr = {
    invoke: async (channel: string, request: { purpose?: string }) => {
      if (channel === 'dialog:chooseFolder') {
        page.pickCalls.push(request);
        return { ok: true, value: { path: page.pickAnswer } };
      }
      const response = await fetch(`/api/invoke/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(request) });
      return (await response.json()) as unknown;
    },
    on: () => () => undefined,
    pathsForDroppedFiles: async () => [],
  };
}

describe('choosing a folder: the native dialog in the desktop app, a typed path in the browser', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;
  let chosen: string;

  beforeAll(async () => {
    home = tempDir('convertr-picker-');
    chosen = tempDir('convertr-picked-');
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
    removeDir(chosen);
  });

  async function openSettings(desktop: boolean): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    if (desktop) await page.addInitScript(desktopBridge);
    await page.goto(served.url);
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByLabel('In one folder:').check();
    return page;
  }

  it('offers no dialog button in the browser, where the path is typed', async () => {
    const page = await openSettings(false);
    await page.getByLabel('Output folder', { exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Choose the output folder' }).count()).resolves.toBe(0);
    await page.close();
  });

  it('fills the output folder from the native dialog, keeps it on Cancel, and saves the picked folder', async () => {
    const page = await openSettings(true);
    await page.getByLabel('Output folder', { exact: true }).fill('/typed/before');
    await page.getByRole('button', { name: 'Choose the output folder' }).click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { pickCalls: unknown[] }).pickCalls)).toEqual([{ purpose: 'output' }]);
    await expect(page.getByLabel('Output folder', { exact: true }).inputValue()).resolves.toBe('/typed/before');

    await page.evaluate((folder) => ((window as unknown as { pickAnswer: string }).pickAnswer = folder), chosen);
    await page.getByRole('button', { name: 'Choose the output folder' }).click();
    await expect.poll(() => page.getByLabel('Output folder', { exact: true }).inputValue()).toBe(chosen);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('[data-testid="settings-status"]', { hasText: 'Saved.' }).waitFor();
    const saved = await page.evaluate(async () => (await (window as unknown as { convertr: { invoke(c: string, r: object): Promise<{ value: { outputFolder: string | null } }> } }).convertr.invoke('settings:get', {})).value.outputFolder);
    expect(saved).toBe(chosen);
    const info = await page.evaluate(async () => (await (window as unknown as { convertr: { invoke(c: string, r: object): Promise<{ value: { version: string } }> } }).convertr.invoke('app:info', {})).value.version);
    expect(info, 'the window reports the version of the package it runs').toBe((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });

  it('picks the watch, output and done folders of a batch-folder rule from the dialog', async () => {
    const page = await openSettings(true);
    await page.getByRole('tab', { name: 'Batch folders' }).click();
    await page.evaluate((folder) => ((window as unknown as { pickAnswer: string }).pickAnswer = folder), chosen);
    await page.getByRole('button', { name: 'Choose the watch folder' }).click();
    await expect.poll(() => page.getByLabel('Watch folder', { exact: true }).inputValue()).toBe(chosen);
    await page.getByRole('button', { name: 'Choose the folder for converted originals' }).click();
    await expect.poll(() => page.getByLabel('After converting, move originals to').inputValue()).toBe(chosen);
    expect(await page.evaluate(() => (window as unknown as { pickCalls: { purpose: string }[] }).pickCalls.map((c) => c.purpose))).toEqual(['watch', 'done']);
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  });
});
