// Error bodies AMS may send, requests as they go out, inputs callers should never
// pass, and Retry-After. Peers are tiny real servers.

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AMS_CLIENT_DEFAULTS, AmsApiError, createAmsClient, parseRetryAfter } from '../ams/index.js';
import { rejection, sendJson, tinyServerClients } from './helpers/ams-client-peers.js';

const { clientAgainst, closeAll } = tinyServerClients();
after(closeAll);

describe('error bodies that are not OCM envelopes', () => {
  it('still become AmsApiError with the status and the text', async () => {
    const { client } = await clientAgainst((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'));
    const error = await rejection(client.deleteSubscription('sub-1'));
    assert.ok(error instanceof AmsApiError);
    assert.equal(error.status, 502);
    assert.equal(error.code, undefined);
    assert.equal(error.body, '<h1>Bad gateway</h1>');
    assert.equal(error.response.status, 502);
    assert.equal(
      error.message,
      'AMS DELETE /api/accounts_mgmt/v1/subscriptions/sub-1 answered 502 with a body that is not an OCM error: "<h1>Bad gateway</h1>"',
    );
  });

  it('reads a numeric envelope id as a string', async () => {
    const { client } = await clientAgainst((_req, res) =>
      sendJson(res, 404, { kind: 'Error', id: 7, code: 'ACCT-MGMT-7', reason: 'nope', operation_id: 'op-9' }),
    );
    const error = await rejection(client.getSubscription('x'));
    assert.ok(error instanceof AmsApiError);
    assert.equal(error.id, '7');
    assert.equal(error.operationId, 'op-9');
  });
});

describe('requests', () => {
  it('escapes quotes in the cluster id search and encodes ids in paths', async () => {
    const { client, server } = await clientAgainst((_req, res) =>
      sendJson(res, 200, { kind: 'SubscriptionList', page: 1, size: 0, total: 0, items: [] }),
    );
    assert.equal(await client.findSubscriptionByClusterId("it's"), undefined);
    assert.equal(server.requests[0]?.query.get('search'), "cluster_id = 'it''s'");
    await client.deleteSubscription('a/b').catch(() => undefined);
    assert.equal(server.requests[1]?.path, '/api/accounts_mgmt/v1/subscriptions/a%2Fb');
  });

  it('sends exactly the documented cluster authorization body', async () => {
    const { client, server } = await clientAgainst((_req, res) =>
      sendJson(res, 200, { allowed: true, excess_resources: [], subscription: { kind: 'SubscriptionLink', id: 's9', href: '/x' } }),
    );
    assert.deepEqual(await client.createClusterAuthorization({ accountUsername: 'alice', clusterId: 'c-1', displayName: 'demo' }), {
      allowed: true,
      subscriptionId: 's9',
    });
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), {
      account_username: 'alice',
      cluster_id: 'c-1',
      display_name: 'demo',
      product_id: 'OCP',
      product_category: 'AssistedInstall',
      managed: false,
      reserve: true,
      resources: [],
    });
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer static-test-token');
    assert.match(String(server.requests[0]?.headers['content-type']), /^application\/json/);
  });
});

