import { describe, expect, it, vi } from 'vitest';
import { BatchTracker } from '../../main/core/app/batchTracker';
import { BatchNotifier, type NotificationPort } from '../../main/electron/batchNotifier';

function setup(enabled = true) {
  const shown: { title: string; body: string; onClick: () => void }[] = [];
  const port: NotificationPort = { isSupported: () => true, show: (n) => shown.push(n) };
  const showBatch = vi.fn();
  const notifier = new BatchNotifier(port, () => enabled, showBatch);
  const tracker = new BatchTracker((outcome) => notifier.batchFinished(outcome));
  return { shown, showBatch, tracker };
}

describe('batch notifications', () => {
  it('a batch of 50 jobs gives exactly one notification, after the last job, summarising failures', () => {
    const { shown, showBatch, tracker } = setup();
    const batch = tracker.open();
    for (let id = 1; id <= 50; id++) tracker.add(batch, id);
    for (let id = 1; id <= 49; id++) tracker.ended({ jobId: id, status: id === 7 ? 'failed' : 'succeeded', output: `/out/${id}.jpg` });
    expect(shown).toHaveLength(0);
    tracker.ended({ jobId: 50, status: 'succeeded', output: '/out/50.jpg' });
    expect(shown).toHaveLength(1);
    expect(shown[0]!.body).toBe('49 converted, 1 failed');
    shown[0]!.onClick();
    expect(showBatch).toHaveBeenCalledWith(batch);
    tracker.ended({ jobId: 50, status: 'succeeded', output: null });
    expect(shown).toHaveLength(1);
  });

  it('two batches finishing give two notifications; none when the setting is off', () => {
    const on = setup();
    const a = on.tracker.open();
    const b = on.tracker.open();
    on.tracker.add(a, 1);
    on.tracker.add(b, 2);
    on.tracker.ended({ jobId: 2, status: 'cancelled', output: null });
    on.tracker.ended({ jobId: 1, status: 'succeeded', output: '/x/1.mp4' });
    expect(on.shown.map((n) => n.body)).toEqual(['0 converted, 1 cancelled', '1 converted']);
    const off = setup(false);
    const c = off.tracker.open();
    off.tracker.add(c, 1);
    off.tracker.ended({ jobId: 1, status: 'succeeded', output: null });
    expect(off.shown).toHaveLength(0);
  });

  it('counts files the conflict policy skipped apart, never as converted', () => {
    const { shown, tracker } = setup();
    const batch = tracker.open();
    for (const id of [1, 2, 3]) tracker.add(batch, id);
    tracker.ended({ jobId: 1, status: 'succeeded', output: '/out/1.jpg' });
    tracker.ended({ jobId: 2, status: 'skipped', output: null });
    tracker.ended({ jobId: 3, status: 'skipped', output: null });
    expect(shown.map((n) => [n.title, n.body])).toEqual([['Convertr: batch finished', '1 converted, 2 skipped']]);
  });
});
