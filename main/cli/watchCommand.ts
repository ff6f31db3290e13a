import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../core/errors.js';
import { OUTPUT_FORMATS, parseOutputFormat, type OutputFormat } from '../core/formats.js';
import { DEFAULT_STABILITY, WatchRuleRunner, type WatchEvent } from '../core/watch/watchRuleRunner.js';
import { checkCommandFolder } from './appFolders.js';
import { validateWatchRule, type WatchRule, type WatchRuleSpec } from '../core/watch/watchRule.js';
import type { WatchRuleStore } from '../core/watch/ports.js';
import { systemClock } from '../../native/createNativeEngine.js';
import { nodeRecoveryFileSystem } from '../../native/queueFileSystem.js';
import { SqliteWatchRuleStore } from '../../native/sqlite/sqliteWatchRuleStore.js';
import { ChokidarFolderWatcher } from '../../native/watch/chokidarFolderWatcher.js';
import { OPTION_FLAGS, UsageError, parseOptionFlags } from './args.js';
import type { ConversionOptions } from '../core/engine/plan/conversionOptions.js';
import type { Preset } from '../core/presets/presets.js';
import { resolveRequest } from './resolveRequest.js';
import { createRoutedContext, openStores, type RoutedContext } from './context.js';
import { LOCAL_ONLY } from '../core/hosted/routingPolicy.js';
import { humanLine, jsonLine } from './formatReport.js';
import { plainMessage, withoutToolWords } from '../core/errorWords.js';
import type { CliIo } from './io.js';

export interface WatchArgs {
  command: 'watch';
  folder: string;
  /** Null when a preset names the target. */
  target: OutputFormat | null;
  preset: string | undefined;
  options: Partial<ConversionOptions>;
  outputDir: string | undefined;
  recursive: boolean;
  include: string[];
  exclude: string[];
  moveTo: string | undefined;
  stableForMs: number;
  json: boolean;
  /** Failures also in the tool's or the system's own words (with their code), as `convert --verbose` prints them. */
  verbose: boolean;
  /** Keep the rule as a batch folder the app runs; without it the rule lives only while this command runs. */
  save: boolean;
}

/** "1.5s", "800ms", "2" (seconds). */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--stable-for ${text} is not a duration; write it like 1.5s or 800ms.`);
  const ms = match[2] === 'ms' ? Number(match[1]) : Number(match[1]) * 1000;
  if (ms < 100 || ms > 600_000) throw new UsageError('--stable-for must be between 100ms and 10 minutes.');
  return Math.round(ms);
}

/** Parses the arguments after `watch`. Throws UsageError with a message meant for the user. */
export function parseWatchArgs(rest: string[]): WatchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: 'string' },
        preset: { type: 'string' },
        ...OPTION_FLAGS,
        out: { type: 'string' },
        recursive: { type: 'boolean', short: 'r', default: false },
        include: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        'move-to': { type: 'string' },
        'stable-for': { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        save: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'watch needs the folder to watch.' : 'watch takes one folder; run one watch per folder.');
  if (!values.to && !values.preset) throw new UsageError(`watch needs --to <format> (one of ${OUTPUT_FORMATS.join(', ')}) or --preset <name>.`);
  const target = values.to ? parseOutputFormat(values.to) ?? null : null;
  if (values.to && !target) throw new UsageError(`--to ${values.to} is not a format Convertr writes; use one of ${OUTPUT_FORMATS.join(', ')}.`);
  if (values.out === '') throw new UsageError('--out needs a folder.');
  if (values['move-to'] === '') throw new UsageError('--move-to needs a folder.');
  return {
    command: 'watch',
    folder: positionals[0]!,
    target,
    preset: values.preset,
    options: parseOptionFlags(values),
    outputDir: values.out,
    recursive: values.recursive ?? false,
    include: values.include ?? [],
    exclude: values.exclude ?? [],
    moveTo: values['move-to'],
    stableForMs: values['stable-for'] ? parseDuration(values['stable-for']) : DEFAULT_STABILITY.stableForMs,
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    save: values.save ?? false,
  };
}

export function ruleSpecFrom(args: WatchArgs, userPresets: readonly Preset[] = []): WatchRuleSpec {
  const inputDir = path.resolve(args.folder);
  const { target, options, preset } = resolveRequest(args, userPresets);
  return validateWatchRule({
    options,
    preset: preset?.name,
    inputDir,
    recursive: args.recursive,
    include: args.include,
    exclude: args.exclude,
    target,
    outputDir: path.resolve(args.outputDir ?? path.join(inputDir, 'converted')),
    sourcePolicy: args.moveTo ? { kind: 'move', doneDir: path.resolve(args.moveTo) } : { kind: 'keep' },
    origin: args.save ? 'app' : 'command',
    enabled: args.save,
  });
}

const IDENTITY_KEYS = ['inputDir', 'recursive', 'include', 'exclude', 'target', 'outputDir', 'mirrorSubfolders', 'sourcePolicy', 'options'] as const;

/**
 * The same command finds the same rule again, and with it the jobs of what it already converted.
 * `--save` turns a one-off rule into a batch folder of the app (enabled); a saved rule stays saved.
 */
export function findOrAddRule(store: WatchRuleStore, spec: WatchRuleSpec): { rule: WatchRule; created: boolean } {
  const same = store.list().find((rule) => IDENTITY_KEYS.every((key) => JSON.stringify(rule[key]) === JSON.stringify(spec[key])));
  if (!same) return { rule: store.add(spec), created: true };
  if (spec.origin === 'app' && same.origin === 'command') {
    const { id, createdAt: _c, updatedAt: _u, ...kept } = same;
    return { rule: store.update(id, { ...kept, origin: 'app', enabled: true }), created: false };
  }
  return { rule: same, created: false };
}

const SKIP_TEXT = { 'already-converted': 'already converted', 'failed-before': 'failed before; unchanged since', 'in-progress': 'already being converted', 'own-output': 'an output of this rule' } as const;

/** A problem of the rule (not of one conversion) in plain words; `--verbose` adds the original words. */
function problemText(message: string, verbose: boolean): string {
  const plain = withoutToolWords(message) ?? plainMessage({ code: 'INTERNAL', message });
  return verbose && plain !== message ? `${plain}\n    details: ${message}` : plain;
}

function eventLine(event: WatchEvent, json: boolean, verbose: boolean): { line: string; stream: 'stdout' | 'stderr' } | undefined {
  switch (event.type) {
    case 'finished':
      return { stream: 'stdout', line: json ? JSON.stringify({ event: 'finished', ...JSON.parse(jsonLine(event.report)), movedTo: event.movedTo }) : `${humanLine(event.report, undefined, undefined, verbose)}${event.movedTo ? `\n    source moved to ${event.movedTo}` : ''}` };
    case 'queued':
      return { stream: json ? 'stdout' : 'stderr', line: json ? JSON.stringify({ event: 'queued', input: event.path }) : `… ${path.basename(event.path)} queued` };
    case 'skipped':
      return { stream: json ? 'stdout' : 'stderr', line: json ? JSON.stringify({ event: 'skipped', input: event.path, reason: event.reason }) : `· ${path.basename(event.path)}: ${SKIP_TEXT[event.reason]}` };
    case 'problem':
      return { stream: 'stderr', line: `! ${event.path ? `${event.path}: ` : ''}${problemText(event.message, verbose)}` };
    case 'waiting':
      return { stream: json ? 'stdout' : 'stderr', line: json ? JSON.stringify({ event: 'waiting', input: event.path }) : `… ${path.basename(event.path)} waits for the hosted API to be reachable` };
    case 'recovered':
      return { stream: 'stderr', line: `Recovered an interrupted run: ${event.completed} finished file(s) kept, ${event.released} file(s) to convert again, ${event.partialFilesRemoved} partial output(s) removed.` };
    case 'watching':
      return { stream: 'stderr', line: `Watching ${event.rule.inputDir}${event.rule.recursive ? ' and its sub-folders' : ''} → ${event.rule.outputDir} as ${event.rule.target.toUpperCase()} (rule #${event.rule.id}; ${event.catchUp} file(s) already there to check first, ${event.known} handled before). Press Ctrl-C to stop.` };
  }
}

