// The sweeper: pages through the AssistedInstall subscriptions in AMS (in cluster_id
// order, so a cluster's subscriptions are adjacent) and the open cluster runs, and
// finds leaked Reserved subscriptions, duplicates per cluster_id, and open runs whose
// subscription is gone. Reports by default; with deleteLeaked it deletes the leaks
// through the clusters' own guarded delete, after asking again whether each still is
// one. Deterministic code only.
import * as wf from '@temporalio/workflow';
import type { DeleteOutcome } from '../activities/index.js';
import type { SweeperActivities } from '../activities/sweeper-activities.js';
import { loopBackoffSeconds } from './backoff.js';
import type { AmsErrorInfo } from './definitions.js';
import {
  resolveSweeperArgs,
  sweepProgressQuery,
  sweepResultKey,
  type SweeperArgs,
  type SweepFinding,
  type SweepResult,
  type SweepSubscription,
} from './sweeper-definitions.js';
import { renderSweepDetails, type SweepStatus } from './sweeper-details.js';
import { addFinding, addToGroup, closeGroup, deletable, initialProgress, leakReason, outcomeOf, toResult } from './sweeper-state.js';

// As the cluster workflow's: a few quick attempts per activity (Retry-After honoured
// through the failure's nextRetryDelay); longer outages wait on durable timers below,
// and the step is tried again where it stopped, so no page and no count is lost.
const ACTIVITY_OPTIONS: wf.ActivityOptions = {
  startToCloseTimeout: '60s',
  heartbeatTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
};
const sweep = wf.proxyActivities<SweeperActivities>(ACTIVITY_OPTIONS);

/** AMS answers that will not change by trying again (see activities/ams-failure.ts). */
const FINAL_CATEGORIES = new Set(['refused', 'not-found', 'invalid']);

function amsErrorOf(error: wf.ActivityFailure): AmsErrorInfo | undefined {
  const cause = error.cause;
  if (cause instanceof wf.ApplicationFailure && cause.type === 'AmsError') return cause.details?.[0] as AmsErrorInfo | undefined;
  return undefined;
}

