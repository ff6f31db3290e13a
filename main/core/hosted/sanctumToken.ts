import { AppError } from '../errors.js';

/** A Sanctum personal access token as the hosted API hands it out: `id|secret` (the secret may carry a prefix and checksum). */
const SANCTUM_TOKEN = /^[1-9]\d{0,18}\|[A-Za-z0-9_]{20,200}$/;

/** The pasted token, trimmed, or a sentence saying what a token looks like. Never echoes what was pasted. */
export function checkSanctumToken(text: string): string {
  const token = text.trim();
  if (!SANCTUM_TOKEN.test(token)) {
    throw new AppError('USAGE', 'That is not a Convertr API token: paste the whole token, a number, a bar and a long code (like 12|AbC…), as the hosted account page shows it.');
  }
  return token;
}
