import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const config = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
/** The config and the schema as electron-builder itself reads them (its own YAML parser and JSON schema). */
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const parsed = (builderRequire('js-yaml') as { load(text: string): unknown }).load(config) as { electronFuses?: Record<string, unknown>; asarUnpack?: string[]; extraResources?: unknown[]; files?: string[] };
const fuseSchema = (JSON.parse(readFileSync(builderRequire.resolve('./scheme.json'), 'utf8')) as { definitions: Record<string, { properties: Record<string, unknown> }> }).definitions['FuseOptionsV1']!;
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('packaging configuration', () => {
  it('builds AppImage and deb for Linux, dmg for macOS and nsis for Windows', () => {
    expect(config).toMatch(/linux:[\s\S]*target: \[AppImage, deb\]/);
    expect(config).toMatch(/mac:[\s\S]*target: dmg/);
    expect(config).toMatch(/win:[\s\S]*target: nsis/);
  });

  it('unpacks the native addons and the HEIC worker from the ASAR archive', () => {
    for (const entry of ['sharp/**', '@img/**', 'better-sqlite3/**', 'keytar/**', 'heicDecodeWorker.js']) expect(parsed.asarUnpack?.some((p) => p.endsWith(entry)), entry).toBe(true);
  });

  it('ships ffmpeg and ffprobe of one build (prepared by npm run dist) outside the archive, not the npm static packages', () => {
    expect(parsed.extraResources).toContainEqual({ from: 'vendor/ffmpeg/${os}-${arch}', to: 'ffmpeg' });
    expect(parsed.files).toEqual(expect.arrayContaining(['!node_modules/ffmpeg-static/**', '!node_modules/ffprobe-static/**']));
    expect(packageJson.scripts['dist']).toMatch(/electron-vite build && tsx scripts\/prepareFfmpeg\.ts && electron-builder/);
  });

  it('rebuilds native modules for Electron when packaging, never in postinstall', () => {
    expect(config).toMatch(/npmRebuild: true/);
    expect(packageJson.scripts['postinstall']).toBeUndefined();
  });

  it('flips the Electron fuses of the security checklist, with names electron-builder knows', () => {
    expect(parsed.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    for (const fuse of Object.keys(parsed.electronFuses ?? {})) expect(Object.keys(fuseSchema.properties)).toContain(fuse);
  });
});
