// The dev stack's log: pino (with the worker's redaction) pretty-printed on a
// terminal, JSON lines otherwise.
import type { Logger } from 'pino';
import { createLogger } from '../../worker/logger.js';

export async function createDevLogger(level: string): Promise<Logger> {
  if (!process.stdout.isTTY) return createLogger(level);
  try {
    const { default: pretty } = await import('pino-pretty');
    return createLogger(level, pretty({ colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
  } catch {
    return createLogger(level); // pino-pretty is a dev dependency; JSON works without it
  }
}
