import path from 'node:path';
import { isSupportedInputName } from '../formats.js';
import { TEMPORARY_SUFFIX } from '../outputFiles.js';

/**
 * Glob to RegExp, case-insensitive: `*` any run of characters within a path segment, `**` any run of
 * segments, `?` one character, `{a,b}` alternatives. Everything else is literal.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) throw new Error(`unclosed "{" in ${glob}`);
      source += `(?:${glob.slice(i + 1, end).split(',').map(escapeRegExp).join('|')})`;
      i = end;
    } else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

/** A pattern with no `/` matches the file name; one with `/` matches the path relative to the watched folder. */
export function matchesPattern(relativePath: string, pattern: RegExp, hasSlash: boolean): boolean {
  return pattern.test(hasSlash ? relativePath : path.posix.basename(relativePath));
}

export interface FileFilterSpec {
  inputDir: string;
  include: readonly string[];
  exclude: readonly string[];
}

/**
 * Which files under the watched folder a rule takes: supported media names, not hidden, not our own
 * temporary files, matching an include pattern (all when there is none) and no exclude pattern.
 */
export function createFileFilter(spec: FileFilterSpec): (absolutePath: string) => boolean {
  const compile = (patterns: readonly string[]) => patterns.map((p) => ({ regex: globToRegExp(p), hasSlash: p.includes('/') }));
  const include = compile(spec.include);
  const exclude = compile(spec.exclude);
  return (absolutePath) => {
    const relative = path.relative(spec.inputDir, absolutePath).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('..')) return false;
    if (relative.split('/').some((segment) => segment.startsWith('.'))) return false;
    if (relative.endsWith(TEMPORARY_SUFFIX) || !isSupportedInputName(relative)) return false;
    if (include.length > 0 && !include.some((p) => matchesPattern(relative, p.regex, p.hasSlash))) return false;
    return !exclude.some((p) => matchesPattern(relative, p.regex, p.hasSlash));
  };
}
