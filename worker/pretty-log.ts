// Logs a person reads in a terminal are pretty-printed; anything else (a file, a pipe,
// a log collector) gets pino's JSON lines. pino-pretty is a dev dependency, so the
// production image, which has no terminal either, always writes JSON.
import type { DestinationStream } from 'pino';

export type LogOutput = NodeJS.WritableStream & { isTTY?: boolean };

/** A pretty destination writing to `out` when it is a terminal; undefined (keep JSON) otherwise. */
export async function prettyWhenTerminal(out: LogOutput): Promise<DestinationStream | undefined> {
  if (!out.isTTY) return undefined;
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ destination: out, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss', sync: true });
  } catch {
    return undefined;
  }
}
