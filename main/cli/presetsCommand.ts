import { parseArgs } from 'node:util';
import { normalizeOptions } from '../core/engine/plan/conversionOptions.js';
import { OUTPUT_FORMATS, parseOutputFormat } from '../core/formats.js';
import { allPresets, describePreset, findPreset, presetId, type Preset } from '../core/presets/presets.js';
import { OPTION_FLAGS, UsageError, parseOptionFlags } from './args.js';
import { openStores } from './context.js';
import { didYouMean } from './didYouMean.js';
import type { CliIo } from './io.js';

export type PresetsArgs =
  | { command: 'presets'; action: 'list'; json: boolean }
  | { command: 'presets'; action: 'save'; name: string; argv: string[] }
  | { command: 'presets'; action: 'delete'; name: string };

export function parsePresetsArgs(rest: string[]): PresetsArgs {
  const [action, name, ...more] = rest;
  if (action === undefined || action === '--json') {
    const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean', default: false } } });
    return { command: 'presets', action: 'list', json: values.json ?? false };
  }
  if (action !== 'save' && action !== 'delete') throw new UsageError(`Unknown presets action "${action}".${didYouMean(action, ['save', 'delete'])}`);
  if (!name || name.startsWith('--')) throw new UsageError(`presets ${action} needs a preset name.`);
  if (action === 'delete') {
    if (more.length > 0) throw new UsageError(`presets delete takes one name; put a name with spaces in quotes.`);
    return { command: 'presets', action, name };
  }
  return { command: 'presets', action, name, argv: more };
}

function line(preset: Preset): string {
  return `${preset.id.padEnd(24)} ${preset.name}  (${describePreset(preset)})${preset.builtIn ? '' : '  [yours]'}`;
}

/** `convertr presets`: lists the presets; `save` keeps options under a name, `delete` removes one of the user's. */
export async function presetsCommand(args: PresetsArgs, io: CliIo): Promise<number> {
  const stores = openStores();
  try {
    if (args.action === 'list') {
      const presets = allPresets(stores.presets.list());
      io.stdout(args.json ? JSON.stringify(presets) : presets.map(line).join('\n'));
      return 0;
    }
    if (args.action === 'delete') {
      const id = presetId(args.name);
      const user = stores.presets.list();
      if (!stores.presets.remove(id)) {
        const builtIn = findPreset(args.name, allPresets([]));
        throw new UsageError(builtIn ? `"${builtIn.name}" is built in and cannot be deleted.` : `There is no preset "${args.name}" of yours.${didYouMean(id, user.map((p) => p.id))}`);
      }
      io.stderr(`Deleted the preset "${args.name}".`);
      return 0;
    }
    const { values } = parseArgs({
      args: args.argv,
      strict: true,
      options: { to: { type: 'string' }, ...OPTION_FLAGS },
    });
    if (!values.to) throw new UsageError(`presets save needs --to <format> (one of ${OUTPUT_FORMATS.join(', ')}).`);
    const target = parseOutputFormat(values.to);
    if (!target) throw new UsageError(`--to ${values.to} is not a format Convertr writes.${didYouMean(values.to, OUTPUT_FORMATS)}`);
    let saved: Preset;
    try {
      saved = stores.presets.save(args.name, target, normalizeOptions(parseOptionFlags(values)));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError((error as Error).message);
    }
    io.stdout(line(saved));
    return 0;
  } finally {
    stores.close();
  }
}
