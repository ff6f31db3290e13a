import { AppError } from '../core/errors.js';
import { USAGE, UsageError, parseCliArgs } from './args.js';
import { convertCommand, resumeCommand } from './convertCommand.js';
import { statsCommand } from './statsCommand.js';
import { doctorCommand } from './doctorCommand.js';
import { processIo, type CliIo } from './io.js';
import { logoutCommand, registerCommand } from './accountCommand.js';
import { parseServeArgs, serveCommand } from './serveCommand.js';
import { parseWatchArgs, watchCommand } from './watchCommand.js';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'watch') return await watchCommand(parseWatchArgs(argv.slice(1)), io);
    if (argv[0] === 'serve') return await serveCommand(parseServeArgs(argv.slice(1)), io);
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'convert':
        return await convertCommand(args, io);
      case 'register':
        return await registerCommand(args, io);
      case 'logout':
        return await logoutCommand(args, io);
      case 'doctor':
        return await doctorCommand(args, io);
      case 'stats':
        return await statsCommand(args, io);
      case 'resume':
        return await resumeCommand(args, io);
      case 'help':
        io.stdout(USAGE);
        return 0;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`convertr: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr(`convertr: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`convertr: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
