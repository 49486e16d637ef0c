// Bad input matrix, raw messages sent straight to a run by another Temporal client
// (no library checks): wrong types, missing and extra fields, huge payloads, unknown
// signal, update and query names, bad registration update arguments, a second start.
// Each row names what the run does: a bad signal is recorded under rejectedInputs
// and ignored (the desired and applied values, the phase and AMS stay as they were,
// the run stays RUNNING); a bad update is refused at the door and never enters history.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { workflowIdForCluster, type ClusterStateView } from '../workflows/definitions.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const MB = 1_000_000;
const rawHandle = (clusterId: string): WorkflowHandle => h.env.client.workflow.getHandle(workflowIdForCluster(clusterId));
const rejected = (s: ClusterStateView) => s.rejectedInputs.map((r) => `${r.signal} ${r.field}: ${r.rule}`);
const what = (s: ClusterStateView) => ({ desired: s.desired, applied: s.applied, phase: s.phase, deletion: s.deletion, subscriptionId: s.subscriptionId });

async function settledCluster(): Promise<{ clusterId: string; before: ClusterStateView }> {
  const clusterId = newClusterId();
  await h.lifecycle.registerCluster({ clusterId, displayName: 'raw', accountUsername: 'alice' });
  const before = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0 && s.failures === 0, { what: 'a settled run' });
  return { clusterId, before };
}

async function signalNames(clusterId: string): Promise<string[]> {
  const events = (await rawHandle(clusterId).fetchHistory()).events ?? [];
  return events.flatMap((e) => (e.workflowExecutionSignaledEventAttributes?.signalName ? [e.workflowExecutionSignaledEventAttributes.signalName] : []));
}

/** Sends one raw signal; the run records exactly `expected`, keeps everything else, and stays RUNNING. */
async function recordedAndIgnored(signal: string, args: unknown[], expected: string[]): Promise<ClusterStateView> {
  const { clusterId, before } = await settledCluster();
  const { subscriptionId } = before;
  const sub = await h.ams.getSubscription(subscriptionId!);
  await rawHandle(clusterId).signal(signal, ...args);
  const after = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.rejectedInputs.length >= expected.length, { what: 'the rejected input' });
  assert.deepEqual(rejected(after), expected);
  assert.deepEqual(what(after), what(before), 'desired, applied, phase and deletion unchanged');
  assert.deepEqual(await h.ams.getSubscription(subscriptionId!), sub, 'AMS unchanged');
  assert.equal((await rawHandle(clusterId).describe()).status.name, 'RUNNING');
  assert.ok((await signalNames(clusterId)).includes(signal), 'the signal is in the history: recorded, not lost');
  return after;
}

