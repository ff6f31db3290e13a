import path from 'node:path';
import picomatch from 'picomatch';
import { isSupportedInputName } from '../formats.js';
import { TEMPORARY_SUFFIX } from '../engine/run/outputFiles.js';
import type { WatchRuleSpec } from './watchRule.js';

const GLOB_OPTIONS: picomatch.PicomatchOptions = { nocase: true, dot: true, strictBrackets: true };

/**
 * A glob as picomatch reads it, case-insensitive: `*` within a path segment, `**` across segments, `?`,
 * `{a,b}` alternatives, `[0-9]` classes. Throws on an unclosed brace or bracket.
 */
export function compileGlob(glob: string): (relativePath: string) => boolean {
  return picomatch(glob, GLOB_OPTIONS);
}

/**
 * Which files under the watched folder a rule takes: supported media names, not hidden, not our own
 * temporary files, matching an include pattern (all when there is none) and no exclude pattern.
 */
export function createFileFilter(spec: Pick<WatchRuleSpec, 'inputDir' | 'include' | 'exclude'>): (absolutePath: string) => boolean {
  // A pattern with no `/` matches the file name; one with `/` matches the path relative to the watched folder.
  const compile = (patterns: readonly string[]) => patterns.map((p) => {
    const matches = compileGlob(p);
    return p.includes('/') ? matches : (relative: string) => matches(path.posix.basename(relative));
  });
  const include = compile(spec.include);
  const exclude = compile(spec.exclude);
  return (absolutePath) => {
    const relative = path.relative(spec.inputDir, absolutePath).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('..')) return false;
    if (relative.split('/').some((segment) => segment.startsWith('.'))) return false;
    if (relative.endsWith(TEMPORARY_SUFFIX) || !isSupportedInputName(relative)) return false;
    if (include.length > 0 && !include.some((matches) => matches(relative))) return false;
    return !exclude.some((matches) => matches(relative));
  };
}
