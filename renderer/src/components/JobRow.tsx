import { startRowDrag } from '../lib/rowDrag';
import { memo, useRef, useState } from 'react';
import type { JobView } from '../../../preload/contract';
import { downloadUrl } from '../api/bridge';
import { usePresets } from '../stores/presetsStore';
import { FormatOptions, PresetOptions } from './TargetPicker';
import { describeFacts, formatBytes, formatSpeed } from '../lib/format';
import { formatTimeLeft } from '../../../main/core/durationText';
import { useQueue, type RetryChange } from '../stores/queueStore';
import { useAppFacts } from '../stores/factsStore';
import { choicesByFormat, choicesByName, presetFits } from '../lib/rowChoices';
import { KindIcon } from './Icons';
import { followRow, keepRowFocus } from '../lib/rowFocus';
import { useCutOff } from '../lib/useCutOff';

const STATUS_LABEL: Record<JobView['status'], string> = { queued: 'Queued', running: 'Converting', paused: 'Paused', succeeded: 'Done', skipped: 'Skipped', failed: 'Failed', cancelled: 'Cancelled' };
const statusLabel = (job: JobView) => STATUS_LABEL[job.status];

/** Why hybrid routing sent a row where it did, in words. */
const ROUTE_WORDS: Record<string, string> = {
  'hosted-sooner': 'hosted finishes it sooner', 'local-sooner': 'this computer finishes it sooner', 'over-budget': 'hosted would pass the budget',
  'plan-ceiling': 'the plan\'s hosted jobs are all busy', private: 'private', offline: 'the hosted API cannot be reached', 'over-upload-limit': 'too large to upload',
  'no-local-timing': 'no timing of this computer yet', 'no-local-tools': 'this computer lacks the tools', 'accepted-earlier': 'the hosted API accepted it earlier',
};
const usd = (value: number) => `$${value.toFixed(3)}`;

/** "hosted finishes it sooner (estimated) · predicted $0.002 · cost $0.002". */
function routeText(route: NonNullable<JobView['route']>): string {
  const parts = [`${ROUTE_WORDS[route.reason] ?? route.reason}${route.localTiming === 'estimated' ? ' (estimated)' : ''}`];
  if (route.predictedCostUsd !== null) parts.push(`predicted ${usd(route.predictedCostUsd)}`);
  if (route.costUsd !== null) parts.push(`cost ${usd(route.costUsd)}`);
  return parts.join(' · ');
}

/**
 * The file's picture (a video's frame, the image), fetched while the row is on screen, with the icon of what the
 * job makes in its corner; the icon alone until then, and for sound.
 */
function RowPicture({ job, url }: { job: JobView; url: string | null | undefined }) {
  return (
    <span className={url ? 'job-thumb has-picture' : 'job-thumb'}>
      {url && <img src={url} alt="" data-testid="job-thumb" />}
      <KindIcon target={job.target} />
    </span>
  );
}

interface JobRowProps {
  job: JobView;
  /** The file's picture (a data: URL), once the list has fetched it. */
  thumbnail: string | null | undefined;
  startedAt: number | undefined;
  top: number;
  height: number;
  /** The error's message and fix shown in full. */
  expanded: boolean;
  onToggle(id: number): void;
}

