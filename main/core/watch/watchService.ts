import path from 'node:path';
import { AppError } from '../errors.js';
import type { RuleActivity, RuleJobStore, WatchRuleStore } from './ports.js';
import { validateWatchRule, type WatchRule } from './watchRule.js';
import type { WatchRuleRunner } from './watchRuleRunner.js';

export type RuleRunner = Pick<WatchRuleRunner, 'start' | 'stop' | 'retry'>;

export interface RuleStatus {
  rule: WatchRule;
  running: boolean;
  activity: RuleActivity;
}

export interface WatchServiceDeps {
  rules: WatchRuleStore;
  jobs: RuleJobStore;
  createRunner: (rule: WatchRule) => RuleRunner;
}

/**
 * Every rule of the app: enabled rules run, paused ones do not; editing a rule restarts it. This is what
 * the desktop shell calls; `convertr watch` runs a single rule in the foreground instead.
 */
export class WatchService {
  private readonly runners = new Map<number, RuleRunner>();

  constructor(private readonly deps: WatchServiceDeps) {}

  async startEnabled(): Promise<void> {
    for (const rule of this.deps.rules.list()) if (rule.enabled) await this.launch(rule);
  }

  async add(input: unknown): Promise<WatchRule> {
    const rule = this.deps.rules.add(validateWatchRule(input));
    if (rule.enabled) await this.launch(rule);
    return rule;
  }

  async update(id: number, input: unknown): Promise<WatchRule> {
    this.existing(id);
    const spec = validateWatchRule(input);
    await this.halt(id);
    const rule = this.deps.rules.update(id, spec);
    if (rule.enabled) await this.launch(rule);
    return rule;
  }

  async pause(id: number): Promise<WatchRule> {
    await this.halt(id);
    return this.deps.rules.setEnabled(id, false);
  }

  async resume(id: number): Promise<WatchRule> {
    const rule = this.deps.rules.setEnabled(id, true);
    if (!this.runners.has(id)) await this.launch(rule);
    return rule;
  }

  async remove(id: number): Promise<boolean> {
    await this.halt(id);
    return this.deps.rules.remove(id);
  }

  /** Tries failed files of a rule again now (or at its next start when paused); returns how many. */
  retry(id: number, file?: string): number {
    this.existing(id);
    const runner = this.runners.get(id);
    if (runner) return runner.retry(file);
    return this.deps.jobs.forgetFailures(id, file === undefined ? undefined : path.resolve(file)).length;
  }

  status(): RuleStatus[] {
    return this.deps.rules.list().map((rule) => ({ rule, running: this.runners.has(rule.id), activity: this.deps.jobs.activity(rule.id) }));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.runners.keys()].map((id) => this.halt(id)));
  }

  private existing(id: number): void {
    if (!this.deps.rules.get(id)) throw new AppError('RULE_INVALID', `There is no watch rule #${id}.`);
  }

  private async launch(rule: WatchRule): Promise<void> {
    const runner = this.deps.createRunner(rule);
    this.runners.set(rule.id, runner);
    await runner.start().catch((error: unknown) => {
      this.runners.delete(rule.id);
      throw error;
    });
  }

  private async halt(id: number): Promise<void> {
    const runner = this.runners.get(id);
    this.runners.delete(id);
    await runner?.stop();
  }
}
