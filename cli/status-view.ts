// Human rendering of a cluster's state for `ams-lifecycle status`.
import { plainTable } from '../lib/plain-table.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { describeFinding, describeWork } from '../workflows/details.js';
import { SUBSCRIPTION_FIELDS } from '../workflows/values.js';

export function renderStatus(view: ClusterStateView): string {
  const { registration: reg } = view;
  const table = plainTable(['field', 'desired', 'applied in AMS']);
  for (const field of SUBSCRIPTION_FIELDS) {
    const desired = view.desired[field];
    const applied = view.applied[field];
    const mark = desired !== undefined && desired !== applied ? ' *' : '';
    table.push([field + mark, desired ?? '—', applied ?? '—']);
  }
  const pending = view.pending.map((work) => describeWork(work, view));
  const lines = [
    `Cluster:          ${reg.clusterId} (${reg.displayName}, account ${reg.accountUsername})`,
    `Workflow:         ${view.workflowId}${view.done ? ' (finished)' : ''}`,
    `Phase:            ${view.phase}`,
    `AMS subscription: ${view.subscriptionId ?? 'not created yet'}`,
    table.toString(),
    `Pending AMS work: ${pending.length ? pending.join('; ') : 'none'}`,
    `Last AMS error:   ${view.lastError ? describeError(view) : 'none'}`,
    `AMS calls made:   ${view.amsCalls}`,
  ];
  if (view.telemetry) {
    const t = view.telemetry;
    const dup = t.duplicates?.length ? `; unsubscribed duplicate ${t.duplicates.join(', ')}` : '';
    const next = t.nextCheckAt ? `; next check ${t.nextCheckAt}` : '';
    lines.push(`Telemetry:        ${t.status} (OpenShift id ${t.externalClusterId}, ${t.checks} check(s)${next})${dup}`);
  }
  if (view.drift) {
    const last = view.drift.findings.at(-1);
    const found = last ? `; ${view.drift.findings.length} found, last: ${describeFinding(last).replaceAll('`', '')}` : '';
    lines.push(`Drift check:      next ${view.drift.nextCheckAt}${found}`);
  }
  if (view.deletion) {
    lines.push(`Deletion:         by ${view.deletion.by} at ${view.deletion.requestedAt} → ${view.deletion.outcome ?? 'in progress'}`);
  }
  if (view.refusal) lines.push(`Refused by AMS:   ${view.refusal.message}`);
  if (view.rejectedInputs.length) {
    const last = view.rejectedInputs.at(-1)!;
    lines.push(`Ignored input:    ${view.rejectedInputs.length} (last: ${last.signal} ${last.field}: ${last.rule})`);
  }
  return lines.join('\n');
}

function describeError(view: ClusterStateView): string {
  const e = view.lastError!;
  const state = view.failures > 0 ? `failing, ${view.failures} in a row` : 'recovered';
  const http = [e.status, e.code].filter((x) => x !== undefined).join(' ');
  return `${e.at ?? '?'} ${e.operation}${http ? ` ${http}` : ''}: ${e.message} (${state})`;
}
