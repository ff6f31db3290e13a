// Stand-in for `convertr watch` until main/cli/index.ts dispatches to it: same error handling as main().
import { AppError } from '../../main/core/errors.js';
import { UsageError } from '../../main/cli/args.js';
import { processIo } from '../../main/cli/io.js';
import { parseWatchArgs, watchCommand } from '../../main/cli/watchCommand.js';

async function run(argv: string[]): Promise<number> {
  const io = processIo();
  try {
    return await watchCommand(parseWatchArgs(argv), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`convertr: ${error.message}`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr(`convertr: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`convertr: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
