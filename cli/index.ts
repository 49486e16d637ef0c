// `ams-lifecycle`: the command line over the client library (bin/ams-lifecycle.mjs runs it).
// runCli never exits the process: it returns the exit code, so tests call it in-process.
import { CommanderError } from 'commander';
import { describeFailure, EXIT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { buildProgram } from './program.js';

export { EXIT } from './exit-codes.js';
export type { CliIo } from './io.js';

const HELP_CODES = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version', 'commander.executeSubCommandAsync']);

export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram({ io, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Help asked for: exit 0; help shown because no command was given: usage error.
    if (error instanceof CommanderError && HELP_CODES.has(error.code)) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const failure = describeFailure(error);
    if (args.includes('--json')) {
      io.err(JSON.stringify({ error: { code: failure.code, exitCode: failure.exitCode, message: failure.message, ...failure.details } }));
    } else {
      io.err(`ams-lifecycle: ${failure.message}`);
    }
    return failure.exitCode;
  }
}
