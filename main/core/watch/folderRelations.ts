import path from 'node:path';

export function isSameFolder(a: string, b: string): boolean {
  return path.relative(a, b) === '';
}

/** `child` lies strictly below `parent`. */
export function isInsideFolder(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export function isSameOrInside(child: string, parent: string): boolean {
  return isSameFolder(child, parent) || isInsideFolder(child, parent);
}
