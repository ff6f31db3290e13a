import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sortByFileName } from '../../main/core/fileNameOrder';
import { expandInputs } from '../../main/core/inputFiles';
import { removeDir, tempDir } from '../helpers/media';

const sorted = (names: string[]) => sortByFileName([...names], (n) => n);

describe('files are taken in the order a file manager shows them', () => {
  const dir = tempDir();
  afterAll(() => removeDir(dir));

  it('numbers by value, case and accents aside', () => {
    expect(sorted(['IMG_10.jpg', 'img_2.jpg', 'IMG_1.jpg', 'b.png', 'A.png', 'Été.mp3', 'eta.mp3', 'f.mp3'])).toEqual(['A.png', 'b.png', 'eta.mp3', 'Été.mp3', 'f.mp3', 'IMG_1.jpg', 'img_2.jpg', 'IMG_10.jpg']);
    expect(sorted(['clip 007.mov', 'clip 7.mov', 'clip 10.mov', 'clip 9.mov', 'clip.mov'])).toEqual(['clip 007.mov', 'clip 7.mov', 'clip 9.mov', 'clip 10.mov', 'clip.mov']);
  });

  it('names that read alike still have one order, whatever order they came in', () => {
    const names = ['a.png', 'A.png', 'á.png', 'a.PNG'];
    expect(sorted(names)).toEqual(sorted([...names].reverse()));
    expect(new Set(sorted(names)).size).toBe(4);
  });

  it('a folder of phone pictures is queued IMG_2 before IMG_10', async () => {
    const folder = path.join(dir, 'phone');
    mkdirSync(folder);
    for (const name of ['IMG_10.png', 'IMG_2.png', 'IMG_1.png']) writeFileSync(path.join(folder, name), 'x');
    const { entries } = await expandInputs([folder]);
    expect(entries.map((e) => path.basename(e.path))).toEqual(['IMG_1.png', 'IMG_2.png', 'IMG_10.png']);
  });
});
