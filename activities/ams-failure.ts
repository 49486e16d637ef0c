// Turns AMS client errors into Temporal failures the workflow can act on.
// Retryable: network, timeouts, 408, 429, 5xx, a 404 without OCM's error envelope
// (a proxy's page proves nothing), and the service's own credentials (401/403: an
// operator can fix the secret and nothing is lost). Not retryable: refusals of a
// registration, 400/409/422, OCM's own 404 (ACCT-MGMT-7).
import { ApplicationFailure } from '@temporalio/common';
import { AmsApiError, AmsAuthError, AmsNetworkError, AmsResponseValidationError } from '../ams/errors.js';
import type { AmsErrorCategory, AmsErrorInfo } from '../workflows/definitions.js';

export const AMS_FAILURE_TYPE = 'AmsError';

/** OCM's "not found" error code. */
export const OCM_NOT_FOUND_CODE = 'ACCT-MGMT-7';

const NON_RETRYABLE: ReadonlySet<AmsErrorCategory> = new Set(['refused', 'not-found', 'invalid']);

export type AmsOperation = 'create' | 'lookup' | 'get' | 'patch' | 'delete';

export function classifyAmsError(error: unknown, operation: AmsOperation): AmsErrorInfo {
  const base = { operation, message: error instanceof Error ? error.message : String(error) };
  if (error instanceof AmsApiError) {
    const info = {
      ...base,
      status: error.status,
      code: error.code,
      reason: error.reason,
      operationId: error.operationId,
      retryAfterSeconds: error.retryAfterSeconds,
    };
    return { ...info, category: categoryForStatus(error, operation) };
  }
  if (error instanceof AmsAuthError) {
    const status = error.status;
    return { ...base, status, category: status !== undefined && status >= 500 ? 'transient' : 'credentials' };
  }
  if (error instanceof AmsNetworkError || error instanceof AmsResponseValidationError) {
    return { ...base, category: 'transient' };
  }
  return { ...base, category: 'transient' };
}

function categoryForStatus(error: AmsApiError, operation: AmsOperation): AmsErrorCategory {
  const { status } = error;
  if (status === 408 || status === 429 || status >= 500) return 'transient';
  if (status === 401) return 'credentials';
  if (status === 404) return error.code === OCM_NOT_FOUND_CODE ? 'not-found' : 'transient';
  if (operation === 'create' && (status === 400 || status === 403 || status === 409 || status === 422)) {
    // A 403 on create that is not about quota is our own credentials, which an operator can fix.
    return status === 403 && !isQuotaRefusal(error) ? 'credentials' : 'refused';
  }
  if (status === 403) return 'credentials';
  return 'invalid';
}

function isQuotaRefusal(error: AmsApiError): boolean {
  const details = Array.isArray(error.details) ? error.details : [];
  return details.some((d) => typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'ExcessResources');
}

/**
 * The failure an activity throws: the workflow reads `details[0]` as AmsErrorInfo.
 * `category` overrides the classification where the activity knows more (a 404 it checked);
 * `attempt` tells the workflow whether earlier attempts' requests may still land; `unsent`,
 * that this attempt's write never left the worker (the circuit breaker refused it).
 */
export function toApplicationFailure(
  error: unknown,
  operation: AmsOperation,
  options: { category?: AmsErrorCategory; attempt?: number; unsent?: boolean } = {},
): ApplicationFailure {
  const classified = classifyAmsError(error, operation);
  const info: AmsErrorInfo = {
    ...classified,
    ...(options.category ? { category: options.category } : {}),
    ...(options.attempt !== undefined ? { attempt: options.attempt } : {}),
    ...(options.unsent ? { unsent: true } : {}),
  };
  return ApplicationFailure.create({
    type: AMS_FAILURE_TYPE,
    message: info.message,
    // Refused by the circuit breaker: quick retries would be refused too (AMS is taken to be
    // down for its probe interval); the workflow's durable backoff tries again.
    nonRetryable: NON_RETRYABLE.has(info.category) || info.unsent === true,
    details: [info],
    // Honour Retry-After: the activity's next attempt waits at least that long.
    nextRetryDelay: info.retryAfterSeconds !== undefined ? `${info.retryAfterSeconds}s` : undefined,
  });
}
