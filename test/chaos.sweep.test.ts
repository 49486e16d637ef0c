// The chaos run's last check: one report-only sweep over the settled state. Each finding
// becomes a 'sweeper findings' problem; a clean state gives none.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sweepProblems } from '../scripts/chaos/sweep.js';
import { eventually, newClusterId, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';
import { plant } from './helpers/sweeper-plant.js';

let h: LifecycleHarness;
before(async () => {
  h = await startLifecycleHarness({ server: 'dev' });
});
after(async () => {
  await h?.close();
});

it('a settled state with every subscription owned by an open run: no problem', async () => {
  const clusterId = newClusterId();
  await h.lifecycle.registerCluster({ clusterId, displayName: 'settled', accountUsername: 'alice' });
  assert.deepEqual(await sweepProblems(h.env.client, h.taskQueue, 60_000), []);
  await h.lifecycle.deleteCluster(clusterId);
});

it('a Reserved subscription no run owns, however young: one problem naming it', async () => {
  const clusterId = newClusterId();
  const [leak] = await plant(h, [{ clusterId, ageSeconds: 5 }]);
  const problems = await sweepProblems(h.env.client, h.taskQueue, 60_000);
  assert.deepEqual(problems.map((p) => p.count), ['sweeper findings']);
  assert.match(problems[0]!.detail, new RegExp(`^leaked ${leak} \\(cluster ${clusterId}\\): Reserved, and no run`));
});

it('a sweep that cannot finish in time is a problem, not a pass', async () => {
  const before = await h.env.client.workflow.count("WorkflowType = 'subscriptionSweeper' AND ExecutionStatus = 'Terminated'");
  const problems = await sweepProblems(h.env.client, `no-worker-${newClusterId()}`, 1_000);
  assert.deepEqual(problems, [{ count: 'sweeper findings', detail: 'the sweep failed: the sweep did not finish within 1 s' }]);
  const terminated = () => h.env.client.workflow.count("WorkflowType = 'subscriptionSweeper' AND ExecutionStatus = 'Terminated'");
  await eventually(terminated, (c) => c.count === before.count + 1, { what: 'the late sweep terminated' });
});
