// The chaos harness in CI: clusters with seeded lives while every fault kind strikes
// (AMS errors, lost answers, late commits, an outage, ageing, a worker killed with -9,
// the Temporal server restarted), on the dev server and on the production-shaped
// cluster. Every count must be zero.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAOS_FAULT_KINDS } from '../scripts/chaos/faults.js';
import { renderFailures, renderSummary, replayCommand } from '../scripts/chaos/report.js';
import { runChaos, type ChaosOptions } from '../scripts/chaos/run.js';
import { startClusterTemporal } from '../scripts/chaos/temporal-cluster.js';

describe('chaos run', () => {
  async function run(t: { diagnostic(message: string): void }, options: ChaosOptions): Promise<void> {
    const result = await runChaos(options);
    t.diagnostic(`\n${renderSummary(result.summary)}`);
    assert.ok(result.passed, renderFailures(replayCommand(options), result.verification, result.summary.secrets));
    assert.deepEqual(CHAOS_FAULT_KINDS.filter((k) => result.summary.faults[k] === 0), [], 'every fault kind struck');
  }

  it('fifty clusters under every fault kind on the dev server: AMS ends where the design says', (t) =>
    run(t, { clusters: 50, seed: 2026, durationMs: 60_000, temporal: 'dev', settleTimeoutMs: 600_000 }));

  it('twenty clusters under every fault kind on the production-shaped cluster (server on PostgreSQL)', (t) =>
    run(t, { clusters: 20, seed: 2027, durationMs: 45_000, temporal: 'cluster', settleTimeoutMs: 600_000, startCluster: startClusterTemporal }));
});