export async function subscriptionSweeper(args: SweeperArgs = {}): Promise<SweepResult> {
  let options: ReturnType<typeof resolveSweeperArgs>;
  try {
    options = resolveSweeperArgs(args);
  } catch (error) {
    throw wf.ApplicationFailure.nonRetryable((error as Error).message, 'InvalidSweeperArgs');
  }
  const now = () => new Date().toISOString(); // workflow time: deterministic
  const progress = args.progress ?? initialProgress(now());
  const status: SweepStatus = { deleteLeaked: options.deleteLeaked, done: false };
  let failuresInARow = 0;
  let pagesThisRun = 0;

  wf.setHandler(sweepProgressQuery, () => progress);
  let published = '';
  const publish = () => {
    const details = renderSweepDetails(progress, status);
    if (details !== published) wf.setCurrentDetails((published = details));
  };
  publish();

  /**
   * Runs one step until it succeeds: after its activity's quick retries, a durable backoff
   * (10 s doubling to 10 min, never shorter than Retry-After) and the same step again.
   * `onFinal` handles an AMS answer that retrying cannot change.
   */
  async function step<T>(name: string, run: () => Promise<T>, onFinal?: (info: AmsErrorInfo) => T): Promise<T> {
    for (;;) {
      try {
        const value = await run();
        failuresInARow = 0;
        if (status.lastError) {
          delete status.lastError;
          publish();
        }
        return value;
      } catch (error) {
        if (!(error instanceof wf.ActivityFailure) || wf.isCancellation(error)) throw error;
        const info = amsErrorOf(error);
        if (info && FINAL_CATEGORIES.has(info.category)) {
          if (onFinal) return onFinal(info);
          throw wf.ApplicationFailure.nonRetryable(`${name}: AMS refused it for good: ${info.message}`, 'SweepRefused', info);
        }
        failuresInARow += 1;
        progress.counts.failures += 1;
        const seconds = loopBackoffSeconds(failuresInARow, info?.retryAfterSeconds, Math.random());
        const message = info?.message ?? error.cause?.message ?? error.message;
        status.lastError = { step: name, message, at: now(), retryAt: new Date(Date.now() + seconds * 1000).toISOString() };
        publish();
        await wf.sleep(seconds * 1000, { summary: `backoff after ${name} failed (${failuresInARow} in a row)` });
      }
    }
  }

  async function pause(): Promise<void> {
    // Not before the sweep's very first page; after a continue-as-new too.
    if (progress.counts.pages > 0 && options.pauseBetweenPagesSeconds > 0) {
      await wf.sleep(options.pauseBetweenPagesSeconds * 1000, { summary: 'pause between pages (AMS rate limit)' });
    }
  }

  async function deleteLeak(sub: SweepSubscription): Promise<SweepFinding['outcome']> {
    const summary = `DELETE ${sub.id} if still a leak and still Reserved`;
    // Deletes are paced like pages: AMS's rate limit counts every request.
    if (options.pauseBetweenPagesSeconds > 0) await wf.sleep(options.pauseBetweenPagesSeconds * 1000, { summary: 'pause before a delete (AMS rate limit)' });
    const answer = await step<DeleteOutcome | { outcome: 'delete-refused' | 'no-longer-a-leak' }>(
      `delete ${sub.id}`,
      () => sweep.deleteLeak.executeWithOptions({ summary }, [{ subscriptionId: sub.id, clusterId: sub.clusterId }]),
      () => ({ outcome: 'delete-refused' as const }),
    );
    if (answer.outcome === 'deleted') progress.counts.deleted += 1;
    else if (answer.outcome === 'already-gone') progress.counts.alreadyGone += 1;
    else if (answer.outcome !== 'no-longer-a-leak') progress.counts.notDeleted += 1;
    return answer.outcome;
  }

  async function sweepSubscriptionPage(): Promise<boolean> {
    const after = progress.after;
    const page = await step('list subscriptions', () =>
      sweep.listSweepPage.executeWithOptions({ summary: `list AssistedInstall subscriptions after ${after ? after.clusterId : 'the start'}` }, [
        { ...(after ? { after } : {}), pageSize: options.pageSize },
      ]),
    );
    const candidates: SweepSubscription[] = [];
    for (const sub of page.items) {
      progress.counts.subscriptions += 1;
      closeGroup(progress, addToGroup(progress, sub), options.maxListed);
      if (sub.status !== 'Reserved') continue;
      progress.counts.reserved += 1;
      if (sub.ageSeconds === undefined || sub.ageSeconds < options.minReservedAgeSeconds) progress.counts.young += 1;
      else candidates.push(sub);
    }
    if (candidates.length > 0) {
      const clusterIds = [...new Set(candidates.map((s) => s.clusterId))];
      const runs = await step('describe cluster runs', () =>
        sweep.describeClusterRuns.executeWithOptions({ summary: `describe the runs of ${clusterIds.length} cluster(s)` }, [{ clusterIds }]),
      );
      for (const sub of candidates) {
        const leak = leakReason(runs[sub.clusterId]);
        if (!leak) continue;
        progress.counts.leaked += 1;
        const outcome = options.deleteLeaked && deletable(leak.reason) ? await deleteLeak(sub) : undefined;
        if (outcome === 'no-longer-a-leak') {
          progress.counts.leaked -= 1; // its cluster's run started meanwhile: the run owns it now
          continue;
        }
        addFinding(progress, progress.leaked, { subscriptionId: sub.id, clusterId: sub.clusterId, why: leak.why, ...(outcome ? { outcome } : {}) }, options.maxListed);
      }
    }
    if (page.cursor) progress.after = page.cursor;
    if (page.more) return true;
    closeGroup(progress, progress.group, options.maxListed);
    delete progress.group;
    return false;
  }

  async function sweepRunsPage(): Promise<boolean> {
    const pageToken = progress.runsPageToken;
    const page = await step('list open cluster runs', () =>
      sweep.listOpenClusterRuns.executeWithOptions({ summary: 'list open cluster runs' }, [
        { pageSize: options.pageSize, ...(pageToken ? { pageToken } : {}) },
      ]),
    );
    if (!page.supported) {
      progress.openRunsChecked = false;
      return false;
    }
    progress.counts.openRuns += page.runs.length;
    // A run deleting its cluster removes the subscription itself; a refused one never had one.
    const watched = page.runs.filter((r) => r.subscriptionId && r.phase !== 'deleted' && r.phase !== 'refused');
    const ids = [...new Set(watched.map((r) => r.subscriptionId!))];
    const existing = new Set(
      await step('find the runs\' subscriptions', () =>
        sweep.findExistingSubscriptions.executeWithOptions({ summary: `look up ${ids.length} subscription(s) of open runs` }, [{ subscriptionIds: ids }]),
      ),
    );
    const missing = watched.filter((r) => !existing.has(r.subscriptionId!));
    if (missing.length > 0) {
      // Visibility lags: confirm with describe that each run is still open and not deleting.
      const clusterIds = missing.map((r) => r.clusterId);
      const runs = await step('describe cluster runs', () =>
        sweep.describeClusterRuns.executeWithOptions({ summary: `confirm ${clusterIds.length} run(s) without subscription` }, [{ clusterIds }]),
      );
      for (const r of missing) {
        const run = runs[r.clusterId];
        if (run?.run !== 'open' || run.phase === 'deleted') continue;
        progress.counts.openRunsWithoutSubscription += 1;
        const why = `its run (${r.workflowId}, phase ${run.phase ?? 'unknown'}) is open, but AMS no longer has its subscription`;
        addFinding(progress, progress.runsWithoutSubscription, { subscriptionId: r.subscriptionId!, clusterId: r.clusterId, why }, options.maxListed);
      }
    }
    if (!page.nextPageToken) return false;
    progress.runsPageToken = page.nextPageToken;
    return true;
  }

  async function continueIfLong(): Promise<void> {
    if (pagesThisRun < options.maxPagesPerRun && !wf.workflowInfo().continueAsNewSuggested) return;
    progress.continuedAsNew += 1;
    // Versioned workers pin a sweep like any run (worker/create-worker.ts); its next run starts on the current version.
    await wf.makeContinueAsNewFunc<typeof subscriptionSweeper>({ initialVersioningBehavior: 'AUTO_UPGRADE' })({ ...args, progress });
  }

  while (progress.stage === 'subscriptions') {
    await continueIfLong();
    await pause();
    const more = await sweepSubscriptionPage();
    pagesThisRun += 1;
    progress.counts.pages += 1;
    if (!more) progress.stage = 'runs';
    publish();
  }
  for (let more = true; more; ) {
    await continueIfLong();
    await pause();
    more = await sweepRunsPage();
    pagesThisRun += 1;
    progress.counts.pages += 1;
    publish();
  }

  status.done = true;
  publish();
  wf.upsertSearchAttributes([{ key: sweepResultKey, value: outcomeOf(progress) }]);
  return toResult(progress, options.deleteLeaked, now());
}
