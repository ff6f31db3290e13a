import { z } from 'zod';
import { MAX_NAME_TEMPLATE_LENGTH, nameTemplateProblem } from '../run/outputName.js';
import { CONFLICT_POLICIES, MAX_AUDIO_BITRATE_KBPS, MAX_MOMENT_SECONDS, MAX_RESIZE_PX, MAX_SIZE_LIMIT_BYTES, MIN_AUDIO_BITRATE_KBPS, MIN_RESIZE_PX, QUALITIES, SPEEDS, VIDEO_CODECS } from './conversionOptions.js';

// Apart from conversionOptions.ts: a conversion never needs zod, which costs every command a few milliseconds to load.
/** The options as they cross a boundary (a batch-folder rule, the window's requests); defaults filled in. */
export const conversionOptionsSchema = z.object({
  quality: z.enum(QUALITIES).default('balanced'),
  maxSizeBytes: z.number().int().positive().max(MAX_SIZE_LIMIT_BYTES).optional(),
  resize: z.number().int().min(MIN_RESIZE_PX).max(MAX_RESIZE_PX).optional(),
  stripMetadata: z.boolean().default(false),
  onConflict: z.enum(CONFLICT_POLICIES).default('keep-both'),
  mono: z.boolean().optional(),
  audioBitrateKbps: z.number().int().min(MIN_AUDIO_BITRATE_KBPS).max(MAX_AUDIO_BITRATE_KBPS).optional(),
  at: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  from: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  until: z.number().min(0).max(MAX_MOMENT_SECONDS).optional(),
  speed: z.enum(SPEEDS).optional(),
  videoCodec: z.enum(VIDEO_CODECS).optional(),
  normalize: z.boolean().optional(),
  nameTemplate: z.string().max(MAX_NAME_TEMPLATE_LENGTH).optional().superRefine((template, context) => {
    const problem = template === undefined ? undefined : nameTemplateProblem(template);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
});
