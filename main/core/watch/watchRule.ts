import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { MODE_PREFERENCES } from '../modes.js';
import { DEFAULT_OPTIONS, optionsProblem } from '../engine/plan/conversionOptions.js';
import { conversionOptionsSchema } from '../engine/plan/conversionOptionsSchema.js';
import { OUTPUT_FORMATS, outputExtension, parseOutputFormat, type OutputFormat } from '../formats.js';
import { compileGlob, createFileFilter } from './fileFilter.js';
import { isInsideFolder, isSameFolder, isSameOrInside } from './folderRelations.js';
import { realFolderPath } from '../fileIdentity.js';

const folder = (what: string) => z.string({ error: `${what} must be a folder path.` }).trim().min(1, `${what} must not be empty.`);

const pattern = z.string().trim().min(1, 'A pattern must not be empty.')
  .refine((p) => !path.isAbsolute(p) && !p.split('/').includes('..'), 'A pattern is relative to the watched folder and cannot contain "..".')
  .refine((p) => {
    try {
      compileGlob(p);
      return true;
    } catch {
      return false;
    }
  }, 'A pattern has an unclosed "{" or "[".');

const target = z.string().transform((text, context): OutputFormat => {
  const format = parseOutputFormat(text);
  if (format) return format;
  context.addIssue({ code: 'custom', message: `"${text}" is not a format Convertr writes; use one of ${OUTPUT_FORMATS.join(', ')}.` });
  return z.NEVER;
});

/**
 * What a user asks of a batch folder. `mode` routes jobs like `convert --mode` (through the one router);
 * `whenOffline` says whether a hosted rule's jobs run locally or wait while the API cannot be reached;
 * `neverUpload` keeps every byte of the folder on this machine (see README.md beside this file).
 */
export const watchRuleSpecSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  inputDir: folder('The input folder'),
  recursive: z.boolean().default(false),
  include: z.array(pattern).max(100).default([]),
  exclude: z.array(pattern).max(100).default([]),
  target,
  outputDir: folder('The output folder'),
  mirrorSubfolders: z.boolean().default(true),
  sourcePolicy: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('keep') }),
    z.object({ kind: z.literal('move'), doneDir: folder('The done folder') }),
  ]).default({ kind: 'keep' }),
  enabled: z.boolean().default(true),
  /** 'command': made by a one-off `convertr watch` (no --save); kept only so the same command remembers what it converted. */
  origin: z.enum(['app', 'command']).default('app'),
  mode: z.enum(MODE_PREFERENCES).default('local'),
  whenOffline: z.enum(['local', 'wait']).default('local'),
  neverUpload: z.boolean().default(false),
  options: conversionOptionsSchema.default(DEFAULT_OPTIONS),
  /** The preset the rule was made from, shown beside it (its options are copied into the rule). */
  preset: z.string().trim().min(1).max(200).optional(),
});

export type WatchRuleInput = z.input<typeof watchRuleSpecSchema>;
export type WatchRuleSpec = z.output<typeof watchRuleSpecSchema>;

export interface WatchRule extends WatchRuleSpec {
  id: number;
  createdAt: number;
  updatedAt: number;
}

const invalid = (message: string) => new AppError('RULE_INVALID', message);

/** The rule's folders as they really are: symlinks resolved, a folder not created yet by its nearest existing one. */
function realFolders(spec: WatchRuleSpec): { inputDir: string; outputDir: string; doneDir: string | undefined } {
  return {
    inputDir: realFolderPath(spec.inputDir),
    outputDir: realFolderPath(spec.outputDir),
    doneDir: spec.sourcePolicy.kind === 'move' ? realFolderPath(spec.sourcePolicy.doneDir) : undefined,
  };
}

/**
 * Folders that would make the rule feed on itself or clobber its inputs, decided on their real paths
 * (a symlink to the watched folder is the watched folder). Outputs and done files inside the watched
 * tree are fine (the runner never watches those folders); outputs in the watched folder itself are
 * refused unless the rule's patterns can never pick them up.
 */
