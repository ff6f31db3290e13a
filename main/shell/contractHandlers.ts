import { AppError } from '../core/errors.js';
import { appFacts } from '../core/facts.js';
import { hostedFacts } from '../core/telemetry/stats.js';
import { checkSanctumToken } from '../core/hosted/sanctumToken.js';
import { outputKind } from '../core/formats.js';
import { describeOptions } from '../core/engine/plan/conversionOptions.js';
import type { DesktopService } from '../core/app/desktopService.js';
import type { ReviewListStore } from '../core/app/reviewList.js';
import type { SettingsStore } from '../core/app/settingsStore.js';
import { concurrencyLimits, type Hardware } from '../core/scheduling/concurrency.js';
import type { WatchService, RuleStatus } from '../core/watch/watchService.js';
import type { FolderPurpose, FolderRuleInput, FolderRuleView, PresetView, Settings } from '../../preload/contract.js';
import { describePreset, type Preset } from '../core/presets/presets.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import { checkExistingFolder, checkWritableFolder, type ProtectedFolders } from './folderPolicy.js';
import { realFolderPath } from '../core/fileIdentity.js';
import { isSameFolder } from '../core/watch/folderRelations.js';
import type { HandlerMap } from './handleInvoke.js';
import type { HostedAccess } from '../core/hosted/hostedAccess.js';
import { monthOf } from '../core/hosted/hostedRecords.js';
import type { JobRouter } from '../core/hosted/jobRouter.js';
import { supportInfoText } from '../core/hosted/supportInfo.js';
import type { TokenVault } from '../core/hosted/tokenVault.js';

export interface ShellActions {
  version: string;
  ffmpeg: string;
  hardware: Hardware;
  reveal(file: string): void;
  chooseFiles(folders: boolean): Promise<string[]>;
  /** The native folder picker; null when cancelled or when this shell has none. */
  chooseFolder(purpose: FolderPurpose): Promise<string | null>;
  settingsChanged(settings: Settings): void;
  /** Output and done folders typed in the window may not point here. */
  protectedFolders: ProtectedFolders;
}

/** Maps every invoke channel of the contract onto the desktop service and the shell's own actions. */
function ruleView(status: RuleStatus): FolderRuleView {
  const { rule, running, activity } = status;
  return {
    id: rule.id, inputFolder: rule.inputDir, outputFolder: rule.outputDir, target: rule.target, recursive: rule.recursive,
    include: rule.include, exclude: rule.exclude, doneFolder: rule.sourcePolicy.kind === 'move' ? rule.sourcePolicy.doneDir : null,
    mode: rule.mode, neverUpload: rule.neverUpload, whenOffline: rule.whenOffline,
    options: rule.options, preset: rule.preset ?? null, optionsSummary: describeOptions(rule.options),
    enabled: rule.enabled, running, lastActivityAt: activity.lastActivityAt, converted: activity.converted, failed: activity.failed,
    inProgress: activity.inProgress, failures: activity.failures,
  };
}

/**
 * A rule from the window, checked in the user's words: the watched folder exists and no other rule
 * watches it; the output and done folders are full paths outside the app's own folders.
 */
function ruleSpec(input: FolderRuleInput, watch: WatchService, protectedFolders: ProtectedFolders, id?: number) {
  const inputDir = checkExistingFolder('The watch folder', input.inputFolder);
  const realInput = realFolderPath(inputDir);
  const twin = watch.status().find(({ rule }) => rule.id !== id && rule.origin === 'app' && isSameFolder(realFolderPath(rule.inputDir), realInput));
  if (twin) throw new AppError('RULE_INVALID', `${inputDir} is already watched by another rule (→ ${twin.rule.target.toUpperCase()}); edit that rule instead.`);
  const outputDir = input.outputFolder === null ? path.join(inputDir, 'converted') : checkWritableFolder('The output folder', input.outputFolder, protectedFolders);
  const doneDir = input.doneFolder === null ? null : checkWritableFolder('The folder for converted originals', input.doneFolder, protectedFolders);
  const before = id === undefined ? undefined : watch.status().find(({ rule }) => rule.id === id)?.rule;
  const options = input.options ?? before?.options;
  const preset = input.preset === undefined ? before?.preset : input.preset ?? undefined;
  return {
    inputDir,
    target: input.target,
    outputDir: checkWritableFolder('The output folder', outputDir, protectedFolders),
    recursive: input.recursive,
    include: input.include,
    exclude: input.exclude,
    sourcePolicy: doneDir ? { kind: 'move' as const, doneDir } : { kind: 'keep' as const },
    ...(input.mode ? { mode: input.mode } : {}),
    ...(input.neverUpload !== undefined ? { neverUpload: input.neverUpload } : {}),
    ...(input.whenOffline ? { whenOffline: input.whenOffline } : {}),
    ...(options ? { options } : {}),
    ...(preset ? { preset } : {}),
  };
}

