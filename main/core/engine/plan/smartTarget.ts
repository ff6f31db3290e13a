import { formatLabel, type InputFormat, type MediaKind, type OutputFormat } from '../../formats.js';

/** What Smart needs to know about a file: its real format and kind (from content), and whether a picture moves. */
export interface SmartFacts {
  format: InputFormat;
  kind: MediaKind;
  animated: boolean;
  /** What a read of the streams found, when one was made: none usable (`damaged`), or HDR pictures. */
  streams?: 'damaged' | 'hdr';
}

export type SmartChoice = { target: OutputFormat } | { skip: string };

/** Smart's target per kind: video->MP4, audio->MP3, image->JPG. */
const SMART_BY_KIND: Record<MediaKind, OutputFormat> = { video: 'mp4', audio: 'mp3', image: 'jpg' };

/** Smart's target for a kind alone, when the content could not be read (the job then fails with the reason). */
export function smartTargetForKind(kind: MediaKind): OutputFormat {
  return SMART_BY_KIND[kind];
}

/** Formats a Smart target already is: converting them again would only lose quality. */
const SAME_AS_TARGET: Partial<Record<InputFormat, OutputFormat>> = { mp4: 'mp4', mp3: 'mp3', jpg: 'jpg' };

/**
 * The "Smart" target for one file, shared by the window and the command line: video->MP4, audio->MP3,
 * image->JPG; an animated GIF becomes an MP4 (a JPG would keep one frame); a file already in its Smart
 * format, or an animation Smart cannot keep moving, is skipped with the reason.
 */
export function smartTarget(facts: SmartFacts): SmartChoice {
  if (facts.animated && facts.format === 'gif') return { target: 'mp4' };
  if (facts.animated) return { skip: `This ${formatLabel(facts.format)} is an animation; Smart would keep only its first frame. Pick a target to convert it anyway.` };
  const target = SMART_BY_KIND[facts.kind];
  if (SAME_AS_TARGET[facts.format] === target) {
    const label = formatLabel(target);
    if (facts.streams === 'damaged') return { skip: `This ${label} looks damaged: its sound and pictures cannot be read. Try another copy of the file.` };
    if (facts.streams === 'hdr') return { skip: `This ${label} is HDR video, which Smart leaves as it is. Pick ${label} to make a copy every screen shows with the right colours.` };
    return { skip: `Already ${label}: nothing to convert.` };
  }
  return { target };
}
