import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startServe, type ServedApp } from '../helpers/browser';
import { removeDir, tempDir } from '../helpers/media';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * Main-thread busy time of each frame: the union of every complete event on the renderer's main thread
 * (script, style, layout, paint) between two BeginMainThreadFrame marks, in ms.
 */
function busyPerFrame(events: TraceEvent[]): number[] {
  const layoutCounts = new Map<number, number>();
  for (const e of events) if (e.name === 'Layout') layoutCounts.set(e.tid, (layoutCounts.get(e.tid) ?? 0) + 1);
  const mainTid = [...layoutCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
  const marks = events.filter((e) => e.name === 'BeginMainThreadFrame' && e.tid === mainTid).map((e) => e.ts).sort((a, b) => a - b);
  const work = events.filter((e) => e.ph === 'X' && e.tid === mainTid && e.dur !== undefined && e.dur > 0).map((e) => [e.ts, e.ts + e.dur!] as const).sort((a, b) => a[0] - b[0]);
  const busy: number[] = [];
  for (let i = 0; i + 1 < marks.length; i++) {
    const [from, to] = [marks[i]!, marks[i + 1]!];
    let total = 0;
    let reach = from;
    for (const [start, end] of work) {
      if (end <= from || start >= to) continue;
      const s = Math.max(start, reach);
      const e = Math.min(end, to);
      if (e > s) {
        total += e - s;
        reach = e;
      }
    }
    busy.push(total / 1000);
  }
  return busy.sort((a, b) => a - b);
}

/**
 * 10,000 queued jobs in the real window scroll as smoothly as 100 do: the main-thread work of each frame is
 * measured side by side in one run, first with 100 jobs in the list, then with 10,000.
 */
describe('queue with 10,000 jobs', () => {
  let browser: Browser;
  let served: ServedApp;
  let home: string;

  beforeAll(async () => {
    home = tempDir('convertr-10k-');
    served = await startServe(home);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    removeDir(home);
  });

  async function enqueue(page: Page, from: number, count: number): Promise<number> {
    const paths = Array.from({ length: count }, (_, i) => path.join(home, 'camera', `IMG_${String(from + i).padStart(5, '0')}.jpg`));
    return page.evaluate(async (all) => {
      const response = await fetch('/api/invoke/queue:enqueue', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('convertr-token')}` },
        body: JSON.stringify({ paths: all, target: 'png' }),
      });
      return ((await response.json()) as { value: { jobIds: number[] } }).value.jobIds.length;
    }, paths);
  }

  /** Scrolls the list 400 px a frame for 240 frames (back to the top when it reaches the end) and traces each frame's main-thread work. */
  async function scrollFrames(page: Page): Promise<{ busy: number[]; rendered: number; travelled: number }> {
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline.frame'] });
    const frames = await page.evaluate(async () => {
      const list = document.querySelector<HTMLElement>('[data-testid="job-list"]')!;
      let travelled = 0;
      let rendered = 0;
      for (let i = 0; i < 240; i++) {
        const before = list.scrollTop;
        list.scrollTop += 400;
        if (list.scrollTop === before) list.scrollTop = 0;
        travelled += Math.abs(list.scrollTop - before);
        await new Promise<void>((r) => requestAnimationFrame(() => r()));
        rendered = Math.max(rendered, list.querySelectorAll('[data-testid="job-row"]').length);
      }
      return { rendered, travelled };
    });
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    return { busy: busyPerFrame(trace.traceEvents), ...frames };
  }

  it('scrolls 10,000 queued jobs at 400 px a frame with no more main-thread work per frame than 100 jobs need', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(served.url);
    // Paused through the API: the window shows no queue controls while the queue is empty.
    await page.getByTestId('drop-target').waitFor();
    expect(await page.evaluate(async () => {
      const response = await fetch('/api/invoke/queue:pause', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('convertr-token')}` }, body: '{}' });
      return ((await response.json()) as { value: { paused: boolean } }).value.paused;
    })).toBe(true);

    expect(await enqueue(page, 0, 100)).toBe(100);
    await page.waitForFunction(() => document.querySelector('[data-testid="batch-summary"]')?.textContent?.includes('of 100 finished'), undefined, { timeout: 60_000 });
    await page.waitForTimeout(500);
    const hundred = await scrollFrames(page);

    expect(await enqueue(page, 100, 9_900)).toBe(9_900);
    await page.waitForFunction(() => document.querySelector('[data-testid="batch-summary"]')?.textContent?.includes('of 10000 finished'), undefined, { timeout: 60_000 });
    await page.evaluate(() => (document.querySelector<HTMLElement>('[data-testid="job-list"]')!.scrollTop = 0));
    await page.waitForTimeout(500);
    const tenThousand = await scrollFrames(page);

    const p95 = (busy: number[]) => percentile(busy, 0.95);
    console.log(
      `main-thread busy time per frame while scrolling, p95: 100 jobs ${p95(hundred.busy).toFixed(2)} ms, 10,000 jobs ${p95(tenThousand.busy).toFixed(2)} ms ` +
        `(medians ${percentile(hundred.busy, 0.5).toFixed(2)} / ${percentile(tenThousand.busy, 0.5).toFixed(2)} ms; ${tenThousand.rendered} rows in the page; ${tenThousand.busy.length} frames traced)`,
    );
    expect(tenThousand.rendered).toBeLessThan(60);
    expect(tenThousand.travelled).toBeGreaterThan(90_000);
    expect(tenThousand.busy.length).toBeGreaterThan(100);
    expect(hundred.busy.length).toBeGreaterThan(100);
    // Typical frames (median) and slow ones (p95); a 2 ms floor keeps trace noise on a nearly idle baseline from deciding.
    const median = (busy: number[]) => percentile(busy, 0.5);
    expect(median(tenThousand.busy) / Math.max(2, median(hundred.busy))).toBeLessThanOrEqual(1.5);
    expect(p95(tenThousand.busy) / Math.max(2, p95(hundred.busy))).toBeLessThanOrEqual(2);
  }, 240_000);
});
