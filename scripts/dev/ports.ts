// Fails early, with the variable to change, when a port the dev stack needs is taken.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(host: string, ports: { port: number; variable: string; what: string }[]): Promise<void> {
  for (const { port, variable, what } of ports) {
    if (!(await isPortFree(host, port))) {
      throw new Error(`${what} port ${host}:${port} is in use (is another dev stack still running?): stop it or set ${variable}`);
    }
  }
}

const LOWEST_PORT = 10_000;
/** Exclusive: Temporal keeps membership ports in a SMALLINT column. */
const SMALLINT_END = 32_768;

/** Below where the kernel starts handing out ports by itself (Linux), if that leaves room. */
function pickEnd(): number {
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return start >= LOWEST_PORT + 1_000 ? Math.min(start, SMALLINT_END) : SMALLINT_END;
  } catch {
    return SMALLINT_END;
  }
}
const PICK_END = pickEnd();

/**
 * A port that was free a moment ago, for tests, chaos runs and the native cluster: a
 * random one from 10000 up to the kernel's ephemeral range (always below 32768), where
 * the OS never hands out a port by itself. So no other process's port-0 listener or
 * outgoing connection takes it between the choice and its use, or while a server
 * restarts on it (npm test runs two test passes at once). `taken` ports are skipped.
 */
export async function findFreePort(host = '127.0.0.1', taken: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const port = LOWEST_PORT + randomInt(PICK_END - LOWEST_PORT);
    if (!taken.has(port) && (await isPortFree(host, port))) return port;
  }
  throw new Error(`no free port found on ${host} from ${LOWEST_PORT} to ${PICK_END - 1}`);
}
