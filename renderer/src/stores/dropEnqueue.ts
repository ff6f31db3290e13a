import type { PresetView } from '../../../preload/contract';
import { call } from '../api/bridge';
import { choiceForFile, choicesByName, choicesFromPlan } from '../lib/rowChoices';
import { useFacts } from './factsStore';
import { useQueue, type ConflictView, type Target } from './queueStore';

/**
 * A drop converted at once: the toolbar's preset goes to the files it fits (a picture preset to the pictures),
 * the others keep Smart. Core reads each file first, so a misnamed file is placed by what it is.
 */
export async function enqueueDrop(paths: string[], choice: { target: Target; preset: PresetView | undefined; onConflict: ConflictView }): Promise<void> {
  const facts = useFacts.getState().facts;
  // A format picked for the whole drop is what the user asked for: a file that cannot become it fails with the reason.
  if (!facts || !choice.preset) {
    await useQueue.getState().enqueue(paths, choice.target, { preset: choice.preset?.id ?? null, onConflict: choice.onConflict });
    return;
  }
  const plans = await call('queue:plan', { paths }).then(({ plans: list }) => new Map(list.map((p) => [p.path, p])), () => new Map());
  const groups = new Map<string, { target: Target; preset: string | null; paths: string[] }>();
  for (const path of paths) {
    const plan = plans.get(path);
    const fileChoice = choiceForFile(choice, plan ? choicesFromPlan(facts, plan) : choicesByName(facts, path));
    const key = `${fileChoice.target ?? ''}\n${fileChoice.preset ?? ''}`;
    const group = groups.get(key) ?? { ...fileChoice, paths: [] };
    group.paths.push(path);
    groups.set(key, group);
  }
  for (const group of groups.values()) await useQueue.getState().enqueue(group.paths, group.target, { preset: group.preset, onConflict: choice.onConflict });
}
