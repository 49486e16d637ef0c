// What an operator reads in the Web UI: the run's current details (Markdown) and
// one-line summaries of each activity and timer. Pure functions of the state.
import type { ClusterState, PendingWork, SubscriptionField } from './definitions.js';
import { pendingWork } from './state.js';

const FIELDS: SubscriptionField[] = ['display_name', 'external_cluster_id', 'console_url', 'status'];

export function describeWork(work: PendingWork, state: ClusterState): string {
  switch (work.kind) {
    case 'create':
      return `POST cluster_authorizations: reserve subscription for '${state.desired.display_name}'`;
    case 'lookup':
      return `GET subscriptions by cluster_id ${state.registration.clusterId} (deleted before create finished)`;
    case 'patch':
      return `PATCH ${work.field} → '${work.value}'`;
    case 'delete':
      return `DELETE subscription ${state.subscriptionId} if AMS says Reserved`;
  }
}

export function describeBackoff(work: PendingWork, state: ClusterState, seconds: number): string {
  const cause = state.lastError?.status ?? state.lastError?.category ?? 'error';
  return `Retry in ${seconds}s: ${describeWork(work, state)} (AMS ${cause}, failure ${state.failures})`;
}

function cell(value: string | undefined): string {
  return value === undefined ? '—' : `\`${value.replace(/\|/g, '\\|')}\``;
}

export function renderDetails(state: ClusterState): string {
  const { registration: reg } = state;
  const lines = [
    `**Phase:** ${state.phase} · **Cluster:** \`${reg.clusterId}\` · **Account:** ${reg.accountUsername}`,
    `**AMS subscription:** ${state.subscriptionId ? `\`${state.subscriptionId}\` (${state.applied.status ?? '?'})` : 'not created yet'}`,
    '',
    '| field | desired | applied in AMS |',
    '| --- | --- | --- |',
    ...FIELDS.map((f) => `| ${f} | ${cell(state.desired[f])} | ${cell(state.applied[f])} |`),
    '',
  ];
  const pending = pendingWork(state);
  lines.push(
    pending.length
      ? `**Pending AMS work:** ${pending.map((w) => describeWork(w, state)).join('; ')}`
      : '**Pending AMS work:** none',
  );
  if (state.deletion) {
    lines.push(`**Deletion:** by ${state.deletion.by} at ${state.deletion.requestedAt} → ${state.deletion.outcome ?? 'in progress'}`);
  }
  if (state.refusal) lines.push(`**Registration refused by AMS:** ${state.refusal.message}`);
  if (state.lastError) {
    const e = state.lastError;
    const status = state.failures > 0 ? `failing, ${state.failures} in a row` : 'recovered';
    lines.push(`**Last AMS error** (${e.at ?? '?'}, ${status}): ${e.operation} ${e.status ?? ''} ${e.code ?? ''} ${e.message}`.replace(/\s+/g, ' '));
  }
  const lastRejected = state.rejectedInputs.at(-1);
  if (lastRejected) {
    lines.push(`**Ignored input:** ${state.rejectedInputs.length} (last: ${lastRejected.signal} ${lastRejected.field}: ${lastRejected.rule})`);
  }
  return lines.join('\n');
}
