// Test helpers for the AMS emulator: start one, get tokens, call its API over HTTP.

import { request as httpRequest } from 'node:http';
import { after, before, beforeEach } from 'node:test';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';

export const API = '/api/accounts_mgmt/v1';
export const AUTHZ = '/api/authorizations/v1';

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests read arbitrary JSON fields.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON tests). */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** To give up on the call, as a client with a timeout does. */
  signal?: AbortSignal;
}

export interface TestEmulator {
  emu: RunningEmulator;
  admin: EmulatorAdmin;
  /** A fresh service-account access token (client credentials). */
  serviceToken(): Promise<string>;
  /** A user's access token, from the offline token the emulator printed. */
  userToken(username: string): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<ApiResponse>;
  /** POST /cluster_authorizations the way the Assisted Installer does. */
  authorize(token: string, clusterId: string, accountUsername?: string, extra?: Record<string, unknown>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] = options.contentType ?? 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/**
 * One request sent exactly as written: fetch would normalise `..` and escapes in the
 * path, which is what path-trick tests must not have done for them. A fresh
 * connection each time (no keep-alive), since the server may close it after an error.
 */
export function rawCall(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<ApiResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emu = await startEmulator(options);
  const tokenFor = async (form: Record<string, string>) => {
    const response = await postForm(emu.tokenUrl, form);
    if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
    return String(response.body.access_token);
  };
  return {
    emu,
    admin: new EmulatorAdmin(emu.url),
    serviceToken: () =>
      tokenFor({ grant_type: 'client_credentials', client_id: emu.credentials.clientId, client_secret: emu.credentials.clientSecret }),
    userToken: (username) => {
      const user = emu.users.find((u) => u.username === username);
      if (!user) throw new Error(`no emulator user '${username}'`);
      return tokenFor({ grant_type: 'refresh_token', client_id: 'cloud-services', refresh_token: user.offlineToken });
    },
    call: (method, path, options) => call(emu.url, method, path, options),
    authorize: (token, clusterId, accountUsername = 'alice', extra = {}) =>
      call(emu.url, 'POST', `${API}/cluster_authorizations`, {
        token,
        body: {
          account_username: accountUsername,
          cluster_id: clusterId,
          display_name: `name-${clusterId}`,
          product_id: 'OCP',
          product_category: 'AssistedInstall',
          managed: false,
          reserve: true,
          resources: [],
          ...extra,
        },
      }),
    close: () => emu.close(),
  };
}

/** Decodes a JWT's payload without verifying it (as OCM clients do). */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * One emulator for the calling suite (started in its `before`, closed in its `after`),
 * handed to `use` with a service token; with `resetEachTest`, emptied, with a fresh
 * token, before every test.
 */
export function useTestEmulator(
  use: (t: TestEmulator, serviceToken: string) => void,
  { resetEachTest = false, ...options }: EmulatorOptions & { resetEachTest?: boolean } = {},
): void {
  let t: TestEmulator | undefined;
  before(async () => {
    t = await startTestEmulator(options);
    if (!resetEachTest) use(t, await t.serviceToken());
  });
  if (resetEachTest) {
    beforeEach(async () => {
      await t!.admin.reset();
      use(t!, await t!.serviceToken());
    });
  }
  after(() => t?.close());
}
