// What the AMS client logs, and which log fields must never be written out.
// The client itself never passes a token to the logger; the redaction paths
// are a second fence for whoever logs configs, headers or token responses.

import type { Logger } from 'pino';

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'clientSecret',
  'token',
] as const;

/** Pino `redact` paths for secrets: `pino({ redact: { paths: AMS_REDACT_PATHS, censor: '[redacted]' } })`. */
export const AMS_REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'config.auth.clientSecret',
  'options.auth.clientSecret',
];

export interface AmsRequestLog {
  operation: string;
  method: string;
  /** URL path only: queries and headers stay out of the logs. */
  path: string;
  status?: number;
  durationMs: number;
  operation_id?: string;
  /** Why no answer came (the AmsNetworkError message). */
  error?: string;
  attempt: number;
}

export function logAmsRequest(logger: Logger, entry: AmsRequestLog): void {
  logger.debug(entry, `AMS ${entry.method} ${entry.path} -> ${entry.status ?? 'no answer'}`);
}

export interface TokenRequestLog {
  path: string;
  status?: number;
  durationMs: number;
  expiresInSeconds?: number;
  error?: string;
}

export function logTokenRequest(logger: Logger, entry: TokenRequestLog): void {
  logger.debug(entry, `AMS token request -> ${entry.status ?? 'no answer'}`);
}
