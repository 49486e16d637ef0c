// Compares what the AMS emulator holds for each demo cluster with what the design
// says it must hold, and counts the AMS calls made for it (the emulator's request log).
import type { EmulatorAdmin, Subscription } from '../../emulator/admin-client.js';
import type { ClusterStateView } from '../../workflows/definitions.js';
import { SUBSCRIPTION_FIELDS, type SubscriptionField } from '../../workflows/values.js';
import { expectedSubscription, type ClusterLife } from './plan.js';
import { mapWithConcurrency } from './pool.js';
import { isSettled } from './settle.js';

export interface ClusterCheck {
  life: ClusterLife;
  amsCalls: number;
  /** Empty when AMS holds exactly what the design says. */
  problems: string[];
}

// SUBSCRIPTION_FIELDS with status first: a wrong status (Reserved or Active: quota,
// billing) is the finding that matters most, so a report leads with it (demo.run.test.ts
// pins this order); the others follow in the workflow's order.
const FIELDS: readonly SubscriptionField[] = ['status', ...SUBSCRIPTION_FIELDS.filter((field) => field !== 'status')];

export function compareSubscription(life: ClusterLife, found: Subscription[]): string[] {
  const expected = expectedSubscription(life);
  if (expected === null) {
    return found.map((s) => `subscription ${s.id} (${s.status}) still exists; the design says it must be deleted`);
  }
  if (found.length === 0) return [`no subscription; the design says ${expected.status}`];
  if (found.length > 1) return [`${found.length} subscriptions for one cluster (${found.map((s) => s.id).join(', ')})`];
  const actual = found[0]!;
  return FIELDS.flatMap((field) => {
    const want = expected[field];
    const have = actual[field] === '' ? undefined : actual[field];
    return want === have ? [] : [`${field} is ${quote(have)}; the design says ${quote(want)}`];
  });
}

function quote(value: string | undefined): string {
  return value === undefined ? 'unset' : `'${value}'`;
}

export async function checkClusters(
  admin: EmulatorAdmin,
  lives: ClusterLife[],
  views: Map<string, ClusterStateView>,
): Promise<ClusterCheck[]> {
  const { subscriptions } = await admin.state();
  const byCluster = new Map<string | undefined, Subscription[]>();
  for (const s of subscriptions) byCluster.set(s.cluster_id, [...(byCluster.get(s.cluster_id) ?? []), s]);
  return mapWithConcurrency(lives, 8, async (life) => {
    const requests = await admin.requests({ cluster_id: life.clusterId });
    const view = views.get(life.clusterId);
    const problems = compareSubscription(life, byCluster.get(life.clusterId) ?? []);
    if (!view || !isSettled(life, view)) {
      const pending = view?.pending.map((w) => w.kind).join(', ') || 'unknown';
      problems.unshift(`workflow did not settle in time (phase ${view?.phase ?? '?'}, pending: ${pending})`);
    }
    return { life, amsCalls: requests.length, problems };
  });
}