describe('bad input', () => {
  const client = createAmsClient({ baseUrl: 'http://127.0.0.1:9', auth: { kind: 'static-token', token: 't' } });

  it('rejects a PATCH with more or other than one allowed field', async () => {
    await assert.rejects(
      client.patchSubscription('s', { display_name: 'a', console_url: 'b' } as never),
      /patchSubscription: patch must have exactly one of display_name\|external_cluster_id\|console_url\|status, got \["display_name","console_url"\]/,
    );
    await assert.rejects(client.patchSubscription('s', { status: 'Reserved' } as never), /patch\.status must be 'Active', got "Reserved"/);
  });

  it('rejects empty ids and bad paging', async () => {
    await assert.rejects(client.getSubscription(''), /getSubscription: id must be a non-empty string, got ""/);
    await assert.rejects(client.listSubscriptions({ size: 0 }), /input\.size must be an integer >= 1 or -1 \(all\), got 0/);
    await assert.rejects(client.listSubscriptions({ page: 0 }), /input\.page must be an integer >= 1, got 0/);
  });

  it('rejects bad options naming the field', () => {
    assert.throws(() => createAmsClient({ baseUrl: 'ftp://x', auth: { kind: 'static-token', token: 't' } }), /AmsClientOptions\.baseUrl: must be an http\(s\) URL, got "ftp:\/\/x"/);
    assert.throws(
      () => createAmsClient({ baseUrl: 'http://x', auth: { kind: 'client-credentials', tokenUrl: 'http://t', clientId: 'a', clientSecret: '' } }),
      /AmsClientOptions\.auth\.clientSecret: must be a non-empty string/,
    );
    assert.throws(() => createAmsClient({ baseUrl: 'http://x', auth: { kind: 'static-token', token: 't' }, timeoutMs: 0 }), /AmsClientOptions\.timeoutMs: must be a number > 0, got 0/);
  });

  it('refuses URLs with user-info, without repeating the secret (URLs get logged)', () => {
    const rule = 'must not contain user-info (user:password@); pass credentials in auth';
    const cases: [string, () => unknown][] = [
      ['baseUrl', () => createAmsClient({ baseUrl: 'https://svc:url-secret@api.example.test', auth: { kind: 'static-token', token: 't' } })],
      ['baseUrl', () => createAmsClient({ baseUrl: 'ftp://svc:url-secret@api.example.test', auth: { kind: 'static-token', token: 't' } })],
      [
        'auth.tokenUrl',
        () =>
          createAmsClient({
            baseUrl: 'http://x',
            auth: { kind: 'client-credentials', tokenUrl: 'https://svc:url-secret@sso.example.test/token', clientId: 'a', clientSecret: 'b' },
          }),
      ],
    ];
    for (const [field, create] of cases) {
      assert.throws(create, (e: unknown) => e instanceof TypeError && e.message === `AmsClientOptions.${field}: ${rule}`);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads delta seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0, 'a date in the past: retry now');
    // The obsolete forms RFC 9110 still asks recipients to accept.
    assert.equal(parseRetryAfter('Wednesday, 01-Jan-25 00:00:30 GMT', now), 30);
    assert.equal(parseRetryAfter('Wed Jan  1 00:00:30 2025', now), 30);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it('caps delta seconds of any length and far dates at the maximum (default 3600)', () => {
    assert.equal(AMS_CLIENT_DEFAULTS.maxRetryAfterSeconds, 3600);
    assert.equal(parseRetryAfter('1000000000000000000000', now), 3600, '22 digits, once 1e21 seconds');
    assert.equal(parseRetryAfter('9'.repeat(400), now), 3600, 'beyond a double: Infinity, capped');
    assert.equal(parseRetryAfter('86400', now), 3600);
    assert.equal(parseRetryAfter('Fri, 01 Jan 2055 00:00:00 GMT', now), 3600, 'thirty years ahead');
    assert.equal(parseRetryAfter('7200', now, 60), 60);
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now, 10), 10);
  });

  it('ignores anything else (undefined), never half-parsing it', () => {
    const garbage = [
      ...['', '   ', '-5', '1.5', '+5', '12abc', '0x10', 'soon', '5 seconds'],
      // Dates Date.parse would take or bend: ISO, out-of-range days and hours, unknown months, zones other than GMT.
      ...['2025-01-01T00:00:30Z', 'Wed, 32 Jan 2025 00:00:00 GMT', 'Sat, 30 Feb 2025 00:00:00 GMT', 'Wed, 01 Jan 2025 25:00:00 GMT'],
      ...['Wed, 01 Foo 2025 00:00:00 GMT', 'Wed, 01 Jan 2025 00:00:30 PST'],
    ];
    for (const value of garbage) assert.equal(parseRetryAfter(value, now), undefined, JSON.stringify(value));
  });

  it('AmsApiError.retryAfterSeconds is capped at the client option maxRetryAfterSeconds', async () => {
    const { server } = await clientAgainst((_req, res) =>
      sendJson(res, 429, { kind: 'Error', code: 'ACCT-MGMT-429', reason: 'slow down' }, { 'retry-after': '1000000000000000000000' }),
    );
    const auth = { kind: 'static-token', token: 't' } as const;
    const capped = await rejection(createAmsClient({ baseUrl: server.url, auth }).getCurrentAccount());
    assert.ok(capped instanceof AmsApiError);
    assert.equal(capped.retryAfterSeconds, 3600);
    const shorter = await rejection(createAmsClient({ baseUrl: server.url, auth, maxRetryAfterSeconds: 120 }).getCurrentAccount());
    assert.ok(shorter instanceof AmsApiError);
    assert.equal(shorter.retryAfterSeconds, 120);
  });

  it('rejects a bad maxRetryAfterSeconds naming the option', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      assert.throws(
        () => createAmsClient({ baseUrl: 'http://x', auth: { kind: 'static-token', token: 't' }, maxRetryAfterSeconds: bad }),
        /AmsClientOptions\.maxRetryAfterSeconds: must be a whole number > 0, got /,
      );
    }
  });
});
