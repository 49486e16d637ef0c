// The client library refuses options it cannot honour, naming the option and the rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../client/index.js';
import { REGISTRATION_WAIT_MAX_SECONDS } from '../workflows/validation.js';

// A lazy connection: nothing is dialled while options are checked.
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

describe('client options', () => {
  const cases: [string, Record<string, number>, RegExp][] = [
    ['a registration wait the workflow would refuse', { registrationWaitSeconds: REGISTRATION_WAIT_MAX_SECONDS + 1 }, /registrationWaitSeconds: must be a whole number from 1 to 300, got 301/],
    ['a zero registration wait', { registrationWaitSeconds: 0 }, /registrationWaitSeconds: must be a whole number from 1 to 300, got 0/],
    ['a fractional registration wait', { registrationWaitSeconds: 2.5 }, /registrationWaitSeconds: must be a whole number/],
    ['a call timeout of zero', { callTimeoutMs: 0 }, /callTimeoutMs: must be a number > 0, got 0/],
    ['a call timeout that is not a number', { callTimeoutMs: Number.NaN }, /callTimeoutMs: must be a number > 0, got NaN/],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      assert.throws(() => new ClusterLifecycleClient({ client, ...options }), (e: unknown) => e instanceof TypeError && message.test(e.message));
    });
  }

  it('takes the documented defaults', () => {
    const lifecycle = new ClusterLifecycleClient({ client });
    assert.equal(lifecycle.taskQueue, 'ams-lifecycle');
  });
});
