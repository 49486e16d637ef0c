// Activities: one AMS operation each, all idempotent so a retry or a lost
// response never creates a duplicate or undoes a change. Every request is tied to
// the attempt (./attempt.ts): heartbeat first, aborted at cancellation or deadline.
import { log } from '@temporalio/activity';
import { AmsApiError } from '../ams/errors.js';
import type { AmsClient, Subscription, SubscriptionPatch } from '../ams/types.js';
import type { SubscriptionField, SubscriptionInspection, SubscriptionValues } from '../workflows/definitions.js';
import { OCM_NOT_FOUND_CODE, type AmsOperation } from './ams-failure.js';
import { currentAttempt, type Attempt } from './attempt.js';
import { deleteIfReserved, readSubscription, type DeleteOutcome } from './guarded-delete.js';
import { ownSubscription } from './ownership.js';

export interface SubscriptionSnapshot {
  id: string;
  values: SubscriptionValues;
  /** The attempt that answered: above 1, an earlier attempt's request may still land in AMS. */
  attempt?: number;
}

export type { DeleteOutcome };

function snapshot(sub: Subscription, attempt?: Attempt): SubscriptionSnapshot {
  return {
    id: sub.id,
    values: {
      display_name: sub.display_name,
      external_cluster_id: sub.external_cluster_id,
      console_url: sub.console_url,
      status: sub.status,
    },
    ...(attempt ? { attempt: attempt.number } : {}),
  };
}

async function guarded<T>(attempt: Attempt, operation: AmsOperation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw attempt.failure(error, operation);
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
  const read = (attempt: Attempt, subscriptionId: string) => readSubscription(ams, attempt, subscriptionId);

  return {
    /**
     * Reuse the cluster's subscription if AMS has one, else reserve one. The lookup runs
     * before every POST, not only on a retried attempt: a new activity after failed
     * attempts, re-registration, adoption and re-reserving start at attempt 1 too, and
     * the AMS wire reference does not promise a POST idempotent per cluster_id.
     */
    async ensureSubscription(input: {
      clusterId: string;
      displayName: string;
      accountUsername: string;
    }): Promise<SubscriptionSnapshot & { reused: boolean }> {
      const attempt = currentAttempt();
      const found = await guarded(attempt, 'lookup', () => ams.findSubscriptionsByClusterId(input.clusterId, attempt.call()));
      const existing = ownSubscription(found, input.clusterId, input.accountUsername);
      if (existing) {
        log.info('reusing existing AMS subscription', { clusterId: input.clusterId, subscriptionId: existing.id });
        return { ...snapshot(existing, attempt), reused: true };
      }
      // Only this call's 4xx is a refusal of the registration (see ams-failure.ts).
      const { subscriptionId } = await guarded(attempt, 'create', () => ams.createClusterAuthorization(input, attempt.call('write')));
      log.info('reserved AMS subscription', { clusterId: input.clusterId, subscriptionId });
      let created: Subscription | undefined;
      try {
        created = await read(attempt, subscriptionId);
      } catch (error) {
        log.warn('could not read the new subscription back; answering what was reserved', { subscriptionId, error: String(error) });
      }
      // AMS reserved it: answer its id even if the read failed (or lags), never a failure that
      // looks like a refusal. Without the read, no values: a guessed status would pass for AMS's.
      const values = created ? snapshot(created).values : {};
      return { id: subscriptionId, values, attempt: attempt.number, reused: false };
    },

    /** Find the cluster's subscription without creating one (deletion before create finished). */
    async findSubscription(input: { clusterId: string; accountUsername?: string }): Promise<SubscriptionSnapshot | null> {
      const attempt = currentAttempt();
      const found = await guarded(attempt, 'lookup', () => ams.findSubscriptionsByClusterId(input.clusterId, attempt.call()));
      const own = ownSubscription(found, input.clusterId, input.accountUsername || undefined);
      return own ? snapshot(own, attempt) : null;
    },

    /** Read the subscription as AMS has it now. */
    async readSubscription(input: { subscriptionId: string }): Promise<SubscriptionSnapshot> {
      const attempt = currentAttempt();
      const current = await read(attempt, input.subscriptionId);
      if (!current) {
        throw attempt.failure(new Error(`subscription ${input.subscriptionId} is gone (404 ${OCM_NOT_FOUND_CODE})`), 'get', 'not-found');
      }
      return snapshot(current, attempt);
    },

    /**
     * Re-read for the checks after the install: the subscription as AMS has it (or that
     * AMS says it is gone), its telemetry, and with `externalClusterId` the "unsubscribed"
     * subscriptions AMS created for that id (no cluster_id): the design's bug indication.
     */
    async inspectSubscription(input: { subscriptionId: string; externalClusterId?: string }): Promise<SubscriptionInspection> {
      const attempt = currentAttempt();
      const current = await read(attempt, input.subscriptionId);
      if (!current) return { found: false };
      const inspection: SubscriptionInspection = {
        found: true,
        values: snapshot(current).values,
        ...(current.last_telemetry_date ? { lastTelemetryDate: current.last_telemetry_date } : {}),
        hasMetrics: (current.metrics?.length ?? 0) > 0,
      };
      if (input.externalClusterId) {
        const id = input.externalClusterId;
        const same = await guarded(attempt, 'lookup', () => ams.findSubscriptionsByExternalClusterId(id, attempt.call()));
        inspection.duplicates = same.filter((sub) => sub.id !== current.id && !sub.cluster_id).map((sub) => ({ id: sub.id, status: sub.status }));
      }
      return inspection;
    },

    /**
     * PATCH one field; returns the subscription as AMS now has it. With `onlyFromReserved`
     * (rules 2, status only) Active is set only on a Reserved subscription: one that is
     * Active or later already (an earlier attempt landed, then AMS aged it) is AMS's now.
     */
    async patchSubscriptionField(input: {
      subscriptionId: string;
      field: SubscriptionField;
      value: string;
      onlyFromReserved?: boolean;
    }): Promise<SubscriptionSnapshot> {
      const attempt = currentAttempt();
      const patch = patchFor(input.field, input.value);
      if (input.onlyFromReserved && input.field === 'status') {
        const current = await read(attempt, input.subscriptionId);
        if (!current) throw attempt.failure(new Error(`subscription ${input.subscriptionId} is gone (404 ${OCM_NOT_FOUND_CODE})`), 'patch', 'not-found');
        if (current.status !== 'Reserved') return snapshot(current, attempt);
      }
      try {
        return snapshot(await ams.patchSubscription(input.subscriptionId, patch, attempt.call('write')), attempt);
      } catch (error) {
        if (!(error instanceof AmsApiError && error.status === 404)) throw attempt.failure(error, 'patch');
        // One 404 (a proxy's page, a routing blip) must not stop all patching for ever: ask
        // AMS. Only its own 404 says gone; anything else, the read failing too, is retried.
        const gone = await read(attempt, input.subscriptionId).then((current) => current === undefined, () => false);
        throw attempt.failure(error, 'patch', gone ? 'not-found' : 'transient');
      }
    },

    /** Delete only what AMS itself says is Reserved; an Active (or later) one is left untouched. */
    deleteReservedSubscription(input: { subscriptionId: string }): Promise<DeleteOutcome> {
      return deleteIfReserved(ams, currentAttempt(), input.subscriptionId);
    },
  };
}

export type SubscriptionActivities = ReturnType<typeof createSubscriptionActivities>;
