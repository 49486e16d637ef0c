// The AMS client's circuit breaker (the worker turns it on): a dead AMS gets one probe
// per interval instead of every call. A refused call is transient; refused before its
// attempt sent a write, it is marked unsent: not retried at once, and it cannot land.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { AmsApiError, AmsCircuitOpenError, type AmsClient } from '../ams/index.js';
import { classifyAmsError, toApplicationFailure } from '../activities/ams-failure.js';
import { writeUnsent } from '../activities/attempt.js';
import type { AmsErrorInfo } from '../workflows/definitions.js';
import { mayHaveLanded } from '../workflows/state.js';
import { startEmulatorFixture, type EmulatorFixture } from './helpers/ams-client-emulator.js';

const SUBSCRIPTIONS = '/api/accounts_mgmt/v1/subscriptions';
const INTERVAL_MS = 10_000;

let fixture: EmulatorFixture;
let clock = Date.now();
const guarded = () => fixture.clientWith({ now: () => clock, circuitBreaker: { failureThreshold: 3, probeIntervalMs: INTERVAL_MS } });
before(async () => {
  fixture = await startEmulatorFixture();
});
afterEach(async () => {
  await fixture.admin.clearFaults();
  await fixture.admin.clearRequests();
});
after(() => fixture.close());

const reaching = async () => (await fixture.admin.requests({ method: 'GET', path: SUBSCRIPTIONS })).length;
const settle = (calls: Promise<unknown>[]) => Promise.all(calls.map((c) => c.then(() => undefined, (e: unknown) => e)));

async function callsAgainstDeadAms(client: AmsClient, calls: number): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (let i = 0; i < calls; i++) errors.push(await client.listSubscriptions().then(() => undefined, (e: unknown) => e));
  return errors;
}

