// The sweeper run's current details (Markdown in the Web UI): what it has read so far,
// what it found, the last error while AMS or Temporal fails, and the first findings.
import type { SweepFinding, SweepProgress } from './sweeper-definitions.js';

/** Findings shown per list in the details; the result holds up to maxListed. */
const SHOWN = 10;

export interface SweepStatus {
  deleteLeaked: boolean;
  done: boolean;
  lastError?: { step: string; message: string; at: string; retryAt: string };
}

function findings(title: string, list: SweepFinding[], total: number): string[] {
  if (total === 0) return [];
  const lines = [``, `**${title}** (${total}${list.length < total ? `, ${list.length} listed in the result` : ''}):`];
  for (const f of list.slice(0, SHOWN)) {
    lines.push(`- \`${f.subscriptionId}\` cluster \`${f.clusterId}\`: ${f.why}${f.outcome ? ` → **${f.outcome}**` : ''}`);
  }
  if (list.length > SHOWN) lines.push(`- … ${list.length - SHOWN} more in the result`);
  return lines;
}

export function renderSweepDetails(progress: SweepProgress, status: SweepStatus): string {
  const c = progress.counts;
  const mode = status.deleteLeaked ? 'deleting leaked Reserved subscriptions' : 'report only';
  const where = status.done ? 'done' : progress.stage === 'subscriptions' ? 'reading AMS subscriptions' : 'checking open cluster runs';
  const lines = [
    `### Subscription sweep (${mode}): ${where}`,
    ``,
    `| | count |`,
    `| --- | --- |`,
    `| AssistedInstall subscriptions read | ${c.subscriptions} |`,
    `| Reserved (of them younger than the minimum age: never leaks) | ${c.reserved} (${c.young}) |`,
    `| leaked Reserved subscriptions | ${c.leaked} |`,
    ...(status.deleteLeaked ? [`| deleted / already gone / not deleted | ${c.deleted} / ${c.alreadyGone} / ${c.notDeleted} |`] : []),
    `| cluster_ids with duplicate subscriptions | ${c.duplicateClusters} |`,
    `| open cluster runs checked | ${progress.openRunsChecked ? c.openRuns : 'not checked (this server cannot list runs)'} |`,
    `| open runs whose subscription is gone | ${c.openRunsWithoutSubscription} |`,
    `| pages / failed steps retried / continued as new | ${c.pages} / ${c.failures} / ${progress.continuedAsNew} |`,
  ];
  if (status.lastError) {
    const e = status.lastError;
    lines.push(``, `**Last error** (${e.step}, ${e.at}): ${e.message.slice(0, 300)}. Trying again at ${e.retryAt}.`);
  }
  lines.push(...findings('Leaked', progress.leaked, c.leaked));
  lines.push(...findings('Duplicates', progress.duplicates, c.duplicateClusters));
  lines.push(...findings('Open runs whose subscription is gone', progress.runsWithoutSubscription, c.openRunsWithoutSubscription));
  return lines.join('\n');
}
