// The sweeper's Schedule and CLI on the dev stack of `npm start` (embedded: dev
// server, AMS emulator over HTTP, worker): the stack creates the Schedule, ensuring it
// again changes nothing, a new interval or deletion setting updates it, a triggered
// run finishes with SweepResult set; `sweep` runs one now and prints its result.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createAmsClient } from '../ams/index.js';
import { EXIT } from '../cli/index.js';
import { EmulatorAdmin } from '../emulator/admin-client.js';
import { ensureSweeperSchedule } from '../worker/sweeper-schedule.js';
import { SWEEPER_SCHEDULE_ID, SWEEPER_WORKFLOW_TYPE, sweepResultKey, type SweepResult } from '../workflows/sweeper-definitions.js';
import { runCliCaptured } from './helpers/cli-capture.js';
import { startEmbeddedStack, type EmbeddedStack } from './helpers/embedded-stack.js';
import { eventually, newClusterId } from './helpers/lifecycle-harness.js';
import { amsIds, plant, type AmsSide } from './helpers/sweeper-plant.js';

let embedded: EmbeddedStack;
let connection: Connection;
let client: Client;
let side: AmsSide;
let env: Record<string, string>;
let taskQueue: string;

before(async () => {
  embedded = await startEmbeddedStack('sweeper-schedule-');
  const { temporal, ams } = embedded.info;
  taskQueue = temporal.taskQueue;
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: temporal.namespace });
  side = {
    admin: new EmulatorAdmin(ams.url),
    ams: createAmsClient({
      baseUrl: ams.url,
      auth: { kind: 'client-credentials', tokenUrl: ams.tokenUrl!, clientId: ams.clientId!, clientSecret: ams.clientSecret! },
      timeoutMs: 5_000,
    }),
  };
  env = { TEMPORAL_ADDRESS: temporal.address };
});

after(async () => {
  await connection?.close();
  await embedded?.stop();
});

const cli = (...args: string[]) => runCliCaptured(args, env);
const intervalMs = async (id: string) => (await client.schedule.getHandle(id).describe()).spec.intervals?.map((i) => i.every);
const scheduledArgs = async (id: string) => (await client.schedule.getHandle(id).describe()).action.args?.[0];

describe('sweeper schedule', () => {
  it('the dev stack created it: daily, report only, on the worker task queue', async () => {
    const description = await client.schedule.getHandle(SWEEPER_SCHEDULE_ID).describe();
    assert.deepEqual(description.spec.intervals?.map((i) => i.every), [86_400_000]);
    assert.equal(description.action.workflowType, SWEEPER_WORKFLOW_TYPE);
    assert.equal(description.action.taskQueue, taskQueue);
    assert.deepEqual(description.action.args, [{ deleteLeaked: false }]);
  });

  it('created once, then unchanged; a new interval or deletion setting updates it, once', async () => {
    const scheduleId = `sweeper-test-${randomUUID()}`;
    const ensure = (options: { every?: string; deleteLeaked?: boolean }) => ensureSweeperSchedule(client, { taskQueue, scheduleId, ...options });
    assert.equal(await ensure({}), 'created');
    assert.equal(await ensure({}), 'unchanged');
    assert.equal(await ensure({ every: '24h' }), 'unchanged', '24h is the default');
    assert.equal(await ensure({ every: '12h' }), 'updated');
    assert.deepEqual(await intervalMs(scheduleId), [43_200_000]);
    assert.equal(await ensure({ every: '12h' }), 'unchanged');
    assert.equal(await ensure({ every: '12h', deleteLeaked: true }), 'updated');
    assert.deepEqual(await scheduledArgs(scheduleId), { deleteLeaked: true });
    assert.equal(await ensure({ every: '12h', deleteLeaked: true }), 'unchanged');
    const listed: string[] = [];
    for await (const s of client.schedule.list()) listed.push(s.scheduleId);
    assert.equal(listed.filter((id) => id === scheduleId).length, 1, 'one schedule, never a second');
    await client.schedule.getHandle(scheduleId).delete();
  });

  it('a triggered run of the schedule sweeps and is found by SweepResult', async () => {
    await side.admin.reset();
    const [leak] = await plant(side, [{ clusterId: newClusterId() }]);
    const handle = client.schedule.getHandle(SWEEPER_SCHEDULE_ID);
    await handle.trigger();
    const started = await eventually(() => handle.describe(), (d) => d.info.recentActions.length > 0, { what: 'the triggered action' });
    const { workflowId } = started.info.recentActions.at(-1)!.action.workflow;
    assert.ok(workflowId.startsWith(SWEEPER_SCHEDULE_ID));
    const run = client.workflow.getHandle(workflowId);
    const result = (await run.result()) as SweepResult;
    assert.deepEqual(result.leaked.map((f) => f.subscriptionId), [leak]);
    assert.equal((await run.describe()).typedSearchAttributes.get(sweepResultKey), 'findings');
    assert.deepEqual(await amsIds(side), [leak], 'the schedule only reports');
  });
});