/** The hosted side of the desktop runtime: the router, the keychain, and the credentials hosted jobs use. */
export interface HostedAccount {
  router: JobRouter;
  vault: TokenVault;
  access: HostedAccess;
  /** Loads credentials and checks reachability before jobs are launched. */
  prepare(): Promise<string | undefined>;
}

function presetView(preset: Preset): PresetView {
  return { id: preset.id, name: preset.name, target: preset.target, kind: outputKind(preset.target), options: preset.options, builtIn: preset.builtIn, summary: describePreset(preset) };
}

export function contractHandlers(service: DesktopService, settings: SettingsStore, watch: WatchService, account: HostedAccount, shell: ShellActions, reviewList?: ReviewListStore): HandlerMap {
  const apiUrl = () => new URL(settings.get().apiUrl);
  const view = (): Settings => {
    const stored = settings.get();
    return { ...stored, concurrency: stored.concurrency ?? concurrencyLimits(shell.hardware).perLane, clientLabelSet: account.access.hasLabel() };
  };
  return {
    'app:info': () => ({ version: shell.version, ffmpeg: shell.ffmpeg }),
    'app:facts': () => appFacts(),
    'queue:enqueue': async ({ paths, target, preset, options, onConflict }) => {
      await account.prepare();
      // Hybrid's first batch of a pair: an estimate of this machine from each dropped file's probe (folders are listed later).
      if (target && settings.get().mode === 'hybrid') {
        const files = paths.slice(0, 500).filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile()).map((inputPath) => ({ inputPath, target }));
        await account.router.estimateInputs(files, { mode: 'hybrid', apiUrl: undefined, neverUpload: false, budgetUsd: 0 });
      }
      return service.enqueue(paths, target, { preset, options, onConflict });
    },
    'queue:move': ({ jobId, where }) => ({ order: service.move(jobId, where) }),
    'queue:plan': async ({ paths }) => ({ plans: await service.plan(paths) }),
    'review:get': () => ({ rows: reviewList?.get() ?? [] }),
    'review:set': ({ rows }) => {
      reviewList?.set(rows);
      return { saved: true as const };
    },
    'queue:get': () => {
      const listed = service.list();
      return { ...listed, jobs: listed.jobs.map((job) => ({ ...job, route: account.router.routeView(job.input, job.status === 'succeeded' || job.status === 'failed') })) };
    },
    'queue:cancel': ({ jobId }) => {
      const row = service.list().jobs.find((j) => j.id === jobId);
      const cancelled = service.cancel(jobId);
      // A "Convert on this computer" retry cancelled before it was routed leaves no mark for the next job of its file.
      if (cancelled && row?.status === 'queued') account.router.convertHere(row.input, false);
      return { cancelled };
    },
    'queue:retry': async ({ jobId, target, preset, mode }) => {
      await account.prepare();
      const input = mode === 'local' ? service.list().jobs.find((j) => j.id === jobId)?.input : undefined;
      if (input === undefined) return { jobId: await service.retry(jobId, { target, preset }) };
      // "Convert on this computer": the retry is routed here, whatever the settings' mode, when a slot takes it (the router then forgets the mark).
      account.router.convertHere(input, true);
      try {
        return { jobId: await service.retry(jobId, { target, preset }) };
      } catch (error) {
        account.router.convertHere(input, false);
        throw error;
      }
    },
    'queue:remove': ({ jobId }) => ({ removed: service.remove(jobId) }),
    'queue:thumbnail': async ({ jobId }) => ({ url: await service.thumbnail(jobId) }),
    'presets:list': () => ({ presets: service.presets().map(presetView) }),
    'presets:save': ({ name, target, options }) => presetView(service.savePreset(name, target, options)),
    'presets:update': ({ id, name, target, options }) => presetView(service.updatePreset(id, name, target, options)),
    'presets:delete': ({ id }) => ({ deleted: service.deletePreset(id) }),
    'queue:clearFinished': () => ({ removed: service.clearFinished() }),
    'queue:pause': () => {
      service.pause();
      return { paused: true as const };
    },
    'queue:resume': () => {
      service.resume();
      return { paused: false as const };
    },
    'queue:interrupted': () => ({ batches: service.interruptedBatches() }),
    'queue:resumeBatch': ({ batchKey }) => ({ started: service.resumeBatch(batchKey) }),
    'queue:discardInterrupted': ({ batchKey }) => {
      const { discarded, kept, partialFilesRemoved } = service.discardInterrupted(batchKey);
      return { discarded, kept, partialFilesRemoved };
    },
    'stats:get': ({ window }) => {
      const month = monthOf(Date.now());
      const spend = account.router.monthSpend();
      const stats = service.stats(Number(window.replace('d', '')));
      return { ...stats, ...hostedFacts(stats, settings.get().mode, { month, spentUsd: spend.settledUsd, reservedUsd: spend.reservedUsd, budgetUsd: settings.get().hybridBudgetUsd }) };
    },
    'settings:get': () => view(),
    'settings:set': async (change) => {
      if (change.outputFolder != null) change = { ...change, outputFolder: checkWritableFolder('The output folder', change.outputFolder, shell.protectedFolders) };
      const { clientLabel } = change;
      settings.update(change);
      if (clientLabel !== undefined) {
        // The raw label goes to the keychain only; settings.json keeps its hash (the cohort).
        if (clientLabel.trim() === '') await account.vault.forgetLabel();
        else await account.vault.saveLabel(clientLabel);
        account.access.setLabel(clientLabel);
      }
      await account.prepare();
      const next = view();
      shell.settingsChanged(next);
      return next;
    },
    'account:register': async (form) => {
      const url = apiUrl();
      const client = account.access.registrationClient(url);
      const registration = await client.register(form);
      const saved = await account.vault.save(url, registration.token.plain_text_token);
      account.access.setToken(url, registration.token.plain_text_token);
      settings.update({ serviceCohort: registration.user.anonymous_api_client_cohort ?? null });
      shell.settingsChanged(view());
      return { cohort: registration.user.anonymous_api_client_cohort ?? null, keychain: saved.location === 'keychain' ? ('stored' as const) : ('session-only' as const) };
    },
    'account:signIn': async ({ token }) => {
      const url = apiUrl();
      const checked = checkSanctumToken(token);
      const saved = await account.vault.save(url, checked);
      account.access.setToken(url, checked);
      return { apiOrigin: url.origin, keychain: saved.location === 'keychain' ? ('stored' as const) : ('session-only' as const) };
    },
    'account:logout': async () => {
      const url = apiUrl();
      const removed = await account.vault.forget(url);
      account.access.setToken(url, undefined);
      return { loggedOut: removed };
    },
    'support:info': async ({ jobId }) => {
      const job = service.list().jobs.find((j) => j.id === jobId);
      if (!job || job.status !== 'failed' || !job.error || job.mode !== 'hosted') throw new AppError('USAGE', 'Support info is offered for a failed hosted job only.');
      const url = apiUrl();
      const { token } = await account.vault.load(url);
      const label = await account.vault.loadLabel();
      const secrets = [token, label].filter((s): s is string => typeof s === 'string');
      return { text: supportInfoText({ cohort: settings.get().serviceCohort, pair: job.pair, error: { code: job.error.code, message: job.error.detail ?? job.error.message }, at: job.finishedAt, apiOrigin: url.origin, secrets }) };
    },
    'folders:list': () => ({ rules: watch.status().filter(({ rule }) => rule.origin === 'app').map(ruleView) }),
    'folders:add': async (input) => ({ id: (await watch.add(ruleSpec(input, watch, shell.protectedFolders))).id }),
    'folders:update': async ({ id, ...input }) => ({ id: (await watch.update(id, ruleSpec(input, watch, shell.protectedFolders, id))).id }),
    'folders:setEnabled': async ({ id, enabled }) => ({ enabled: (enabled ? await watch.resume(id) : await watch.pause(id)).enabled }),
    'folders:retry': ({ id }) => ({ retried: watch.retry(id) }),
    'folders:remove': async ({ id }) => ({ removed: await watch.remove(id) }),
    'output:reveal': ({ jobId }) => {
      const output = service.outputOf(jobId);
      if (!output) return { revealed: false };
      shell.reveal(output);
      return { revealed: true };
    },
    'dialog:chooseFiles': async ({ folders }) => ({ paths: await shell.chooseFiles(folders) }),
    'dialog:chooseFolder': async ({ purpose }) => ({ path: await shell.chooseFolder(purpose) }),
  };
}
