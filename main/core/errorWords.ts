import { ERROR_CODES, type ErrorCode } from './errors.js';

/**
 * What each error says to a person: a plain sentence for when the thrown message is in a tool's words
 * (ffmpeg, the operating system, the network), and what to do about it. The original words stay in the
 * error's message for `--verbose` and "Copy support info".
 */
const WORDS: Record<ErrorCode, { plain: string; advice: string }> = {
  USAGE: { plain: 'The command was not written as Convertr expects.', advice: 'Run "convertr help" to see how each command is written.' },
  INPUT_NOT_FOUND: { plain: 'The file is no longer where it was added from.', advice: 'Add it again from where it is now.' },
  INPUT_EMPTY: { plain: 'The file is empty.', advice: 'Copy it again from its source.' },
  INPUT_UNREADABLE: { plain: 'The file cannot be opened for reading.', advice: 'Check that you may read it, or copy it somewhere you can.' },
  INPUT_CORRUPT: { plain: 'This file is damaged or incomplete, so it cannot be converted.', advice: 'Open it on the device that made it; if it plays there, copy or export it again.' },
  FORMAT_UNRECOGNIZED: { plain: 'This file is not audio, video or a picture Convertr knows.', advice: 'Check that you picked the right file.' },
  PLAYLIST_REFUSED: { plain: 'This file is a playlist that points to media elsewhere, not media itself.', advice: 'Download the media itself rather than its playlist.' },
  PAIR_UNSUPPORTED: { plain: 'This file cannot become the format you chose.', advice: 'Pick another target format for this file.' },
  NO_AUDIO_STREAM: { plain: 'This file has no sound, so it cannot become an audio file.', advice: 'Choose a video format such as MP4 instead.' },
  NO_VIDEO_STREAM: { plain: 'This file has no picture, so it cannot become a video or image.', advice: 'Choose an audio format such as MP3 instead.' },
  TOO_LARGE: { plain: 'This picture or video is larger than Convertr can convert.', advice: 'Make it smaller in an editor first.' },
  FFMPEG_FAILED: { plain: 'Converting this file stopped partway.', advice: 'Try again; if it fails again, copy the support info and send it to us.' },
  IMAGE_FAILED: { plain: 'This picture could not be converted.', advice: 'Try another target format, or open and save the picture again in an editor.' },
  OUTPUT_CHECK_FAILED: { plain: 'The converted file did not come out right, so it was not kept.', advice: 'Try another target format, or copy the support info and send it to us.' },
  OUTPUT_EXISTS: { plain: 'A file with the output name is already there.', advice: 'Choose to keep both or replace it, or pick another output folder.' },
  SIZE_UNREACHABLE: { plain: 'The file cannot be made as small as the size limit asks.', advice: 'Choose a larger size limit or a preset with a smaller picture.' },
  OPTION_UNSUPPORTED: { plain: 'One of the chosen options does not apply to this file.', advice: 'Remove that option or pick another target format.' },
  OUTPUT_UNWRITABLE: { plain: 'The converted file cannot be saved in the output folder.', advice: 'Pick an output folder you can write to.' },
  OUTPUT_DISK_FULL: { plain: 'The disk is full, so the converted file could not be saved.', advice: 'Free some space or pick an output folder on another disk, then retry.' },
  DATA_FOLDER_UNWRITABLE: { plain: 'Convertr cannot save its own records in its data folder.', advice: 'Free some space or make the data folder writable, then start Convertr again.' },
  TOOL_MISSING: { plain: 'A program Convertr needs to convert this file is missing.', advice: 'Reinstall Convertr, or run "convertr doctor" to see which program is missing and how to point Convertr to it.' },
  CANCELLED: { plain: 'The conversion was cancelled.', advice: 'Retry it when you want the file converted.' },
  HOSTED_AUTH: { plain: 'The convertr.org account was not accepted.', advice: 'Register again, or convert on this computer instead.' },
  HOSTED_OUT_OF_CREDIT: { plain: 'The convertr.org account has no credit left.', advice: 'Add credit to the account, or convert on this computer instead.' },
  HOSTED_TOO_LARGE: { plain: 'This file is too large for convertr.org.', advice: 'Convert it on this computer instead.' },
  HOSTED_REJECTED: { plain: 'The hosted service at convertr.org refused this file.', advice: 'Convert it on this computer instead.' },
  HOSTED_RATE_LIMITED: { plain: 'The hosted service at convertr.org asked to slow down.', advice: 'Wait a minute and retry.' },
  HOSTED_UNAVAILABLE: { plain: 'The hosted service at convertr.org is not available right now.', advice: 'Retry later, or convert on this computer instead.' },
  HOSTED_NETWORK: { plain: 'Convertr cannot reach convertr.org.', advice: 'Check your internet connection, or convert on this computer instead.' },
  HOSTED_TIMEOUT: { plain: 'The hosted service at convertr.org took too long to answer.', advice: 'Retry later, or convert on this computer instead.' },
  HOSTED_PROTOCOL: { plain: 'The hosted service at convertr.org answered in a way Convertr does not understand.', advice: 'Update Convertr, or convert on this computer instead.' },
  KEYCHAIN_UNAVAILABLE: { plain: 'This computer has no password store Convertr can use to keep your sign-in.', advice: 'Unlock or install your desktop keyring, or sign in again each session.' },
  RULE_INVALID: { plain: 'This batch-folder rule cannot be used as it is.', advice: 'Edit the rule and choose its folders and format again.' },
  DATA_FOLDER_NEWER: { plain: 'Convertr\'s data folder was written by a newer version of Convertr.', advice: 'Update Convertr to the newest version.' },
  INTERNAL: { plain: 'Something went wrong inside Convertr.', advice: 'Try again; if it fails again, copy the support info and send it to us.' },
};

