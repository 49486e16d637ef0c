// A write the worker's circuit breaker refused never left the worker: the run must not
// treat it as a request that may still land (no wait for it to settle, no read to verify
// it once AMS is back), and the activity must not retry it at once (the breaker would
// refuse those too). Before this, such a refusal counted as "may have landed" and cost
// every waiting cluster a verify read against the recovering AMS. Behind a patch: a run
// whose history older code made keeps treating such a write as uncertain.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Worker } from '@temporalio/worker';
import type { RequestLogEntry } from '../emulator/index.js';
import { eventually, newClusterId, startLifecycleHarness, workflowBundle, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
before(async () => {
  h = await startLifecycleHarness({ registrationWaitSeconds: 5, startWorker: false });
});
after(async () => {
  await h?.close();
});

const PROBE_INTERVAL_MS = 60_000;
const calls = async (clusterId: string) =>
  (await h.admin.requests({ cluster_id: clusterId })).map((e: RequestLogEntry) => `${e.method === 'GET' ? 'get' : e.method} ${e.status}`);

describe('a write the circuit breaker refused', () => {
  it('is known never sent: not retried at once, not waited on, not read back after AMS returns', async () => {
    let clock = Date.now();
    const ams = h.amsClient({ now: () => clock, circuitBreaker: { failureThreshold: 2, probeIntervalMs: PROBE_INTERVAL_MS } });
    await h.startWorker(ams);
    const clusterId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'before', accountUsername: 'alice' });

    // AMS goes down; two unanswered calls through the worker's client open its breaker.
    await h.admin.addFault({ kind: 'outage', route: '/api/*' });
    for (let i = 0; i < 2; i++) await ams.listSubscriptions().catch(() => undefined);
    await h.admin.clearRequests();

    await h.lifecycle.renameCluster(clusterId, 'after');
    const refused = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.failures > 0, { what: 'the refused PATCH' });
    assert.match(refused.lastError?.message ?? '', /not sent: AMS is taken to be down after 2 failures in a row/);
    assert.equal(refused.lastError?.unsent, true, 'the error says the write was never sent');
    assert.equal(refused.lastError?.attempt, 1, 'one attempt: quick retries would be refused too');
    assert.deepEqual(refused.inFlight?.writes ?? [], [], 'no write whose outcome is unknown');
    assert.deepEqual(await calls(clusterId), [], 'nothing reached AMS');

    // AMS is back and the next probe is due: the loop's durable backoff sends the rename.
    await h.admin.clearFaults();
    clock += PROBE_INTERVAL_MS;
    await h.env.sleep('1 minute');
    await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.applied.display_name === 'after' && s.pending.length === 0, {
      what: 'the rename applied',
    });
    // Past the time an uncertain write would be settled and read back: no read comes.
    await h.env.sleep('10 minutes');
    const settled = await h.lifecycle.getClusterState(clusterId);
    assert.deepEqual(settled.pending, []);
    assert.deepEqual(await calls(clusterId), ['PATCH 200'], 'the PATCH, and no verify read');

    // Behind the 'unsent-writes' patch (runs from older code keep the write uncertain), and
    // the history replays on this code.
    const history = await h.lifecycle.handle(clusterId).fetchHistory();
    const markers = (history.events ?? []).flatMap((e) => {
      const data = e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      return data ? [Buffer.from(data).toString()] : [];
    });
    assert.ok(markers.some((m) => m.includes('"unsent-writes"')), `the patch marker is recorded: ${markers.join(', ')}`);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${clusterId}-replay`);
  });
});
