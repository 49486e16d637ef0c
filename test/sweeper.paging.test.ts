// The sweeper over long and failing listings: continue-as-new carrying its progress
// (a duplicate group split across pages and runs), an AMS page that fails midway
// (activity retries, a durable backoff, the same page again), a 429's Retry-After
// honoured by the backoff, and lists capped while the counts stay complete.
import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { describeOnServers, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';
import { orderedClusterIds, plant, sweep } from './helpers/sweeper-plant.js';

const LISTING = '/api/accounts_mgmt/v1/subscriptions';
let h: LifecycleHarness;

async function timersOf(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.timerStartedEventAttributes?.startToFireTimeout?.seconds)
    .filter((s) => s !== undefined && s !== null)
    .map(Number);
}

describeOnServers('sweeper paging', {}, (harness) => (h = harness), (server) => {
  beforeEach(() => h.admin.reset());

  it(`continues as new on a long list and still finds everything, a duplicate split across runs included [${server}]`, async () => {
    const [c0, c1, c2, c3] = orderedClusterIds(4) as [string, string, string, string];
    const [leak0, leak1, dup1, , leak3] = await plant(h, [
      { clusterId: c0 },
      { clusterId: c1 },
      { clusterId: c1, status: 'Active' },
      { clusterId: c2, status: 'Active' },
      { clusterId: c3 },
    ]);
    // One subscription per page and two pages per run: the c1 pair is split across pages and runs.
    const { handle, result } = await sweep(h, { pageSize: 1, maxPagesPerRun: 2, pauseBetweenPagesSeconds: 1 });

    assert.equal(result.counts.subscriptions, 5);
    assert.deepEqual(result.leaked.map((f) => f.subscriptionId).sort(), [leak0, leak1, leak3].sort());
    assert.equal(result.duplicates.length, 1);
    assert.equal(result.duplicates[0]!.clusterId, c1);
    assert.deepEqual([result.duplicates[0]!.subscriptionId, ...result.duplicates[0]!.also!].sort(), [leak1, dup1].sort());
    assert.ok(result.continuedAsNew >= 2, `continued as new ${result.continuedAsNew} times`);
    assert.equal(result.counts.pages, 7, 'five full pages, the empty last one, one page of runs');
    const first = await h.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
    // Listing pages are paced: a pause before every page after a run's first.
    assert.ok((await timersOf(h.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId))).includes(1));
  });
});

describeOnServers('sweeper paging past odd items', { servers: ['time-skipping'] }, (harness) => (h = harness), () => {
  beforeEach(() => h.admin.reset());

  it('a full page of subscriptions with an empty cluster_id moves the cursor on instead of reading that page for ever', async () => {
    const [c0] = orderedClusterIds(1) as [string];
    await plant(h, [{ clusterId: '' }, { clusterId: '' }, { clusterId: '' }]);
    const [leak] = await plant(h, [{ clusterId: c0 }]);
    const { result } = await sweep(h, { pageSize: 2, pauseBetweenPagesSeconds: 0 });
    assert.deepEqual(result.leaked.map((f) => f.subscriptionId), [leak]);
    assert.equal(result.counts.pages, 4, 'three pages of subscriptions (2 + 2 + 0), one of runs');
  });
});

describeOnServers('sweeper on a failing AMS', { servers: ['time-skipping'] }, (harness) => (h = harness), () => {
  beforeEach(() => h.admin.reset());

  it('a listing page that fails midway is retried, then after a durable backoff read again: the result is complete', async () => {
    const leaks = await plant(h, Array.from({ length: 5 }, () => ({ clusterId: newClusterId() })));
    await h.admin.clearRequests();
    // Page 1 passes; page 2 fails all three attempts of its activity, then passes.
    await h.admin.addFault({ kind: 'error', route: LISTING, method: 'GET', status: 500, skip: 1, count: 3 });

    const { handle, result } = await sweep(h, { pageSize: 2, maxListed: 2 });

    assert.equal(result.counts.subscriptions, 5);
    assert.equal(result.counts.leaked, 5, 'every leak counted');
    assert.equal(result.leaked.length, 2, 'the list is capped at maxListed');
    assert.equal(result.truncated, true);
    assert.ok(result.leaked.every((f) => leaks.includes(f.subscriptionId)));
    assert.equal(result.counts.failures, 1, 'one step failed after its retries');
    const statuses = (await h.admin.requests({ method: 'GET', path: LISTING })).map((r) => r.status);
    assert.deepEqual(statuses, [200, 500, 500, 500, 200, 200], 'page 2 tried three times, then again after the backoff');
    const timers = await timersOf(handle);
    assert.ok(timers.some((s) => s >= 8 && s <= 12), `a durable backoff of about 10 s (timers: ${timers})`);
  });

  it("a 429's Retry-After holds the durable backoff at least that long", async () => {
    await plant(h, [{ clusterId: newClusterId() }]);
    await h.admin.addFault({ kind: 'rate_limit', route: LISTING, method: 'GET', retryAfterSeconds: 300, count: 3 });
    const { handle, result } = await sweep(h, {});
    assert.equal(result.counts.leaked, 1);
    assert.ok((await timersOf(handle)).some((s) => s >= 300), 'the backoff waited out Retry-After');
  });
});
