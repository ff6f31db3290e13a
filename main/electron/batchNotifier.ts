import { describeOutcome, type BatchOutcome } from '../core/app/batchTracker.js';

/** The part of Electron's Notification the notifier needs. */
export interface NotificationPort {
  isSupported(): boolean;
  show(notification: { title: string; body: string; onClick: () => void }): void;
}

/** One notification per finished batch ("12 converted, 1 failed"), never one per file; clicking shows that batch. */
export class BatchNotifier {
  constructor(
    private readonly port: NotificationPort,
    private readonly enabled: () => boolean,
    private readonly showBatch: (batchId: number) => void,
  ) {}

  batchFinished(outcome: BatchOutcome): void {
    if (!this.enabled() || !this.port.isSupported()) return;
    const title = outcome.failed > 0 ? 'Convertr: batch finished with errors' : 'Convertr: batch finished';
    this.port.show({ title, body: describeOutcome(outcome), onClick: () => this.showBatch(outcome.batchId) });
  }
}
