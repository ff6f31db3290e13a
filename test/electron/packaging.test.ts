import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const config = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('packaging configuration', () => {
  it('builds AppImage and deb for Linux, dmg for macOS and nsis for Windows', () => {
    expect(config).toMatch(/linux:[\s\S]*target: \[AppImage, deb\]/);
    expect(config).toMatch(/mac:[\s\S]*target: dmg/);
    expect(config).toMatch(/win:[\s\S]*target: nsis/);
  });

  it('unpacks ffmpeg, ffprobe, the native addons and the HEIC worker from the ASAR archive', () => {
    for (const entry of ['ffmpeg-static', 'ffprobe-static', 'sharp', '@img', 'better-sqlite3', 'keytar', 'heicDecodeWorker.js']) expect(config).toContain(entry);
  });

  it('rebuilds native modules for Electron when packaging, never in postinstall', () => {
    expect(config).toMatch(/npmRebuild: true/);
    expect(packageJson.scripts['postinstall']).toBeUndefined();
  });
});
