import { existsSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

/** A sibling chunk as the bundler names it: `./name-hash.cjs`, in the same folder. */
const SIBLING = /^\.\/[^/\\]+\.cjs$/;

interface LoadableModule extends Module {
  load(filename: string): void;
}

/**
 * The `require` a built chunk gets: another chunk of the same folder is taken from the module cache or loaded
 * straight from its path, without Node's search (a stat, a realpath and package scope reads for each: about 60 µs,
 * some 2.5 ms over the forty-odd a convert makes); anything else goes to Node's own `require`.
 */
export function chunkRequire(parent: Module, folder: string, base: NodeJS.Require): NodeJS.Require {
  const cache = Module as unknown as { _cache: Record<string, Module | undefined> };
  const load = (id: string): unknown => {
    if (!SIBLING.test(id)) return base(id);
    const file = path.join(folder, id.slice(2));
    const cached = cache._cache[file];
    if (cached) return cached.exports;
    if (!existsSync(file)) return base(id);
    const child = new Module(file, parent) as LoadableModule;
    cache._cache[file] = child;
    let loaded = false;
    try {
      child.load(file);
      loaded = true;
    } finally {
      if (!loaded) delete cache._cache[file];
    }
    return child.exports;
  };
  return Object.assign(load, base);
}
