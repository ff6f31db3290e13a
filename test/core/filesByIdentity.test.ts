import { linkSync, lstatSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { committedFileAt, FileIdentitySet, identityOf, isCommittedFile, realFolderPath, sameIdentity } from '../../main/core/fileIdentity';
import { commitResult, conflictToSkip, prepareOutput } from '../../main/core/engine/run/outputFiles';
import { excludedFolders, validateWatchRule } from '../../main/core/watch/watchRule';
import { checkWritableFolder } from '../../main/shell/folderPolicy';
import { removeDir, tempDir } from '../helpers/media';

describe('files by identity, not by string', () => {
  let dir: string;
  beforeEach(() => {
    // The temporary folder may itself be reached through a link (macOS /tmp): compare with its real path.
    dir = realpathSync(tempDir('convertr-identity-unit-'));
  });
  afterEach(() => removeDir(dir));

  it('resolves a folder through symlinks, and one not created yet through its nearest existing folder', () => {
    mkdirSync(path.join(dir, 'real'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'alias'));
    expect(realFolderPath(path.join(dir, 'alias'))).toBe(path.join(dir, 'real'));
    expect(realFolderPath(path.join(dir, 'alias', 'new', 'deeper'))).toBe(path.join(dir, 'real', 'new', 'deeper'));
    expect(realFolderPath(path.join(dir, 'plain', '..', 'real'))).toBe(path.join(dir, 'real'));
  });

  it('names a hard link and a symlinked folder as the same file, and a copy as another', () => {
    const file = path.join(dir, 'a.jpg');
    writeFileSync(file, 'a');
    linkSync(file, path.join(dir, 'b.jpg'));
    symlinkSync(dir, path.join(dir, 'again'));
    writeFileSync(path.join(dir, 'copy.jpg'), 'a');
    expect(sameIdentity(identityOf(file), identityOf(path.join(dir, 'b.jpg')))).toBe(true);
    expect(sameIdentity(identityOf(file), identityOf(path.join(dir, 'again', 'a.jpg')))).toBe(true);
    expect(sameIdentity(identityOf(file), identityOf(path.join(dir, 'copy.jpg')))).toBe(false);
    expect(sameIdentity(identityOf(path.join(dir, 'missing')), identityOf(path.join(dir, 'missing')))).toBe(false);
  });

  it('overwrite never replaces the input reached through a symlinked folder: the output takes the same-format name', async () => {
    mkdirSync(path.join(dir, 'photos'));
    const input = path.join(dir, 'photos', 'IMG.jpg');
    writeFileSync(input, 'the original');
    symlinkSync(path.join(dir, 'photos'), path.join(dir, 'link'));
    const place = await prepareOutput(input, path.join(dir, 'link'), 'jpg', 'overwrite');
    writeFileSync(place.temporary, 'the output');
    const result = await commitResult(place.temporary, place, { outputPath: '' });
    expect(readFileSync(input, 'utf8')).toBe('the original');
    expect(result.outputPath).toBe(path.join(dir, 'link', 'IMG-converted.jpg'));
  });

  it('overwrite never replaces a hard link to the input, but does replace another file of that name', async () => {
    const input = path.join(dir, 'IMG.heic');
    writeFileSync(input, 'the original');
    mkdirSync(path.join(dir, 'out'));
    linkSync(input, path.join(dir, 'out', 'IMG.jpg'));
    const place = await prepareOutput(input, path.join(dir, 'out'), 'jpg', 'overwrite');
    writeFileSync(place.temporary, 'the output');
    expect((await commitResult(place.temporary, place, { outputPath: '' })).outputPath).toBe(path.join(dir, 'out', 'IMG (1).jpg'));
    expect(statSync(path.join(dir, 'out', 'IMG.jpg')).ino).toBe(statSync(input).ino);

    const other = await prepareOutput(path.join(dir, 'IMG.heic'), path.join(dir, 'out'), 'png', 'overwrite');
    writeFileSync(path.join(dir, 'out', 'IMG.png'), 'an earlier output');
    writeFileSync(other.temporary, 'the new output');
    expect((await commitResult(other.temporary, other, { outputPath: '' })).outputPath).toBe(path.join(dir, 'out', 'IMG.png'));
    expect(readFileSync(path.join(dir, 'out', 'IMG.png'), 'utf8')).toBe('the new output');
  });

  it('overwrite never replaces another input of the batch, which is read only when a replacement is about to happen', async () => {
    const heic = path.join(dir, 'x.heic');
    const other = path.join(dir, 'x.webp');
    writeFileSync(heic, 'heic');
    writeFileSync(other, 'a JPEG under a .webp name, also being converted');
    let asked = 0;
    const batch = () => {
      asked++;
      return new FileIdentitySet([heic, other]);
    };
    const place = await prepareOutput(heic, undefined, 'webp', 'overwrite', undefined, batch);
    writeFileSync(place.temporary, 'the output');
    expect((await commitResult(place.temporary, place, { outputPath: '' })).outputPath).toBe(path.join(dir, 'x (1).webp'));
    expect(readFileSync(other, 'utf8')).toMatch(/also being converted/);
    expect(asked).toBe(1);
    const free = await prepareOutput(heic, undefined, 'png', 'overwrite', undefined, batch);
    writeFileSync(free.temporary, 'png');
    await commitResult(free.temporary, free, { outputPath: '' });
    expect(asked).toBe(1);
  });

  it('skip does not take the input itself for an earlier output', async () => {
    mkdirSync(path.join(dir, 'photos'));
    const input = path.join(dir, 'photos', 'IMG.jpg');
    writeFileSync(input, 'heic bytes');
    symlinkSync(path.join(dir, 'photos'), path.join(dir, 'link'));
    expect(await conflictToSkip(await prepareOutput(input, path.join(dir, 'link'), 'jpg', 'skip'))).toBeUndefined();
    writeFileSync(path.join(dir, 'photos', 'IMG.png'), 'an earlier output');
    expect(await conflictToSkip(await prepareOutput(input, path.join(dir, 'link'), 'png', 'skip'))).toBe(path.join(dir, 'link', 'IMG.png'));
  });

  it('records the committed output, and tells it from a file that took its name or its inode since', async () => {
    const input = path.join(dir, 'a.heic');
    writeFileSync(input, 'x');
    const place = await prepareOutput(input, undefined, 'jpg');
    writeFileSync(place.temporary, 'the output');
    const result = await commitResult(place.temporary, place, { outputPath: '' } as { outputPath: string; committed?: ReturnType<typeof committedFileAt> });
    expect(result.committed).toEqual(committedFileAt(result.outputPath));
    expect(isCommittedFile(lstatSync(result.outputPath, { bigint: true }), result.committed)).toBe(true);
    // Rewritten in place (same inode): another size and time.
    writeFileSync(result.outputPath, 'something else entirely');
    expect(isCommittedFile(lstatSync(result.outputPath, { bigint: true }), result.committed)).toBe(false);
    expect(isCommittedFile(lstatSync(result.outputPath, { bigint: true }), null)).toBe(false);
  });

  it('decides a batch folder rule on real paths: an output folder that is a link to the watched folder is the watched folder', () => {
    mkdirSync(path.join(dir, 'in'));
    symlinkSync(path.join(dir, 'in'), path.join(dir, 'out'));
    expect(() => validateWatchRule({ inputDir: path.join(dir, 'in'), outputDir: path.join(dir, 'out'), target: 'jpg' })).toThrow(/The output folder is the watched folder/);
    expect(() => validateWatchRule({ inputDir: path.join(dir, 'in'), outputDir: path.join(dir, 'out'), target: 'jpg', sourcePolicy: { kind: 'move', doneDir: path.join(dir, 'in') }, exclude: ['*.jpg'] })).toThrow(/done folder is the watched folder/);
  });

  it('keeps the watcher out of an output folder inside the watched tree, reached through a link from outside', () => {
    mkdirSync(path.join(dir, 'in', 'converted'), { recursive: true });
    symlinkSync(path.join(dir, 'in', 'converted'), path.join(dir, 'outputs'));
    const rule = validateWatchRule({ inputDir: path.join(dir, 'in'), outputDir: path.join(dir, 'outputs'), target: 'jpg', recursive: true });
    expect(excludedFolders(rule)).toEqual([path.join(dir, 'in', 'converted')]);
  });

  it('refuses an output folder that reaches a protected folder through a link, saying where it leads', () => {
    mkdirSync(path.join(dir, 'app', 'renderer'), { recursive: true });
    symlinkSync(path.join(dir, 'app', 'renderer'), path.join(dir, 'pictures'));
    const protectedFolders = { code: null, renderer: path.join(dir, 'app', 'renderer'), data: path.join(dir, 'data') };
    expect(() => checkWritableFolder('The output folder', path.join(dir, 'pictures', 'new'), protectedFolders))
      .toThrow(`The output folder ${path.join(dir, 'pictures', 'new')} (through a link, it is ${path.join(dir, 'app', 'renderer', 'new')}) is inside Convertr's window files`);
    expect(checkWritableFolder('The output folder', path.join(dir, 'elsewhere'), protectedFolders)).toBe(path.join(dir, 'elsewhere'));
  });
});
