// The production-shaped Temporal (the server binary on PostgreSQL, scripts/cluster/)
// as a chaos run's server: its restart stops the server process and starts it again,
// while PostgreSQL keeps the state.
import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTemporalCluster } from '../cluster/temporal-cluster.js';
import type { ChaosTemporal } from './temporal.js';

export async function startClusterTemporal(dataDir: string, log: (line: string) => void): Promise<ChaosTemporal> {
  // PostgreSQL runs as its own OS user, which must pass through the run's folder (a 0700 temp dir).
  chmodSync(dataDir, statSync(dataDir).mode | 0o001);
  const cluster = await startTemporalCluster({ dataDir: join(dataDir, 'cluster'), log });
  return {
    kind: 'cluster',
    address: cluster.address,
    restart: () => cluster.restartServer(),
    stop: () => cluster.stop(),
  };
}
