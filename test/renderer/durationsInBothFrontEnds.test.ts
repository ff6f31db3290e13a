import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ConversionResult } from '../../main/core/engine/run/localConverter';
import { ProgressLines } from '../../main/cli/progressLines';
import { formatStatsTable } from '../../main/cli/statsCommand';
import { appFacts } from '../../main/core/facts';
import { buildStats } from '../../main/core/telemetry/stats';
import type { RangeTotals, RuntimeRow } from '../../main/core/telemetry/ports';
import type { JobView } from '../../preload/contract';
import { JobRow } from '../../renderer/src/components/JobRow';
import { StatsView } from '../../renderer/src/components/StatsView';
import { useFacts } from '../../renderer/src/stores/factsStore';
import { useStats } from '../../renderer/src/stores/statsStore';

/** Sets what a store holds for React's server renderer, which reads a zustand store's initial state, not its current one. */
function holdForRender<T extends object>(store: { getInitialState(): T }, state: Partial<T>): void {
  Object.assign(store.getInitialState(), state);
}

/** The text of the elements of `html` whose class (or test id) is `name`, markup and React's separators taken out. */
function textsOf(html: string, attribute: 'class' | 'data-testid', name: string): string[] {
  const open = new RegExp(`<(\\w+)[^>]*\\b${attribute}="${name}"[^>]*>`, 'g');
  return [...html.matchAll(open)].map((m) => {
    const rest = html.slice(m.index + m[0].length);
    return rest.slice(0, rest.indexOf(`</${m[1]}>`)).replace(/<!-- -->/g, '').replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").trim();
  });
}

/** The terminal's line for a job that went from 0.01 % to 0.02 % in its first second, read `waitedMs` after that. */
function terminalLine(waitedMs: number): { line: string; secondsLeft: number } {
  let now = 0;
  let report: (fraction: number) => void = () => {};
  const lines = new ProgressLines(() => now);
  void lines.watch({ convert: (_request, _signal, onProgress) => ((report = (f) => onProgress?.(f)), new Promise<ConversionResult>(() => {})) })
    .convert({ inputPath: '/videos/film.mkv', target: 'mp4' } as never, new AbortController().signal);
  report(0.0001);
  now = 1000;
  report(0.0002);
  now += waitedMs;
  // 0.9998 of the job at 0.0001 a second: 9998 s from the second report on.
  return { line: lines.lines(0, 1, 200)[0]!, secondsLeft: 9998 - waitedMs / 1000 };
}

/** The window's row for the same job, given the same estimate. */
function windowRow(etaSeconds: number): string {
  const job = {
    id: 1, batchId: 1, input: '/videos/film.mkv', name: 'film.mkv', target: 'mp4', pair: 'MKV->MP4', mode: 'local', status: 'running', pauseNote: null,
    progress: 0.0002, etaSeconds, inputBytes: null, outputBytes: null, output: null, notes: [], error: null, preset: null, optionsSummary: '',
  } as unknown as JobView;
  // The facts the window has once `app:facts` answered (the App waits for them before it shows a row).
  holdForRender(useFacts, { facts: appFacts() });
  const html = renderToStaticMarkup(createElement(JobRow, { job, thumbnail: null, startedAt: undefined, top: 0, height: 64, expanded: false, onToggle: () => {} }));
  return textsOf(html, 'class', 'job-eta')[0]!;
}

describe('a duration reads the same in the terminal and in the window', () => {
  it('time left: the progress line and the row say the same words for the same estimate', () => {
    const seen: string[] = [];
    // 9998 s (2 h 46 min 38 s), 1 h 0 min 1 s, 59.5 s, 42 s and 0.4 s left.
    for (const waitedMs of [0, 6_397_000, 9_938_500, 9_956_000, 9_997_600]) {
      const { line, secondsLeft } = terminalLine(waitedMs);
      const terminalWords = /\((.*)\)$/.exec(line)![1]!;
      expect(windowRow(secondsLeft)).toBe(`0% ${terminalWords}`);
      seen.push(terminalWords);
    }
    expect(seen).toEqual(['2 h 47 min left', '1 h 1 min left', '1 min 0 s left', '42 s left', 'almost done']);
  });

  it('runtimes: the stats table of `convertr stats` and the Stats tab say the same words for the same figures', () => {
    const totals = {
      pairs: [
        { pair: 'MKV->MP4', succeeded: 2, failed: 0, cancelled: 0, succeededRuntimeMs: 2 * 96_755_000, billableMinutes: 3228, localBillableMinutes: 3228, hostedBillableMinutes: 0 },
        { pair: 'HEIC->JPG', succeeded: 3, failed: 0, cancelled: 0, succeededRuntimeMs: 3 * 4_400, billableMinutes: 0, localBillableMinutes: 0, hostedBillableMinutes: 0 },
        { pair: 'WAV->MP3', succeeded: 2, failed: 0, cancelled: 0, succeededRuntimeMs: 680, billableMinutes: 0, localBillableMinutes: 0, hostedBillableMinutes: 0 },
      ],
      days: [], cohorts: 0, firstDay: 100,
    } as unknown as RangeTotals;
    const runtimes: RuntimeRow[] = [
      { pair: 'MKV->MP4', mode: 'local', runtimeMs: 59_500 }, { pair: 'MKV->MP4', mode: 'local', runtimeMs: 96_755_000 },
      { pair: 'HEIC->JPG', mode: 'local', runtimeMs: 4_400 }, { pair: 'HEIC->JPG', mode: 'local', runtimeMs: 9_950 }, { pair: 'HEIC->JPG', mode: 'local', runtimeMs: 999.6 },
      { pair: 'WAV->MP3', mode: 'local', runtimeMs: 340 },
    ];
    const stats = buildStats(totals, 14, 100, runtimes);

    const table = formatStatsTable(stats).split('\n');
    const terminalRow = (pair: string) => table.find((line) => line.startsWith(pair))!.split(/ {2,}/).slice(5, 8);
    holdForRender(useStats, { stats });
    const html = renderToStaticMarkup(createElement(StatsView));
    const windowRowOf = (pair: string) => {
      const row = html.slice(html.indexOf(`<th scope="row">${pair.replace('>', '&gt;')}</th>`));
      return [...row.slice(0, row.indexOf('</tr>')).matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]).slice(3, 6);
    };

    const expected: Record<string, string[]> = {
      'MKV->MP4': ['26 h 53 min', '1 min 0 s', '26 h 53 min'],
      'HEIC->JPG': ['4.4 s', '4.4 s', '10 s'],
      'WAV->MP3': ['340 ms', '340 ms', '340 ms'],
    };
    for (const [pair, words] of Object.entries(expected)) {
      expect(terminalRow(pair), pair).toEqual(words);
      expect(windowRowOf(pair), pair).toEqual(words);
    }
    const spent = /^Time spent converting: (.*) \(successful jobs/m.exec(table.join('\n'))![1];
    expect(spent).toBe('53 h 45 min');
    expect(textsOf(html, 'data-testid', 'time-spent')).toEqual([spent]);
  });
});
