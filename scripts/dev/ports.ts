// Fails early, with the variable to change, when a port the dev stack needs is taken.
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

/** A port that was free a moment ago (the OS picks it), for tests. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port: 0 }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
