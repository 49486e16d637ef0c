// `ams-lifecycle list`: a visibility query over the workflows' custom search
// attributes (needs a server with advanced visibility, e.g. the dev server).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { plainTable } from '../lib/plain-table.js';
import { searchAttributes } from '../workflows/definitions.js';
import { CliError, EXIT } from './exit-codes.js';

export { PHASES } from '../workflows/values.js';
/** AmsSubscriptionStatus values: AMS's own statuses plus 'Deleted' once the workflow deleted it. */
export { LISTED_SUBSCRIPTION_STATUSES as SUBSCRIPTION_STATUSES } from '../workflows/values.js';

export interface ListFilters {
  phase?: string;
  status?: string;
  /** Extra visibility query, ANDed with the rest. */
  query?: string;
}

export interface ClusterListItem {
  clusterId: string | undefined;
  phase: string | undefined;
  subscriptionId: string | undefined;
  subscriptionStatus: string | undefined;
  openshiftClusterId: string | undefined;
  workflowId: string;
  runStatus: string;
  startTime: string;
}

export function buildListQuery(filters: ListFilters): string {
  // Runs that continued as new are superseded by their successor: list only the latest.
  const parts = [`WorkflowType = 'clusterSubscription'`, `ExecutionStatus != 'ContinuedAsNew'`];
  // Values are checked against fixed lists by the command, so quoting is safe.
  if (filters.phase) parts.push(`${searchAttributes.phase.name} = '${filters.phase}'`);
  if (filters.status) parts.push(`${searchAttributes.subscriptionStatus.name} = '${filters.status}'`);
  if (filters.query) parts.push(`(${filters.query})`);
  return parts.join(' AND ');
}

function toItem(info: WorkflowExecutionInfo): ClusterListItem {
  const sa = info.typedSearchAttributes;
  return {
    clusterId: sa.get(searchAttributes.clusterId),
    phase: sa.get(searchAttributes.phase),
    subscriptionId: sa.get(searchAttributes.subscriptionId),
    subscriptionStatus: sa.get(searchAttributes.subscriptionStatus),
    openshiftClusterId: sa.get(searchAttributes.openshiftClusterId),
    workflowId: info.workflowId,
    runStatus: info.status.name,
    startTime: info.startTime.toISOString(),
  };
}

export async function listClusters(client: Client, filters: ListFilters, limit: number): Promise<ClusterListItem[]> {
  const items: ClusterListItem[] = [];
  try {
    for await (const info of client.workflow.list({ query: buildListQuery(filters), pageSize: Math.min(limit, 1000) })) {
      items.push(toItem(info));
      if (items.length >= limit) break;
    }
  } catch (error) {
    // gRPC INVALID_ARGUMENT: the server could not parse or run the query.
    const code = (error as { cause?: { code?: number } }).cause?.code ?? (error as { code?: number }).code;
    if (code === 3) {
      const detail = (error as { cause?: { details?: string } }).cause?.details ?? (error as Error).message;
      throw new CliError(`--query: Temporal refused the list query: ${detail}`, EXIT.usage, 'invalid-query');
    }
    throw error;
  }
  return items;
}

export function renderList(items: ClusterListItem[]): string {
  if (items.length === 0) return 'no clusters match';
  const table = plainTable(['cluster id', 'phase', 'AMS subscription', 'AMS status', 'OpenShift cluster id', 'run', 'started']);
  for (const item of items) {
    table.push([
      item.clusterId ?? '—',
      item.phase ?? '—',
      item.subscriptionId ?? '—',
      item.subscriptionStatus ?? '—',
      item.openshiftClusterId ?? '—',
      item.runStatus.toLowerCase(),
      item.startTime,
    ]);
  }
  return `${table.toString()}\n${items.length} cluster(s)`;
}
