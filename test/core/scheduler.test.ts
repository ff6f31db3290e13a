import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/core/errors';
import { Scheduler, type TaskContext } from '../../main/core/scheduling/scheduler';

class FakeClock {
  time = 0;
  now = () => this.time;
}

/** A task the test finishes by hand. */
function deferred() {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  let context!: TaskContext;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return {
    task: (ctx: TaskContext) => {
      context = ctx;
      ctx.signal.addEventListener('abort', () => reject(new AppError('CANCELLED', 'Cancelled.')));
      return promise;
    },
    resolve: (v = 'done') => resolve(v),
    reject: (e: unknown) => reject(e),
    get context() {
      return context;
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Scheduler', () => {
  it('never runs more jobs of a lane than its ceiling, nor more than the total', async () => {
    const scheduler = new Scheduler<string>({ perLane: { video: 1, image: 3 }, total: 3 }, new FakeClock());
    let peakVideo = 0;
    let peakTotal = 0;
    scheduler.onUpdate(() => {
      peakVideo = Math.max(peakVideo, scheduler.runningCount('video'));
      peakTotal = Math.max(peakTotal, scheduler.runningCount());
    });
    const tasks = Array.from({ length: 8 }, () => deferred());
    tasks.forEach((t, i) => scheduler.enqueue(i % 2 === 0 ? 'video' : 'image', t.task));
    expect(scheduler.runningCount('video')).toBe(1);
    expect(scheduler.runningCount('image')).toBe(2);
    for (const t of tasks) {
      t.resolve();
      await flush();
    }
    await scheduler.whenIdle();
    expect(peakVideo).toBe(1);
    expect(peakTotal).toBe(3);
    expect(scheduler.list().every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('counts a lane by its share of the total: four half-share pictures fill two slots, and a video waits for two of them', async () => {
    const scheduler = new Scheduler<string>({ perLane: { video: 2, image: 4 }, total: 2, share: { image: 0.5 } }, new FakeClock());
    const pictures = Array.from({ length: 5 }, () => deferred());
    for (const p of pictures) scheduler.enqueue('image', p.task);
    const video = deferred();
    scheduler.enqueue('video', video.task);
    expect(scheduler.runningCount('image')).toBe(4);
    expect(scheduler.runningCount('video')).toBe(0);
    pictures[0]!.resolve();
    await flush();
    // The fifth picture was queued first and fits in the half slot; the video needs a whole one.
    expect([scheduler.runningCount('image'), scheduler.runningCount('video')]).toEqual([4, 0]);
    pictures[1]!.resolve();
    pictures[2]!.resolve();
    await flush();
    expect([scheduler.runningCount('image'), scheduler.runningCount('video')]).toEqual([2, 1]);
    for (const p of pictures) p.resolve();
    video.resolve();
    await scheduler.whenIdle();
    expect(scheduler.list().every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('runs four quarter-load sound jobs per slot, up to the plan ceiling, and counts a job that turns whole again as whole', async () => {
    const scheduler = new Scheduler<string>({ perLane: { audio: 2, video: 2 }, total: 2, ceiling: { audio: 6 } }, new FakeClock());
    const sounds = Array.from({ length: 9 }, () => deferred());
    const ids = sounds.map((s) => scheduler.enqueue({ lane: 'audio', load: 0.25 }, s.task));
    // Eight quarters would fill the two slots; the plan's ceiling allows six jobs of the lane at once.
    expect(scheduler.runningCount('audio')).toBe(6);
    scheduler.reweigh(ids[0]!, 1);
    sounds[1]!.resolve();
    await flush();
    // A whole job and four quarters fill the two slots: the seventh sound, a quarter, still waits.
    expect(scheduler.runningCount('audio')).toBe(5);
    sounds[0]!.resolve();
    await flush();
    // The whole job's end frees a slot: three more quarters start, up to the ceiling of six.
    expect(scheduler.runningCount('audio')).toBe(6);
    const video = deferred();
    scheduler.enqueue('video', video.task);
    // Six quarters leave half a slot: a whole video job waits.
    expect(scheduler.runningCount('video')).toBe(0);
    for (const s of sounds) s.resolve();
    await flush();
    expect(scheduler.runningCount('video')).toBe(1);
    video.resolve();
    await scheduler.whenIdle();
    expect(scheduler.list().every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('lets part-slot jobs that turn whole grow only as room allows, ahead of new jobs of the lane, never all waiting on each other', async () => {
    const scheduler = new Scheduler<string>({ perLane: { audio: 2 }, total: 2 }, new FakeClock());
    const sounds = Array.from({ length: 8 }, () => deferred());
    const ids = sounds.map((s) => scheduler.enqueue({ lane: 'audio', load: 0.25 }, s.task));
    const later = deferred();
    scheduler.enqueue({ lane: 'audio', load: 0.25 }, later.task);
    expect(scheduler.runningCount('audio')).toBe(8);
    const grown: number[] = [];
    const aborts = ids.map(() => new AbortController());
    const growths = ids.map((id, i) => scheduler.reweigh(id, 1, aborts[i]!.signal).then(() => grown.push(i)));
    await flush();
    // All eight ask at once: those waiting count as idle, so two grow (a slot each) and six wait.
    expect(grown).toEqual([0, 1]);
    // A job cancelled while it waits to grow stops waiting (and ends).
    aborts[7]!.abort();
    await expect(growths[7]).rejects.toMatchObject({ code: 'CANCELLED' });
    sounds[7]!.resolve();
    sounds[0]!.resolve();
    await flush();
    expect(grown).toEqual([0, 1, 2]);
    // The queued job still waits.
    expect(scheduler.runningCount('audio')).toBe(6);
    for (const i of [1, 2, 3, 4, 5]) {
      sounds[i]!.resolve();
      await flush();
    }
    expect(grown).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(scheduler.runningCount('audio')).toBe(2);
    sounds[6]!.resolve();
    later.resolve();
    await scheduler.whenIdle();
  });

  it('counts, for a job, the other part-slot jobs of its lane not yet reweighed: those that may still join a shared run', async () => {
    const scheduler = new Scheduler<string>({ perLane: { audio: 2, video: 2 }, total: 2 }, new FakeClock());
    const sounds = Array.from({ length: 3 }, () => deferred());
    const ids = sounds.map((s) => scheduler.enqueue({ lane: 'audio', load: 0.25 }, s.task));
    const whole = deferred();
    scheduler.enqueue('audio', whole.task);
    expect(ids.map((id) => scheduler.peersExpected(id))).toEqual([2, 2, 2]);
    scheduler.reweigh(ids[1]!, 0.25);
    scheduler.reweigh(ids[2]!, 1);
    expect(scheduler.peersExpected(ids[1]!)).toBe(1);
    sounds[0]!.resolve();
    await flush();
    expect(scheduler.peersExpected(ids[1]!)).toBe(0);
    for (const s of [...sounds, whole]) s.resolve();
    await scheduler.whenIdle();
  });

  it('lets a later image job start while video jobs wait for their ceiling', () => {
    const scheduler = new Scheduler<string>({ perLane: { video: 1, image: 2 }, total: 4 }, new FakeClock());
    scheduler.enqueue('video', deferred().task);
    const waitingVideo = scheduler.enqueue('video', deferred().task);
    const image = scheduler.enqueue('image', deferred().task);
    expect(scheduler.get(waitingVideo)!.status).toBe('queued');
    expect(scheduler.get(image)!.status).toBe('running');
  });

  it('a failing job does not stop the others and keeps its error', async () => {
    const scheduler = new Scheduler<string>({ perLane: { audio: 1 }, total: 1 }, new FakeClock());
    const bad = scheduler.enqueue('audio', async () => {
      throw new AppError('NO_AUDIO_STREAM', 'No audio.');
    });
    const good = scheduler.enqueue('audio', async () => 'ok');
    await scheduler.whenIdle();
    expect(scheduler.get(bad)).toMatchObject({ status: 'failed', error: { code: 'NO_AUDIO_STREAM', message: 'No audio.' } });
    expect(scheduler.get(good)).toMatchObject({ status: 'succeeded', result: 'ok' });
  });

  it('cancels a queued job without running it and aborts a running one', async () => {
    const scheduler = new Scheduler<string>({ perLane: { video: 1 }, total: 1 }, new FakeClock());
    const running = deferred();
    let queuedRan = false;
    const a = scheduler.enqueue('video', running.task);
    const b = scheduler.enqueue('video', async () => {
      queuedRan = true;
      return 'x';
    });
    await flush();
    expect(scheduler.cancel(b)).toBe(true);
    expect(scheduler.cancel(a)).toBe(true);
    expect(running.context.signal.aborted).toBe(true);
    await scheduler.whenIdle();
    expect(queuedRan).toBe(false);
    expect(scheduler.get(a)!.status).toBe('cancelled');
    expect(scheduler.get(b)!.status).toBe('cancelled');
    expect(scheduler.cancel(a)).toBe(false);
  });

  it('a job whose work was already done when the cancel came (its output committed) ends succeeded, with its result', async () => {
    const scheduler = new Scheduler<string>({ perLane: { image: 1 }, total: 1 }, new FakeClock());
    let committed!: () => void;
    const id = scheduler.enqueue('image', async () => {
      // Past its point of no return: the task no longer listens for the abort.
      await new Promise<void>((resolve) => (committed = resolve));
      return 'out.jpg';
    });
    await flush();
    scheduler.cancel(id);
    committed();
    await scheduler.whenIdle();
    expect(scheduler.get(id)).toMatchObject({ status: 'succeeded', result: 'out.jpg' });
  });

  it('reports progress with an ETA from the clock', async () => {
    const clock = new FakeClock();
    const scheduler = new Scheduler<string>({ perLane: { video: 1 }, total: 1 }, clock);
    const task = deferred();
    const id = scheduler.enqueue('video', task.task);
    await flush();
    clock.time = 10_000;
    task.context.reportProgress(0.25);
    expect(scheduler.get(id)).toMatchObject({ progress: 0.25, etaSeconds: 30 });
    task.context.reportProgress(0.1);
    expect(scheduler.get(id)!.progress).toBe(0.25);
  });

  it('holds queued jobs while paused and starts them on resume', () => {
    const scheduler = new Scheduler<string>({ perLane: { image: 2 }, total: 2 }, new FakeClock());
    scheduler.pause();
    const id = scheduler.enqueue('image', deferred().task);
    expect(scheduler.get(id)!.status).toBe('queued');
    scheduler.resume();
    expect(scheduler.get(id)!.status).toBe('running');
  });

  it('tells each job its own end once, after the listeners, whatever the outcome (no listener per job)', async () => {
    const scheduler = new Scheduler<string>({ perLane: { image: 1 }, total: 1 }, new FakeClock());
    const order: string[] = [];
    scheduler.onUpdate((s) => {
      if (s.status !== 'queued' && s.status !== 'running') order.push(`listener ${s.id} ${s.status}`);
    });
    const ends: string[] = [];
    const end = (s: { id: number; status: string; result?: string | undefined }) => {
      ends.push(`${s.id} ${s.status} ${s.result ?? ''}`.trim());
      order.push(`end ${s.id} ${s.status}`);
    };
    const ok = scheduler.enqueue('image', async () => 'ok', end);
    const bad = scheduler.enqueue('image', async () => {
      throw new AppError('INPUT_CORRUPT', 'Damaged.');
    }, end);
    const waiting = scheduler.enqueue('image', async () => 'never', end);
    scheduler.cancel(waiting);
    await scheduler.whenIdle();
    expect(ends).toEqual([`${waiting} cancelled`, `${ok} succeeded ok`, `${bad} failed`]);
    expect(order.slice(0, 2)).toEqual([`listener ${waiting} cancelled`, `end ${waiting} cancelled`]);
  });
});

describe('Scheduler memory budget', () => {
  const MB = 1e6;
  const limits = { perLane: { image: 4, audio: 2 }, total: 4, memoryBudget: 1500 * MB };

  it('admits pictures within the budget beside the slots: four 700 MB pictures run two at a time', async () => {
    const scheduler = new Scheduler<string>(limits, new FakeClock());
    let peak = 0;
    scheduler.onUpdate(() => { peak = Math.max(peak, scheduler.runningCount()); });
    const pictures = Array.from({ length: 4 }, () => deferred());
    pictures.forEach((p) => scheduler.enqueue({ lane: 'image', memoryBytes: 700 * MB }, p.task));
    expect(scheduler.runningCount('image')).toBe(2);
    pictures[0]!.resolve();
    await flush();
    expect(scheduler.list().map((j) => j.status)).toEqual(['succeeded', 'running', 'running', 'queued']);
    for (const p of pictures) p.resolve();
    await scheduler.whenIdle();
    expect(peak).toBe(2);
    expect(scheduler.list().every((j) => j.status === 'succeeded')).toBe(true);
  });

  it('runs a job bigger than the whole budget alone, and later small jobs do not keep it waiting', async () => {
    const scheduler = new Scheduler<string>(limits, new FakeClock());
    const small = deferred();
    const huge = deferred();
    const later = Array.from({ length: 3 }, () => deferred());
    scheduler.enqueue({ lane: 'image', memoryBytes: 400 * MB }, small.task);
    const hugeId = scheduler.enqueue({ lane: 'image', memoryBytes: 2000 * MB }, huge.task);
    const laterIds = later.map((t) => scheduler.enqueue({ lane: 'image', memoryBytes: 100 * MB }, t.task));
    // The huge job waits for the one running job only: the small ones behind it do not start before it.
    expect(scheduler.get(hugeId)!.status).toBe('queued');
    expect(laterIds.map((id) => scheduler.get(id)!.status)).toEqual(['queued', 'queued', 'queued']);
    small.resolve();
    await flush();
    expect(scheduler.get(hugeId)!.status).toBe('running');
    expect(scheduler.runningCount()).toBe(1);
    huge.resolve();
    await flush();
    expect(laterIds.map((id) => scheduler.get(id)!.status)).toEqual(['running', 'running', 'running']);
    for (const t of later) t.resolve();
    await scheduler.whenIdle();
  });

  it('a job waiting for a slot of its lane holds no memory back: a sound job behind it starts', async () => {
    const scheduler = new Scheduler<string>({ ...limits, perLane: { image: 1, audio: 2 } }, new FakeClock());
    const tasks = Array.from({ length: 3 }, () => deferred());
    scheduler.enqueue({ lane: 'image', memoryBytes: 1000 * MB }, tasks[0]!.task);
    const picture = scheduler.enqueue({ lane: 'image', memoryBytes: 400 * MB }, tasks[1]!.task);
    const sound = scheduler.enqueue({ lane: 'audio', memoryBytes: 400 * MB }, tasks[2]!.task);
    expect([scheduler.get(picture)!.status, scheduler.get(sound)!.status]).toEqual(['queued', 'running']);
    tasks[0]!.resolve();
    await flush();
    expect(scheduler.get(picture)!.status).toBe('running');
    for (const t of tasks) t.resolve();
    await scheduler.whenIdle();
  });

  it('counts no memory without a budget, and a plain lane name still works', async () => {
    const scheduler = new Scheduler<string>({ perLane: { image: 4 }, total: 4 }, new FakeClock());
    const tasks = Array.from({ length: 4 }, () => deferred());
    tasks.forEach((t, i) => scheduler.enqueue(i % 2 ? 'image' : { lane: 'image', memoryBytes: 5000 * MB }, t.task));
    expect(scheduler.runningCount('image')).toBe(4);
    for (const t of tasks) t.resolve();
    await scheduler.whenIdle();
  });
});
