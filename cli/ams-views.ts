// Human renderings of what the operator commands read from AMS, and the
// comparison of a cluster's AMS subscriptions with its run's view (for-cluster).
import type { Label } from '../ams/operator.js';
import type { CurrentAccount, Subscription, SubscriptionList } from '../ams/types.js';
import { plainTable } from '../lib/plain-table.js';
import { SUBSCRIPTION_FIELDS, type ClusterStateView, type SubscriptionField } from '../workflows/definitions.js';

const dash = (value: unknown) => (value === undefined || value === null || value === '' ? '—' : String(value));

export function renderSubscription(sub: Subscription): string {
  const table = plainTable(['field', 'value']);
  const fields = ['id', 'status', 'cluster_id', 'external_cluster_id', 'display_name', 'console_url', 'organization_id', 'managed', 'created_at', 'updated_at'] as const;
  for (const field of fields) table.push([field, dash(sub[field])]);
  table.push(['plan', dash(sub.plan?.id)], ['creator', dash(sub.creator?.username ?? sub.creator?.id)]);
  return table.toString();
}

export function renderSubscriptionList(list: SubscriptionList): string {
  if (list.items.length === 0) return 'no subscriptions match';
  const table = plainTable(['subscription', 'status', 'cluster id', 'OpenShift cluster id', 'display name', 'created']);
  for (const s of list.items) table.push([s.id, s.status, dash(s.cluster_id), dash(s.external_cluster_id), dash(s.display_name), dash(s.created_at)]);
  const total = list.total === undefined ? '' : ` of ${list.total}`;
  return `${table.toString()}\n${list.items.length}${total} subscription(s)${list.page ? `, page ${list.page}` : ''}`;
}

export function renderAccount(account: CurrentAccount): string {
  // AMS sends more than the type names (the schema keeps unknown fields).
  const more = account as CurrentAccount & { email?: string; service_account?: boolean };
  const table = plainTable(['field', 'value']);
  table.push(
    ['id', account.id],
    ['username', dash(account.username)],
    ['email', dash(more.email)],
    ['organization', `${dash(account.organization?.id)}${account.organization?.name ? ` (${account.organization.name})` : ''}`],
    ['service account', dash(more.service_account)],
  );
  return table.toString();
}

export function renderLabels(organizationId: string, labels: Label[]): string {
  if (labels.length === 0) return `organization ${organizationId} has no capabilities`;
  const table = plainTable(['capability', 'value', 'internal', 'updated']);
  for (const l of labels) table.push([l.key, l.value, dash(l.internal), dash(l.updated_at ?? l.created_at)]);
  return `${table.toString()}\n${labels.length} capability label(s) on organization ${organizationId}`;
}

export interface ClusterComparison {
  clusterId: string;
  /** The run's view (the workflow's state query); absent when the cluster has no run. */
  run?: { workflowId: string; phase: string; subscriptionId?: string; done: boolean; desired: ClusterStateView['desired']; applied: ClusterStateView['applied'] };
  /** Every AMS subscription with this cluster_id. */
  subscriptions: Subscription[];
  /** The one compared field by field: the run's, else the only or first one. */
  compared?: string;
  differences: string[];
  /** What is worth knowing but is no difference to repair (a status AMS moved on by itself, a run that could not be asked). */
  notes: string[];
}

/**
 * Lines a human reads as "what does not agree", empty when AMS and the run agree.
 * `runUnknown`: why the run's view could not be read (Temporal or the worker did not
 * answer); AMS's side is then shown alone, and no run is not taken for "no run".
 */
export function compareWithRun(clusterId: string, subscriptions: Subscription[], view: ClusterStateView | undefined, runUnknown?: string): ClusterComparison {
  const differences: string[] = [];
  const notes: string[] = [];
  const runSubId = view?.subscriptionId;
  const sub = subscriptions.find((s) => s.id === runSubId) ?? (runSubId ? undefined : subscriptions[0]);
  if (runUnknown) notes.push(`the run's view is not shown: ${runUnknown}`);
  else if (!view) differences.push('no run for this cluster: never registered by this service, or forgotten after the retention');
  if (subscriptions.length > 1) differences.push(`${subscriptions.length} AMS subscriptions share this cluster_id: ${subscriptions.map((s) => s.id).join(', ')}`);
  if (view && runSubId && !sub) {
    const deleted = view.phase === 'deleted' && view.deletion?.outcome !== undefined;
    if (!deleted) differences.push(`the run's subscription ${runSubId} is not in AMS under this cluster_id`);
  }
  if (view && !runSubId && subscriptions.length > 0) differences.push('the run has no subscription id, AMS has one');
  if (view && sub && view.phase === 'deleted' && view.deletion?.outcome === 'deleted') {
    differences.push(`the run deleted ${sub.id}, AMS still has it (status ${sub.status})`);
  }
  if (view && sub) {
    for (const field of SUBSCRIPTION_FIELDS) {
      const wanted = view.desired[field];
      if (wanted === undefined || wanted === sub[field]) continue;
      if (field === 'status' && movedOnByAms(wanted, sub.status)) {
        notes.push(`status: AMS moved it from ${wanted} to ${sub.status} by itself; the run never turns a status back`);
      } else {
        const pending = view.pending.some((w) => w.kind === 'patch' && w.field === field) ? ' (a PATCH is pending)' : '';
        differences.push(`${field}: the run wants ${JSON.stringify(wanted)}, AMS has ${sub[field] === undefined ? 'none' : JSON.stringify(sub[field])}${pending}`);
      }
    }
  }
  return {
    clusterId,
    ...(view
      ? { run: { workflowId: view.workflowId, phase: view.phase, subscriptionId: runSubId, done: view.done, desired: view.desired, applied: view.applied } }
      : {}),
    subscriptions,
    ...(sub ? { compared: sub.id } : {}),
    differences,
    notes,
  };
}

/** AMS's own moves after Active (Stale, Archived, Disconnected, …): only Reserved is short of what the run wants. */
function movedOnByAms(wanted: string, has: string | undefined): boolean {
  return wanted === 'Active' && has !== undefined && has !== 'Reserved';
}

export function renderComparison(c: ClusterComparison): string {
  const sub = c.subscriptions.find((s) => s.id === c.compared);
  const head = [
    `Cluster:          ${c.clusterId}`,
    `Run:              ${c.run ? `${c.run.workflowId}, phase ${c.run.phase}${c.run.done ? ' (finished)' : ''}` : 'none'}`,
    `AMS subscription: ${c.compared ?? 'none'}${c.run?.subscriptionId && c.run.subscriptionId !== c.compared ? ` (the run's is ${c.run.subscriptionId})` : ''}`,
  ];
  const table = plainTable(['field', 'run desired', 'run applied', 'AMS']);
  const row = (field: SubscriptionField) => [field, dash(c.run?.desired[field]), dash(c.run?.applied[field]), dash(sub?.[field])];
  for (const field of SUBSCRIPTION_FIELDS) table.push(row(field));
  const diffs = c.differences.length === 0 ? ['Differences:      none'] : ['Differences:', ...c.differences.map((d) => `  - ${d}`)];
  const notes = c.notes.length === 0 ? [] : ['Notes:', ...c.notes.map((n) => `  - ${n}`)];
  return [...head, table.toString(), ...diffs, ...notes].join('\n');
}
