// The dev stack's log: pino (with the worker's redaction) pretty-printed on a
// terminal, JSON lines otherwise.
import type { Logger } from 'pino';
import { createLogger } from '../../worker/logger.js';
import { prettyWhenTerminal } from '../../worker/pretty-log.js';

export async function createDevLogger(level: string): Promise<Logger> {
  return createLogger(level, await prettyWhenTerminal(process.stdout));
}