describeOnServers('raw messages that bypass the client', {}, use, (server) => {
  describe('bad signal payloads: recorded and ignored', { concurrency: true }, () => {
    const rows: [string, string, unknown[], string[]][] = [
      ['rename with displayName 42', 'rename', [{ displayName: 42 }], ['rename displayName: must be a string']],
      ['rename without a payload', 'rename', [], ['rename (payload): Invalid input: expected object, received undefined']],
      ['rename with a bare string', 'rename', ['just-a-name'], ['rename (payload): Invalid input: expected object, received string']],
      ['rename with the field missing ({})', 'rename', [{}], ['rename displayName: must be a string']],
      ['rename with an extra field (token)', 'rename', [{ displayName: 'smuggled', token: 's3cret' }], ['rename (payload): unknown field(s): token']],
      ['openshiftClusterId as an array', 'openshiftClusterId', [{ openshiftClusterId: ['a'] }], ['openshiftClusterId openshiftClusterId: must be a string']],
      ['consoleUrl null', 'consoleUrl', [null], ['consoleUrl (payload): Invalid input: expected object, received null']],
      ['deleted with {} (no deleter)', 'deleted', [{}], ["deleted by: must be 'user' or 'garbage-collection'"]],
      ['deleted without a payload', 'deleted', [], ['deleted (payload): Invalid input: expected object, received undefined']],
      ['installFailed with reason 5', 'installFailed', [{ reason: 5 }], ['installFailed reason: must be a string']],
      ['installFailed with a bare string', 'installFailed', ['oops'], ['installFailed (payload): Invalid input: expected object, received string']],
    ];
    for (const [name, signal, args, expected] of rows) {
      it(`${name}: rejectedInputs '${expected.join('; ')}', nothing else changes`, async () => {
        await recordedAndIgnored(signal, args, expected);
      });
    }

    it('a 1 MB display name: accepted by Temporal, recorded as over 255 characters; the state stays small', async () => {
      const after = await recordedAndIgnored('rename', [{ displayName: 'x'.repeat(MB) }], ['rename displayName: must be at most 255 characters']);
      assert.ok(JSON.stringify(after).length < 10_000, `state is ${JSON.stringify(after).length} bytes`);
    });
  });

  it(
    server === 'dev'
      ? 'a 2.1 MB display name: the server refuses the signal (blob size limit, ServiceError); not in history, the run untouched'
      : 'a 2.1 MB display name: the test server takes it (no blob limit); recorded as over 255 characters, nothing else changes',
    async () => {
      const payload = { displayName: 'x'.repeat(2.1 * MB) };
      if (server === 'time-skipping') {
        await recordedAndIgnored('rename', [payload], ['rename displayName: must be at most 255 characters']);
        return;
      }
      const { clusterId, before } = await settledCluster();
      await assert.rejects(rawHandle(clusterId).signal('rename', payload), (error: Error) => {
        assert.equal(error.name, 'ServiceError');
        assert.match(`${error.message} ${String((error.cause as Error | undefined)?.message)}`, /Failed to signal Workflow.*(Blob data size exceeds limit|blob size)/is);
        return true;
      });
      assert.deepEqual(await h.lifecycle.getClusterState(clusterId), before);
      assert.deepEqual(await signalNames(clusterId), []);
      assert.equal((await rawHandle(clusterId).describe()).status.name, 'RUNNING');
    },
  );

  it('an unknown signal name: kept in history, not recorded, nothing changes; the next rename still applies', async () => {
    const { clusterId, before } = await settledCluster();
    await rawHandle(clusterId).signal('noSuchSignal', { displayName: 'sneaky' });
    await h.lifecycle.renameCluster(clusterId, 'after-unknown');
    const after = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.applied.display_name === 'after-unknown', { what: 'the rename' });
    assert.deepEqual([after.rejectedInputs, after.phase, after.refusedValues], [[], before.phase, {}]);
    assert.deepEqual(await signalNames(clusterId), ['noSuchSignal', 'rename']);
    assert.equal((await rawHandle(clusterId).describe()).status.name, 'RUNNING');
  });

  it('installSucceeded with a stray argument: the event applies (it carries nothing to check), nothing is recorded', async () => {
    const { clusterId } = await settledCluster();
    await rawHandle(clusterId).signal('installSucceeded', { unexpected: true });
    const after = await eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.phase === 'installed', { what: 'installed' });
    assert.deepEqual(after.rejectedInputs, []);
  });

  it('a second raw start of the same workflow id with another name: WorkflowExecutionAlreadyStartedError; the run keeps its registration', async () => {
    const { clusterId, before } = await settledCluster();
    await assert.rejects(h.startRun(clusterId, { displayName: 'hijacked', accountUsername: 'mallory' }), WorkflowExecutionAlreadyStartedError);
    assert.deepEqual(await h.lifecycle.getClusterState(clusterId), before);
  });

  describe('bad updates and queries: refused at the door, never in history', { concurrency: true }, () => {
    let clusterId: string;
    before(async () => {
      ({ clusterId } = await settledCluster());
    });
    const acceptedUpdates = async () => ((await rawHandle(clusterId).fetchHistory()).events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;

    const rows: [string, string, unknown, string][] = [
      ['waitSeconds 0', 'registration', { waitSeconds: 0 }, 'registration: invalid input: waitSeconds: must be at least 1'],
      ['waitSeconds 1.5', 'registration', { waitSeconds: 1.5 }, 'registration: invalid input: waitSeconds: must be a whole number'],
      ['waitSeconds 301', 'registration', { waitSeconds: 301 }, 'registration: invalid input: waitSeconds: must be at most 300'],
      ['an extra field', 'registration', { waitSeconds: 5, x: 1 }, 'registration: invalid input: (payload): unknown field(s): x'],
      ['a bare string', 'registration', 'soon', 'registration: invalid input: (payload): Invalid input: expected object, received string'],
      ['an unknown update name', 'noSuchUpdate', {}, 'No registered handler for update: noSuchUpdate'],
    ];
    for (const [name, update, arg, message] of rows) {
      it(`update '${update}' with ${name}: WorkflowUpdateFailedError '${message}'; only the registration's own update is in history`, async () => {
        await assert.rejects(rawHandle(clusterId).executeUpdate(update, { args: [arg] }), (error: Error & { cause?: Error }) => {
          assert.equal(error.name, 'WorkflowUpdateFailedError');
          assert.equal(error.cause?.message, message);
          return true;
        });
        assert.equal(await acceptedUpdates(), 1);
        assert.equal((await rawHandle(clusterId).describe()).status.name, 'RUNNING');
      });
    }

    it('an unknown query: an error listing clusterState (QueryNotRegisteredError; the test server at times sends it as INTERNAL)', async () => {
      await assert.rejects(rawHandle(clusterId).query('noSuchQuery'), (error: Error & { cause?: { details?: string } }) => {
        const text = error.name === 'QueryNotRegisteredError' ? error.message : error.cause?.details;
        assert.match(text ?? '', /^Workflow did not register a handler for noSuchQuery\. Registered queries: \[.*clusterState.*\]$/);
        return true;
      });
    });
  });
});
