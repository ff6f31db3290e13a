import { stat } from 'node:fs/promises';
import { inputFormatFromName, inputKind, type MediaKind, type OutputFormat } from '../formats.js';
import { identifyInput, readSmartFacts } from '../engine/identify/identifyInput.js';
import { isHdr } from '../engine/identify/media.js';
import { targetsFor } from '../pairs.js';
import type { MediaProber } from '../engine/ports.js';
import type { InputMeasure } from '../engine/plan/sizeEstimate.js';
import { smartTarget, smartTargetForKind, type SmartChoice, type SmartFacts } from '../engine/plan/smartTarget.js';

/** What the window shows for one file before Start: its kind, what it can become, and what Smart would do with it. */
export interface FilePlan {
  path: string;
  /** null: not a file Convertr reads, by its content or its name. */
  kind: MediaKind | null;
  /** A picture that moves (an animated GIF, WEBP or PNG), which takes a cut to GIF or WEBP. */
  animated?: boolean;
  targets: OutputFormat[];
  smart: SmartChoice;
  /** The input's size, length and picture, for size estimates (sound and video whose streams could be read). */
  measure?: InputMeasure;
}

/**
 * Sound or video Smart would leave as it is is read once more (ffprobe), so that its reason is the right one:
 * already in the format, damaged, or HDR.
 */
async function withStreams(file: string, facts: SmartFacts, prober: MediaProber | undefined): Promise<SmartFacts> {
  if (!prober || facts.kind === 'image' || !('skip' in smartTarget(facts))) return facts;
  const input = await identifyInput(file);
  const probe = await prober.probe({ path: input.path, demuxer: input.demuxer, ...(input.skipBytes ? { skipBytes: input.skipBytes } : {}) }).catch(() => undefined);
  if (!probe || (probe.video.length === 0 && probe.audio.length === 0)) return { ...facts, streams: 'damaged' };
  return probe.video.some(isHdr) ? { ...facts, streams: 'hdr' } : facts;
}

async function readFacts(file: string, prober: MediaProber | undefined): Promise<SmartFacts | undefined> {
  return readSmartFacts(file).then((facts) => withStreams(file, facts, prober)).catch(() => undefined);
}

/** Smart's choice from the content; a file whose content cannot be read goes by its name and fails as a job, with its reason. */
export async function smartChoiceFor(file: string, prober?: MediaProber): Promise<SmartChoice> {
  const facts = await readFacts(file, prober);
  return facts ? smartTarget(facts) : choiceByName(file);
}

function choiceByName(file: string): SmartChoice {
  const format = inputFormatFromName(file);
  if (!format) return { skip: 'Not a file type Convertr reads; pick a target to try it anyway.' };
  return { target: smartTargetForKind(inputKind(format)) };
}

/** At most this many ffprobe runs measure files at once (a drop may hold thousands). */
const MEASURES_AT_ONCE = 4;
let measuring = 0;
const waitingToMeasure: (() => void)[] = [];

/** Size, length and picture of sound or video, read with ffprobe; undefined when they cannot be read. */
async function measure(file: string, prober: MediaProber | undefined): Promise<InputMeasure | undefined> {
  if (!prober) return undefined;
  while (measuring >= MEASURES_AT_ONCE) await new Promise<void>((resolve) => waitingToMeasure.push(resolve));
  measuring++;
  try {
    const [input, info] = await Promise.all([identifyInput(file), stat(file)]);
    const probe = await prober.probe({ path: input.path, demuxer: input.demuxer, ...(input.skipBytes ? { skipBytes: input.skipBytes } : {}) });
    const picture = probe.video[0];
    return { bytes: info.size, ...(probe.durationSeconds ? { seconds: probe.durationSeconds } : {}), ...(picture ? { pixels: picture.width * picture.height } : {}) };
  } catch {
    return undefined;
  } finally {
    measuring--;
    waitingToMeasure.shift()?.();
  }
}

/** The plan of one file, from its content where it can be read, else from its name. */
export async function planFile(file: string, prober?: MediaProber): Promise<FilePlan> {
  const facts = await readFacts(file, prober);
  const format = facts?.format ?? inputFormatFromName(file);
  const smart = facts ? smartTarget(facts) : choiceByName(file);
  if (!format) return { path: file, kind: null, targets: [], smart };
  const kind = facts?.kind ?? inputKind(format);
  const measured = facts && facts.streams !== 'damaged' && kind !== 'image' ? await measure(file, prober) : undefined;
  return { path: file, kind, ...(facts?.animated ? { animated: true } : {}), targets: [...targetsFor(format)], smart, ...(measured ? { measure: measured } : {}) };
}

export function planFiles(files: readonly string[], prober?: MediaProber): Promise<FilePlan[]> {
  return Promise.all(files.map((file) => planFile(file, prober)));
}
