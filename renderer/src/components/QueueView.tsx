import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { downloadAllUrl } from '../api/bridge';
import type { MediaKindView } from '../../../preload/contract';
import { inputLabels } from '../lib/facts';
import { useAppFacts } from '../stores/factsStore';
import { usePending } from '../stores/pendingStore';
import { useSettings } from '../stores/settingsStore';
import { useQueue } from '../stores/queueStore';
import { useUi } from '../stores/uiStore';
import { thumbnailKey, useThumbnails } from '../stores/thumbnails';
import { Icon, KindSymbols } from './Icons';
import { JobRow } from './JobRow';
import { keepRowFocus, restoreRowFocus } from '../lib/rowFocus';
import { PendingRows } from './PendingRows';

/** A row's height, and a failed row's opened to show its error and fix in full; a narrow window puts the actions on a line of their own. */
const WIDE_ROWS = { row: 64, expanded: 176 };
const NARROW_ROWS = { row: 100, expanded: 244 };
/** The width under which styles.css gives the actions their own line. */
const NARROW_QUERY = '(max-width: 599px)';
const OVERSCAN = 6;
/** More than the rows that can ever be in view at once, so that slot keys stay unique. */
const SLOTS = 512;
/** Rows scrolled past faster than this ask for no picture. */
const PICTURES_AFTER_MS = 150;

const KIND_TEXT: Record<MediaKindView, { title: string; smart: string }> = {
  video: { title: 'Videos', smart: 'With Smart, videos become MP4 (H.264 and AAC) that plays on every phone, TV and browser; files that already do are copied, not re-encoded.' },
  audio: { title: 'Music', smart: 'With Smart, music becomes MP3, which every player opens.' },
  image: { title: 'Photos', smart: 'With Smart, photos become JPG, turned the right way up; iPhone HEIC photos keep their date, place and camera.' },
};

/**
 * Where a drop's own options are: converted at once, a drop takes the header's choices only, so the options a file
 * can have (a GIF's cut, a still's moment, a codec, loudness) are one click away, the same choice as in Settings.
 */
function ReviewHint() {
  const onDrop = useSettings((s) => s.settings?.onDrop);
  const save = useSettings((s) => s.save);
  if (onDrop === undefined) return null;
  return onDrop === 'start' ? (
    <p className="hint" data-testid="review-hint">
      To cut a clip, pick a still's moment, or choose a codec or even loudness for each file,{' '}
      <button type="button" className="link" onClick={() => void save({ onDrop: 'review' })}>review drops before they start</button>
    </p>
  ) : (
    <p className="hint" data-testid="review-hint">
      Dropped files wait for Start, each with its own target and options.{' '}
      <button type="button" className="link" onClick={() => void save({ onDrop: 'start' })}>Convert drops at once</button>
    </p>
  );
}

/** The empty queue: one large drop target that says what the app takes and what Smart makes of it. */
function EmptyQueue() {
  const pickFiles = useUi((s) => s.pickFiles);
  const facts = useAppFacts();
  return (
    <div className="drop-target" data-testid="drop-target">
      <Icon name="drop" />
      <h2>Drop videos, music or photos</h2>
      <p className="hint">anywhere in this window, one file or whole folders, or</p>
      <button type="button" className="primary" onClick={() => pickFiles?.()}>Add files…</button>
      <div className="kinds">
        {facts.kinds.map((kind) => (
          <div key={kind}>
            <h3><Icon name={kind} />{KIND_TEXT[kind].title}</h3>
            <p className="hint">{inputLabels(facts, kind)}</p>
            <p>{KIND_TEXT[kind].smart}</p>
          </div>
        ))}
      </div>
      <ReviewHint />
      <p className="hint">Everything is converted on this computer unless you choose the hosted service in Settings. Originals are never changed.</p>
    </div>
  );
}

