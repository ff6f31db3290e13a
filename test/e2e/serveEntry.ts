// Starts `convertr serve` from the sources for the browser tests (the same function the CLI runs).
import { processIo } from '../../main/cli/io';
import { parseServeArgs, serveCommand } from '../../main/cli/serveCommand';

serveCommand(parseServeArgs(process.argv.slice(2)), processIo()).then((code) => {
  process.exitCode = code;
});
