// Long-running commands: the AMS emulator and the worker. Both stop cleanly on
// SIGINT/SIGTERM and then return, so the CLI exits 0.
import type { Command } from 'commander';
import { DEFAULT_EMULATOR_PORT, runEmulatorCommand } from '../emulator/main.js';
import { loadWorkerConfig } from '../worker/config.js';
import { createLogger } from '../worker/logger.js';
import { runWorker } from '../worker/run-worker.js';
import { envWithOverrides, withFlagNames } from './connection.js';
import { emit, globalsOf, type CommandContext } from './context.js';
import { integerBetween } from './parsers.js';

/** Resolves on the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function addServiceCommands(program: Command, ctx: CommandContext): void {
  program
    .command('emulator')
    .description('run the AMS emulator (a local stand-in for OCM accounts management) until Ctrl-C')
    .option('--port <port>', 'port to listen on (0 = any free port)', integerBetween(0, 65_535), DEFAULT_EMULATOR_PORT)
    .option('--data <file>', 'SQLite file that keeps the emulator state across restarts (default: in memory)')
    .option('--log-level <level>', 'per-request log level on stderr (silent to turn off)', 'info')
    .action(async (opts: { port: number; data?: string; logLevel: string }, command: Command) => {
      const json = Boolean(globalsOf(command).json);
      const emulator = await runEmulatorCommand(
        { port: opts.port, data: opts.data, logLevel: opts.logLevel, handleSignals: false },
        json ? () => undefined : (text) => ctx.io.out(text),
      );
      const stopped = stopSignal();
      if (json) {
        emit(ctx, command, { url: emulator.url, tokenUrl: emulator.tokenUrl, credentials: emulator.credentials, data: opts.data ?? null }, '');
      }
      await stopped;
      await emulator.close();
    });

  program
    .command('worker')
    .description('run the worker (configuration from the environment, see the README table) until Ctrl-C')
    .action(async (_opts: unknown, command: Command) => {
      const globals = globalsOf(command);
      const config = withFlagNames(globals, () => loadWorkerConfig(envWithOverrides(ctx.io.env, globals)));
      // The SDK runtime turns SIGINT/SIGTERM into a graceful shutdown; run() then returns.
      await runWorker(config, createLogger(config.logLevel));
    });
}