/** Succeeded, failed and cancelled counted apart; the bar shows each in its own colour, so failures never look like success. */
function BatchHeader() {
  const jobs = useQueue((s) => s.jobs);
  const order = useQueue((s) => s.order);
  const totals = useMemo(() => {
    const count = { succeeded: 0, skipped: 0, failed: 0, cancelled: 0, running: 0 };
    for (const id of order) {
      const job = jobs[id];
      if (!job) continue;
      if (job.status === 'running' || job.status === 'paused') count.running += job.progress;
      else if (job.status !== 'queued') count[job.status]++;
    }
    return count;
  }, [jobs, order]);
  const total = order.length;
  const finished = totals.succeeded + totals.skipped + totals.failed + totals.cancelled;
  const share = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className="batch-header">
      <div className="meter" role="progressbar" aria-label="Finished files" aria-valuemin={0} aria-valuemax={total} aria-valuenow={finished} aria-valuetext={`${finished} of ${total} finished`}>
        <span className="m-succeeded" style={{ width: share(totals.succeeded) }} />
        <span className="m-skipped" style={{ width: share(totals.skipped) }} />
        <span className="m-failed" style={{ width: share(totals.failed) }} />
        <span className="m-cancelled" style={{ width: share(totals.cancelled) }} />
        <span className="m-running" style={{ width: share(totals.running) }} />
      </div>
      <p className="counts" data-testid="batch-summary" aria-live="polite">
        <span>{finished} of {total} finished:</span>
        <span className="count-succeeded" data-testid="count-succeeded">{totals.succeeded} succeeded</span>
        {totals.skipped > 0 && <span className="count-skipped" data-testid="count-skipped">{totals.skipped} skipped</span>}
        <span className={totals.failed > 0 ? 'count-failed' : undefined} data-testid="count-failed">{totals.failed} failed</span>
        <span className="count-cancelled" data-testid="count-cancelled">{totals.cancelled} cancelled</span>
      </p>
    </div>
  );
}

/** How many of an interrupted batch's files the banner names. */
const SHOWN_FILES = 5;

const fileName = (file: string) => file.split(/[\\/]/).pop() ?? file;

/** Command-line batches that were interrupted: offered with Resume and Discard, never resumed by themselves. */
function InterruptedBatches() {
  const interrupted = useQueue((s) => s.interrupted);
  const { resumeBatch, discardBatch } = useQueue.getState();
  if (interrupted.length === 0) return null;
  return (
    <section className="interrupted" aria-labelledby="interrupted-title">
      <h2 id="interrupted-title">Interrupted command-line batches</h2>
      <ul>
        {interrupted.map((batch) => {
          const what = `${batch.left} of ${batch.total} file${batch.total === 1 ? '' : 's'} to ${batch.target.toUpperCase()}`;
          return (
            <li key={batch.batchKey}>
              <div className="interrupted-batch">
                <span>{what} left{batch.stoppedByUser ? ', stopped in a terminal' : ''}</span>
                <ul className="interrupted-files" aria-label={`Files of ${what}`}>
                  {batch.files.slice(0, SHOWN_FILES).map((file) => <li key={file} title={file}>{fileName(file)}</li>)}
                  {batch.files.length > SHOWN_FILES ? <li>and {batch.files.length - SHOWN_FILES} more</li> : null}
                </ul>
              </div>
              <button type="button" aria-label={`Resume ${what}`} onClick={() => void resumeBatch(batch.batchKey)}>Resume</button>
              <button type="button" aria-label={`Discard ${what}`} onClick={() => void discardBatch(batch.batchKey)}>Discard</button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Where each row starts, when some rows are opened; undefined while every row has the same height. */
function rowOffsets(order: number[], expanded: ReadonlySet<number>, heights: typeof WIDE_ROWS): number[] | undefined {
  if (expanded.size === 0) return undefined;
  const offsets = new Array<number>(order.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < order.length; i++) offsets[i + 1] = offsets[i]! + (expanded.has(order[i]!) ? heights.expanded : heights.row);
  return offsets;
}

/** The rows' heights for the window's width, following it as the window is resized. */
function useRowHeights(): typeof WIDE_ROWS {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW_QUERY);
    const change = () => setNarrow(query.matches);
    query.addEventListener('change', change);
    change();
    return () => query.removeEventListener('change', change);
  }, []);
  return narrow ? NARROW_ROWS : WIDE_ROWS;
}

function firstRowAt(offsets: number[], y: number): number {
  let low = 0;
  let high = offsets.length - 2;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid]! <= y) low = mid;
    else high = mid - 1;
  }
  return Math.max(0, low);
}

