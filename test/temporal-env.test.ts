// The test servers' start: a start that timed out on a loaded machine (CI once lost a
// whole time-skipping suite to one) is tried again; any other failure is not.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startPatiently } from './helpers/temporal-env.js';

const timedOut = () => new Error('Failed to start ephemeral server: ephemeral server at 127.0.0.1:1 did not start within 5s.');
const env = {} as TestWorkflowEnvironment;

function starter(failures: Error[]): { start: () => Promise<TestWorkflowEnvironment>; calls: () => number } {
  let calls = 0;
  return {
    start: async () => {
      const failure = failures[calls++];
      if (failure) throw failure;
      return env;
    },
    calls: () => calls,
  };
}

it('a start that timed out is tried again, up to three starts in all', async () => {
  const twice = starter([timedOut(), timedOut()]);
  assert.equal(await startPatiently(twice.start), env);
  assert.equal(twice.calls(), 3);

  const always = starter([timedOut(), timedOut(), timedOut(), timedOut()]);
  await assert.rejects(startPatiently(always.start), /did not start within/);
  assert.equal(always.calls(), 3, 'gives up after the third timed-out start');
});

it('any other failure is not tried again', async () => {
  const missing = starter([new Error('ephemeral server executable does not exist')]);
  await assert.rejects(startPatiently(missing.start), /does not exist/);
  assert.equal(missing.calls(), 1);
});
