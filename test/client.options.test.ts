// The client library refuses options it cannot honour, naming the option and the rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { ClusterLifecycleClient } from '../client/index.js';
import { REGISTRATION_WAIT_MAX_SECONDS } from '../workflows/validation.js';

// A lazy connection: nothing is dialled while options are checked.
const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });

describe('client options', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a registration wait the workflow would refuse', { registrationWaitSeconds: REGISTRATION_WAIT_MAX_SECONDS + 1 }, /registrationWaitSeconds: must be a whole number from 1 to 300, got 301/],
    ['a zero registration wait', { registrationWaitSeconds: 0 }, /registrationWaitSeconds: must be a whole number from 1 to 300, got 0/],
    ['a fractional registration wait', { registrationWaitSeconds: 2.5 }, /registrationWaitSeconds: must be a whole number/],
    ['a call timeout of zero', { callTimeoutMs: 0 }, /callTimeoutMs: must be a number > 0, got 0/],
    ['a call timeout that is not a number', { callTimeoutMs: Number.NaN }, /callTimeoutMs: must be a number > 0, got NaN/],
    ['no telemetry check at all', { afterInstall: { telemetryCheckSeconds: [] } }, /afterInstall\.telemetryCheckSeconds: must be 1 to 10 rising whole numbers of seconds from 1 to 31536000, got \[\]/],
    ['telemetry checks out of order', { afterInstall: { telemetryCheckSeconds: [3600, 60] } }, /afterInstall\.telemetryCheckSeconds: .*got \[3600,60\]/],
    ['a fractional telemetry check', { afterInstall: { telemetryCheckSeconds: [1.5] } }, /afterInstall\.telemetryCheckSeconds: .*got \[1\.5\]/],
    ['a drift check of zero seconds', { afterInstall: { driftCheckSeconds: 0 } }, /afterInstall\.driftCheckSeconds: must be a whole number of seconds from 1 to 31536000, got 0/],
    ['a drift check past a year', { afterInstall: { driftCheckSeconds: 31_536_001 } }, /afterInstall\.driftCheckSeconds: .*got 31536001/],
    ['eleven telemetry checks', { afterInstall: { telemetryCheckSeconds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] } }, /afterInstall\.telemetryCheckSeconds: must be 1 to 10 rising .*got \[1,2,3,4,5,6,7,8,9,10,11\]/],
    ['a telemetry check past a year', { afterInstall: { telemetryCheckSeconds: [60, 31_536_001] } }, /afterInstall\.telemetryCheckSeconds: must be 1 to 10 rising/],
    ['a misspelt afterInstall field', { afterInstall: { driftCheckSecond: 60 } as object }, /afterInstall: unknown field\(s\): driftCheckSecond$/],
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

  it('takes a partial afterInstall timing (the rest from the defaults)', () => {
    assert.doesNotThrow(() => new ClusterLifecycleClient({ client, afterInstall: { driftCheckSeconds: 3_600 } }));
  });
});
