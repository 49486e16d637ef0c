// Bearer tokens for AMS: a fixed token, or OAuth2 client credentials fetched
// from a token endpoint, cached, and refreshed shortly before they expire.

import type { Logger } from 'pino';
import { isCancellation, throwIfCancelled, untilCancelled } from './cancellation.js';
import { AMS_CLIENT_DEFAULTS, type ClientCredentialsAuth, type ResolvedAmsClientOptions } from './config.js';
import {
  AmsAuthError,
  AmsError,
  AmsNetworkError,
  AmsResponseValidationError,
  type AmsRequestTarget,
} from './errors.js';
import { exchange, isJson, tryParseJson } from './exchange.js';
import { logTokenRequest } from './logging.js';
import { OAuthErrorSchema, TokenResponseSchema, toValidationIssues } from './schemas.js';

export interface TokenProvider {
  /** `signal`: the caller's cancellation; it stops the wait, and the token request once nobody else waits for it. */
  getToken(signal?: AbortSignal): Promise<string>;
  /**
   * AMS answered 401 to `rejected`: forget it. Returns true when asking again
   * may give a different token (so one replay of the request is worthwhile).
   */
  invalidate(rejected: string): boolean;
}

export class StaticTokenProvider implements TokenProvider {
  readonly #token: string;

  constructor(token: string) {
    this.#token = token;
  }

  async getToken(): Promise<string> {
    return this.#token;
  }

  invalidate(): boolean {
    return false;
  }
}

interface CachedToken {
  accessToken: string;
  /** Epoch ms; undefined when the token says nothing about its expiry. */
  expiresAt: number | undefined;
  refreshAt: number | undefined;
}

/** One token request in flight, shared by every caller that needs a token meanwhile. */
interface TokenRequest {
  promise: Promise<CachedToken>;
  controller: AbortController;
  waiting: number;
}

export interface ClientCredentialsSettings {
  auth: ClientCredentialsAuth;
  scope: string;
  timeoutMs: number;
  userAgent: string;
  refreshMarginSeconds: number;
  logger: Logger;
  now: () => number;
}

export class ClientCredentialsTokenProvider implements TokenProvider {
  readonly #settings: ClientCredentialsSettings;
  /** The token endpoint as errors and logs name it (path only). */
  readonly #target: AmsRequestTarget;
  #cached: CachedToken | undefined;
  // Concurrent callers share one token request instead of stampeding the endpoint.
  #inFlight: TokenRequest | undefined;

