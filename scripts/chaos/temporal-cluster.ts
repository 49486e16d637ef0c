// The production-shaped Temporal (the server binary on PostgreSQL, scripts/cluster/)
// as a chaos run's server: its restart stops the server process and starts it again,
// while PostgreSQL keeps the state.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTemporalCluster } from '../cluster/temporal-cluster.js';
import type { ChaosTemporal } from './temporal.js';

export async function startClusterTemporal(dataDir: string, log: (line: string) => void): Promise<ChaosTemporal> {
  // As root, PostgreSQL runs as its own OS user, which must pass through the run's folder
  // (a 0700 temp dir) to reach its own: only then, and only that one bit.
  const mode = statSync(dataDir).mode;
  if (process.getuid?.() === 0 && (mode & 0o001) === 0) chmodSync(dataDir, mode | 0o001);
  const clusterDir = join(dataDir, 'cluster');
  const cluster = await startTemporalCluster({ dataDir: clusterDir, log });
  let password: string;
  try {
    password = readFileSync(join(clusterDir, 'postgres-password'), 'utf8').trim();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    kind: 'cluster',
    address: cluster.address,
    secrets: [password], // no log, history or page may show the database password
    restart: () => cluster.restartServer(),
    stop: () => cluster.stop(),
  };
}