/** A virtualised list: only the rows in view are in the page, so 10,000 jobs scroll as smoothly as ten. */
export function QueueView() {
  const order = useQueue((s) => s.order);
  const jobs = useQueue((s) => s.jobs);
  const startedAt = useQueue((s) => s.startedAt);
  const paused = useQueue((s) => s.paused);
  const thumbnails = useThumbnails((s) => s.urls);
  const pendingCount = usePending((s) => s.rows.length);
  const { togglePause, clearFinished } = useQueue.getState();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const heights = useRowHeights();
  const toggle = useCallback((id: number) => setExpanded((current) => {
    const next = new Set(current);
    if (!next.delete(id)) next.add(id);
    return next;
  }), []);
  const hasSucceeded = useMemo(() => order.some((id) => jobs[id]?.status === 'succeeded' && jobs[id].output), [jobs, order]);
  const downloadAll = hasSucceeded ? downloadAllUrl() : undefined;
  const hasFinished = useMemo(() => order.some((id) => jobs[id] && jobs[id].status !== 'queued' && jobs[id].status !== 'running' && jobs[id].status !== 'paused'), [jobs, order]);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, [order.length === 0]);
  const onScroll = useCallback(() => setScrollTop(scroller.current?.scrollTop ?? 0), []);

  const offsets = rowOffsets(order, expanded, heights);
  const top = (index: number) => (offsets ? offsets[index]! : index * heights.row);
  const startRow = offsets ? firstRowAt(offsets, scrollTop) : Math.floor(scrollTop / heights.row);
  const endRow = offsets ? firstRowAt(offsets, scrollTop + viewport) + 1 : Math.ceil((scrollTop + viewport) / heights.row);
  const first = Math.max(0, startRow - OVERSCAN);
  const last = Math.min(order.length, endRow + OVERSCAN);
  const visible = order.slice(first, last);
  // The rows on screen, once scrolling rests, ask for their pictures (only those: the list may hold 10,000 rows).
  const shown = useRef<{ id: number; output: string | null }[]>([]);
  shown.current = visible.flatMap((id) => (jobs[id] ? [{ id, output: jobs[id].output }] : []));
  const shownKey = shown.current.map(thumbnailKey).join(',');
  useEffect(() => {
    if (shownKey === '') return;
    const timer = setTimeout(() => useThumbnails.getState().fetch(shown.current), PICTURES_AFTER_MS);
    return () => clearTimeout(timer);
  }, [shownKey]);

  useEffect(() => restoreRowFocus(order), [jobs, order]);

  if (order.length === 0) {
    return (
      <section className="queue-view" aria-label="Queue">
        <InterruptedBatches />
        {pendingCount > 0 ? <PendingRows /> : <EmptyQueue />}
      </section>
    );
  }

  return (
    <section className="queue-view" aria-label="Queue">
      <div className="toolbar">
        <button type="button" onClick={() => void togglePause()}>{paused ? 'Resume all' : 'Pause all'}</button>
        <button type="button" onClick={() => { keepRowFocus(null, 0); void clearFinished(); }} disabled={!hasFinished}>Clear finished</button>
        {downloadAll && <a className="button" href={downloadAll} download aria-label="Download all converted files as one ZIP">Download all</a>}
      </div>
      <InterruptedBatches />
      <PendingRows />
      <BatchHeader />
      <KindSymbols />
      <div className="job-list" ref={scroller} onScroll={onScroll} role="list" aria-label="Jobs" tabIndex={0} data-testid="job-list">
        <div style={{ height: top(order.length), position: 'relative' }}>
          {visible.map((id, i) => {
            const job = jobs[id];
            const index = first + i;
            const open = expanded.has(id);
            // Keyed by slot, not by job: scrolling refills the same row elements instead of creating new ones.
            return job ? <JobRow key={index % SLOTS} job={job} thumbnail={thumbnails[thumbnailKey(job)]} startedAt={startedAt[id]} top={top(index)} height={open ? heights.expanded : heights.row} expanded={open} onToggle={toggle} /> : null;
          })}
        </div>
      </div>
    </section>
  );
}
