// The production-shaped Temporal of scripts/cluster/ (the Temporal server on
// PostgreSQL, set up by compose's own scripts), end to end: a real run through the
// worker and the AMS emulator, found by its search attribute; the server restarted
// while the run lives (PostgreSQL keeps it); then the whole cluster started again on
// its folder. Nothing is left running: every process it started is gone at the end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { serverEnvironment, startTemporalCluster, type TemporalCluster } from '../scripts/cluster/temporal-cluster.js';
import { workflowIdForCluster } from '../workflows/definitions.js';
import { eventually, newClusterId, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('production-shaped Temporal cluster (server on PostgreSQL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'temporal-cluster-'));
  const startedPids = new Set<number>();
  let cluster: TemporalCluster | undefined;
  let h: LifecycleHarness | undefined;
  const clusterId = newClusterId();
  let subscriptionId = '';
  let runId = '';

  const track = (c: TemporalCluster) => {
    for (const pid of Object.values(c.pids)) if (pid !== undefined) startedPids.add(pid);
    return c;
  };
  const runsFor = async (query: string) => {
    const runs = [];
    for await (const run of h!.env.client.workflow.list({ query })) runs.push(run);
    return runs;
  };
  // After a restart the worker's polls come back on their own backoff.
  const slow = { timeoutMs: 60_000, intervalMs: 250 };

  before(async () => {
    const started = Date.now();
    cluster = track(await startTemporalCluster({ dataDir, log: (line) => console.log(`cluster: ${line}`) }));
    console.log(`cluster: first start in ${Date.now() - started} ms`);
    h = await startLifecycleHarness({ server: 'cluster', cluster });
  });

  after(async () => {
    await h?.close();
    await cluster?.stop();
    if (cluster) track(cluster);
    rmSync(dataDir, { recursive: true, force: true });
    const left = [...startedPids].filter(alive);
    assert.deepEqual(left, [], 'every process the cluster started has exited');
  });

  it('renders the server config from docker-compose.yml temporal service settings', () => {
    const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    const composed = compose.services.temporal!.environment;
    const native = serverEnvironment({ postgresPort: 1, password: 'p', numHistoryShards: 4, logLevel: 'warn', ports: {} as never });
    for (const key of ['DB', 'POSTGRES_USER', 'DBNAME', 'VISIBILITY_DBNAME']) assert.equal(native[key], composed[key], key);
    assert.equal(basename(native.DYNAMIC_CONFIG_FILE_PATH!), basename(composed.DYNAMIC_CONFIG_FILE_PATH!));
  });

  it('runs a registration through the worker and the emulator; visibility finds it by ClusterId', async () => {
    ({ subscriptionId } = await h!.lifecycle.registerCluster({ clusterId, displayName: 'pg-east', accountUsername: 'alice' }));
    assert.equal((await h!.ams.getSubscription(subscriptionId)).status, 'Reserved');
    const [run] = await eventually(() => runsFor(`ClusterId = '${clusterId}'`), (runs) => runs.length === 1, { what: 'the run in visibility' });
    assert.equal(run!.workflowId, workflowIdForCluster(clusterId));
    runId = run!.runId;
  });

  it('the run goes on after the Temporal server restarts: PostgreSQL kept its state', async () => {
    const before = cluster!.pids;
    const started = Date.now();
    await cluster!.restartServer();
    console.log(`cluster: server restart in ${Date.now() - started} ms`);
    track(cluster!);
    assert.notEqual(cluster!.pids.temporal, before.temporal, 'a new server process');
    assert.equal(cluster!.pids.postgres, before.postgres, 'the same PostgreSQL');
    assert.equal(alive(before.temporal), false, 'the old server has exited');

    await h!.lifecycle.renameCluster(clusterId, 'pg-west');
    await eventually(() => h!.ams.getSubscription(subscriptionId), (s) => s.display_name === 'pg-west', { ...slow, what: 'the rename in AMS' });
    const state = await h!.lifecycle.getClusterState(clusterId);
    assert.equal(state.subscriptionId, subscriptionId);
    assert.equal(state.registration.displayName, 'pg-east', 'the registration from before the restart');
    assert.equal((await h!.lifecycle.handle(clusterId).describe()).runId, runId, 'the same run');
  });

  it('starts again on its folder: schema, namespace, search attributes and the run are all still there', async () => {
    const { address, pids: old } = cluster!;
    await cluster!.stop();
    assert.equal(alive(old.postgres) || alive(old.temporal), false, 'stop() leaves nothing running');
    const started = Date.now();
    cluster = track(await startTemporalCluster({ dataDir }));
    console.log(`cluster: start on existing state in ${Date.now() - started} ms`);
    assert.equal(cluster.address, address, 'the same ports: clients and the worker reconnect on their own');

    const openshiftId = newClusterId();
    await h!.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
    await eventually(() => h!.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id === openshiftId, { ...slow, what: 'the id in AMS' });
    const runs = await eventually(() => runsFor(`OpenshiftClusterId = '${openshiftId}'`), (found) => found.length === 1, slow);
    assert.equal(runs[0]!.runId, runId, 'the same run, found by a search attribute it set after the restart');
    assert.equal((await h!.lifecycle.getClusterState(clusterId)).desired.display_name, 'pg-west');
  });
});
