// OCM error envelope: {kind: 'Error', id, href, code, reason, operation_id, details?}.
// `id` is a string on the wire (the Go SDK fails to parse a number), although the
// OpenAPI model declares an integer. Codes follow OCM's errors package numbering.

import { randomUUID } from 'node:crypto';

export const ERROR_CODES = {
  invalidToken: 1,
  forbidden: 4,
  conflict: 6,
  notFound: 7,
  validation: 8,
  general: 9,
  unauthorized: 11, // AMS answers 403 with ACCT-MGMT-11 for "not allowed"
  tooManyRequests: 14,
  unauthenticated: 15,
  malformedRequest: 17,
  badRequest: 21,
  failedToParseSearch: 23,
  unprocessable: 24,
} as const;

export type ErrorDetail = { kind: string } & Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly errorId: number;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    errorId: number,
    reason: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string> } = {},
  ) {
    super(reason);
    this.name = 'ApiError';
    this.status = status;
    this.errorId = errorId;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export interface ErrorBody {
  kind: 'Error';
  id: string;
  href: string;
  code: string;
  reason: string;
  operation_id: string;
  details?: ErrorDetail[];
}

export function errorBody(error: ApiError, operationId: string = randomUUID()): ErrorBody {
  const id = String(error.errorId);
  return {
    kind: 'Error',
    id,
    href: `/api/accounts_mgmt/v1/errors/${id}`,
    code: `ACCT-MGMT-${id}`,
    reason: error.message,
    operation_id: operationId,
    ...(error.details ? { details: error.details } : {}),
  };
}

/** 400 naming the offending field and the rule it broke. */
export function fieldError(field: string, rule: string, more: ErrorDetail[] = []): ApiError {
  return new ApiError(400, ERROR_CODES.badRequest, `Field '${field}' ${rule}`, {
    details: [{ kind: 'FieldError', field, rule }, ...more],
  });
}

export const notFound = (what: string) => new ApiError(404, ERROR_CODES.notFound, `${what} not found`);
export const forbidden = (reason: string) => new ApiError(403, ERROR_CODES.unauthorized, reason);
export const unauthenticated = (reason: string, errorId: number = ERROR_CODES.unauthenticated) =>
  new ApiError(401, errorId, reason);
export const conflict = (reason: string) => new ApiError(409, ERROR_CODES.conflict, reason);
