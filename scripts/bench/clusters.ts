// Clusters for the measurements: registered through the client library as the
// installer does, ended (terminated) between measurements so no run carries over,
// and the emulator's request log read per kind of AMS call.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { RegistrationPendingError } from '../../client/errors.js';
import type { RequestLogEntry } from '../../emulator/admin-client.js';
import { mapWithConcurrency } from '../demo/pool.js';

export const ACCOUNT = 'alice';
/** How many installer calls the bench keeps in flight when it only prepares clusters. */
export const PREPARE_CONCURRENCY = 50;

export const newClusterIds = (n: number): string[] => Array.from({ length: n }, () => randomUUID());

/**
 * Registers each cluster (update-with-start; answers once AMS reserved its subscription).
 * "Pending" (a loaded machine, an AMS slower than the wait) is asked again, as the installer does.
 */
export async function registerClusters(lifecycle: ClusterLifecycleClient, ids: readonly string[]): Promise<Map<string, string>> {
  const subs = await mapWithConcurrency(ids, PREPARE_CONCURRENCY, async (clusterId) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await lifecycle.registerCluster({ clusterId, displayName: `bench-${clusterId.slice(0, 8)}`, accountUsername: ACCOUNT })).subscriptionId;
      } catch (error) {
        if (!(error instanceof RegistrationPendingError) || attempt >= 10) throw error;
      }
    }
  });
  return new Map(ids.map((id, i) => [id, subs[i]!]));
}

/** Ends the clusters' runs, so the next measurement starts with none open. */
export async function terminateRuns(client: Client, lifecycle: ClusterLifecycleClient, ids: readonly string[]): Promise<void> {
  await mapWithConcurrency(ids, PREPARE_CONCURRENCY, async (id) => {
    try {
      await client.workflow.getHandle(lifecycle.handle(id).workflowId).terminate('bench: measurement over');
    } catch (error) {
      // Already closed (completed by its deletion) or never started: nothing open.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  });
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<number> {
  const startedAt = Date.now();
  while (!(await check())) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`bench: ${what}: not within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
  return Date.now();
}

/** When the request reached the emulator: it logs at the answer, with the time it took. */
export const arrivalMs = (e: RequestLogEntry): number => Date.parse(e.time) - e.duration_ms;

export type CallKind = 'token' | 'create' | 'patch' | 'delete' | 'lookup';

export function kindOf(e: RequestLogEntry): CallKind {
  if (e.path.startsWith('/auth/')) return 'token';
  if (e.method === 'POST') return 'create';
  if (e.method === 'PATCH') return 'patch';
  if (e.method === 'DELETE') return 'delete';
  return 'lookup';
}

export function countKinds(entries: readonly RequestLogEntry[]): Record<CallKind, number> {
  const counts: Record<CallKind, number> = { token: 0, create: 0, patch: 0, delete: 0, lookup: 0 };
  for (const e of entries) counts[kindOf(e)] += 1;
  return counts;
}
