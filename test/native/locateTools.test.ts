import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { locateFfmpegTools, packagedBinaries, type LocateDeps } from '../../native/ffmpeg/locateTools';

function deps(overrides: Partial<LocateDeps> & { executables?: string[] }): LocateDeps {
  const executables = new Set(overrides.executables ?? []);
  return {
    env: overrides.env ?? { PATH: '/usr/bin:/bin' },
    platform: 'linux',
    packaged: overrides.packaged ?? (() => ({ ffmpeg: undefined, ffprobe: undefined })),
    bundled: overrides.bundled ?? (() => ({ ffmpeg: '/app/node_modules/ffmpeg-static/ffmpeg', ffprobe: '/app/node_modules/ffprobe-static/bin/linux/x64/ffprobe' })),
    isExecutable: (file) => executables.has(file),
  };
}

describe('locateFfmpegTools', () => {
  it('prefers FFMPEG_PATH and FFPROBE_PATH', () => {
    const found = locateFfmpegTools(deps({ env: { FFMPEG_PATH: '/opt/ff', FFPROBE_PATH: '/opt/fp', PATH: '/usr/bin' }, executables: ['/opt/ff', '/opt/fp', '/usr/bin/ffmpeg', '/usr/bin/ffprobe'] }));
    expect(found).toEqual({ ffmpeg: { path: '/opt/ff', source: 'env' }, ffprobe: { path: '/opt/fp', source: 'env' } });
  });

  it('reports an FFMPEG_PATH that is not executable instead of silently ignoring it', () => {
    expect(locateFfmpegTools(deps({ env: { FFMPEG_PATH: '/nope', PATH: '/usr/bin' }, executables: ['/usr/bin/ffmpeg', '/usr/bin/ffprobe'] }))).toEqual({ missing: expect.stringContaining('FFMPEG_PATH points to /nope') });
  });

  it('uses the bundled static pair when both binaries are present', () => {
    const found = locateFfmpegTools(deps({ executables: ['/app/node_modules/ffmpeg-static/ffmpeg', '/app/node_modules/ffprobe-static/bin/linux/x64/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/ffprobe'] }));
    expect(found).toMatchObject({ ffmpeg: { source: 'bundled' }, ffprobe: { source: 'bundled' } });
  });

  it('falls back to PATH for both when the bundled ffmpeg was never downloaded', () => {
    const found = locateFfmpegTools(deps({ executables: ['/app/node_modules/ffprobe-static/bin/linux/x64/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/ffprobe'] }));
    expect(found).toEqual({ ffmpeg: { path: '/usr/bin/ffmpeg', source: 'path' }, ffprobe: { path: '/usr/bin/ffprobe', source: 'path' } });
  });

  it('prefers the pair a packaged app ships over the static packages and PATH', () => {
    const shipped = () => ({ ffmpeg: '/opt/Convertr/resources/ffmpeg/ffmpeg', ffprobe: '/opt/Convertr/resources/ffmpeg/ffprobe' });
    const all = ['/opt/Convertr/resources/ffmpeg/ffmpeg', '/opt/Convertr/resources/ffmpeg/ffprobe', '/app/node_modules/ffmpeg-static/ffmpeg', '/app/node_modules/ffprobe-static/bin/linux/x64/ffprobe', '/usr/bin/ffmpeg', '/usr/bin/ffprobe'];
    expect(locateFfmpegTools(deps({ packaged: shipped, executables: all }))).toEqual({
      ffmpeg: { path: '/opt/Convertr/resources/ffmpeg/ffmpeg', source: 'packaged' },
      ffprobe: { path: '/opt/Convertr/resources/ffmpeg/ffprobe', source: 'packaged' },
    });
    const halfShipped = all.filter((f) => f !== '/opt/Convertr/resources/ffmpeg/ffprobe');
    expect(locateFfmpegTools(deps({ packaged: shipped, executables: halfShipped }))).toMatchObject({ ffmpeg: { source: 'bundled' }, ffprobe: { source: 'bundled' } });
  });

  it('looks for the shipped pair in the resources folder, with .exe on Windows', () => {
    expect(packagedBinaries(undefined)).toEqual({ ffmpeg: undefined, ffprobe: undefined });
    expect(packagedBinaries('/r', 'win32')).toEqual({ ffmpeg: path.join('/r', 'ffmpeg', 'ffmpeg.exe'), ffprobe: path.join('/r', 'ffmpeg', 'ffprobe.exe') });
  });

  it('says what is missing when nothing is found', () => {
    expect(locateFfmpegTools(deps({ executables: [] }))).toEqual({ missing: expect.stringContaining('ffmpeg was not found') });
  });
});
