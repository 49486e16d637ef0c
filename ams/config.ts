// Options of the AMS client and their defaults, resolved in one place.

import pino, { type Logger } from 'pino';
import type { AmsCircuitBreakerOptions } from './circuit-breaker.js';

export interface ClientCredentialsAuth {
  kind: 'client-credentials';
  tokenUrl: string;
  clientId: string;
  /** The secret, or a function read at every token request (a mounted secret file can be rotated in place). */
  clientSecret: string | (() => string);
  /** Defaults to 'openid'. */
  scope?: string;
}

export interface StaticTokenAuth {
  kind: 'static-token';
  token: string;
}

export type AmsAuthOptions = ClientCredentialsAuth | StaticTokenAuth;

export interface AmsClientOptions {
  /** Root of the OCM API, e.g. http://127.0.0.1:8000 (paths like /api/accounts_mgmt/v1/… are appended). */
  baseUrl: string;
  auth: AmsAuthOptions;
  /** Deadline of one HTTP exchange (request and body), token requests included. */
  timeoutMs?: number;
  userAgent?: string;
  logger?: Logger;
  /** Refresh a cached token when less than this is left (capped at half its lifetime). */
  tokenRefreshMarginSeconds?: number;
  /** Upper bound of AmsApiError.retryAfterSeconds: a longer Retry-After is read as this (default 3600). */
  maxRetryAfterSeconds?: number;
  /** Clock (epoch ms) used for token expiry; tests inject one. */
  now?: () => number;
  /**
   * Fail fast while AMS is down (after repeated transient failures; one probe per
   * interval): the worker turns it on, so a dead AMS gets a trickle, not every retry.
   * Off by default (the CLI and tests see every request).
   */
  circuitBreaker?: AmsCircuitBreakerOptions;
}

export const AMS_CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  userAgent: 'ams-lifecycle/0.1.0',
  scope: 'openid',
  tokenRefreshMarginSeconds: 60,
  maxRetryAfterSeconds: 3600,
} as const;

export interface ResolvedAmsClientOptions {
  baseUrl: string;
  auth: AmsAuthOptions;
  timeoutMs: number;
  userAgent: string;
  logger: Logger;
  tokenRefreshMarginSeconds: number;
  maxRetryAfterSeconds: number;
  now: () => number;
  circuitBreaker: AmsCircuitBreakerOptions | undefined;
}

/** Fills in defaults and rejects bad options with an error naming the field and the rule. */
export function resolveAmsClientOptions(options: AmsClientOptions): ResolvedAmsClientOptions {
  const baseUrl = requireHttpUrl('baseUrl', options.baseUrl).replace(/\/+$/, '');
  const auth = options.auth;
  if (auth?.kind === 'client-credentials') {
    requireHttpUrl('auth.tokenUrl', auth.tokenUrl);
    requireNonEmpty('auth.clientId', auth.clientId);
    if (typeof auth.clientSecret !== 'function') requireNonEmpty('auth.clientSecret', auth.clientSecret);
  } else if (auth?.kind === 'static-token') {
    requireNonEmpty('auth.token', auth.token);
  } else {
    throw new TypeError(`AmsClientOptions.auth.kind: must be 'client-credentials' or 'static-token'`);
  }
  const timeoutMs = options.timeoutMs ?? AMS_CLIENT_DEFAULTS.timeoutMs;
  requirePositive('timeoutMs', timeoutMs);
  const tokenRefreshMarginSeconds =
    options.tokenRefreshMarginSeconds ?? AMS_CLIENT_DEFAULTS.tokenRefreshMarginSeconds;
  if (!Number.isFinite(tokenRefreshMarginSeconds) || tokenRefreshMarginSeconds < 0) {
    throw new TypeError(
      `AmsClientOptions.tokenRefreshMarginSeconds: must be a number >= 0, got ${String(tokenRefreshMarginSeconds)}`,
    );
  }
  const maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? AMS_CLIENT_DEFAULTS.maxRetryAfterSeconds;
  // Safe integers only: 1e21 is an integer too, but prints as '1e+21s' to a Temporal sleep.
  if (!Number.isSafeInteger(maxRetryAfterSeconds) || maxRetryAfterSeconds <= 0) {
    throw new TypeError(`AmsClientOptions.maxRetryAfterSeconds: must be a whole number > 0, got ${String(maxRetryAfterSeconds)}`);
  }
  return {
    baseUrl,
    auth,
    timeoutMs,
    userAgent: options.userAgent ?? AMS_CLIENT_DEFAULTS.userAgent,
    logger: options.logger ?? pino({ level: 'silent' }),
    tokenRefreshMarginSeconds,
    maxRetryAfterSeconds,
    now: options.now ?? Date.now,
    circuitBreaker: options.circuitBreaker,
  };
}

/** True when a URL carries user-info (`user:secret@host`): a secret that would end up wherever the URL is logged. */
export function hasUserInfo(value: string): boolean {
  return /^[a-z][a-z\d+.-]*:\/\/[^/?#]*@/i.test(value.trim());
}

function requireHttpUrl(field: string, value: unknown): string {
  // Checked first, so no error message ever repeats the secret.
  if (typeof value === 'string' && hasUserInfo(value)) {
    throw new TypeError(`AmsClientOptions.${field}: must not contain user-info (user:password@); pass credentials in auth`);
  }
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TypeError(`AmsClientOptions.${field}: must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function requireNonEmpty(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`AmsClientOptions.${field}: must be a non-empty string`);
  }
}

function requirePositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`AmsClientOptions.${field}: must be a number > 0, got ${String(value)}`);
  }
}
