// Activities: one AMS operation each, all idempotent so a retry or a lost
// response never creates a duplicate or undoes a change.
import { log } from '@temporalio/activity';
import type { AmsClient, Subscription, SubscriptionPatch } from '../ams/types.js';
import type { SubscriptionField, SubscriptionValues } from '../workflows/definitions.js';
import { toApplicationFailure, type AmsOperation } from './ams-failure.js';

export interface SubscriptionSnapshot {
  id: string;
  values: SubscriptionValues;
}

export type DeleteOutcome = { outcome: 'deleted' | 'already-gone' } | { outcome: 'left-untouched'; status: string };

function snapshot(sub: Subscription): SubscriptionSnapshot {
  return {
    id: sub.id,
    values: {
      display_name: sub.display_name,
      external_cluster_id: sub.external_cluster_id,
      console_url: sub.console_url,
      status: sub.status,
    },
  };
}

async function guarded<T>(operation: AmsOperation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toApplicationFailure(error, operation);
  }
}

function patchFor(field: SubscriptionField, value: string): SubscriptionPatch {
  if (field === 'status') {
    if (value !== 'Active') throw new Error(`only status 'Active' is ever patched, not '${value}'`);
    return { status: 'Active' };
  }
  return { [field]: value } as SubscriptionPatch;
}

export function createSubscriptionActivities(ams: AmsClient) {
  return {
    /** Reuse the cluster's subscription if AMS has one (a lost response, a retry), else reserve one. */
    async ensureSubscription(input: {
      clusterId: string;
      displayName: string;
      accountUsername: string;
    }): Promise<SubscriptionSnapshot & { reused: boolean }> {
      const existing = await guarded('lookup', () => ams.findSubscriptionByClusterId(input.clusterId));
      if (existing) {
        log.info('reusing existing AMS subscription', { clusterId: input.clusterId, subscriptionId: existing.id });
        return { ...snapshot(existing), reused: true };
      }
      const { subscriptionId } = await guarded('create', () => ams.createClusterAuthorization(input));
      const created = await guarded('get', () => ams.getSubscription(subscriptionId));
      log.info('reserved AMS subscription', { clusterId: input.clusterId, subscriptionId });
      return { ...snapshot(created), reused: false };
    },

    /** Find the cluster's subscription without creating one (deletion before create finished). */
    async findSubscription(input: { clusterId: string }): Promise<SubscriptionSnapshot | null> {
      const found = await guarded('lookup', () => ams.findSubscriptionByClusterId(input.clusterId));
      return found ? snapshot(found) : null;
    },

    /** PATCH one field; returns the subscription as AMS now has it. */
    async patchSubscriptionField(input: {
      subscriptionId: string;
      field: SubscriptionField;
      value: string;
    }): Promise<SubscriptionSnapshot> {
      const patch = patchFor(input.field, input.value);
      const updated = await guarded('patch', () => ams.patchSubscription(input.subscriptionId, patch));
      return snapshot(updated);
    },

    /** Delete only what AMS itself says is Reserved; an Active (or later) one is left untouched. */
    async deleteReservedSubscription(input: { subscriptionId: string }): Promise<DeleteOutcome> {
      let current: Subscription;
      try {
        current = await ams.getSubscription(input.subscriptionId);
      } catch (error) {
        const failure = toApplicationFailure(error, 'get');
        if (isNotFound(failure)) return { outcome: 'already-gone' };
        throw failure;
      }
      if (current.status !== 'Reserved') return { outcome: 'left-untouched', status: current.status };
      try {
        await ams.deleteSubscription(input.subscriptionId);
      } catch (error) {
        const failure = toApplicationFailure(error, 'delete');
        if (isNotFound(failure)) return { outcome: 'already-gone' };
        throw failure;
      }
      return { outcome: 'deleted' };
    },
  };
}

function isNotFound(failure: { details?: unknown[] | null }): boolean {
  const info = failure.details?.[0] as { category?: string } | undefined;
  return info?.category === 'not-found';
}

export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
