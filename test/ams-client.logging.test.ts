// Debug logs of the AMS client, captured in memory: one line per request with
// method, path, status and duration, and never a token or a client secret.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { AMS_REDACT_PATHS, AmsApiError, AmsAuthError, createAmsClient } from '../ams/index.js';
import {
  SUBSCRIPTION_FIXTURE,
  sendJson,
  startFakeTokenEndpoint,
  startTinyServer,
  type TinyServer,
} from './helpers/ams-client-peers.js';

const servers: TinyServer[] = [];
after(() => Promise.all(servers.map((server) => server.close())));

const CLIENT_SECRET = 'client-secret-that-must-not-leak';

function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'debug', redact: { paths: [...AMS_REDACT_PATHS], censor: '[redacted]' } }, stream);
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('AMS client logging', () => {
  it('logs each request at debug level without tokens or the client secret', async () => {
    const endpoint = await startFakeTokenEndpoint();
    servers.push(endpoint);
    let calls = 0;
    const ams = await startTinyServer((req, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 401, { kind: 'Error', code: 'ACCT-MGMT-401', reason: 'expired' });
      if (req.path.endsWith('/missing')) {
        return sendJson(res, 404, { kind: 'Error', id: '7', code: 'ACCT-MGMT-7', reason: "Subscription 'missing' not found", operation_id: 'op-404' });
      }
      return sendJson(res, 200, SUBSCRIPTION_FIXTURE, { 'x-operation-id': 'op-200' });
    });
    servers.push(ams);
    const { logger, lines, records } = memoryLogger();
    const auth = { kind: 'client-credentials' as const, tokenUrl: endpoint.tokenUrl, clientId: 'svc', clientSecret: CLIENT_SECRET };
    const client = createAmsClient({ baseUrl: ams.url, auth, logger });

    await client.getSubscription('sub-1'); // 401, refresh, replay
    const notFound = await client.getSubscription('missing').catch((error: unknown) => error);
    assert.ok(notFound instanceof AmsApiError);

    const refused = await startFakeTokenEndpoint({
      respond: (_n, res) => (sendJson(res, 401, { error: 'invalid_client', error_description: 'bad secret' }), true),
    });
    servers.push(refused);
    const authError = await createAmsClient({ baseUrl: ams.url, auth: { ...auth, tokenUrl: refused.tokenUrl }, logger })
      .getCurrentAccount()
      .catch((error: unknown) => error);
    assert.ok(authError instanceof AmsAuthError);

    // What a worker would do with a failure, and with its own config.
    logger.error({ err: notFound }, 'AMS call failed');
    logger.error({ err: authError }, 'AMS login failed');
    logger.info({ config: { auth } }, 'AMS client configured');
    logger.debug({ headers: { authorization: `Bearer ${endpoint.issued[0]}` }, access_token: endpoint.issued[1] }, 'raw');

    assert.equal(endpoint.issued.length, 2);
    const output = lines.join('\n');
    for (const token of endpoint.issued) assert.ok(!output.includes(token), 'an access token leaked into the logs');
    assert.ok(!output.includes(CLIENT_SECRET), 'the client secret leaked into the logs');
    assert.ok(!output.includes('Bearer'), 'an authorization header leaked into the logs');

    const requestLogs = records().filter((record) => record.operation === 'getSubscription');
    assert.deepEqual(
      requestLogs.map(({ level, method, path, status, attempt, operation_id }) => ({ level, method, path, status, attempt, operation_id })),
      [
        { level: 20, method: 'GET', path: '/api/accounts_mgmt/v1/subscriptions/sub-1', status: 401, attempt: 1, operation_id: undefined },
        { level: 20, method: 'GET', path: '/api/accounts_mgmt/v1/subscriptions/sub-1', status: 200, attempt: 2, operation_id: 'op-200' },
        { level: 20, method: 'GET', path: '/api/accounts_mgmt/v1/subscriptions/missing', status: 404, attempt: 1, operation_id: 'op-404' },
      ],
    );
    assert.ok(requestLogs.every((record) => typeof record.durationMs === 'number'));
    const tokenLogs = records().filter((record) => String(record.msg).startsWith('AMS token request'));
    assert.deepEqual(tokenLogs.map((record) => record.status), [200, 200, 401]);
    const redacted = records().find((record) => record.msg === 'raw');
    assert.deepEqual(redacted?.headers, { authorization: '[redacted]' });
    assert.equal(redacted?.access_token, '[redacted]');
    const configured = records().find((record) => record.msg === 'AMS client configured') as { config: { auth: Record<string, unknown> } };
    assert.equal(configured.config.auth.clientSecret, '[redacted]');
  });
});
