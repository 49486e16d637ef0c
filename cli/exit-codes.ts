// Exit codes of `ams-lifecycle` and the mapping from errors to them: one place,
// so --help, the code and the tests say the same thing.
import { CommanderError } from 'commander';
import { CapabilityCheckError } from '../client/capabilities.js';
import {
  ClusterDeletedError,
  ClusterNotFoundError,
  ClusterNotRunningError,
  InvalidInputError,
  LifecycleTimeoutError,
  RegistrationPendingError,
  RegistrationRefusedError,
} from '../client/errors.js';
import { AmsApiError, AmsAuthError, AmsError } from '../ams/errors.js';
import { AmsInputError } from '../ams/operator.js';
import { ConfigError } from '../worker/config.js';

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  deleted: 4,
  refused: 5,
  pending: 6,
  demoMismatch: 7,
  notRunning: 8,
  timeout: 9,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  ok
  1  unexpected failure (for example Temporal unreachable); operator commands: AMS
     busy for now (429 ams-rate-limited, 408 ams-request-timeout; try again, after
     retryAfterSeconds when AMS said), AMS unreachable or 5xx
  2  usage error or invalid input (the message names the field and the rule);
     demo: the stack it needs is not running, or --seed was already used;
     operator commands: AMS answered 400 (for example a bad search expression)
  3  cluster not found (never registered); operator commands: AMS has no such
     subscription, organisation or capability label (404)
  4  cluster already deleted (its workflow has finished)
  5  registration refused by AMS (quota, 400, 409): nothing was reserved;
     operator commands: AMS refused the credentials or the request (401, 403, 409, other 4xx)
  6  registration pending: AMS unreachable, the workflow keeps retrying; run register again later
  7  demo: the AMS state differs from what the design says it must be
  8  the cluster's run was ended by an operator or its registration refused: register it again
  9  no answer in time (--timeout): no worker polls the task queue, or Temporal is unreachable`;

/** A failure the CLI reports on its own terms (exit code and a stable code word). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface CliFailure {
  exitCode: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export function describeFailure(error: unknown): CliFailure {
  const fail = (exitCode: number, code: string, message: string, details: Record<string, unknown> = {}) => ({
    exitCode,
    code,
    message,
    details,
  });
  if (error instanceof CliError) return fail(error.exitCode, error.code, error.message, error.details);
  if (error instanceof CommanderError) {
    const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    return fail(EXIT.usage, 'usage', `${message} (see --help)`);
  }
  if (error instanceof InvalidInputError) {
    return fail(EXIT.usage, 'invalid-input', `invalid input: ${issuesText(error)}`, { issues: error.issues });
  }
  if (error instanceof ConfigError) {
    return fail(EXIT.usage, 'invalid-config', `configuration: ${error.message}`, { variable: error.variable });
  }
  if (error instanceof ClusterNotFoundError) {
    return fail(EXIT.notFound, 'cluster-not-found', error.message, { clusterId: error.clusterId });
  }
  if (error instanceof ClusterDeletedError) {
    return fail(EXIT.deleted, 'cluster-deleted', error.message, { clusterId: error.clusterId });
  }
  if (error instanceof ClusterNotRunningError) {
    return fail(EXIT.notRunning, 'cluster-not-running', error.message, { clusterId: error.clusterId, ended: error.ended });
  }
  if (error instanceof LifecycleTimeoutError) {
    return fail(EXIT.timeout, 'timeout', error.message, { clusterId: error.clusterId, reason: error.reason, taskQueue: error.taskQueue });
  }
  if (error instanceof RegistrationRefusedError) {
    return fail(EXIT.refused, 'registration-refused', error.message, { clusterId: error.clusterId, amsError: error.amsError });
  }
  if (error instanceof RegistrationPendingError) {
    return fail(EXIT.pending, 'registration-pending', error.message, {
      clusterId: error.clusterId,
      lastAmsError: error.lastAmsError,
    });
  }
  if (error instanceof AmsInputError) {
    return fail(EXIT.usage, 'invalid-input', `invalid input: ${error.field}: ${error.rule}`, { issues: [{ field: error.field, rule: error.rule }] });
  }
  if (error instanceof AmsError) return describeAmsFailure(error, fail);
  // The capability checker wraps what AMS said; the exit code is AMS's.
  if (error instanceof CapabilityCheckError && error.cause instanceof AmsError) return describeAmsFailure(error.cause, fail);
  const message = error instanceof Error ? error.message : String(error);
  return fail(EXIT.failure, 'unexpected', message);
}

/** AMS answers that pass with time: asking again later may succeed, so never "refused". */
const TEMPORARY_STATUSES: Readonly<Record<number, string>> = { 408: 'ams-request-timeout', 429: 'ams-rate-limited' };

/** What AMS said to an operator command: 404 not found, 400/422 bad input, 408/429 temporary, other 4xx and a refused token refused. */
function describeAmsFailure(error: AmsError, fail: (exitCode: number, code: string, message: string, details?: Record<string, unknown>) => CliFailure): CliFailure {
  if (error instanceof AmsAuthError) return fail(EXIT.refused, 'ams-refused', error.message, { status: error.status });
  if (!(error instanceof AmsApiError)) return fail(EXIT.failure, 'ams-failure', error.message);
  const details = { status: error.status, amsCode: error.code, amsReason: error.reason, ...(error.details ? { amsDetails: error.details } : {}) };
  if (error.status === 404) return fail(EXIT.notFound, 'ams-not-found', error.message, details);
  if (error.status === 400 || error.status === 422) return fail(EXIT.usage, 'ams-invalid-input', error.message, details);
  const temporary = TEMPORARY_STATUSES[error.status];
  if (temporary) {
    const retryAfter = error.retryAfterSeconds;
    const later = retryAfter === undefined ? '; try again later' : `; try again in ${retryAfter} s`;
    return fail(EXIT.failure, temporary, `${error.message}${later}`, { ...details, ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }) });
  }
  if (error.status >= 400 && error.status < 500) return fail(EXIT.refused, 'ams-refused', error.message, details);
  return fail(EXIT.failure, 'ams-failure', error.message, details);
}

function issuesText(error: InvalidInputError): string {
  return error.issues.map((issue) => `${issue.field}: ${issue.rule}`).join('; ');
}
