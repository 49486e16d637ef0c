// The sweeper's activities: read one page of AssistedInstall subscriptions from AMS,
// tell which clusters have a run (and in which state), list the open cluster runs and
// check which of their subscriptions AMS still has. Reads only: deleting goes through
// the clusters' own guarded activity (deleteReservedSubscription). AMS requests are
// tied to the attempt (./attempt.ts); Temporal calls heartbeat and stop on cancellation.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { searchString } from '../ams/http-client.js';
import type { AmsClient } from '../ams/types.js';
import { searchAttributes, workflowIdForCluster } from '../workflows/definitions.js';
import {
  ASSISTED_INSTALL_PLAN_ID,
  type ClusterRun,
  type OpenClusterRun,
  type OpenRunsPage,
  type SubscriptionPage,
  type SweepSubscription,
} from '../workflows/sweeper-definitions.js';
import { currentAttempt } from './attempt.js';
import { deleteIfReserved, type DeleteOutcome } from './guarded-delete.js';
import { deletable, leakReason } from '../workflows/sweeper-state.js';

export interface SweeperActivityDeps {
  ams: AmsClient;
  /** Describes and lists the cluster runs (the worker's own Temporal connection). */
  client: Client;
  namespace: string;
}


/**
 * The next page after `after` in (cluster_id, id) order: a keyset cursor rather than a
 * page number, so leaks deleted meanwhile never shift later items out of sight.
 */
export function pageSearch(after?: { clusterId: string; subscriptionId: string }): string {
  const base = `plan.id = ${searchString(ASSISTED_INSTALL_PLAN_ID)} and cluster_id is not null`;
  if (!after) return base;
  const c = searchString(after.clusterId);
  return `${base} and (cluster_id > ${c} or (cluster_id = ${c} and id > ${searchString(after.subscriptionId)}))`;
}

/** Cluster runs still open; their Phase and AmsSubscriptionId come along. */
export const OPEN_RUNS_QUERY = `WorkflowType = 'clusterSubscription' AND ExecutionStatus = 'Running'`;

const GRPC_UNIMPLEMENTED = 12;

