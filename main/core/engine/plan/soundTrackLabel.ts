/**
 * How a note names one of an output's sound tracks when it has more than one ("sound track 2 (jpn)"), so that two
 * notes of the same kind say which track each is of; undefined when the output has one, which is "the sound".
 */
export function soundTrackLabel(stream: { language: string | undefined }, outIndex: number, tracks: number): string | undefined {
  if (tracks < 2) return undefined;
  const language = stream.language && stream.language !== 'und' ? ` (${stream.language})` : '';
  return `sound track ${outIndex + 1}${language}`;
}