describe('ams-lifecycle sweep', () => {
  beforeEach(() => side.admin.reset());

  it('--wait prints the result as a table, the leak with its subscription, cluster and why', async () => {
    const clusterId = newClusterId();
    const [leak] = await plant(side, [{ clusterId }, { clusterId: newClusterId(), status: 'Active' }]);
    const { code, stdout, stderr } = await cli('sweep', '--wait');
    assert.equal(code, EXIT.ok, stderr);
    assert.match(stdout, /^sweep findings \(report only\)/);
    assert.match(stdout, /AssistedInstall subscriptions read\s+│\s+2/);
    assert.match(stdout, new RegExp(`leaked\\s+│\\s+${leak}\\s+│\\s+${clusterId}\\s+│\\s+Reserved, and no run`));
    assert.equal((await amsIds(side)).length, 2, 'nothing deleted');
  });

  it('--wait --delete-leaked --json deletes the leak and prints the result as JSON', async () => {
    const [leak, active] = await plant(side, [{ clusterId: newClusterId() }, { clusterId: newClusterId(), status: 'Active' }]);
    const { code, stdout, stderr } = await cli('--json', 'sweep', '--wait', '--delete-leaked');
    assert.equal(code, EXIT.ok, stderr);
    const result = JSON.parse(stdout) as SweepResult & { workflowId: string };
    assert.equal(result.result, 'cleaned');
    assert.deepEqual(result.leaked.map((f) => [f.subscriptionId, f.outcome]), [[leak, 'deleted']]);
    assert.deepEqual(await amsIds(side), [active]);
  });

  it('--min-age: a Reserved subscription younger than it is no leak', async () => {
    await plant(side, [{ clusterId: newClusterId(), ageSeconds: 600 }]);
    const { stdout } = await cli('--json', 'sweep', '--wait', '--min-age', '3600');
    assert.equal((JSON.parse(stdout) as SweepResult).counts.young, 1);
    const { stdout: again } = await cli('--json', 'sweep', '--wait', '--min-age', '60');
    assert.equal((JSON.parse(again) as SweepResult).counts.leaked, 1);
  });

  it('--schedule creates or updates the schedule, and says which', async () => {
    assert.match((await cli('sweep', '--schedule')).stdout, /schedule ams-lifecycle-sweeper unchanged \(every 24h, report only\)/);
    assert.match((await cli('sweep', '--schedule', '--every', '6h')).stdout, /updated \(every 6h, report only\)/);
    assert.deepEqual(await intervalMs(SWEEPER_SCHEDULE_ID), [21_600_000]);
    assert.match((await cli('sweep', '--schedule')).stdout, /updated \(every 24h, report only\)/);
  });

  it('usage errors: --every without --schedule, --wait with it, a bad duration (exit 2, nothing started)', async () => {
    for (const args of [['sweep', '--every', '1h'], ['sweep', '--schedule', '--wait'], ['sweep', '--schedule', '--every', '30s']]) {
      const { code, stderr } = await cli(...args);
      assert.equal(code, EXIT.usage, args.join(' '));
      assert.match(stderr, /--every|--wait/);
    }
  });
});
