// What an operator reads in the Web UI: the run's current details (Markdown) and
// one-line summaries of each activity and timer. Pure functions of the state.
// Every value from outside (names, accounts, URLs, AMS messages) is shown as inline
// code: data, never markup, and never an autolink.
import { pacedUntil, type PaceEnds } from './backoff.js';
import type { ClusterState, DriftFinding, PendingWork } from './definitions.js';
import { SUBSCRIPTION_FIELDS } from './values.js';
import { activeHeld, amsStatus, hardened, pendingWork } from './state.js';

export function describeWork(work: PendingWork, state: ClusterState): string {
  switch (work.kind) {
    case 'create':
      return `POST cluster_authorizations: reserve subscription for '${state.desired.display_name}'`;
    case 'lookup':
      return state.deletion?.recheckAfter !== undefined
        ? `GET subscriptions by cluster_id ${state.registration.clusterId} (a create may have landed after the delete)`
        : `GET subscriptions by cluster_id ${state.registration.clusterId} (deleted before create finished)`;
    case 'patch':
      return `PATCH ${work.field} → '${work.value}'`;
    case 'verify':
      return `GET subscription ${state.subscriptionId}: check that no late write overwrote a newer value`;
    case 'delete':
      return `DELETE subscription ${state.subscriptionId} if AMS says Reserved`;
    case 'telemetry': {
      const watch = state.telemetry;
      const n = (watch?.checks ?? 0) + 1;
      return `GET subscription ${state.subscriptionId}: telemetry check ${n} for OpenShift id ${watch?.externalClusterId ?? '?'} (and unsubscribed duplicates)`;
    }
    case 'drift':
      return `GET subscription ${state.subscriptionId}: drift check (repair what the installer owns, report what AMS changed)`;
  }
}

export function describeBackoff(work: PendingWork, state: ClusterState, seconds: number): string {
  const cause = state.lastError?.status ?? state.lastError?.category ?? 'error';
  return `Retry in ${seconds}s: ${describeWork(work, state)} (AMS ${cause}, failure ${state.failures})`;
}

export function describeWait(work: PendingWork, state: ClusterState): string {
  if (work.kind === 'telemetry' || work.kind === 'drift') return `Until ${when(work.notBefore)}, then ${describeWork(work, state)}`;
  return `Wait for requests with unknown outcome to settle, then ${describeWork(work, state)}`;
}

/** A further change of a field within its pace after its last PATCH (backoff.ts FIELD_PACE_SECONDS). */
export function describePace(work: PendingWork, state: ClusterState, until: string): string {
  const what = work.kind === 'patch' && work.field === 'display_name' ? 'rename' : 'change';
  return `${what} waits until ${when(until)} (field pace), then ${describeWork(work, state)}`;
}

