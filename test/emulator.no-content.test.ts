// Every 204 carries Content-Type: application/json. ocm-sdk-go 0.1.83 to 0.1.397
// (the Assisted Installer pins 0.1.205) checks the type of every answer, 204
// included, so without it each DELETE fails on the caller's side although the
// server deleted (ams-wire.md, Envelopes).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACME_ORG_ID } from '../emulator/index.js';
import { API, useTestEmulator, type ApiResponse, type TestEmulator } from './helpers/emulator-http.js';

function assertNoContentJson(response: ApiResponse, what: string): void {
  assert.equal(response.status, 204, `${what}: ${response.text}`);
  assert.equal(response.text, '', `${what} has no body`);
  assert.equal(response.headers.get('content-type'), 'application/json', `${what} carries Content-Type`);
}

describe('emulator 204 answers', () => {
  let t: TestEmulator, sa: string;
  useTestEmulator((emulator, token) => ([t, sa] = [emulator, token]));

  it('DELETE /subscriptions/{id}', async () => {
    const id = (await t.authorize(sa, 'no-content-1')).body.subscription.id;
    assertNoContentJson(await t.call('DELETE', `${API}/subscriptions/${id}`, { token: sa }), 'subscription DELETE');
  });

  it('DELETE /organizations/{id}/labels/{key}', async () => {
    const labels = `${API}/organizations/${ACME_ORG_ID}/labels`;
    await t.call('POST', labels, { token: sa, body: { key: 'k', value: 'v' } });
    assertNoContentJson(await t.call('DELETE', `${labels}/k`, { token: sa }), 'label DELETE');
  });

  it('every admin call that answers 204', async () => {
    const state = (await t.call('GET', '/_emulator/state')).body;
    const fault = (await t.call('POST', '/_emulator/faults', { body: { kind: 'latency', latencyMs: 1, route: '/nowhere' } })).body;
    const calls: Array<[string, string, unknown?]> = [
      ['POST', '/_emulator/seed', state],
      ['DELETE', `/_emulator/faults/${fault.id}`],
      ['DELETE', '/_emulator/faults'],
      ['DELETE', '/_emulator/requests'],
      ['POST', '/_emulator/reset'],
    ];
    for (const [method, path, body] of calls) {
      assertNoContentJson(await t.call(method, path, body === undefined ? {} : { body }), `${method} ${path}`);
    }
  });
});
