// One HTTP exchange (request, then the whole body) under one deadline and the
// caller's signal, with failures that got no answer turned into AmsNetworkError.
// Status codes are not judged here: callers decide what a 4xx/5xx means.

import ky, { type Options } from 'ky';
import { AmsNetworkError, type AmsRequestTarget } from './errors.js';

// No ky retries: Temporal owns retrying. ky's own timer only covers the headers,
// so the deadline is an AbortSignal that also covers reading the body.
const http = ky.create({ retry: 0, throwHttpErrors: false, timeout: false });

export interface ExchangeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  json?: unknown;
  body?: URLSearchParams;
  searchParams?: Record<string, string | number>;
  timeoutMs: number;
  /** The caller's cancellation: aborts the request on the wire (an aborted one is never sent). */
  signal?: AbortSignal;
}

export interface ExchangeResult {
  response: Response;
  text: string;
  durationMs: number;
}

export async function exchange(request: ExchangeRequest): Promise<ExchangeResult> {
  const target: AmsRequestTarget = { method: request.method, path: new URL(request.url).pathname };
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const caller = request.signal;
  const signal = caller ? AbortSignal.any([deadline, caller]) : deadline;
  const started = performance.now();
  const options: Options = {
    method: request.method,
    headers: request.headers,
    signal,
    ...(request.json === undefined ? {} : { json: request.json }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.searchParams === undefined ? {} : { searchParams: request.searchParams }),
  };
  try {
    const response = await http(request.url, options);
    const text = await response.text();
    return { response, text, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Whichever aborted first is the combined signal's reason.
    const cancelled = caller !== undefined && caller.aborted && signal.reason === caller.reason;
    throw new AmsNetworkError({
      target,
      timedOut: deadline.aborted && !cancelled,
      cancelled,
      timeoutMs: request.timeoutMs,
      durationMs: Math.round(performance.now() - started),
      cause: error,
    });
  }
}

/** AMS sends application/json on every body; anything else is not an AMS answer. */
export function isJson(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return /^application\/([\w.+-]+\+)?json\b/i.test(type.trim());
}

/** `{ value }` when the text is JSON, undefined when it is not. */
export function tryParseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
