// What every command action needs: the io, the global options, a Temporal
// session that is always closed, and one way to print a result.
import type { Command } from 'commander';
import { openSession, temporalConfigFor, type GlobalOptions, type TemporalSession } from './connection.js';
import { printJson, type CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  /** Exit code when the action returns normally (the demo sets 7 on a mismatch). */
  setExitCode(code: number): void;
}

export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export async function withSession<T>(
  ctx: CommandContext,
  command: Command,
  task: (session: TemporalSession) => Promise<T>,
  options: { registrationWaitSeconds?: number } = {},
): Promise<T> {
  const globals = globalsOf(command);
  const callTimeoutMs = globals.timeout === undefined ? undefined : globals.timeout * 1000;
  const session = await openSession(temporalConfigFor(ctx.io.env, globals), { ...options, ...(callTimeoutMs ? { callTimeoutMs } : {}) });
  let settled = false;
  const result = task(session);
  const done = result.then(
    () => void (settled = true),
    () => void (settled = true),
  );
  // The library checks the input before its first request: bad input has failed by now,
  // and nothing was started that closing could cut short.
  await new Promise((resolve) => setImmediate(resolve));
  if (settled) {
    await session.close();
    return result;
  }
  const connected = session.connect();
  const first = await Promise.race([done.then(() => 'task'), connected.then(() => 'connected', () => 'unreachable')]);
  if (first === 'unreachable') {
    // Left open: the SDK keeps retrying the call in the background for a while, and a
    // retry on a closed channel throws inside gRPC. Nothing was connected; the CLI exits.
    await connected; // throws the CliError naming the address
  }
  try {
    return await result;
  } finally {
    await connected.catch(() => undefined); // never close under a pending connect
    await session.close();
  }
}

/** JSON with --json, otherwise the human text. */
export function emit(ctx: CommandContext, command: Command, json: unknown, human: string): void {
  if (globalsOf(command).json) printJson(ctx.io, json);
  else ctx.io.out(human);
}
