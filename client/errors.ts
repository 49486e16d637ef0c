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

/**
 * The cluster's run is closed without a deletion (an operator terminated or cancelled it,
 * or AMS refused its registration): signals have nowhere to go. registerCluster starts it again.
 */
export class ClusterNotRunningError extends ClusterLifecycleError {
  override name = 'ClusterNotRunningError';
  constructor(
    readonly clusterId: string,
    /** How the run ended: 'refused', 'terminated', 'canceled', 'failed', 'timed_out'. */
    readonly ended: string,
  ) {
    super(
      ended === 'refused'
        ? `cluster ${clusterId} is not registered: AMS refused its registration (registerCluster tries again)`
        : `the run of cluster ${clusterId} was ${ended.replace('_', ' ')} by an operator (registerCluster starts it again)`,
    );
  }
}

/**
 * Why a call got no answer in time: nobody polls the task queue, the workers did not
 * answer, Temporal did not, or the server cannot tell (it does not list pollers).
 */
export type NoAnswerReason = 'no-worker' | 'worker-did-not-answer' | 'temporal-unreachable' | 'unknown';

/** No answer within the call's deadline. The installer's API never hangs: it gets this instead. */
export class LifecycleTimeoutError extends ClusterLifecycleError {
  override name = 'LifecycleTimeoutError';
  constructor(
    readonly operation: string,
    readonly clusterId: string,
    readonly timeoutMs: number,
    readonly reason: NoAnswerReason,
    readonly taskQueue: string,
    options?: { cause?: unknown },
  ) {
    const why = {
      'no-worker': `no worker is polling task queue '${taskQueue}' (is the ams-lifecycle worker running?)`,
      'worker-did-not-answer': `workers poll task queue '${taskQueue}' but none answered in time`,
      'temporal-unreachable': 'Temporal did not answer (is it reachable?)',
      unknown: `no worker answered on task queue '${taskQueue}' (is the ams-lifecycle worker running?)`,
    }[reason];
    super(`${operation} for cluster ${clusterId}: no answer within ${Math.round(timeoutMs / 100) / 10} s: ${why}`, options);
  }
}
