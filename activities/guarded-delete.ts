// The one guarded delete: AMS is read first and the subscription is deleted only if AMS
// itself says it is Reserved. Used by a cluster's own deletion and by the sweeper.
import { AmsApiError } from '../ams/errors.js';
import type { AmsClient, Subscription } from '../ams/types.js';
import { OCM_NOT_FOUND_CODE } from './ams-failure.js';
import type { Attempt } from './attempt.js';

export type DeleteOutcome = { outcome: 'deleted' | 'already-gone' } | { outcome: 'left-untouched'; status: string };

/** AMS itself says the subscription does not exist: 404 with OCM's error code (a proxy's page proves nothing). */
export function isOcmNotFound(error: unknown): boolean {
  return error instanceof AmsApiError && error.status === 404 && error.code === OCM_NOT_FOUND_CODE;
}

/** GET the subscription; undefined only when AMS confirms it is gone. */
export async function readSubscription(ams: AmsClient, attempt: Attempt, subscriptionId: string): Promise<Subscription | undefined> {
  try {
    return await ams.getSubscription(subscriptionId, attempt.call());
  } catch (error) {
    if (isOcmNotFound(error)) return undefined;
    throw attempt.failure(error, 'get');
  }
}

/** Delete only what AMS itself says is Reserved; an Active (or later) one is left untouched. */
export async function deleteIfReserved(ams: AmsClient, attempt: Attempt, subscriptionId: string): Promise<DeleteOutcome> {
  const current = await readSubscription(ams, attempt, subscriptionId);
  if (!current) return { outcome: 'already-gone' };
  if (current.status !== 'Reserved') return { outcome: 'left-untouched', status: current.status };
  try {
    await ams.deleteSubscription(subscriptionId, attempt.call('write'));
  } catch (error) {
    if (isOcmNotFound(error)) return { outcome: 'already-gone' };
    throw attempt.failure(error, 'delete');
  }
  return { outcome: 'deleted' };
}
