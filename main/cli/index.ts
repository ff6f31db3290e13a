import { statSync } from 'node:fs';
import packageJson from '../../package.json';
import { homedir } from 'node:os';
import { dataDirectory } from '../core/dataDirectory.js';
import { AppError } from '../core/errors.js';
import { COMMANDS, USAGE, UsageError, parseCliArgs } from './args.js';
import { commandHelp, usageHint } from './commandHelp.js';
import { didYouMean } from './didYouMean.js';
import { processIo, type CliIo } from './io.js';
import { topLevelErrorText } from './topLevelError.js';

const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

/** `convertr --version`, `convertr <command> --help` and `convertr help <command>`; undefined for anything else. */
function informational(argv: readonly string[]): string | undefined {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version')) return `convertr ${packageJson.version}`;
  const [first, second] = argv;
  const topic = first === 'help' || first === '--help' || first === '-h' ? second : wantsHelp(argv) ? first : undefined;
  if (topic === undefined) return undefined;
  return (COMMANDS as readonly string[]).includes(topic) ? commandHelp(topic) : undefined;
}

/** Node's parseArgs explains an unknown option at length; say it in one line, with the likely option. */
function friendlyUsageMessage(message: string, command: string | undefined): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  if (!unknown) return message;
  const options = [...new Set((command ? (commandHelp(command) ?? '') : '').match(/--[a-z][a-z-]*/g) ?? [])];
  return `Unknown option ${unknown}${command ? ` for ${command}` : ''}.${didYouMean(unknown.replace(/^-+/, ''), options.map((o) => o.slice(2))).replace(/"([^"]+)"/, '"--$1"')}`;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// Each command loads only what it needs (sharp, SQLite, keytar, chokidar): a short job should not pay for the rest.

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const info = informational(argv);
  if (info !== undefined) {
    io.stdout(info);
    return 0;
  }
  try {
    if (argv[0] === 'watch') {
      const { parseWatchArgs, watchCommand } = await import('./watchCommand.js');
      return await watchCommand(parseWatchArgs(argv.slice(1)), io);
    }
    if (argv[0] === 'presets') {
      const { parsePresetsArgs, presetsCommand } = await import('./presetsCommand.js');
      return await presetsCommand(parsePresetsArgs(argv.slice(1)), io);
    }
    if (argv[0] === 'serve') {
      const { parseServeArgs, serveCommand } = await import('./serveCommand.js');
      return await serveCommand(parseServeArgs(argv.slice(1)), io);
    }
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'convert':
        if (args.outputDir && isFile(args.outputDir)) throw new UsageError(`--out ${args.outputDir} is a file; --out takes a folder (it is created if missing).`);
        return await (await import('./convertCommand.js')).convertCommand(args, io);
      case 'register':
        return await (await import('./accountCommand.js')).registerCommand(args, io);
      case 'login':
        return await (await import('./accountCommand.js')).loginCommand(args, io);
      case 'logout':
        return await (await import('./accountCommand.js')).logoutCommand(args, io);
      case 'doctor':
        return await (await import('./doctorCommand.js')).doctorCommand(args, io);
      case 'stats':
        return await (await import('./statsCommand.js')).statsCommand(args, io);
      case 'resume':
        return await (await import('./convertCommand.js')).resumeCommand(args, io);
      case 'help':
        io.stdout(USAGE);
        return 0;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`convertr: ${friendlyUsageMessage(error.message, argv[0])}\n${usageHint(argv[0])}`);
      return 2;
    }
    const where = { verbose: argv.includes('--verbose'), dataDirectory: dataDirectory(process.env, process.platform, homedir()) };
    // The database failing mid-run (a full disk, a folder made read-only): its transactions keep it consistent.
    const code = (error as { code?: unknown } | null)?.code;
    const { dataFolderError } = error instanceof AppError ? { dataFolderError: undefined } : await import('../../native/createDataStores.js');
    const dataProblem = typeof code === 'string' && code.startsWith('SQLITE_') ? dataFolderError?.(error, where.dataDirectory) : undefined;
    io.stderr(topLevelErrorText(dataProblem ?? error, where));
    return 1;
  }
}

/**
 * Ends the process once what was written has gone out, without waiting for the event loop to drain: the
 * database connection a command leaves open (`flushForExit`) then goes without its WAL checkpoint.
 */
function exitWhenWritten(code: number): void {
  process.exitCode = code;
  // After the coalesced stdout lines' own flush (setImmediate); each empty write calls back once those before it are out.
  setImmediate(() => {
    let left = 2;
    const written = () => {
      if (--left === 0) process.exit(code);
    };
    process.stdout.write('', written);
    process.stderr.write('', written);
  });
}

main(process.argv.slice(2), processIo()).then(
  exitWhenWritten,
  (error: unknown) => {
    process.stderr.write(`${topLevelErrorText(error, { verbose: process.argv.includes('--verbose'), dataDirectory: dataDirectory(process.env, process.platform, homedir()) })}\n`);
    process.exitCode = 1;
  },
);
