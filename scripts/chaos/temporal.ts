// The Temporal server a chaos run uses, behind one shape so the run can restart it:
// the dev server (default; a SQLite file keeps its state across the restart)
// or the production-shaped cluster on PostgreSQL.
import { join } from 'node:path';
import { loadTemporalConfig } from '../../worker/config.js';
import { findFreePort } from '../dev/ports.js';
import { startTemporalDevServer, type RunningDevServer } from '../dev/temporal-dev-server.js';

export const TEMPORAL_KINDS = ['dev', 'cluster'] as const;
export type TemporalKind = (typeof TEMPORAL_KINDS)[number];

export interface ChaosTemporal {
  kind: TemporalKind;
  address: string;
  /** The Web UI, where the server has one (the dev server). */
  uiUrl?: string;
  /** Its own secrets (a database password), for the secrets scan. */
  secrets?: string[];
  /** The server's process id, where this process started it (for CPU figures). */
  pid?: number;
  /** Stop the server and start it again on the same state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDevTemporal(dataDir: string, log: (line: string) => void): Promise<ChaosTemporal> {
  const ip = '127.0.0.1';
  const port = await findFreePort();
  const plan = {
    kind: 'embedded' as const,
    ip,
    port,
    uiPort: await findFreePort(),
    dbFile: join(dataDir, 'temporal.sqlite'),
    config: loadTemporalConfig({ TEMPORAL_ADDRESS: `${ip}:${port}` }),
  };
  const start = () => startTemporalDevServer(plan, { signal: new AbortController().signal, log });
  let server: RunningDevServer = await start();
  return {
    kind: 'dev',
    address: server.address,
    uiUrl: server.uiUrl,
    get pid() {
      return server.pid;
    },
    async restart() {
      await server.stop();
      server = await start();
    },
    stop: () => server.stop(),
  };
}
