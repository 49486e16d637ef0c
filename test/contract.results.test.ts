// The contract's result schemas (scripts/contract/results.ts) hold what a real run
// answers: the clusterState query through a cluster's life (a refused input, an AMS
// outage, an install failure, Active with the telemetry watch, a drift check, the
// deletion) and the registration update's result, on the time-skipping server against
// the emulator. Each answer passes the strict zod schema (no field it does not list) and
// the published JSON Schema.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildContract } from '../scripts/contract/build.js';
import { clusterStateViewSchema, registrationResultSchema } from '../scripts/contract/results.js';
import { latestFirstDrift } from '../workflows/after-install.js';
import { AFTER_INSTALL_DEFAULTS, registrationUpdate, renameSignal, type ClusterStateView } from '../workflows/definitions.js';
import { eventually, newClusterId, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';

const contract = buildContract();
const ajv = new Ajv2020({ allErrors: true, strict: false });
const publishedState = ajv.compile(contract.queries[0]!.result);
const publishedRegistration = ajv.compile(contract.updates[0]!.result);

let h: LifecycleHarness;
before(async () => {
  h = await startLifecycleHarness({ server: 'time-skipping' });
});
after(async () => {
  await h?.close();
});

/** Every field name an answer had, nested ones as a.b: what the answers covered. */
const seen = new Set<string>();
function collect(value: unknown, prefix = ''): void {
  if (Array.isArray(value)) value.forEach((item) => collect(item, prefix));
  else if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) {
      seen.add(`${prefix}${key}`);
      collect(child, `${prefix}${key}.`);
    }
}

async function answer(clusterId: string, accept: (s: ClusterStateView) => boolean, what: string): Promise<ClusterStateView> {
  const view = await eventually(() => h.lifecycle.getClusterState(clusterId), accept, { what, timeoutMs: 30_000 });
  const parsed = clusterStateViewSchema.safeParse(view);
  assert.ok(parsed.success, `${what}: ${parsed.success ? '' : parsed.error.message}`);
  assert.ok(publishedState(view), `${what}: ${ajv.errorsText(publishedState.errors)}`);
  collect(view);
  return view;
}

describe('what a run answers matches the published result schemas [time-skipping server]', () => {
  it("a cluster's life, answer by answer", async () => {
    const clusterId = newClusterId();
    const openshiftId = newClusterId();
    const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId, displayName: 'results', accountUsername: 'alice' });
    const handle = h.lifecycle.handle(clusterId);
    await answer(clusterId, (s) => s.subscriptionId === subscriptionId && s.pending.length === 0, 'registered');

    const result = await handle.executeUpdate(registrationUpdate, { args: [{}] });
    assert.ok(registrationResultSchema.safeParse(result).success, JSON.stringify(result));
    assert.ok(publishedRegistration(result), ajv.errorsText(publishedRegistration.errors));

    await handle.signal(renameSignal, { displayName: '' }); // past the client's checks: the run records it
    await answer(clusterId, (s) => s.rejectedInputs.length === 1, 'a refused input');

    await h.admin.addFault({ kind: 'outage', route: '/api/accounts_mgmt/v1/subscriptions/:id', method: 'PATCH' });
    await h.lifecycle.renameCluster(clusterId, 'renamed');
    await answer(clusterId, (s) => s.lastError !== undefined && s.pending.length > 0, 'AMS down');
    await h.admin.clearFaults();
    await h.env.sleep(600_000); // past the retry's backoff

    await h.lifecycle.setOpenshiftClusterId(clusterId, openshiftId);
    await h.lifecycle.setConsoleUrl(clusterId, 'https://console-openshift-console.apps.results.example.com');
    await h.lifecycle.markInstallFailed(clusterId, 'disk full');
    await answer(clusterId, (s) => s.installFailure !== undefined && s.phase === 'failed', 'install failed');
    await h.lifecycle.restartInstall(clusterId);
    await h.lifecycle.markInstalled(clusterId);
    await answer(clusterId, (s) => s.telemetry?.status === 'waiting' && s.pending.length === 0 && s.scheduled.length > 0, 'Active, the watch waiting');

    await h.env.sleep((latestFirstDrift(AFTER_INSTALL_DEFAULTS) + 60) * 1000);
    await answer(clusterId, (s) => s.drift?.lastCheckedAt !== undefined, 'after a drift check');

    await h.lifecycle.deleteCluster(clusterId);
    await answer(clusterId, (s) => s.done && s.deletion?.outcome !== undefined, 'deleted');

    for (const field of ['rejectedInputs.rule', 'lastError.category', 'installFailure.reason', 'telemetry.status', 'drift.lastCheckedAt', 'deletion.outcome', 'scheduled.kind', 'ams.status'])
      assert.ok(seen.has(field), `the answers covered ${field}`);
  });
});