/** Words of tools and of the operating system: errno codes, ffmpeg's and the network's and the desktop's (D-Bus) terms. */
const TOOL_WORDS = /\bE[A-Z]{4,}\b|getaddrinfo|\bmoov\b|\batom\b|D-Bus|dbus|org\.freedesktop|autolaunch|given address is empty|libsecret|\bX11\b|\$DISPLAY|\berrno\b|\bsyscall\b|ffmpeg|ffprobe|\bmkdir\b|\bopen '|Invalid data found|Invalid argument|Operation not permitted|No such file or directory|Permission denied|Input\/output error|Cannot allocate memory|Resource temporarily unavailable|End of file|Conversion failed|Error while (?:de|en)coding|Could not find codec parameters|\bstderr\b|\bat \S+ \(|\bundefined\b|\bnull\b|\bNaN\b/;

/** True when a message holds a tool's or the system's own words. */
export function hasToolWords(message: string): boolean {
  return TOOL_WORDS.test(message);
}

/** What to do about an error with this code. */
export function adviceFor(code: ErrorCode): string {
  return WORDS[code].advice;
}

/** The plain sentence for this code, used when the thrown message is in a tool's words. */
export function plainSentenceFor(code: ErrorCode): string {
  return WORDS[code].plain;
}

const sentence = (text: string) => {
  const trimmed = text.trim().replace(/[;,:\s]+$/, '');
  // "… taken. (request id: req-1)" is a finished sentence with a note after it.
  return /[.!?]$|[.!?]\s*\([^()]*\)$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/**
 * The text with the tool's words taken out (a parenthesis holding them, or what follows the colon that
 * introduces them); undefined when they cannot be taken out without losing the sentence.
 */
export function withoutToolWords(message: string): string | undefined {
  if (!hasToolWords(message)) return sentence(message);
  let text = message.replace(/\s*\([^()]*\)/g, (group) => (hasToolWords(group) ? '' : group));
  if (hasToolWords(text)) {
    const colon = text.search(/:\s/);
    if (colon > 0) text = text.slice(0, colon);
  }
  return hasToolWords(text) || text.trim() === '' ? undefined : sentence(text);
}

/**
 * The message a person reads: the thrown one without the tool's words; else the code's plain sentence followed by
 * the thrown message's sentences that hold no tool words (what else happened is not lost with the jargon).
 */
export function plainMessage(error: { code: ErrorCode; message: string }): string {
  const whole = withoutToolWords(error.message);
  if (whole !== undefined) return whole;
  const kept = error.message.split(/(?<=[.!?)])\s+(?=[A-Z"])/).filter((part) => !hasToolWords(part));
  return [WORDS[error.code].plain, ...kept.map(sentence)].join(' ');
}

/**
 * A message that already ends by saying what to do: its last clause starts with a verb of advice ("…; check the
 * connection or convert locally.", "… Copy it again from where it came from.", "…: resize it or convert it to PNG.").
 */
const SAYS_WHAT_TO_DO = /(?:^|[.;:!?]\s+|\bor\s+)(?:check|convert|copy|choose|pick|try|retry|use|run|add|wait|register|remove|give|make|free|open|update|resize|export|download|reinstall|install|unlock|edit|point)\b(?:[^.;:!?]|\.\d)*\.$/i;

/** The message and what to do, as one line (the code's advice unless the message already gives some). */
export function plainLine(error: { code: ErrorCode; message: string }): string {
  const message = plainMessage(error);
  return SAYS_WHAT_TO_DO.test(message) ? message : `${message} ${adviceFor(error.code)}`;
}

/** An error code as stored (a string), read back as one of the codes; anything else is INTERNAL. */
export function errorCodeOf(code: string): ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL';
}

/** A job's error as the window shows it: the plain message, what to do, and the original words (`detail`) when they differ. */
export function errorForPeople(error: { code: string; message: string; detail?: string }): { code: string; message: string; advice: string; detail?: string } {
  const code = errorCodeOf(error.code);
  const message = plainMessage({ code, message: error.message });
  const detail = error.detail ?? (message !== error.message ? error.message : undefined);
  return { code: error.code, message, advice: adviceFor(code), ...(detail !== undefined ? { detail } : {}) };
}
