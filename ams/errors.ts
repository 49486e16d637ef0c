// Typed failures of the AMS client. Each carries what a caller (or Temporal's
// retry policy) needs to decide, and a message a human can act on. None of them
// ever holds a token or a client secret.

import { parseRetryAfter } from './retry-after.js';

/** Where a request went: method and URL path (never the query's secrets: AMS queries hold none, and no token rides in a URL). */
export interface AmsRequestTarget {
  method: string;
  path: string;
}

/** Fields of the OCM error envelope {kind:"Error", id, href, code, reason, operation_id, details}. */
export interface AmsErrorEnvelope {
  id?: string;
  href?: string;
  code?: string;
  reason?: string;
  operationId?: string;
  details?: unknown[];
}

/** Common base: `instanceof AmsError` catches every client failure. */
export class AmsError extends Error {
  override name = 'AmsError';
}

/** AMS answered with a status >= 400 (the OCM error envelope is parsed when there is one). */
export class AmsApiError extends AmsError {
  override name = 'AmsApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly reason: string | undefined;
  readonly operationId: string | undefined;
  readonly id: string | undefined;
  readonly details: unknown[] | undefined;
  /** From Retry-After (delta seconds or HTTP date), rounded up and capped; undefined when absent or unreadable. */
  readonly retryAfterSeconds: number | undefined;
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** The response (its body already read into `body`). Not enumerable, so loggers skip it. */
  declare readonly response: Response;

  constructor(init: {
    target: AmsRequestTarget;
    response: Response;
    envelope: AmsErrorEnvelope;
    body: unknown;
    now?: number;
    /** Cap of retryAfterSeconds (AmsClientOptions.maxRetryAfterSeconds). */
    maxRetryAfterSeconds?: number;
  }) {
    const { target, response, envelope } = init;
    super(apiErrorMessage(target, response.status, envelope, init.body));
    this.status = response.status;
    this.code = envelope.code;
    this.reason = envelope.reason;
    this.operationId = envelope.operationId;
    this.id = envelope.id;
    this.details = envelope.details;
    this.retryAfterSeconds = parseRetryAfter(
      response.headers.get('retry-after'),
      init.now ?? Date.now(),
      init.maxRetryAfterSeconds,
    );
    this.method = target.method;
    this.path = target.path;
    this.body = init.body;
    Object.defineProperty(this, 'response', { value: response, enumerable: false });
  }
}

/** No HTTP answer: connection refused or reset, response dropped, the deadline passed, or the caller cancelled. */
export class AmsNetworkError extends AmsError {
  override name = 'AmsNetworkError';
  readonly method: string;
  readonly path: string;
  readonly timedOut: boolean;
  /** The caller's AbortSignal aborted (e.g. the Temporal activity was cancelled); nothing more was sent. */
  readonly cancelled: boolean;
  /** System error code from the cause chain (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, …) when known. */
  readonly code: string | undefined;
  /** How long the attempt ran before failing. */
  readonly durationMs: number;

  constructor(init: {
    target: AmsRequestTarget;
    timedOut: boolean;
    cancelled?: boolean;
    timeoutMs: number;
    durationMs: number;
    cause?: unknown;
  }) {
    const cancelled = init.cancelled === true;
    const code = init.timedOut || cancelled ? undefined : systemErrorCode(init.cause);
    const what = cancelled
      ? 'was cancelled by the caller'
      : init.timedOut
        ? `timed out after ${init.timeoutMs} ms`
        : `failed without an answer: ${describeCause(init.cause)}${code ? ` (${code})` : ''}`;
    super(`AMS ${init.target.method} ${init.target.path} ${what}`, { cause: init.cause });
    this.method = init.target.method;
    this.path = init.target.path;
    this.timedOut = init.timedOut && !cancelled;
    this.cancelled = cancelled;
    this.code = code;
    this.durationMs = init.durationMs;
  }
}

export interface AmsValidationIssue {
  /** Field path in the body, e.g. `items[2].status`; `(body)` for the whole body. */
  field: string;
  /** The rule it broke, e.g. `expected one of Reserved|Active|…, got "weird"`. */
  rule: string;
}

/** AMS answered 2xx but the body is not what the API promises. */
export class AmsResponseValidationError extends AmsError {
  override name = 'AmsResponseValidationError';
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly issues: AmsValidationIssue[];
  /** The first offending field. */
  readonly field: string;
  readonly rule: string;

  constructor(init: { operation: string; target: AmsRequestTarget; status: number; issues: AmsValidationIssue[] }) {
    const [first = { field: '(body)', rule: 'invalid' }] = init.issues;
    const more = init.issues.length > 1 ? ` (and ${init.issues.length - 1} more)` : '';
    super(
      `AMS ${init.target.method} ${init.target.path} (${init.operation}) answered ${init.status} ` +
        `with an invalid body: ${first.field}: ${first.rule}${more}`,
    );
    this.operation = init.operation;
    this.method = init.target.method;
    this.path = init.target.path;
    this.status = init.status;
    this.issues = init.issues;
    this.field = first.field;
    this.rule = first.rule;
  }
}

/** The token endpoint refused to issue a token ({error, error_description} per RFC 6749). */
export class AmsAuthError extends AmsError {
  override name = 'AmsAuthError';
  readonly status: number;
  /** OAuth2 error code, e.g. `invalid_client`. */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  /** Token endpoint URL path (no query, no credentials). */
  readonly path: string;
  declare readonly response: Response;

  constructor(init: { path: string; response: Response; error?: string; errorDescription?: string }) {
    const status = init.response.status;
    const detail = [init.error, init.errorDescription].filter(Boolean).join(': ');
    super(`AMS token endpoint POST ${init.path} answered ${status}${detail ? ` ${detail}` : ''}`);
    this.status = status;
    this.error = init.error;
    this.errorDescription = init.errorDescription;
    this.path = init.path;
    Object.defineProperty(this, 'response', { value: init.response, enumerable: false });
  }
}

function apiErrorMessage(target: AmsRequestTarget, status: number, envelope: AmsErrorEnvelope, body: unknown): string {
  const head = `AMS ${target.method} ${target.path} answered ${status}`;
  if (envelope.code || envelope.reason) {
    const operation = envelope.operationId ? ` (operation ${envelope.operationId})` : '';
    return `${head} ${envelope.code ?? ''}${envelope.code && envelope.reason ? ': ' : ''}${envelope.reason ?? ''}${operation}`;
  }
  if (typeof body === 'string' && body.length > 0) {
    return `${head} with a body that is not an OCM error: ${JSON.stringify(truncate(body, 200))}`;
  }
  return head;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function systemErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  // undici wraps the useful part: TypeError('fetch failed') { cause: Error('other side closed') }
  const inner = (error as { cause?: unknown } | undefined)?.cause ?? error;
  return inner instanceof Error ? inner.message : String(inner);
}