/** Free text inside Markdown: escape what the renderer would read as markup. */
export function markdownText(value: string): string {
  return value.replace(/[\\`*_[\]<>|#~!]/g, '\\$&').replace(/[\r\n]+/g, ' ');
}

/** A value as inline code: a fence longer than any backtick run inside, so nothing breaks out. */
export function markdownCode(value: string): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const padded = longest > 0 || value.startsWith(' ') ? ` ${value} ` : value;
  return `${fence}${padded.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ')}${fence}`;
}

function cell(value: string | undefined): string {
  return value === undefined ? '—' : markdownCode(value);
}

/** '2026-05-04T10:11:12.345Z' → '2026-05-04 10:11:12 UTC', like the Web UI's own times. */
function when(iso: string | undefined): string {
  return iso === undefined ? 'unknown time' : iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC');
}

function fieldTable(state: ClusterState): string {
  const showAms = hardened(state);
  const head = showAms
    ? ['| field | desired | applied by this run | AMS last answered |', '| --- | --- | --- | --- |']
    : ['| field | desired | applied in AMS |', '| --- | --- | --- |'];
  const rows = SUBSCRIPTION_FIELDS.map((f) => {
    const cells = [f, cell(state.desired[f]), cell(state.applied[f]), ...(showAms ? [cell(state.ams?.[f])] : [])];
    return `| ${cells.join(' | ')} |`;
  });
  return [...head, ...rows].join('\n');
}

// One paragraph per fact (blank lines): the Web UI's renderer joins single newlines.
// The closing rule is deliberate: UI 2.42 sizes the Markdown frame from the body's
// scrollHeight, which leaves out the first block's margin and so hides the last ~15px;
// the rule takes that cut instead of the last line of text.
export function renderDetails(state: ClusterState, pace?: { ends: PaceEnds; now: string }): string {
  const { registration: reg } = state;
  const status = amsStatus(state);
  const subscription = state.subscriptionId
    ? `${markdownCode(state.subscriptionId)} (${status === undefined ? '?' : markdownCode(status)})`
    : 'not created yet';
  const account = reg.accountUsername ? markdownCode(reg.accountUsername) : '—';
  // First the static summary's facts: a run that continued as new has no static summary
  // (the SDK cannot carry it), so its details say which cluster it is.
  const blocks = [
    `**Phase:** ${state.phase} · **Cluster:** ${markdownCode(state.desired.display_name || '—')} ${markdownCode(reg.clusterId)} · **Account:** ${account}`,
    `**AMS subscription:** ${subscription}`,
    fieldTable(state),
  ];
  const pending = pendingWork(state);
  const describe = (w: PendingWork) => {
    const until = pace && !state.deletion ? pacedUntil(w, pace.ends, pace.now) : undefined;
    return until ? describePace(w, state, until) : describeWork(w, state);
  };
  blocks.push(`**Pending AMS work:** ${pending.length ? pending.map((w) => markdownCode(describe(w))).join('; ') : 'none'}`);
  if (activeHeld(state)) {
    const refused = state.desired.external_cluster_id !== undefined && state.refusedValues.external_cluster_id === state.desired.external_cluster_id;
    blocks.push(
      refused
        ? '**Active held:** AMS refused the OpenShift cluster id; Active follows once a new id is applied.'
        : '**Active held** until AMS has the OpenShift cluster id (external\\_cluster\\_id).',
    );
  }
  blocks.push(...afterInstallBlocks(state));
  if (state.subscriptionGone) blocks.push('**Subscription gone:** AMS no longer has it (404 confirmed); no more patches.');
  if (state.deletion) {
    const d = state.deletion;
    const recheck = d.recheckAfter ? `; a create may still land: look again at ${when(d.recheckAfter)}` : '';
    blocks.push(`**Deletion:** by ${d.by} at ${when(d.requestedAt)} → ${d.outcome ?? 'in progress'}${recheck}`);
  }
  if (state.installFailure) {
    const reason = state.installFailure.reason ? `: ${markdownCode(state.installFailure.reason)}` : '';
    blocks.push(`**Install failed** at ${when(state.installFailure.at)}${reason}`);
  }
  if (state.refusal) blocks.push(`**Registration refused by AMS:** ${markdownCode(state.refusal.message)}`);
  if (state.lastError) {
    const e = state.lastError;
    const failing = state.failures > 0 ? `failing, ${state.failures} in a row` : 'recovered';
    blocks.push(`**Last AMS error** at ${when(e.at)} (${e.operation}, ${failing}): ${markdownCode(e.message)}`);
  }
  const lastRejected = state.rejectedInputs.at(-1);
  if (lastRejected) {
    const { signal, field, rule } = lastRejected;
    blocks.push(`**Ignored input:** ${state.rejectedInputs.length} (last: ${markdownCode(`${signal} ${field}: ${rule}`)})`);
  }
  blocks.push('---');
  return blocks.join('\n\n');
}

/** Rules 3: the telemetry watch and the drift check, with what they found. */
function afterInstallBlocks(state: ClusterState): string[] {
  const blocks: string[] = [];
  const watch = state.telemetry;
  if (watch) {
    const next = watch.nextCheckAt ? `; next check at ${when(watch.nextCheckAt)}` : '';
    const last = watch.lastTelemetryDate ? `; last telemetry ${when(watch.lastTelemetryDate)}` : '';
    const dup = watch.duplicates?.length ? `; **unsubscribed duplicate** ${watch.duplicates.map(markdownCode).join(', ')}` : '';
    blocks.push(`**Telemetry:** ${watch.status} (OpenShift id ${markdownCode(watch.externalClusterId)}, ${watch.checks} check(s)${last}${next})${dup}`);
  }
  const drift = state.drift;
  if (drift) {
    const last = drift.lastCheckedAt ? `last at ${when(drift.lastCheckedAt)}, ` : '';
    blocks.push(`**Drift check:** ${last}next at ${when(drift.nextCheckAt)}`);
    const latest = drift.findings.at(-1);
    if (latest) blocks.push(`**Drift found:** ${drift.findings.length} (last: ${describeFinding(latest)})`);
  }
  return blocks;
}

export function describeFinding(f: DriftFinding): string {
  const at = `at ${when(f.at)}`;
  switch (f.kind) {
    case 'repaired':
      return `${f.field} was ${markdownCode(f.found ?? '')} in AMS, set back to ${cell(f.wanted)} ${at}`;
    case 'unrepaired':
      return `${f.field} is ${markdownCode(f.found ?? '')} in AMS, left as it is: ${f.wanted === undefined ? 'the installer never set it' : `AMS refused the installer's value ${cell(f.wanted)}`} ${at}`;
    case 'status':
      return `AMS moved the status from ${cell(f.before)} to ${cell(f.found)} ${at} (AMS's decision, left as it is)`;
    case 'recreated':
      return `subscription ${cell(f.found)} vanished from AMS ${at}; a new one is reserved`;
  }
}

/** The run's static summary and details, set by the client at start (plain data, escaped). */
export function staticSummary(registration: { clusterId: string; displayName: string }): string {
  return registration.displayName
    ? `Cluster '${markdownText(registration.displayName)}' (${registration.clusterId}) ↔ AMS subscription`
    : `Cluster ${registration.clusterId}: deletion of its AMS subscription`;
}

export function staticDetails(registration: { clusterId: string; accountUsername: string }): string {
  const by = registration.accountUsername ? `, registered by ${markdownText(registration.accountUsername)}` : '';
  return [
    `Assisted Installer cluster ${markdownCode(registration.clusterId)}${by}.`,
    '',
    'Current details show desired vs applied AMS values; the `clusterState` query returns the full state.',
  ].join('\n');
}
