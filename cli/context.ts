// What every command action needs: the io, the global options, a Temporal
// session that is always closed, and one way to print a result.
import type { Command } from 'commander';
import type { z } from 'zod';
import { validate } from '../workflows/validation.js';
import { InvalidInputError } from '../client/errors.js';
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
  try {
    return await task(session);
  } finally {
    await session.close();
  }
}

/** JSON with --json, otherwise the human text. */
export function emit(ctx: CommandContext, command: Command, json: unknown, human: string): void {
  if (globalsOf(command).json) printJson(ctx.io, json);
  else ctx.io.out(human);
}

/**
 * Refuses bad input before connecting, with the rules the client library applies
 * again (so a typo never waits for a connection timeout).
 */
export function precheck(operation: string, ...checks: [z.ZodType, unknown][]): void {
  for (const [schema, input] of checks) {
    const result = validate(schema, input);
    if (!result.ok) throw new InvalidInputError(operation, result.issues);
  }
}
