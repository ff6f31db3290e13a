import { afterAll } from 'vitest';
import { createNativeEngine, type NativeEngine } from '../../native/createNativeEngine';

/** One real engine per test file (real ffmpeg, ffprobe, sharp, heic-decode), closed after it. */
export function useRealEngine(): () => NativeEngine {
  let engine: NativeEngine | undefined;
  afterAll(async () => {
    await engine?.close();
  });
  return () => (engine ??= createNativeEngine());
}