function checkFolders(spec: WatchRuleSpec): void {
  const { recursive, mirrorSubfolders, sourcePolicy } = spec;
  const { inputDir, outputDir, doneDir } = realFolders(spec);
  const anOutput = path.join(spec.inputDir, `output.${outputExtension(spec.target)}`);
  if (isSameFolder(outputDir, inputDir) && createFileFilter(spec)(anOutput)) {
    throw invalid(`The output folder is the watched folder and this rule takes .${spec.target} files, so its outputs would be converted again and could be taken for inputs. Choose another output folder (for example ${path.join(spec.inputDir, 'converted')}) or exclude *.${spec.target}.`);
  }
  if (recursive && mirrorSubfolders && isInsideFolder(inputDir, outputDir)) {
    throw invalid(`The output folder ${spec.outputDir} contains the watched folder; with sub-folders mirrored, outputs could land inside the watched folder and overwrite or loop on inputs. Choose an output folder outside ${spec.inputDir} or inside it.`);
  }
  if (sourcePolicy.kind !== 'move' || doneDir === undefined) return;
  if (isSameFolder(doneDir, inputDir)) throw invalid('The done folder is the watched folder: sources would never leave it. Choose another done folder.');
  if (recursive && mirrorSubfolders && isInsideFolder(inputDir, doneDir)) {
    throw invalid(`The done folder ${sourcePolicy.doneDir} contains the watched folder; with sub-folders mirrored, moved sources could land back inside it. Choose another done folder.`);
  }
  if (isSameOrInside(doneDir, outputDir) || isSameOrInside(outputDir, doneDir)) {
    throw invalid('The done folder and the output folder overlap: moved sources would sit among (and could be confused with) the outputs. Choose separate folders.');
  }
}

/** Parses a rule from any input (CLI, app, database) and checks its folders; throws RULE_INVALID with the reason. */
export function validateWatchRule(input: unknown): WatchRuleSpec {
  const parsed = watchRuleSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    throw invalid(`The watch rule is not valid: ${issues.join('; ')}`);
  }
  const spec = parsed.data;
  const doneDir = spec.sourcePolicy.kind === 'move' ? spec.sourcePolicy.doneDir : undefined;
  for (const [label, folder] of [['The input folder', spec.inputDir], ['The output folder', spec.outputDir], ['The done folder', doneDir]] as const) {
    if (folder !== undefined && !path.isAbsolute(folder)) throw invalid(`${label} must be an absolute path, not ${folder}.`);
  }
  const normalized: WatchRuleSpec = {
    ...spec,
    inputDir: path.resolve(spec.inputDir),
    outputDir: path.resolve(spec.outputDir),
    sourcePolicy: spec.sourcePolicy.kind === 'move' ? { kind: 'move', doneDir: path.resolve(spec.sourcePolicy.doneDir) } : spec.sourcePolicy,
  };
  const optionProblem = optionsProblem(normalized.options, normalized.target);
  if (optionProblem) throw invalid(optionProblem);
  checkFolders(normalized);
  return normalized;
}

/**
 * Folders below the watched one that the watcher must never look into: the rule's own outputs and done
 * files, found by their real paths and named below the watched folder as the watcher sees it.
 */
export function excludedFolders(spec: WatchRuleSpec): string[] {
  const real = realFolders(spec);
  const own = [real.outputDir, ...(real.doneDir !== undefined ? [real.doneDir] : [])];
  return own.filter((dir) => isInsideFolder(dir, real.inputDir)).map((dir) => path.join(spec.inputDir, path.relative(real.inputDir, dir)));
}

/** Where the output of a file goes (or, from `folder`, its source): that folder, plus the file's sub-folder when mirroring. */
export function outputFolderFor(spec: WatchRuleSpec, inputPath: string, folder = spec.outputDir): string {
  return spec.mirrorSubfolders ? path.join(folder, path.relative(spec.inputDir, path.dirname(inputPath))) : folder;
}

/** Where a converted source goes under the "move" policy. */
export function doneFolderFor(spec: WatchRuleSpec, inputPath: string): string | undefined {
  return spec.sourcePolicy.kind === 'move' ? outputFolderFor(spec, inputPath, spec.sourcePolicy.doneDir) : undefined;
}
