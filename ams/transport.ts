// Sends one AMS API call: bearer token, deadline, one token refresh-and-replay
// on 401, status >= 400 to AmsApiError, 2xx bodies checked against a schema,
// and a debug log line per attempt (never a token).

import type { z } from 'zod';
import { throwIfCancelled } from './cancellation.js';
import type { AmsCircuitBreaker, RequestOutcome } from './circuit-breaker.js';
import type { ResolvedAmsClientOptions } from './config.js';
import {
  AmsApiError,
  AmsError,
  AmsNetworkError,
  AmsResponseValidationError,
  type AmsErrorEnvelope,
  type AmsRequestTarget,
} from './errors.js';
import { exchange, isJson, tryParseJson, type ExchangeResult } from './exchange.js';
import { logAmsRequest } from './logging.js';
import { ErrorEnvelopeSchema, toValidationIssues } from './schemas.js';
import type { TokenProvider } from './token-provider.js';

export interface AmsCall {
  /** Client method name, for logs and validation errors. */
  operation: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path from the API root, e.g. /api/accounts_mgmt/v1/subscriptions/abc (ids already encoded). */
  path: string;
  searchParams?: Record<string, string | number>;
  json?: unknown;
  /** The caller's cancellation: covers the token request and every attempt of this call. */
  signal?: AbortSignal;
}

export class AmsTransport {
  readonly #options: ResolvedAmsClientOptions;
  readonly #tokens: TokenProvider;
  readonly #breaker: AmsCircuitBreaker | undefined;

  constructor(options: ResolvedAmsClientOptions, tokens: TokenProvider, breaker?: AmsCircuitBreaker) {
    this.#options = options;
    this.#tokens = tokens;
    this.#breaker = breaker;
  }

  /** A call whose 2xx answer carries a body of the given shape. */
  async requestJson<S extends z.ZodType>(call: AmsCall, schema: S): Promise<z.output<S>> {
    const { response, text } = await this.#send(call);
    const fail = (rule: string) => this.#invalid(call, response, [{ field: '(body)', rule }]);
    if (!isJson(response)) throw fail(`expected Content-Type application/json, got ${response.headers.get('content-type') ?? 'none'}`);
    const json = tryParseJson(text);
    if (json === undefined) throw fail('expected a JSON document, got unparsable text');
    const parsed = schema.safeParse(json.value, { reportInput: true });
    if (!parsed.success) throw this.#invalid(call, response, toValidationIssues(parsed.error));
    return parsed.data;
  }

  /**
   * A call whose answer has no body we need: AMS sends 204, or a JSON body. Anything else
   * under a 2xx (a proxy's HTML page, an OCM error) is not AMS having done it: taking it
   * for success would report a DELETE done that never reached AMS.
   */
  async requestNoContent(call: AmsCall): Promise<void> {
    const { response, text } = await this.#send(call);
    if (text.trim() === '') return;
    const fail = (rule: string) => this.#invalid(call, response, [{ field: '(body)', rule }]);
    if (!isJson(response)) throw fail(`expected no body or JSON, got Content-Type ${response.headers.get('content-type') ?? 'none'}`);
    const json = tryParseJson(text);
    if (json === undefined) throw fail('expected a JSON document, got unparsable text');
    const envelope = ErrorEnvelopeSchema.safeParse(json.value);
    if (envelope.success && envelope.data.kind === 'Error') {
      const { code, reason } = envelope.data;
      throw fail(`expected a success, got an OCM error (${[code, reason].filter(Boolean).join(': ')})`);
    }
  }

  async #send(call: AmsCall): Promise<ExchangeResult> {
    for (let attempt = 1; ; attempt++) {
      // A caller that already gave up sends nothing, not even a token request.
      throwIfCancelled(this.#target(call), call.signal);
      // Refused here (nothing sent) while AMS is taken to be down, except one probe per interval.
      const report = this.#breaker?.admit(this.#target(call)) ?? (() => undefined);
      let token: string;
      try {
        token = await this.#tokens.getToken(call.signal);
      } catch (error) {
        report({ kind: 'unsent' });
        throw error;
      }
      const result = await this.#attempt(call, token, attempt).catch((error: unknown) => {
        report(outcomeOf(error));
        throw error;
      });
      const { response } = result;
      report(response.status >= 500 ? { kind: 'transient', message: `HTTP ${response.status}` } : { kind: 'answered' });
      // The token may have been revoked or expired early: refresh once and replay; never loop.
      if (response.status === 401 && attempt === 1 && this.#tokens.invalidate(token)) continue;
      if (response.status >= 400) throw apiError(this.#target(call), result, this.#options.maxRetryAfterSeconds);
      return result;
    }
  }

  async #attempt(call: AmsCall, token: string, attempt: number): Promise<ExchangeResult> {
    const { baseUrl, timeoutMs, userAgent, logger } = this.#options;
    const log = { operation: call.operation, method: call.method, path: this.#target(call).path, attempt };
    try {
      const result = await exchange({
        method: call.method,
        url: `${baseUrl}${call.path}`,
        headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'user-agent': userAgent },
        json: call.json,
        ...(call.searchParams === undefined ? {} : { searchParams: call.searchParams }),
        timeoutMs,
        signal: call.signal,
      });
      const operationId = result.response.headers.get('x-operation-id') ?? operationIdOf(result);
      logAmsRequest(logger, {
        ...log,
        status: result.response.status,
        durationMs: result.durationMs,
        ...(operationId === undefined ? {} : { operation_id: operationId }),
      });
      return result;
    } catch (error) {
      const durationMs = error instanceof AmsNetworkError ? error.durationMs : 0;
      logAmsRequest(logger, { ...log, durationMs, error: error instanceof AmsError ? error.message : String(error) });
      throw error;
    }
  }

  #target(call: AmsCall): AmsRequestTarget {
    return { method: call.method, path: new URL(`${this.#options.baseUrl}${call.path}`).pathname };
  }

  #invalid(call: AmsCall, response: Response, issues: { field: string; rule: string }[]): AmsResponseValidationError {
    return new AmsResponseValidationError({ operation: call.operation, target: this.#target(call), status: response.status, issues });
  }
}

/** A failure of the exchange itself: no answer (refused, reset, timeout) counts against AMS, a cancel does not. */
function outcomeOf(error: unknown): RequestOutcome {
  if (error instanceof AmsNetworkError && !error.cancelled) return { kind: 'transient', message: error.message };
  return { kind: 'unsent' };
}

function apiError(target: AmsRequestTarget, { response, text }: ExchangeResult, maxRetryAfterSeconds: number): AmsApiError {
  const json = tryParseJson(text);
  const body = json ? json.value : text;
  return new AmsApiError({ target, response, envelope: envelopeOf(json?.value), body, maxRetryAfterSeconds });
}

function envelopeOf(body: unknown): AmsErrorEnvelope {
  const parsed = ErrorEnvelopeSchema.safeParse(body);
  if (!parsed.success) return {};
  const { id, href, code, reason, operation_id: operationId, details } = parsed.data;
  return { id, href, code, reason, operationId, details };
}

function operationIdOf({ response, text }: ExchangeResult): string | undefined {
  if (response.status < 400) return undefined;
  return envelopeOf(tryParseJson(text)?.value).operationId;
}
