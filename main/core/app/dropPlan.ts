import { inputFormatFromName, inputKind, type MediaKind, type OutputFormat } from '../formats.js';
import { readSmartFacts } from '../identifyInput.js';
import { targetsFor } from '../pairs.js';
import { smartTarget, smartTargetForKind, type SmartChoice } from '../smartTarget.js';

/** What the window shows for one file before Start: its kind, what it can become, and what Smart would do with it. */
export interface FilePlan {
  path: string;
  /** null: not a file Convertr reads, by its content or its name. */
  kind: MediaKind | null;
  targets: OutputFormat[];
  smart: SmartChoice;
}

/** Smart's choice from the content; a file whose content cannot be read goes by its name and fails as a job, with its reason. */
export async function smartChoiceFor(file: string): Promise<SmartChoice> {
  return readSmartFacts(file).then(smartTarget, () => {
    const format = inputFormatFromName(file);
    if (!format) return { skip: 'Not a file type Convertr reads; pick a target to try it anyway.' };
    return { target: smartTargetForKind(inputKind(format)) };
  });
}

/** The plan of one file, from its content where it can be read, else from its name. */
export async function planFile(file: string): Promise<FilePlan> {
  const facts = await readSmartFacts(file).catch(() => undefined);
  const format = facts?.format ?? inputFormatFromName(file);
  const smart = facts ? smartTarget(facts) : await smartChoiceFor(file);
  if (!format) return { path: file, kind: null, targets: [], smart };
  return { path: file, kind: facts?.kind ?? inputKind(format), targets: [...targetsFor(format)], smart };
}

export function planFiles(files: readonly string[]): Promise<FilePlan[]> {
  return Promise.all(files.map(planFile));
}
