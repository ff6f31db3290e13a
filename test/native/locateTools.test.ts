import { describe, expect, it } from 'vitest';
import { locateFfmpegTools, type LocateDeps } from '../../native/ffmpeg/locateTools';

function deps(overrides: Partial<LocateDeps> & { executables?: string[] }): LocateDeps {
  const executables = new Set(overrides.executables ?? []);
  return {
    env: overrides.env ?? { PATH: '/usr/bin:/bin' },
    platform: 'linux',
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

  it('says what is missing when nothing is found', () => {
    expect(locateFfmpegTools(deps({ executables: [] }))).toEqual({ missing: expect.stringContaining('ffmpeg was not found') });
  });
});
