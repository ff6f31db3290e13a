import { memo } from 'react';
import type { JobView } from '../../../preload/contract';
import { fixFor, formatBytes, formatEta, formatSpeed } from '../lib/format';
import { useQueue } from '../stores/queueStore';

const STATUS_LABEL: Record<JobView['status'], string> = { queued: 'Queued', running: 'Converting', paused: 'Paused', succeeded: 'Done', failed: 'Failed', cancelled: 'Cancelled' };

export const JobRow = memo(function JobRow({ job, startedAt, top, height }: { job: JobView; startedAt: number | undefined; top: number; height: number }) {
  const { cancel, retry, reveal } = useQueue.getState();
  const elapsed = startedAt ? (Date.now() - startedAt) / 1000 : 0;
  const speed = job.status === 'running' && job.inputBytes !== null && elapsed > 0.5 ? (job.inputBytes * job.progress) / elapsed : null;
  const fix = job.error ? fixFor(job.error.code) : undefined;
  return (
    <div className={`job-row status-${job.status}`} style={{ top, height }} role="listitem" aria-label={`${job.name}: ${STATUS_LABEL[job.status]}`} data-testid="job-row">
      <div className="job-main">
        <span className="job-name" title={job.input}>{job.name}</span>
        <span className="job-pair">{job.pair}</span>
        <span className="job-mode">{job.mode}</span>
        <span className={`badge badge-${job.status}`}>{STATUS_LABEL[job.status]}</span>
      </div>
      <div className="job-detail">
        {job.status === 'running' || job.status === 'queued' || job.status === 'paused' ? (
          <>
            <span className="bar" role="progressbar" aria-label={`${job.name} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.progress * 100)}>
              <span style={{ width: `${Math.round(job.progress * 100)}%` }} />
            </span>
            <span className="job-eta">{Math.round(job.progress * 100)}% {formatEta(job.etaSeconds)} {formatSpeed(speed)}{job.pauseNote ? ` · ${job.pauseNote}` : ''}</span>
          </>
        ) : job.error ? (
          <span className="job-error" role="alert">{job.error.message}{fix ? ` ${fix}` : ''}</span>
        ) : (
          <span className="job-sizes">{formatBytes(job.inputBytes)} → {formatBytes(job.outputBytes)}{job.notes.length > 0 ? ` · ${job.notes.join(' ')}` : ''}</span>
        )}
        <span className="job-actions">
          {(job.status === 'queued' || job.status === 'running' || job.status === 'paused') && <button type="button" onClick={() => void cancel(job.id)}>Cancel</button>}
          {(job.status === 'failed' || job.status === 'cancelled') && <button type="button" onClick={() => void retry(job.id)}>Retry</button>}
          {job.status === 'succeeded' && job.output && <button type="button" onClick={() => void reveal(job.id)}>Show file</button>}
        </span>
      </div>
    </div>
  );
});
