import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { axeProblems, dropFiles, useWindowInBrowser } from '../helpers/browser';
import { makeMedia } from '../helpers/media';

/** The labels of the options a review row's form shows, in order. */
const shownOptions = (row: Locator) =>
  row.locator('fieldset.pending-options').evaluate((form) => [...form.querySelectorAll('label, legend')].map((l) => (l as HTMLElement).innerText.split('\n')[0]!.trim()));

describe('a review row offers the options its own file and target take, no others', () => {
  const ui = useWindowInBrowser('options-by-input', {
    viewport: { width: 1280, height: 900 },
    outputs: 'review',
    makeInputs: (media) => {
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2', '-f', 'lavfi', '-i', 'sine=duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(media, 'clip.mp4')]);
      makeMedia(['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'libmp3lame', path.join(media, 'song.mp3')]);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=320x240', '-frames:v', '1', path.join(media, 'photo.png')]);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10:duration=2', path.join(media, 'moving.gif')]);
      makeMedia(['-f', 'lavfi', '-i', 'testsrc2=size=160x120', '-frames:v', '1', path.join(media, 'still.gif')]);
    },
  });
  let page: Page;
  let media: string;
  beforeAll(() => ({ page, media } = ui));

  /** Opens a review row's options for a target and names what they show. */
  const optionsFor = async (name: string, target: string) => {
    const row = page.getByRole('listitem', { name });
    await row.getByLabel(`Target for ${name}`).selectOption(target);
    const button = row.getByRole('button', { name: new RegExp(`^Options for ${name.replace('.', '\\.')}`) });
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    return shownOptions(row);
  };

  it('a photo to WEBP has no moment or cut, a video to GIF or JPG no sound, sound no picture size; a video to WEBP takes a moment or a cut with a limit', async () => {
    await dropFiles(page, ['clip.mp4', 'song.mp3', 'photo.png'].map((name) => ({ name, bytes: readFileSync(path.join(media, name)) })));
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(3);
    const row = (name: string) => page.getByRole('listitem', { name });
    const always = ['Quality', 'Remove metadata (location, camera serial numbers)', 'File name', 'If the name is taken'];

    const photo = await optionsFor('photo.png', 'webp');
    expect(photo).toEqual(expect.arrayContaining([...always, 'Longest edge in pixels']));
    for (const absent of ['Picture at (a still of a video)', 'Cut (a WEBP of a cut moves)', 'From', 'Until', 'Size limit in MB', 'Mono sound (speech, podcasts)', 'Audio bitrate in kbps']) expect(photo, `photo.png -> WEBP: ${absent}`).not.toContain(absent);

    const gif = await optionsFor('clip.mp4', 'gif');
    expect(gif).toEqual(expect.arrayContaining(['Size limit in MB', 'Longest edge in pixels', 'From', 'Until', 'Encoding speed']));
    for (const absent of ['Mono sound (speech, podcasts)', 'Audio bitrate in kbps', 'Even loudness (EBU R128)']) expect(gif, `clip.mp4 -> GIF: ${absent}`).not.toContain(absent);

    const still = await optionsFor('clip.mp4', 'jpg');
    expect(still).toContain('Picture at (a still of a video)');
    for (const absent of ['Size limit in MB', 'Mono sound (speech, podcasts)', 'Audio bitrate in kbps', 'From']) expect(still, `clip.mp4 -> JPG: ${absent}`).not.toContain(absent);

    const sound = await optionsFor('song.mp3', 'm4a');
    expect(sound).toEqual(expect.arrayContaining(['Size limit in MB', 'Mono sound (speech, podcasts)', 'Audio bitrate in kbps', 'From', 'Even loudness (EBU R128)']));
    for (const absent of ['Longest edge in pixels', 'Video codec', 'Encoding speed']) expect(sound, `song.mp3 -> M4A: ${absent}`).not.toContain(absent);
    expect(await optionsFor('song.mp3', 'flac'), 'lossless FLAC has no bitrate or size to choose').not.toEqual(expect.arrayContaining(['Audio bitrate in kbps']));

    // A video to WEBP: a moment makes a still, a cut an animation, and only the animation takes a size limit.
    const webp = await optionsFor('clip.mp4', 'webp');
    expect(webp).toEqual(expect.arrayContaining(['Picture at (a still of a video)', 'Cut (a WEBP of a cut moves)', 'Size limit in MB']));
    const clip = row('clip.mp4');
    await clip.getByLabel('Size limit in MB').fill('1');
    await expect(clip.locator('.field-error').textContent()).resolves.toMatch(/A size limit applies to a WEBP that moves: fill in From or Until/);
    await expect(clip.getByLabel('Size limit in MB').getAttribute('aria-invalid')).resolves.toBe('true');
    await clip.getByLabel('From', { exact: true }).fill('0');
    await expect(clip.locator('.field-error').count()).resolves.toBe(0);
    await expect.poll(() => clip.getByRole('button', { name: /^Options for clip\.mp4/ }).textContent()).toBe('Options for clip.mp4 (changed)');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await axeProblems(page), `axe, ${scheme}`).toEqual([]);
    }
  }, 60_000);

  it('an animated GIF to GIF or WEBP takes a cut (its frames), a still GIF does not; neither takes a speed or a size limit', async () => {
    await dropFiles(page, ['moving.gif', 'still.gif'].map((name) => ({ name, bytes: readFileSync(path.join(media, name)) })));
    await expect.poll(() => page.getByTestId('pending-row').count()).toBe(5);
    for (const target of ['gif', 'webp']) {
      const moving = await optionsFor('moving.gif', target);
      expect(moving, `moving.gif -> ${target}`).toEqual(expect.arrayContaining(['From', 'Until', 'Longest edge in pixels']));
      for (const absent of ['Size limit in MB', 'Encoding speed', 'Picture at (a still of a video)']) expect(moving, `moving.gif -> ${target}: ${absent}`).not.toContain(absent);
      const still = await optionsFor('still.gif', target);
      for (const absent of ['From', 'Until', 'Size limit in MB', 'Encoding speed']) expect(still, `still.gif -> ${target}: ${absent}`).not.toContain(absent);
    }
    const moving = page.getByRole('listitem', { name: 'moving.gif' });
    await moving.getByLabel('From', { exact: true }).fill('0.5');
    await expect.poll(() => moving.getByRole('button', { name: /^Options for moving\.gif/ }).textContent()).toBe('Options for moving.gif (changed)');
  }, 60_000);
});