describe('circuit breaker', () => {
  it('20 calls to a dead AMS: 20 requests without it, 3 with it (the threshold)', async () => {
    await fixture.admin.addFault({ kind: 'outage', route: '/api/*' });
    await callsAgainstDeadAms(fixture.client, 20);
    assert.equal(await reaching(), 20, 'without the breaker every call reaches AMS');
    await fixture.admin.clearRequests();

    const errors = await callsAgainstDeadAms(guarded(), 20);
    assert.equal(await reaching(), 3, 'with it, only the calls until it opened');
    assert.ok(errors.slice(0, 3).every((e) => e instanceof AmsApiError && e.status === 503));
    assert.ok(errors.slice(3).every((e) => e instanceof AmsCircuitOpenError), String(errors[3]));
    assert.match(String((errors[3] as Error).message), /not sent: AMS is taken to be down after 3 failures in a row \(last: HTTP 503\); next probe in 10 s/);
  });

  it('a refused call is classified transient; before any write of its attempt it is unsent, not retried at once, and cannot land', async () => {
    await fixture.admin.addFault({ kind: 'outage', route: '/api/*' });
    const errors = await callsAgainstDeadAms(guarded(), 4);
    const [real, refused] = [errors[2], errors[3]];
    assert.ok(refused instanceof AmsCircuitOpenError);
    for (const operation of ['create', 'patch', 'delete', 'lookup'] as const) {
      const a: AmsErrorInfo = classifyAmsError(real, operation);
      const b: AmsErrorInfo = classifyAmsError(refused, operation);
      assert.equal(b.category, 'transient');
      assert.equal(b.category, a.category);
      // A refusal after this attempt's write went out (the read after a POST) stands for that
      // write's unknown outcome, like the 503.
      const after = toApplicationFailure(refused, operation, { attempt: 1 });
      assert.equal(after.nonRetryable, false);
      assert.equal(mayHaveLanded(after.details![0] as AmsErrorInfo), mayHaveLanded(a));
      // Before any write (activities/attempt.ts says so): nothing was sent, so nothing can land.
      const unsent = toApplicationFailure(refused, operation, { attempt: 1, unsent: true });
      assert.equal(unsent.nonRetryable, true, 'the breaker would refuse quick retries too; the workflow backs off');
      assert.equal((unsent.details![0] as AmsErrorInfo).unsent, true);
      assert.equal(mayHaveLanded(unsent.details![0] as AmsErrorInfo), false);
      // A retried attempt's predecessor may have sent its write: that still may land.
      assert.equal(mayHaveLanded(toApplicationFailure(refused, operation, { attempt: 2, unsent: true }).details![0] as AmsErrorInfo), true);
    }
  });

  it("an attempt's write is unsent only when the breaker refused it, or a read before it", () => {
    const refused = (method: string) => new AmsCircuitOpenError({ method, path: SUBSCRIPTIONS }, 'not sent');
    // The write itself refused (the attempt had marked it, so one write counted).
    assert.equal(writeUnsent(refused('PATCH'), 1), true);
    assert.equal(writeUnsent(refused('POST'), 1), true);
    assert.equal(writeUnsent(refused('DELETE'), 1), true);
    // A read before any write refused (the lookup before a POST, the read before Active or a DELETE).
    assert.equal(writeUnsent(refused('GET'), 0), true);
    // A read after the write went out (the read of a POST's answer): the write may have landed.
    assert.equal(writeUnsent(refused('GET'), 1), false);
    // Anything but the breaker's refusal says nothing of the kind.
    const answered = new AmsApiError({ target: { method: 'PATCH', path: SUBSCRIPTIONS }, response: new Response('', { status: 503 }), envelope: {}, body: '' });
    assert.equal(writeUnsent(answered, 1), false);
    assert.equal(writeUnsent(answered, 0), false);
    assert.equal(writeUnsent(new Error('boom'), 0), false);
  });

  it('while open: one probe per interval, even for calls at once; an answer closes it', async () => {
    await fixture.admin.addFault({ kind: 'outage', route: '/api/*' });
    const client = guarded();
    await callsAgainstDeadAms(client, 5);
    assert.equal(await reaching(), 3);

    clock += INTERVAL_MS;
    const burst = await settle(Array.from({ length: 10 }, () => client.listSubscriptions()));
    assert.equal(await reaching(), 4, 'ten calls after the interval: one probe');
    assert.equal(burst.filter((e) => e instanceof AmsCircuitOpenError).length, 9);
    assert.match(String((burst.find((e) => e instanceof AmsCircuitOpenError) as Error).message), /next probe in 10 s|a probe is in flight/);

    await fixture.admin.clearFaults();
    assert.ok((await settle([client.listSubscriptions()]))[0] instanceof AmsCircuitOpenError, 'AMS back, but no probe is due yet');
    clock += INTERVAL_MS;
    await client.listSubscriptions();
    await Promise.all(Array.from({ length: 5 }, () => client.listSubscriptions()));
    assert.equal(await reaching(), 10, 'the probe succeeded: closed, every call goes out again');
  });

  it('a probe that gets no token waits out the interval too: a dead token endpoint is not asked per call', async () => {
    await fixture.admin.addFault({ kind: 'outage', route: '/api/*' });
    const client = guarded();
    await callsAgainstDeadAms(client, 3);
    // The cached token expires, and the token endpoint is dead too.
    clock += 24 * 3600_000;
    await fixture.admin.addFault({ kind: 'outage', route: new URL(fixture.emulator.tokenUrl).pathname });
    const tokensBefore = await fixture.tokenRequests();
    const errors = await callsAgainstDeadAms(client, 10);
    assert.ok(!(errors[0] instanceof AmsCircuitOpenError), `the first call is the probe: ${String(errors[0])}`);
    assert.ok(errors.slice(1).every((e) => e instanceof AmsCircuitOpenError), 'the rest wait for the next probe');
    const probeTokenRequests = (await fixture.tokenRequests()) - tokensBefore;
    assert.ok(probeTokenRequests >= 1, 'the probe asked for a token');
    clock += INTERVAL_MS;
    await callsAgainstDeadAms(client, 5);
    assert.equal((await fixture.tokenRequests()) - tokensBefore, 2 * probeTokenRequests, 'one more probe after the interval, no more');
  });

  it('connection refused counts; an OCM 4xx answer is AMS alive and resets the count', async () => {
    await fixture.admin.addFault({ kind: 'reset', route: SUBSCRIPTIONS, method: 'GET', count: 2 });
    const envelope = JSON.stringify({ kind: 'Error', id: '11', code: 'ACCT-MGMT-11', reason: 'bad search' });
    await fixture.admin.addFault({ kind: 'answer', route: SUBSCRIPTIONS, method: 'GET', status: 400, body: envelope, contentType: 'application/json', count: 1 });
    const client = guarded();
    await callsAgainstDeadAms(client, 3); // reset, reset, 400: never 3 transient in a row
    await fixture.admin.addFault({ kind: 'reset', route: SUBSCRIPTIONS, method: 'GET', count: 2 });
    const errors = await callsAgainstDeadAms(client, 3); // reset, reset, then AMS answers
    assert.equal(errors[2], undefined, 'still closed: the 4xx reset the count');
    assert.equal(await reaching(), 6);
  });

  it('refuses a bad option, naming it', () => {
    assert.throws(() => fixture.clientWith({ circuitBreaker: { failureThreshold: 0 } }), /circuitBreaker\.failureThreshold: must be a whole number >= 1, got 0/);
  });
});