/** `convertr watch`: runs one rule in the foreground until SIGINT/SIGTERM; exits 0 once stopped cleanly. */
export async function watchCommand(args: WatchArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  let spec: WatchRuleSpec;
  try {
    spec = ruleSpecFrom(args, stores.presets.list());
    checkCommandFolder('--out', spec.outputDir);
    if (spec.sourcePolicy.kind === 'move') checkCommandFolder('--move-to', spec.sourcePolicy.doneDir);
    const folder = await stat(spec.inputDir).catch(() => undefined);
    if (!folder?.isDirectory()) throw new AppError('INPUT_NOT_FOUND', `The folder to watch, ${spec.inputDir}, does not exist or is not a folder.`);
  } catch (error) {
    stores.close();
    throw error;
  }
  let context: RoutedContext;
  try {
    // A rule's files go through the same routing call as `convert` (local: `convertr watch` takes no API address).
    context = await createRoutedContext({ policy: LOCAL_ONLY, label: undefined, stores, env: process.env, notice: (line) => io.stderr(args.verbose ? line : withoutToolWords(line) ?? line) });
  } catch (error) {
    stores.close();
    throw error;
  }
  let stopRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  io.onInterrupt(stopRequested);
  try {
    const ruleStore = new SqliteWatchRuleStore(stores.db);
    const { rule, created } = findOrAddRule(ruleStore, spec);
    if (!created && !rule.enabled && rule.origin === 'app') io.stderr(`Rule #${rule.id} is paused in the app; running it here in the foreground anyway.`);
    const runner = new WatchRuleRunner({
      rule,
      jobs: stores.ruleJobs,
      queue: stores.queue,
      // The one launcher and routing call of `convert`: the rule's files are jobs of its batch, routed when a slot would take them.
      launcher: stores.queue.launcher(context.route),
      watcher: new ChokidarFolderWatcher(),
      files: nodeRecoveryFileSystem,
      owner: stores.owner,
      leaseExpiry: () => stores.lease.expiry(),
      scratchRoot: stores.scratchRoot,
      clock: systemClock,
      stability: { ...DEFAULT_STABILITY, stableForMs: args.stableForMs, pollMs: Math.min(DEFAULT_STABILITY.pollMs, Math.max(50, Math.round(args.stableForMs / 4))) },
      cohort: null,
      onEvent: (event) => {
        const out = eventLine(event, args.json, args.verbose);
        if (out) io[out.stream](out.line);
      },
    });
    stores.lease.start();
    await runner.start();
    await stopped;
    io.stderr('Stopping: unfinished conversions are cancelled and will run at the next start.');
    await runner.stop();
    return 0;
  } finally {
    io.offInterrupt(stopRequested);
    await context.close();
    stores.close();
  }
}
