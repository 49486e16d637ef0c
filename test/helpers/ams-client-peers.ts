// Tiny real HTTP peers on 127.0.0.1 for AMS client tests: behaviour the
// emulator does not offer (odd token endpoints, invalid bodies).

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAmsClient, type AmsClient, type AmsClientOptions } from '../../ams/index.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TinyServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type TinyHandler = (request: RecordedRequest, response: ServerResponse) => unknown;

export async function startTinyServer(handler: TinyHandler): Promise<TinyServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    try {
      await handler(recorded, res);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** AmsClients (static token) against tiny servers; call `closeAll` in the test file's `after`. */
export function tinyServerClients() {
  const servers: TinyServer[] = [];
  return {
    async clientAgainst(handler: TinyHandler, options: Partial<AmsClientOptions> = {}): Promise<{ client: AmsClient; server: TinyServer }> {
      const server = await startTinyServer(handler);
      servers.push(server);
      const client = createAmsClient({ baseUrl: server.url, auth: { kind: 'static-token', token: 'static-test-token' }, ...options });
      return { server, client };
    },
    closeAll: () => Promise.all(servers.map((server) => server.close())),
  };
}

/** What `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** An unsigned JWT-shaped token (clients decode, never verify, the payload). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ typ: 'Bearer', ...claims })}.c2ln`;
}

export interface FakeTokenEndpoint extends TinyServer {
  /** Tokens handed out, in order. */
  issued: string[];
  tokenUrl: string;
}

/**
 * A token endpoint issuing `fakeJwt`s that live `ttlSeconds`; `respond` may
 * answer a request differently (return true when it did).
 */
export async function startFakeTokenEndpoint(
  options: { ttlSeconds?: number; jwt?: boolean; delayMs?: number; respond?: (n: number, res: ServerResponse) => boolean } = {},
): Promise<FakeTokenEndpoint> {
  const issued: string[] = [];
  let count = 0;
  const server = await startTinyServer(async (_req, res) => {
    count += 1;
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.respond?.(count, res)) return;
    const ttl = options.ttlSeconds ?? 900;
    const token =
      options.jwt === false
        ? `opaque-token-${count}`
        : fakeJwt({ exp: Math.floor(Date.now() / 1000) + ttl, jti: `token-${count}` });
    issued.push(token);
    sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: ttl });
  });
  return { ...server, issued, tokenUrl: `${server.url}/auth/realms/test/protocol/openid-connect/token` };
}

export const SUBSCRIPTION_FIXTURE = {
  id: 'sub-1',
  kind: 'Subscription',
  href: '/api/accounts_mgmt/v1/subscriptions/sub-1',
  status: 'Reserved',
  cluster_id: 'cluster-1',
  display_name: 'demo',
  created_at: '2021-05-23T07:29:07.979367Z',
} as const;
