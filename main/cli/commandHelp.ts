import { COMMANDS, USAGE } from './args.js';

/** One command's part of the usage text: its synopsis line and the lines indented under it. */
export function commandHelp(command: string): string | undefined {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`  ${command} `) || line === `  ${command}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^ {2}\S/.test(line));
  const section = lines.slice(start, end < 0 ? lines.length : end).filter((line) => line.trim() !== '' && !/^Exit codes/.test(line));
  return [`Usage: convertr ${section[0]!.trim()}`, ...section.slice(1)].join('\n');
}

/** The one-line hint under a usage error: where the full options of that command are. */
export function usageHint(command: string | undefined): string {
  return command && (COMMANDS as readonly string[]).includes(command) && command !== 'help'
    ? `Run "convertr ${command} --help" for its options.`
    : 'Run "convertr help" for the commands.';
}