/** One job. Every action's accessible name carries the file's name ("Retry pug.heic"), so a screen reader can tell the rows apart. */
export const JobRow = memo(function JobRow({ job, thumbnail, startedAt, top, height, expanded, onToggle }: JobRowProps) {
  const { cancel, retry: retryJob, reveal, remove: removeJob, copySupportInfo, move } = useQueue.getState();
  // Cancel, Retry and Remove take away the control they were pressed on: the focus stays with the row (rowFocus).
  const keepFocus = (awaitingJob = false) => keepRowFocus(job.id, useQueue.getState().order.indexOf(job.id), awaitingJob);
  const cancelJob = (id: number) => {
    keepFocus();
    return cancel(id);
  };
  const retry = async (id: number, change: RetryChange) => {
    keepFocus(true);
    followRow(await retryJob(id, change), useQueue.getState().order);
  };
  const remove = (id: number) => {
    keepFocus();
    return removeJob(id);
  };
  // The row element is reused for another job after a move: focus follows the moved job to its new row.
  const moveRow = (where: 'up' | 'down' | 'top') =>
    void move(job.id, where).then(() => requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-job-id="${job.id}"] .move-${where}`)?.focus()));
  const onRowKey = (event: React.KeyboardEvent) => {
    if (job.status !== 'queued' || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    event.preventDefault();
    moveRow(event.key === 'ArrowUp' ? 'up' : 'down');
  };
  const presets = usePresets((s) => s.presets);
  const queuePaused = useQueue((s) => s.paused);
  const facts = useAppFacts();
  // What a Retry converts with: the row's own target and preset until the user picks others. The element is
  // reused for another job when the list scrolls, so a pick is kept with the id of the job it was made for.
  const [pick, setPick] = useState<{ jobId: number; target: JobView['target']; preset: string } | null>(null);
  // What core found the bytes to be wins over the name; bytes that are no media can become nothing, so nothing is
  // offered: Retry (once the file is replaced) keeps the row's target.
  const noMedia = job.inputFormat === null;
  const retryChoices = job.inputFormat ? choicesByFormat(facts, job.inputFormat) : choicesByName(facts, job.input);
  const retryTargets = retryChoices.kind === null ? undefined : retryChoices.targets;
  const retryPresets = retryChoices.kind === null ? presets : presets.filter((p) => presetFits(p, retryChoices));
  // A target the file cannot become is not offered again: the file's Smart target (or its first) instead.
  const fallbackTarget = retryTargets && !retryTargets.includes(job.target) ? ('target' in retryChoices.smart ? retryChoices.smart.target : retryTargets[0] ?? job.target) : job.target;
  const retryTarget = pick?.jobId === job.id ? pick.target : fallbackTarget;
  const retryPreset = pick?.jobId === job.id ? pick.preset : retryPresets.find((p) => p.name === job.preset)?.id ?? '';
  const setRetryTarget = (target: JobView['target']) => setPick({ jobId: job.id, target, preset: retryPreset });
  // Unless the user picks, the job's own preset and options are kept by core (the window may not know them all).
  const retryChange: RetryChange = noMedia ? {} : pick?.jobId === job.id ? { target: pick.target, preset: pick.preset === '' ? null : pick.preset } : retryTarget !== job.target ? { target: retryTarget } : {};
  const finished = job.status === 'succeeded' || job.status === 'skipped' || job.status === 'failed' || job.status === 'cancelled';
  const sizes = describeFacts(job.inputFacts, job.outputFacts);
  const download = job.status === 'succeeded' && job.output ? downloadUrl(job.id) : undefined;
  const pickPreset = (id: string) => {
    const preset = presets.find((p) => p.id === id);
    setPick({ jobId: job.id, target: preset ? preset.target : retryTarget, preset: id });
  };
  const elapsed = startedAt ? (Date.now() - startedAt) / 1000 : 0;
  const speed = job.status === 'running' && job.inputBytes !== null && elapsed > 0.5 ? (job.inputBytes * job.progress) / elapsed : null;
  const detailsId = `job-${job.id}-error`;
  // A finished row's notes may be longer than its line: "Notes" opens them in full, as "What to do" opens an error.
  const notesId = `job-${job.id}-notes`;
  const line = useRef<HTMLSpanElement>(null);
  const notesText = job.notes.join(' ');
  const lineCut = useCutOff(line, `${job.status} ${notesText}`);
  // Offered when the line does not show them all: cut off, or a skipped row's further notes.
  const hasNotes = (job.status === 'succeeded' || job.status === 'skipped') && job.notes.length > 0 && (expanded || lineCut || (job.status === 'skipped' && job.notes.length > 1));
  const notesToggle = hasNotes && (
    <button type="button" className="link job-notes-toggle" aria-expanded={expanded} aria-controls={notesId} onClick={() => onToggle(job.id)} aria-label={`${expanded ? 'Hide notes' : 'Notes'} for ${job.name}`}>
      {expanded ? 'Hide notes' : 'Notes'}
    </button>
  );
  return (
    <div className={`job-row status-${job.status}`} style={{ top, height }} role="listitem" aria-label={`${job.name}: ${statusLabel(job)}`} data-testid="job-row" data-job-id={job.id} onKeyDown={onRowKey}>
      <RowPicture job={job} url={thumbnail} />
      <div className="job-main">
        <span className="job-name" title={job.input}>{job.name}</span>
        <span className="job-pair">{job.pair}</span>
        {(job.preset || job.optionsSummary) && <span className="job-preset" title={job.optionsSummary}>{job.preset ?? job.optionsSummary}</span>}
        <span className="job-mode">{job.mode}</span>
        {job.route && <span className="job-route" data-testid="job-route">{routeText(job.route)}</span>}
        <span className={`badge badge-${job.status}`}>{statusLabel(job)}</span>
      </div>
      <div className="job-detail">
        {job.status === 'running' || job.status === 'queued' || job.status === 'paused' ? (
          <>
            <span className="bar" role="progressbar" aria-label={`${job.name} progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.progress * 100)}>
              <span style={{ width: `${Math.round(job.progress * 100)}%` }} />
            </span>
            <span className="job-eta">{Math.round(job.progress * 100)}% {job.status === 'paused' ? 'done, waiting to resume' : job.status === 'queued' && queuePaused ? '· waits: the queue is paused (Resume all starts it)' : formatTimeLeft(job.etaSeconds)} {formatSpeed(speed)}{job.pauseNote ? ` · ${job.pauseNote}` : ''}</span>
          </>
        ) : job.status === 'failed' && job.error ? (
          <>
            <span className="job-error" data-testid="error-message">{job.error.message}</span>
            <button type="button" className="link" aria-expanded={expanded} aria-controls={detailsId} onClick={() => onToggle(job.id)} aria-label={`${expanded ? 'Hide details' : 'What to do'} for ${job.name}`}>
              {expanded ? 'Hide details' : 'What to do'}
            </button>
          </>
        ) : job.status === 'skipped' ? (
          <>
            <span className="job-sizes" data-testid="skip-reason" ref={line}>Skipped: {job.notes[0] ?? 'nothing was written.'}</span>
            {notesToggle}
          </>
        ) : job.status === 'cancelled' ? (
          <span className="job-sizes">Cancelled before it finished; nothing was written. Retry to convert it.</span>
        ) : (
          <>
            <span className="job-sizes" ref={line}>
              {sizes && <span data-testid="job-facts">{sizes} · </span>}
              <span data-testid="job-size">{formatBytes(job.inputBytes)} → {formatBytes(job.outputBytes)}</span>
              {job.notes.length > 0 ? ` · ${notesText}` : ''}
            </span>
            {notesToggle}
          </>
        )}
        <span className="job-actions">
          {job.status === 'queued' && (
            <span className="drag-handle" aria-hidden="true" title="Drag to reorder" data-testid="drag-handle" onPointerDown={(e) => startRowDrag(e, job.id, (place) => void move(job.id, place))}>⠿</span>
          )}
          {job.status === 'queued' && (
            <span className="job-move" role="group" aria-label={`Order of ${job.name} (Alt+Up, Alt+Down)`}>
              <button type="button" className="move-top" aria-label={`Move ${job.name} to the top`} title="Start first" onClick={() => moveRow('top')}>⤒</button>
              <button type="button" className="move-up" aria-label={`Move ${job.name} up`} title="Move up (Alt+Up)" onClick={() => moveRow('up')}>↑</button>
              <button type="button" className="move-down" aria-label={`Move ${job.name} down`} title="Move down (Alt+Down)" onClick={() => moveRow('down')}>↓</button>
            </span>
          )}
          {(job.status === 'queued' || job.status === 'running' || job.status === 'paused') && <button type="button" aria-label={`Cancel ${job.name}`} onClick={() => void cancelJob(job.id)}>Cancel</button>}
          {(job.status === 'failed' || job.status === 'cancelled') && (
            <>
              {!noMedia && (
                <>
                  <select aria-label={`Target for retrying ${job.name}`} value={retryTarget} onChange={(e) => setRetryTarget(e.target.value as JobView['target'])}>
                    <FormatOptions allowed={retryTargets} />
                  </select>
                  <select aria-label={`Preset for retrying ${job.name}`} value={retryPreset} onChange={(e) => pickPreset(e.target.value)}>
                    <option value="">No preset</option>
                    <PresetOptions presets={retryPresets} />
                  </select>
                </>
              )}
              <button type="button" aria-label={`Retry ${job.name}`} onClick={() => void retry(job.id, retryChange)}>Retry</button>
            </>
          )}
          {job.status === 'failed' && job.mode === 'hosted' && (
            <button type="button" aria-label={`Convert ${job.name} on this computer`} onClick={() => void retry(job.id, { ...retryChange, mode: 'local' })}>Convert on this computer</button>
          )}
          {job.status === 'failed' && job.mode === 'hosted' && <button type="button" aria-label={`Copy support info for ${job.name}`} onClick={() => void copySupportInfo(job.id)}>Copy support info</button>}
          {download && <a className="button" href={download} download aria-label={`Download ${job.name}`}>Download</a>}
          {job.status === 'succeeded' && job.output && !download && <button type="button" aria-label={`Show file for ${job.name}`} onClick={() => void reveal(job.id)}>Show in folder</button>}
          {finished && <button type="button" className="link" aria-label={`Remove ${job.name} from the list`} onClick={() => void remove(job.id)}>Remove</button>}
        </span>
      </div>
      {hasNotes && expanded && (
        <div className="job-notes" id={notesId} tabIndex={0} data-testid="job-notes">
          {job.notes.map((note, i) => <p key={`${i}:${note}`}>{note}</p>)}
        </div>
      )}
      {job.status === 'failed' && job.error && expanded && (
        <dl className="error-details" id={detailsId} tabIndex={0}>
          <dt>What happened</dt>
          <dd data-testid="error-what">{job.error.message}</dd>
          <dt>What to do</dt>
          <dd data-testid="error-fix">{job.error.advice ?? 'Retry; if it fails again, convert the file with another target format or check that it opens in another app.'}</dd>
        </dl>
      )}
    </div>
  );
});
