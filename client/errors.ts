// Errors the client library raises; each says what went wrong in words the
// installer can log or return to its own caller.
import type { AmsErrorInfo } from '../workflows/definitions.js';
import type { ValidationIssue } from '../workflows/validation.js';
import { describeIssues } from '../workflows/validation.js';

export class ClusterLifecycleError extends Error {
  override name = 'ClusterLifecycleError';
}

/** Bad input, refused before anything is sent. `issues` name each field and rule. */
export class InvalidInputError extends ClusterLifecycleError {
  override name = 'InvalidInputError';
  constructor(
    readonly operation: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`${operation}: invalid input: ${describeIssues(issues)}`);
  }
}

export class ClusterNotFoundError extends ClusterLifecycleError {
  override name = 'ClusterNotFoundError';
  constructor(readonly clusterId: string) {
    super(`cluster ${clusterId} is not registered`);
  }
}

export class ClusterDeletedError extends ClusterLifecycleError {
  override name = 'ClusterDeletedError';
  constructor(readonly clusterId: string) {
    super(`cluster ${clusterId} is already deleted`);
  }
}

/** AMS said no (quota 403/429, 400, 409): the workflow has ended; nothing was reserved. */
export class RegistrationRefusedError extends ClusterLifecycleError {
  override name = 'RegistrationRefusedError';
  constructor(
    readonly clusterId: string,
    readonly amsError: AmsErrorInfo | undefined,
  ) {
    super(
      `AMS refused the registration of cluster ${clusterId}: ${amsError?.message ?? 'no reason given'}` +
        (amsError?.status ? ` (HTTP ${amsError.status}${amsError.code ? ` ${amsError.code}` : ''})` : ''),
    );
  }
}

/** The subscription is not created yet (AMS unreachable); the workflow keeps trying. Call again later. */
export class RegistrationPendingError extends ClusterLifecycleError {
  override name = 'RegistrationPendingError';
  constructor(
    readonly clusterId: string,
    readonly lastAmsError: AmsErrorInfo | undefined,
  ) {
    super(
      `the AMS subscription of cluster ${clusterId} is not created yet; the workflow keeps retrying` +
        (lastAmsError ? ` (last AMS error: ${lastAmsError.message})` : ''),
    );
  }
}
