// Runs the emulator alone: `node --import tsx emulator/main.ts --port 8000 --data data/ams.sqlite`,
// or `ams-lifecycle emulator [--port N] [--data FILE]` through the project CLI.

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import { prettyWhenTerminal } from '../worker/pretty-log.js';
import { startEmulator, type RunningEmulator } from './index.js';

export interface EmulatorCommandOptions {
  port?: number;
  host?: string;
  data?: string;
  /** Milliseconds changes may wait before the data file is written (write-behind). */
  flushInterval?: number;
  tokenTtl?: number;
  staleAfter?: number;
  archiveAfter?: number;
  /** pino level for the per-request log on stderr; `silent` turns it off. Default info. */
  logLevel?: string;
  /** Close on SIGINT/SIGTERM/SIGHUP. Default true. */
  handleSignals?: boolean;
  /** Close (flushing the data file) when stdin ends: a parent holding the pipe died, even by SIGKILL. */
  exitOnStdinClose?: boolean;
}

export const DEFAULT_EMULATOR_PORT = 8000;

function describe(emu: RunningEmulator, data: string | undefined): string {
  const login = `--url ${emu.url} --token-url ${emu.tokenUrl}`;
  return [
    `AMS emulator listening on ${emu.url}`,
    `  token URL: ${emu.tokenUrl}`,
    `  state:     ${data ? `SQLite file ${data}` : 'in memory (use --data FILE to keep it)'}`,
    `  admin API: ${emu.url}/_emulator/ (no token; see emulator/README.md)`,
    '',
    'Service accounts (ocm login --client-id ID --client-secret SECRET ...):',
    ...emu.serviceAccounts.map(
      (sa) => `  client id ${sa.clientId}  secret ${sa.clientSecret}  (${sa.username}, organization ${sa.organizationId})`,
    ),
    `  e.g. ocm login --client-id ${emu.credentials.clientId} --client-secret ${emu.credentials.clientSecret} ${login}`,
    '',
    'Users (offline tokens, like `ocm login --token TOKEN ...`):',
    ...emu.users.map((user) => `  ${user.username} (organization ${user.organizationId}):\n    ${user.offlineToken}`),
    '',
  ].join('\n');
}

export async function runEmulatorCommand(
  opts: EmulatorCommandOptions = {},
  print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<RunningEmulator> {
  const level = opts.logLevel ?? 'info';
  const emu = await startEmulator({
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? DEFAULT_EMULATOR_PORT,
    ...(opts.data ? { dataFile: opts.data } : {}),
    ...(opts.flushInterval !== undefined ? { flushIntervalMs: opts.flushInterval } : {}),
    ...(opts.tokenTtl !== undefined ? { tokenTtlSeconds: opts.tokenTtl } : {}),
    ...(opts.staleAfter !== undefined ? { staleAfterSeconds: opts.staleAfter } : {}),
    ...(opts.archiveAfter !== undefined ? { archiveAfterSeconds: opts.archiveAfter } : {}),
    logger: level === 'silent' ? false : pino({ level, base: undefined }, (await prettyWhenTerminal(process.stderr)) ?? pino.destination(2)),
  });
  print(describe(emu, opts.data));
  // One close for every way down (a signal, stdin's end); stdin is let go so the process can end.
  let closing: Promise<void> | undefined;
  const close = () => {
    if (opts.exitOnStdinClose) process.stdin.destroy();
    return (closing ??= emu.close());
  };
  if (opts.handleSignals ?? true) {
    const stop = (signal: NodeJS.Signals) => {
      print(`Received ${signal}, shutting down`);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGHUP', stop);
      void close();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', stop);
  }
  if (opts.exitOnStdinClose) {
    process.stdin.once('end', () => {
      // The parent held our stdout and stderr too: writing there now fails (EPIPE), and an
      // unhandled stream error would end the process before the flush.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      void close();
    });
    process.stdin.resume();
  }
  return emu;
}

function integer(name: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** The `emulator` command, for the project CLI to add with `program.addCommand(emulatorCommand())`. */
export function emulatorCommand(name = 'emulator'): Command {
  return new Command(name)
    .description('Run the AMS emulator (a local stand-in for OCM accounts management)')
    .option('-p, --port <port>', 'port to listen on (0 = random)', integer('port', 0), DEFAULT_EMULATOR_PORT)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-d, --data <file>', 'SQLite file to keep state in (default: in memory)')
    .addOption(
      new Option('--flush-interval <ms>', 'with --data: how long changes may wait before the file is written (default 1000)')
        .env('AMS_EMULATOR_FLUSH_INTERVAL_MS')
        .argParser(integer('flush interval', 1)),
    )
    .option('--token-ttl <seconds>', 'access token lifetime', integer('token TTL', 0))
    .option('--stale-after <seconds>', 'Active without telemetry turns Stale after this long', integer('stale-after', 1))
    .option('--archive-after <seconds>', 'Stale turns Archived after this long', integer('archive-after', 1))
    .option('--log-level <level>', 'request log level on stderr (silent to disable)', 'info')
    .option('--exit-on-stdin-close', 'shut down (flushing --data) when stdin ends, e.g. when the parent process dies')
    .action(async (opts: EmulatorCommandOptions) => {
      await runEmulatorCommand(opts);
    });
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  emulatorCommand('ams-emulator')
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