function keyword(fields: Record<string, Payload> | null | undefined, name: string): string | undefined {
  const payload = fields?.[name];
  if (!payload) return undefined;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

export function createSweeperActivities({ ams, client, namespace }: SweeperActivityDeps) {
  /** Temporal calls of one attempt: heartbeat first, abandoned when the attempt is cancelled. */
  async function temporalCall<T>(call: () => Promise<T>): Promise<T> {
    const context = Context.current();
    context.heartbeat();
    return client.withAbortSignal(context.cancellationSignal, call);
  }

  /** The cluster's latest run; a cluster_id AMS holds in upper case may have its run under the lower-cased id (since the hardening). */
  async function describeRun(clusterId: string): Promise<ClusterRun> {
    const found = await describeWorkflow(workflowIdForCluster(clusterId));
    const lower = clusterId.toLowerCase();
    if (found.run !== 'none' || lower === clusterId) return found;
    return describeWorkflow(workflowIdForCluster(lower));
  }

  async function describeWorkflow(workflowId: string): Promise<ClusterRun> {
    try {
      const description = await temporalCall(() => client.workflow.getHandle(workflowId).describe());
      const phase = description.typedSearchAttributes.get(searchAttributes.phase);
      const status = description.status.name;
      if (status === 'RUNNING') return { run: 'open', ...(phase ? { phase } : {}) };
      return { run: 'closed', status, ...(phase ? { phase } : {}) };
    } catch (error) {
      // Never started, or forgotten after the namespace retention.
      if (error instanceof WorkflowNotFoundError) return { run: 'none' };
      throw error;
    }
  }

  return {
    /** One page of AssistedInstall subscriptions after the cursor, in (cluster_id, id) order. */
    async listSweepPage(input: { after?: { clusterId: string; subscriptionId: string }; pageSize: number }): Promise<SubscriptionPage> {
      const attempt = currentAttempt();
      let list;
      try {
        list = await ams.listSubscriptions(
          { search: pageSearch(input.after), page: 1, size: input.pageSize, orderBy: 'cluster_id asc, id asc' },
          attempt.call(),
        );
      } catch (error) {
        throw attempt.failure(error, 'lookup');
      }
      const now = Date.now();
      const items: SweepSubscription[] = [];
      for (const sub of list.items) {
        if (!sub.cluster_id) continue; // the search excludes them; a lax AMS must not break the cursor
        const created = sub.created_at ? Date.parse(sub.created_at) : NaN;
        items.push({
          id: sub.id,
          clusterId: sub.cluster_id,
          status: sub.status,
          // The worker's clock, not workflow time: a time-skipping test server's clock runs ahead of AMS's.
          ...(Number.isFinite(created) ? { ageSeconds: Math.max(0, Math.floor((now - created) / 1000)) } : {}),
        });
      }
      // The cursor comes from the last item AMS sent, kept or not, so a page of odd items never stalls it.
      const last = list.items.at(-1);
      return { items, more: list.items.length >= input.pageSize, ...(last ? { cursor: { clusterId: last.cluster_id ?? '', subscriptionId: last.id } } : {}) };
    },

    /**
     * Deletes a leak through the guarded delete, after asking again, in the same attempt,
     * whether it still is one: a run may have started for its cluster (and adopted it)
     * since the page was read, and the delete may have waited out a long backoff.
     */
    async deleteLeak(input: { subscriptionId: string; clusterId: string }): Promise<DeleteOutcome | { outcome: 'no-longer-a-leak' }> {
      const attempt = currentAttempt();
      const leak = leakReason(await describeRun(input.clusterId));
      if (!leak || !deletable(leak.reason)) return { outcome: 'no-longer-a-leak' };
      return deleteIfReserved(ams, attempt, input.subscriptionId);
    },

    /** Each cluster's latest run (describe is consistent, unlike visibility): none, open, or closed with its Phase. */
    async describeClusterRuns(input: { clusterIds: string[] }): Promise<Record<string, ClusterRun>> {
      const runs: Record<string, ClusterRun> = {};
      for (const clusterId of input.clusterIds) runs[clusterId] = await describeRun(clusterId);
      return runs;
    },

    /**
     * One page of open cluster runs (visibility). The Java time-skipping test server has no
     * visibility listing (UNIMPLEMENTED): answered as unsupported, so that check runs on
     * real servers (the dev server lane of the tests) only.
     */
    async listOpenClusterRuns(input: { pageSize: number; pageToken?: string }): Promise<OpenRunsPage> {
      let response;
      try {
        response = await temporalCall(() =>
          client.workflowService.listWorkflowExecutions({
            namespace,
            query: OPEN_RUNS_QUERY,
            pageSize: input.pageSize,
            ...(input.pageToken ? { nextPageToken: Buffer.from(input.pageToken, 'base64') } : {}),
          }),
        );
      } catch (error) {
        if ((error as { code?: number }).code === GRPC_UNIMPLEMENTED) return { supported: false };
        throw error;
      }
      const runs: OpenClusterRun[] = [];
      for (const execution of response.executions ?? []) {
        const fields = execution.searchAttributes?.indexedFields;
        const clusterId = keyword(fields, searchAttributes.clusterId.name);
        if (!clusterId) continue;
        const subscriptionId = keyword(fields, searchAttributes.subscriptionId.name);
        const phase = keyword(fields, searchAttributes.phase.name);
        runs.push({ clusterId, workflowId: execution.execution?.workflowId ?? '', ...(subscriptionId ? { subscriptionId } : {}), ...(phase ? { phase } : {}) });
      }
      const token = response.nextPageToken;
      return { supported: true, runs, ...(token && token.length > 0 ? { nextPageToken: Buffer.from(token).toString('base64') } : {}) };
    },

    /** Which of these subscription ids AMS still has (one listing for the whole batch). */
    async findExistingSubscriptions(input: { subscriptionIds: string[] }): Promise<string[]> {
      if (input.subscriptionIds.length === 0) return [];
      const attempt = currentAttempt();
      try {
        const list = await ams.listSubscriptions(
          { search: `id in (${input.subscriptionIds.map(searchString).join(', ')})`, page: 1, size: input.subscriptionIds.length },
          attempt.call(),
        );
        return list.items.map((s) => s.id);
      } catch (error) {
        throw attempt.failure(error, 'lookup');
      }
    },
  };
}

export type SweeperActivities = ReturnType<typeof createSweeperActivities>;
