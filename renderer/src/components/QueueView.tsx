import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueue } from '../stores/queueStore';
import { JobRow } from './JobRow';

const ROW_HEIGHT = 64;
const OVERSCAN = 6;
/** More than the rows that can ever be in view at once, so that slot keys stay unique. */
const SLOTS = 512;

function BatchHeader() {
  const jobs = useQueue((s) => s.jobs);
  const order = useQueue((s) => s.order);
  const totals = useMemo(() => {
    let done = 0;
    let failed = 0;
    let progress = 0;
    for (const id of order) {
      const job = jobs[id];
      if (!job) continue;
      if (job.status === 'succeeded' || job.status === 'cancelled') done++;
      if (job.status === 'failed') failed++;
      progress += job.status === 'queued' ? 0 : job.status === 'running' || job.status === 'paused' ? job.progress : 1;
    }
    return { done, failed, total: order.length, progress: order.length === 0 ? 0 : progress / order.length };
  }, [jobs, order]);
  if (totals.total === 0) return <p className="empty">Drop files or folders anywhere in this window, or use “Add files…”.</p>;
  return (
    <div className="batch-header" aria-live="polite">
      <progress max={1} value={totals.progress} aria-label="Total progress" />
      <span data-testid="batch-summary">{totals.done + totals.failed} of {totals.total} finished{totals.failed > 0 ? `, ${totals.failed} failed` : ''} ({Math.round(totals.progress * 100)}%)</span>
    </div>
  );
}

function InterruptedBatches() {
  const interrupted = useQueue((s) => s.interrupted);
  const { resumeBatch } = useQueue.getState();
  if (interrupted.length === 0) return null;
  return (
    <section className="interrupted" aria-label="Interrupted command-line batches">
      <h2>Interrupted command-line batches</h2>
      <ul>
        {interrupted.map((batch) => (
          <li key={batch.batchKey}>
            {batch.left} of {batch.total} file(s) to {batch.target.toUpperCase()} left{batch.stoppedByUser ? ', stopped in a terminal' : ''}{' '}
            <button type="button" onClick={() => void resumeBatch(batch.batchKey)}>Resume</button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A virtualised list: only the rows in view are in the page, so 10,000 jobs scroll as smoothly as ten. */
export function QueueView() {
  const order = useQueue((s) => s.order);
  const jobs = useQueue((s) => s.jobs);
  const startedAt = useQueue((s) => s.startedAt);
  const paused = useQueue((s) => s.paused);
  const { togglePause, clearFinished } = useQueue.getState();
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const onScroll = useCallback(() => setScrollTop(scroller.current?.scrollTop ?? 0), []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(order.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const visible = order.slice(first, last);

  return (
    <section className="queue-view" aria-label="Queue">
      <div className="toolbar">
        <button type="button" onClick={() => void togglePause()}>{paused ? 'Resume all' : 'Pause all'}</button>
        <button type="button" onClick={() => void clearFinished()}>Clear finished</button>
      </div>
      <InterruptedBatches />
      <BatchHeader />
      <div className="job-list" ref={scroller} onScroll={onScroll} role="list" aria-label="Jobs" tabIndex={0} data-testid="job-list">
        <div style={{ height: order.length * ROW_HEIGHT, position: 'relative' }}>
          {visible.map((id, i) => {
            const job = jobs[id];
            // Keyed by slot, not by job: scrolling refills the same row elements instead of creating new ones.
            return job ? <JobRow key={(first + i) % SLOTS} job={job} startedAt={startedAt[id]} top={(first + i) * ROW_HEIGHT} height={ROW_HEIGHT} /> : null;
          })}
        </div>
      </div>
    </section>
  );
}
