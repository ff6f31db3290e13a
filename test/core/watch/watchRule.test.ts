import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/core/errors';
import { compileGlob, createFileFilter } from '../../../main/core/watch/fileFilter';
import { doneFolderFor, excludedFolders, outputFolderFor, validateWatchRule, type WatchRuleInput } from '../../../main/core/watch/watchRule';

const base: WatchRuleInput = { inputDir: '/photos/in', target: 'jpg', outputDir: '/photos/out' };

function refusal(input: unknown): string {
  try {
    validateWatchRule(input);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('RULE_INVALID');
    return (error as AppError).message;
  }
  throw new Error('the rule was accepted');
}

describe('watch rule validation', () => {
  it('fills in defaults: keep sources, not recursive, mirror sub-folders, enabled, an app rule, local mode that runs locally when offline, default options', () => {
    expect(validateWatchRule(base)).toEqual({
      inputDir: '/photos/in', outputDir: '/photos/out', target: 'jpg', recursive: false, include: [], exclude: [], mirrorSubfolders: true,
      sourcePolicy: { kind: 'keep' }, enabled: true, origin: 'app', mode: 'local', whenOffline: 'local', neverUpload: false,
      options: { quality: 'balanced', stripMetadata: false, onConflict: 'keep-both' },
    });
  });

  it('keeps conversion options and refuses those the target cannot take', () => {
    expect(validateWatchRule({ ...base, options: { resize: 2048, stripMetadata: true } }).options).toEqual({ quality: 'balanced', resize: 2048, stripMetadata: true, onConflict: 'keep-both' });
    expect(() => validateWatchRule({ ...base, options: { maxSizeBytes: 1_000_000 } })).toThrow(/video and audio/);
    expect(() => validateWatchRule({ ...base, options: { quality: 'tiny' } })).toThrow(/options\.quality/);
  });

  it('accepts format aliases the way --to does', () => {
    expect(validateWatchRule({ ...base, target: 'JPEG' }).target).toBe('jpg');
  });

  it('names each bad field', () => {
    expect(refusal({ ...base, target: 'docx' })).toMatch(/target: "docx" is not a format Convertr writes/);
    expect(refusal({ ...base, inputDir: '' })).toMatch(/inputDir: The input folder must not be empty/);
    expect(refusal({ ...base, outputDir: 'relative/out' })).toMatch(/output folder must be an absolute path/);
    expect(refusal({ ...base, include: ['../*.png'] })).toMatch(/include\.0: .*cannot contain "\.\."/);
    expect(refusal({ ...base, exclude: ['*.{png'] })).toMatch(/unclosed/);
    expect(refusal({ ...base, sourcePolicy: { kind: 'delete' } })).toMatch(/sourcePolicy/);
    expect(refusal({ ...base, mode: 'cloud' })).toMatch(/mode/);
  });

  it('refuses an output folder equal to the watched folder when the rule would take its own outputs as inputs', () => {
    expect(refusal({ ...base, outputDir: '/photos/in' })).toMatch(/outputs would be converted again/);
    expect(refusal({ ...base, outputDir: '/photos/in/', target: 'png', include: ['*.png', '*.heic'] })).toMatch(/exclude \*\.png/);
  });

  it('allows the same folder when the patterns can never pick up an output', () => {
    expect(validateWatchRule({ ...base, outputDir: '/photos/in', include: ['*.heic'] }).outputDir).toBe('/photos/in');
    expect(validateWatchRule({ ...base, outputDir: '/photos/in', exclude: ['*.jpg'] }).outputDir).toBe('/photos/in');
  });

  it('refuses folders that would put outputs or moved sources back into the watched tree', () => {
    expect(refusal({ ...base, outputDir: '/photos', recursive: true })).toMatch(/contains the watched folder/);
    expect(validateWatchRule({ ...base, outputDir: '/photos', recursive: true, mirrorSubfolders: false }).outputDir).toBe('/photos');
    expect(refusal({ ...base, sourcePolicy: { kind: 'move', doneDir: '/photos/in' } })).toMatch(/sources would never leave it/);
    expect(refusal({ ...base, sourcePolicy: { kind: 'move', doneDir: '/photos/out/done' } })).toMatch(/overlap/);
  });

  it('excludes output and done folders inside the watched folder from watching', () => {
    const spec = validateWatchRule({ ...base, recursive: true, outputDir: '/photos/in/converted', sourcePolicy: { kind: 'move', doneDir: '/photos/in/done' } });
    expect(excludedFolders(spec)).toEqual(['/photos/in/converted', '/photos/in/done']);
    expect(outputFolderFor(spec, '/photos/in/2024/trip/a.png')).toBe('/photos/in/converted/2024/trip');
    expect(doneFolderFor(spec, '/photos/in/a.png')).toBe('/photos/in/done');
  });
});

describe('file filter', () => {
  const filter = createFileFilter({ inputDir: '/in', include: ['*.png', 'raw/**/*.tif'], exclude: ['*-draft.*'] });

  it('takes supported media matching an include pattern and no exclude pattern', () => {
    expect(filter('/in/a.PNG')).toBe(true);
    expect(filter('/in/sub/a.png')).toBe(true);
    expect(filter('/in/raw/2024/x.tif')).toBe(true);
    expect(filter('/in/other/x.tif')).toBe(false);
    expect(filter('/in/a-draft.png')).toBe(false);
  });

  it('never takes hidden files, temporary outputs, unsupported names or files outside the folder', () => {
    const all = createFileFilter({ inputDir: '/in', include: [], exclude: [] });
    expect(all('/in/.a.png')).toBe(false);
    expect(all('/in/.hidden/a.png')).toBe(false);
    expect(all('/in/.a.1f2e3d4c5b6a.convertr-part')).toBe(false);
    expect(all('/in/notes.txt')).toBe(false);
    expect(all('/elsewhere/a.png')).toBe(false);
    expect(all('/in/a.heic')).toBe(true);
  });

  it('compiles globs: ** spans folders, * stays within one, braces list alternatives', () => {
    expect(compileGlob('**/*.jpg')('a/b/c.jpg')).toBe(true);
    expect(compileGlob('**/*.jpg')('c.jpg')).toBe(true);
    expect(compileGlob('*.jpg')('a/c.jpg')).toBe(false);
    expect(compileGlob('*.{jpg,png}')('c.png')).toBe(true);
    expect(compileGlob('a+b(1).png')('a+b(1).png')).toBe(true);
    expect(() => compileGlob('*.{jpg')).toThrow();
  });

  it('takes whole-pattern alternatives and character classes in include patterns', () => {
    const either = createFileFilter({ inputDir: '/in', include: ['{*.jpg,*.png}'], exclude: [] });
    expect(either('/in/a.jpg')).toBe(true);
    expect(either('/in/b.PNG')).toBe(true);
    expect(either('/in/c.heic')).toBe(false);
    const iphone = createFileFilter({ inputDir: '/in', include: ['IMG_[0-9]*.heic'], exclude: [] });
    expect(iphone('/in/IMG_0412.HEIC')).toBe(true);
    expect(iphone('/in/IMG_0412.heic')).toBe(true);
    expect(iphone('/in/IMG_edit.heic')).toBe(false);
    expect(iphone('/in/photo.heic')).toBe(false);
  });
});
