import { AppError } from '../core/errors.js';
import { USAGE, UsageError, parseCliArgs } from './args.js';
import { processIo, type CliIo } from './io.js';

// Each command loads only what it needs (sharp, SQLite, keytar, chokidar): a short job should not pay for the rest.

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    if (argv[0] === 'watch') {
      const { parseWatchArgs, watchCommand } = await import('./watchCommand.js');
      return await watchCommand(parseWatchArgs(argv.slice(1)), io);
    }
    if (argv[0] === 'serve') {
      const { parseServeArgs, serveCommand } = await import('./serveCommand.js');
      return await serveCommand(parseServeArgs(argv.slice(1)), io);
    }
    const args = parseCliArgs(argv);
    switch (args.command) {
      case 'convert':
        return await (await import('./convertCommand.js')).convertCommand(args, io);
      case 'register':
        return await (await import('./accountCommand.js')).registerCommand(args, io);
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
