import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../main/core/errors';
import { handleInvoke, registerInvokeHandlers, trustedSenderCheck, type HandlerMap, type InvokeEventLike } from '../../main/shell/handleInvoke';
import { INVOKE_CHANNELS } from '../../preload/contract';

const trusted = trustedSenderCheck('file:///opt/Convertr/resources/app.asar/out/renderer/index.html');
const fromApp: InvokeEventLike = { senderFrame: { url: 'file:///opt/Convertr/resources/app.asar/out/renderer/index.html#/queue' } };

describe('handleInvoke', () => {
  it('rejects a call from a page that is not our renderer, without running the handler', async () => {
    const handler = vi.fn(() => ({ cancelled: true }));
    for (const url of ['https://evil.example/', 'file:///tmp/other/index.html', '']) {
      const result = await handleInvoke('queue:cancel', handler, { senderFrame: { url } }, { jobId: 1 }, trusted);
      expect(result).toEqual({ ok: false, error: { code: 'USAGE', message: 'Refused queue:cancel from an unknown page.' } });
    }
    expect(await handleInvoke('queue:cancel', handler, { senderFrame: null }, { jobId: 1 }, trusted)).toMatchObject({ ok: false });
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects malformed arguments with the field that is wrong', async () => {
    const handler = vi.fn(() => ({ cancelled: true }));
    const bad = [{ jobId: -1 }, { jobId: 'x' }, { jobId: 1, extra: true }, null, 'text'];
    for (const raw of bad) {
      const result = await handleInvoke('queue:cancel', handler, fromApp, raw, trusted);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.detail).toMatch(/^Invalid arguments for queue:cancel/);
    }
    const enqueue = await handleInvoke('queue:enqueue', vi.fn(), fromApp, { paths: [], target: 'mp4' }, trusted);
    expect(enqueue).toMatchObject({ ok: false, error: { message: 'The paths must not be empty.' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('says what is wrong in plain words, keeping the technical description as detail', async () => {
    const settings = vi.fn();
    const cases: [unknown, string][] = [
      [{ outputFolder: '' }, 'The output folder must not be empty.'],
      [{ apiUrl: 'convertr' }, 'The API URL must be a full web address such as https://convertr.org.'],
      [{ concurrency: { video: 50, audio: 2, image: 2 } }, 'The video concurrency must be at most 20.'],
      [{ concurrency: { video: 1.5, audio: 2, image: 2 } }, 'The video concurrency must be a whole number.'],
      [{ mode: 'cloud' }, 'The mode is not one of the choices offered.'],
    ];
    for (const [raw, words] of cases) {
      const result = await handleInvoke('settings:set', settings, fromApp, raw, trusted);
      expect(result).toMatchObject({ ok: false, error: { code: 'USAGE', message: words, detail: expect.stringMatching(/^Invalid arguments for settings:set: /) } });
    }
    expect(settings).not.toHaveBeenCalled();
  });

  it('returns {ok, value} for a valid call and turns an AppError into {ok: false, error}', async () => {
    expect(await handleInvoke('queue:cancel', () => ({ cancelled: true }), fromApp, { jobId: 3 }, trusted)).toEqual({ ok: true, value: { cancelled: true } });
    const failing = () => {
      throw new AppError('INPUT_NOT_FOUND', 'The file is gone.');
    };
    expect(await handleInvoke('queue:retry', failing, fromApp, { jobId: 3 }, trusted)).toEqual({ ok: false, error: { code: 'INPUT_NOT_FOUND', message: 'The file is gone.' } });
  });

  it('refuses a response that breaks the contract instead of passing it to the page', async () => {
    const result = await handleInvoke('queue:cancel', () => ({ cancelled: 'yes' }) as never, fromApp, { jobId: 3 }, trusted);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('registers every contract channel through the one helper', () => {
    const handle = vi.fn();
    const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, vi.fn()])) as unknown as HandlerMap;
    registerInvokeHandlers({ handle }, handlers, trusted);
    expect(handle.mock.calls.map((c) => c[0]).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });
});
