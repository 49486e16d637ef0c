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

/** Free text inside Markdown: escape what the renderer would read as markup. */
function text(value: string): string {
  return value.replace(/[\\`*_[\]<>|#]/g, '\\$&');
}

function cell(value: string | undefined): string {
  return value === undefined ? '—' : `\`${value.replace(/\|/g, '\\|')}\``;
}

/** '2026-05-04T10:11:12.345Z' → '2026-05-04 10:11:12 UTC', like the Web UI's own times. */
function when(iso: string | undefined): string {
  return iso === undefined ? 'unknown time' : iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

// One paragraph per fact (blank lines): the Web UI's renderer joins single newlines.
// The closing rule is deliberate: UI 2.42 sizes the Markdown frame from the body's
// scrollHeight, which leaves out the first block's margin and so hides the last ~15px;
// the rule takes that cut instead of the last line of text.
export function renderDetails(state: ClusterState): string {
  const { registration: reg } = state;
  const subscription = state.subscriptionId
    ? `\`${state.subscriptionId}\` (${text(state.applied.status ?? '?')})`
    : 'not created yet';
  const blocks = [
    `**Phase:** ${state.phase} · **Cluster:** \`${reg.clusterId}\` · **Account:** ${text(reg.accountUsername)}`,
    `**AMS subscription:** ${subscription}`,
    [
      '| field | desired | applied in AMS |',
      '| --- | --- | --- |',
      ...FIELDS.map((f) => `| ${f} | ${cell(state.desired[f])} | ${cell(state.applied[f])} |`),
    ].join('\n'),
  ];
  const pending = pendingWork(state);
  blocks.push(`**Pending AMS work:** ${pending.length ? pending.map((w) => text(describeWork(w, state))).join('; ') : 'none'}`);
  if (state.deletion) {
    const d = state.deletion;
    blocks.push(`**Deletion:** by ${d.by} at ${when(d.requestedAt)} → ${d.outcome ?? 'in progress'}`);
  }
  if (state.refusal) blocks.push(`**Registration refused by AMS:** ${text(state.refusal.message)}`);
  if (state.lastError) {
    const e = state.lastError;
    const status = state.failures > 0 ? `failing, ${state.failures} in a row` : 'recovered';
    blocks.push(`**Last AMS error** at ${when(e.at)} (${e.operation}, ${status}): ${text(e.message)}`);
  }
  const lastRejected = state.rejectedInputs.at(-1);
  if (lastRejected) {
    const { signal, field, rule } = lastRejected;
    blocks.push(`**Ignored input:** ${state.rejectedInputs.length} (last: ${signal} ${text(field)}: ${text(rule)})`);
  }
  blocks.push('---');
  return blocks.join('\n\n');
}