  constructor(settings: ClientCredentialsSettings) {
    this.#settings = settings;
    this.#target = { method: 'POST', path: new URL(settings.auth.tokenUrl).pathname };
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached && (cached.refreshAt === undefined || this.#settings.now() < cached.refreshAt)) {
      return cached.accessToken;
    }
    try {
      return (await this.#refresh(signal)).accessToken;
    } catch (error) {
      // A token endpoint hiccup inside the refresh margin must not fail calls the cached token still serves.
      const usable = cached && cached === this.#cached && cached.expiresAt !== undefined && this.#settings.now() < cached.expiresAt;
      if (usable && !isCancellation(error)) {
        this.#settings.logger.warn({ error: errorName(error) }, 'AMS token refresh failed; using the cached token until it expires');
        return cached.accessToken;
      }
      throw error;
    }
  }

  invalidate(rejected: string): boolean {
    if (this.#cached?.accessToken === rejected) this.#cached = undefined;
    return true;
  }

  async #refresh(signal: AbortSignal | undefined): Promise<CachedToken> {
    const target = this.#target;
    throwIfCancelled(target, signal);
    const request = (this.#inFlight ??= this.#startRequest());
    request.waiting += 1;
    try {
      return await untilCancelled(request.promise, target, signal);
    } finally {
      request.waiting -= 1;
      // Every caller gave up: stop the request on the wire, and let the next caller start afresh.
      if (request.waiting === 0 && signal?.aborted && this.#inFlight === request) {
        this.#inFlight = undefined;
        request.controller.abort(signal.reason);
      }
    }
  }

  #startRequest(): TokenRequest {
    const controller = new AbortController();
    const request: TokenRequest = {
      controller,
      waiting: 0,
      promise: this.#fetchToken(controller.signal)
        .then((token) => {
          this.#cached = token;
          return token;
        })
        .finally(() => {
          if (this.#inFlight === request) this.#inFlight = undefined;
        }),
    };
    return request;
  }

  async #fetchToken(signal: AbortSignal): Promise<CachedToken> {
    const { auth, scope, timeoutMs, userAgent, logger, now } = this.#settings;
    const { path } = this.#target;
    const requestedAt = now();
    const clientSecret = typeof auth.clientSecret === 'function' ? auth.clientSecret() : auth.clientSecret;
    let result;
    try {
      result = await exchange({
        method: 'POST',
        url: auth.tokenUrl,
        headers: { accept: 'application/json', authorization: basicAuth(auth.clientId, clientSecret), 'user-agent': userAgent },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: auth.clientId,
          client_secret: clientSecret,
          scope,
        }),
        timeoutMs,
        signal,
      });
    } catch (error) {
      const durationMs = error instanceof AmsNetworkError ? error.durationMs : 0;
      logTokenRequest(logger, { path, durationMs, error: errorName(error) });
      throw error;
    }
    const { response, text, durationMs } = result;
    const json = tryParseJson(text)?.value;
    if (!response.ok) {
      const oauth = OAuthErrorSchema.safeParse(json);
      const body = oauth.success ? oauth.data : {};
      logTokenRequest(logger, { path, status: response.status, durationMs, error: 'AmsAuthError' });
      throw new AmsAuthError({ path, response, error: body.error, errorDescription: body.error_description });
    }
    // Parsed without reportInput: a validation message must never quote a token.
    const parsed = TokenResponseSchema.safeParse(json);
    if (!parsed.success) {
      logTokenRequest(logger, { path, status: response.status, durationMs, error: 'AmsResponseValidationError' });
      // A page that is not JSON at all (a proxy's login page) is said as such, not as 'expected object'.
      const notJson = !isJson(response)
        ? `expected Content-Type application/json, got ${response.headers.get('content-type') ?? 'none'}`
        : json === undefined
          ? 'expected a JSON document, got unparsable text'
          : undefined;
      throw new AmsResponseValidationError({
        operation: 'fetchToken',
        target: this.#target,
        status: response.status,
        issues: notJson ? [{ field: '(body)', rule: notJson }] : toValidationIssues(parsed.error),
      });
    }
    const token = cachedToken(parsed.data.access_token, parsed.data.expires_in, requestedAt, this.#settings);
    logTokenRequest(logger, {
      path,
      status: response.status,
      durationMs,
      ...(token.expiresAt === undefined ? {} : { expiresInSeconds: Math.round((token.expiresAt - requestedAt) / 1000) }),
    });
    return token;
  }
}

export function createTokenProvider(options: ResolvedAmsClientOptions): TokenProvider {
  const { auth } = options;
  if (auth.kind === 'static-token') return new StaticTokenProvider(auth.token);
  return new ClientCredentialsTokenProvider({
    auth,
    scope: auth.scope ?? AMS_CLIENT_DEFAULTS.scope,
    timeoutMs: options.timeoutMs,
    userAgent: options.userAgent,
    refreshMarginSeconds: options.tokenRefreshMarginSeconds,
    logger: options.logger,
    now: options.now,
  });
}

/** The JWT payload, decoded without verifying the signature (as the OCM SDK does); undefined when not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function cachedToken(
  accessToken: string,
  expiresIn: number | undefined,
  requestedAt: number,
  settings: ClientCredentialsSettings,
): CachedToken {
  // The JWT's own exp wins (like the OCM SDK); expires_in counts from when we asked, to err early.
  const exp = decodeJwtPayload(accessToken)?.exp;
  const expiresAt =
    typeof exp === 'number' ? exp * 1000 : expiresIn === undefined ? undefined : requestedAt + expiresIn * 1000;
  if (expiresAt === undefined) return { accessToken, expiresAt, refreshAt: undefined };
  // Capped at half the lifetime, so a short-lived token is still reused for a while.
  const margin = Math.min(settings.refreshMarginSeconds * 1000, Math.max(0, (expiresAt - requestedAt) / 2));
  return { accessToken, expiresAt, refreshAt: expiresAt - margin };
}

/** RFC 6749 §2.3.1: both parts form-urlencoded before base64. */
function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function errorName(error: unknown): string {
  return error instanceof AmsError ? `${error.name}: ${error.message}` : String(error);
}
