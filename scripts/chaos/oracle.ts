// What AMS must hold for a cluster at the end, from the installer's events alone, by
// the design's rules (../shared/seed/ocm-integration.md) and the README's decisions.
// Written apart from workflows/state.ts on purpose: where the two disagree, one is wrong.
//
//   - Registration reserves one subscription: status Reserved, display_name the name.
//   - Renames, the OpenShift id and the console URL are patched; the last value wins.
//   - Install success makes it Active, once AMS has the OpenShift id (decision: Active
//     is held until then, or AMS creates the "unsubscribed" duplicate).
//   - Install failure changes nothing in AMS; a restart changes nothing by itself.
//   - Deletion is terminal: what comes after it is ignored. At deletion an Active
//     subscription is left untouched; anything else is deleted.
//   - AMS owns the status of an Active subscription: it may age it to Stale, Archived.
import type { ChaosEvent } from './lives.js';

export interface ExpectedSubscription {
  status: 'Active' | 'Reserved';
  display_name: string;
  external_cluster_id?: string;
  console_url?: string;
}

/** null: AMS must hold no subscription for the cluster. */
export function expectedSubscription(events: readonly ChaosEvent[]): ExpectedSubscription | null {
  let name: string | undefined;
  let openshiftId: string | undefined;
  let consoleUrl: string | undefined;
  let installSucceeded = false;
  for (const event of events) {
    if (event.kind === 'delete') {
      const active = installSucceeded && openshiftId !== undefined;
      return active ? subscription('Active', name, openshiftId, consoleUrl) : null;
    }
    if (event.kind === 'register') name ??= event.name;
    else if (event.kind === 'rename') name = event.name;
    else if (event.kind === 'openshift-id') openshiftId = event.id;
    else if (event.kind === 'console-url') consoleUrl = event.url;
    else if (event.kind === 'installed') installSucceeded = true;
  }
  if (name === undefined) return null; // never registered
  return subscription(installSucceeded && openshiftId !== undefined ? 'Active' : 'Reserved', name, openshiftId, consoleUrl);
}

function subscription(status: ExpectedSubscription['status'], name: string | undefined, id: string | undefined, url: string | undefined): ExpectedSubscription {
  return {
    status,
    display_name: name ?? '',
    ...(id !== undefined ? { external_cluster_id: id } : {}),
    ...(url !== undefined ? { console_url: url } : {}),
  };
}

/** Whether the installer's last word deleted the cluster (its run must then have finished). */
export function deleted(events: readonly ChaosEvent[]): boolean {
  return events.some((e) => e.kind === 'delete');
}

/** Statuses AMS may have moved an Active subscription to on its own. */
export const AMS_OWNED_AFTER_ACTIVE = ['Active', 'Stale', 'Archived'] as const;
