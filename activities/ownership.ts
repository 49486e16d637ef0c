// Which of the subscriptions AMS lists for a cluster_id this service may act on:
// the Assisted Installer plan, and (when the account is known) created for that
// account. Another account's subscription is never adopted: a POST would have
// answered 409, and that refusal is what the installer must hear.
import type { Subscription } from '../ams/types.js';

export const ASSISTED_INSTALL_PLAN = { id: 'OCP-AssistedInstall', type: 'OCP', category: 'AssistedInstall' } as const;

function isAssistedInstallPlan(sub: Subscription): boolean {
  const plan = sub.plan;
  if (!plan) return true; // a sparse answer without the plan: the cluster_id (an installer UUID) still ties it to us
  return plan.id === ASSISTED_INSTALL_PLAN.id || (plan.type === ASSISTED_INSTALL_PLAN.type && plan.category === ASSISTED_INSTALL_PLAN.category);
}

function createdFor(sub: Subscription, accountUsername: string | undefined): boolean {
  const creator = sub.creator?.username;
  return !accountUsername || creator === undefined || creator === accountUsername;
}

/** The subscription to use among AMS's answers: ours, Reserved or Active first, then the oldest. */
export function ownSubscription(subs: Subscription[], clusterId: string, accountUsername?: string): Subscription | undefined {
  const rank = (sub: Subscription) => (sub.status === 'Reserved' || sub.status === 'Active' ? 0 : 1);
  return subs
    .filter((sub) => sub.cluster_id === clusterId && isAssistedInstallPlan(sub) && createdFor(sub, accountUsername))
    .sort((a, b) => rank(a) - rank(b) || (a.created_at ?? '').localeCompare(b.created_at ?? ''))[0];
}
