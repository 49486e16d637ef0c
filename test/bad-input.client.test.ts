// Bad input matrix, the client library and the CLI: each row names the input and
// the exact outcome (error class and message naming the field or the problem) and
// checks that nothing happened: no run started or changed, no AMS request sent.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { EXIT } from '../cli/index.js';
import { ClusterDeletedError, ClusterNotFoundError, InvalidInputError } from '../client/index.js';
import type { ClusterStateView, WorkflowResult } from '../workflows/definitions.js';
import { runCliCaptured } from './helpers/cli-capture.js';
import { describeOnServers, eventually, newClusterId, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
const use = (harness: LifecycleHarness) => (h = harness);

const settled = (clusterId: string) =>
  eventually(() => h.lifecycle.getClusterState(clusterId), (s) => s.pending.length === 0 && s.failures === 0, { what: 'a settled run', timeoutMs: 30_000 });

async function refused(call: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

/** No run exists for the id and AMS never heard of it. */
async function nothingSent(clusterId: string): Promise<void> {
  await assert.rejects(h.env.client.workflow.getHandle(`cluster-subscription-${clusterId}`).describe(), WorkflowNotFoundError);
  assert.deepEqual(await h.admin.requests({ cluster_id: clusterId }), []);
}

describeOnServers('bad client library input', {}, use, () => {
  // One settled cluster that every refused call below aims at: it must end as it began.
  let clusterId: string;
  let start: ClusterStateView;
  let amsCalls: number;
  before(async () => {
    clusterId = newClusterId();
    await h.lifecycle.registerCluster({ clusterId, displayName: 'steady', accountUsername: 'alice' });
    start = await settled(clusterId);
    amsCalls = (await h.admin.requests({ cluster_id: clusterId })).length;
  });
  const unchanged = async () => {
    assert.deepEqual(await h.lifecycle.getClusterState(clusterId), start);
    assert.equal((await h.admin.requests({ cluster_id: clusterId })).length, amsCalls, 'no AMS request');
    assert.equal((await h.lifecycle.handle(clusterId).describe()).status.name, 'RUNNING');
  };

  describe('refused before anything is sent', { concurrency: true }, () => {
    it("registerCluster with 'cluster-1' (not a UUID): InvalidInputError clusterId: must be a UUID; no run, no AMS call", async () => {
      await refused(h.lifecycle.registerCluster({ clusterId: 'cluster-1', displayName: 'n', accountUsername: 'alice' }), 'registerCluster: invalid input: clusterId: must be a UUID');
      await nothingSent('cluster-1');
    });

    it("renameCluster of '../../etc/passwd': InvalidInputError clusterId: must be a UUID", async () => {
      await refused(h.lifecycle.renameCluster('../../etc/passwd', 'x'), 'renameCluster: invalid input: clusterId: must be a UUID');
    });

    it("registerCluster with an empty display name: InvalidInputError displayName: must not be empty; no run", async () => {
      const id = newClusterId();
      await refused(h.lifecycle.registerCluster({ clusterId: id, displayName: '', accountUsername: 'alice' }), 'registerCluster: invalid input: displayName: must not be empty');
      await nothingSent(id);
    });

    it('registerCluster with a 256-character account: InvalidInputError accountUsername: must be at most 255 characters; no run', async () => {
      const id = newClusterId();
      await refused(h.lifecycle.registerCluster({ clusterId: id, displayName: 'n', accountUsername: 'a'.repeat(256) }), 'registerCluster: invalid input: accountUsername: must be at most 255 characters');
      await nothingSent(id);
    });

    const controls: [string, () => Promise<unknown>, string][] = [
      ['renameCluster to a name with a newline', () => h.lifecycle.renameCluster(clusterId, 'prod\neast'), 'renameCluster: invalid input: displayName: must not contain control characters'],
      ['renameCluster to a name with a NUL', () => h.lifecycle.renameCluster(clusterId, 'prod\u0000'), 'renameCluster: invalid input: displayName: must not contain control characters'],
      ['renameCluster to a header injection', () => h.lifecycle.renameCluster(clusterId, 'x\r\nX-Injected: 1'), 'renameCluster: invalid input: displayName: must not contain control characters'],
      ['setConsoleUrl with control characters', () => h.lifecycle.setConsoleUrl(clusterId, 'https://console.example.com/\u0000\u0007'), 'setConsoleUrl: invalid input: consoleUrl: must not contain control characters'],
      ['setConsoleUrl with port 99999', () => h.lifecycle.setConsoleUrl(clusterId, 'https://console.example.com:99999/'), 'setConsoleUrl: invalid input: consoleUrl: must have a port from 1 to 65535'],
      ['markInstallFailed with a NUL in the reason', () => h.lifecycle.markInstallFailed(clusterId, 'disk\u0000full'), 'markInstallFailed: invalid input: reason: must not contain control characters'],
    ];
    for (const [name, call, message] of controls) {
      it(`${name}: InvalidInputError naming the field; the run is unchanged`, async () => {
        await refused(call(), message);
        await unchanged();
      });
    }

    it("registerCluster with an account ending in NUL: InvalidInputError accountUsername: must not contain control characters; no run", async () => {
      const id = newClusterId();
      await refused(h.lifecycle.registerCluster({ clusterId: id, displayName: 'n', accountUsername: 'alice\u0000' }), 'registerCluster: invalid input: accountUsername: must not contain control characters');
      await nothingSent(id);
    });

    it('renameCluster to blanks: InvalidInputError displayName: must not be empty; the run is unchanged', async () => {
      await refused(h.lifecycle.renameCluster(clusterId, ' \t '), 'renameCluster: invalid input: displayName: must not be empty');
      await unchanged();
    });

    it('renameCluster to 256 characters: InvalidInputError displayName: must be at most 255 characters; unchanged', async () => {
      await refused(h.lifecycle.renameCluster(clusterId, 'n'.repeat(256)), 'renameCluster: invalid input: displayName: must be at most 255 characters');
      await unchanged();
    });

    it('renameCluster to a number: InvalidInputError displayName: must be a string; unchanged', async () => {
      await refused(h.lifecycle.renameCluster(clusterId, 42 as never), 'renameCluster: invalid input: displayName: must be a string');
      await unchanged();
    });

    it("setConsoleUrl 'javascript:alert(1)': InvalidInputError consoleUrl: must be an absolute https URL; unchanged", async () => {
      await refused(h.lifecycle.setConsoleUrl(clusterId, 'javascript:alert(1)'), 'setConsoleUrl: invalid input: consoleUrl: must be an absolute https URL');
      await unchanged();
    });

    it('setConsoleUrl with a user but no password (https://token@…): refused as user-info, the token not repeated; unchanged', async () => {
      const url = 'https://ghp_tokenvalue@console.example.com';
      await refused(h.lifecycle.setConsoleUrl(clusterId, url), 'setConsoleUrl: invalid input: consoleUrl: must not contain user-info (user:password@)');
      await unchanged();
    });

    it('setConsoleUrl with a CRLF and a header after it: InvalidInputError consoleUrl: must be an absolute https URL', async () => {
      await refused(h.lifecycle.setConsoleUrl(clusterId, 'https://console.example.com/\r\nSet-Cookie: a=b'), 'setConsoleUrl: invalid input: consoleUrl: must be an absolute https URL');
      await unchanged();
    });

    it('setConsoleUrl of 2,049 characters: InvalidInputError consoleUrl: must be at most 2048 characters', async () => {
      const url = `https://console.example.com/${'p'.repeat(2049 - 'https://console.example.com/'.length)}`;
      await refused(h.lifecycle.setConsoleUrl(clusterId, url), 'setConsoleUrl: invalid input: consoleUrl: must be at most 2048 characters');
      await unchanged();
    });

    it("setOpenshiftClusterId 'not-a-uuid': InvalidInputError openshiftClusterId: must be a UUID; unchanged", async () => {
      await refused(h.lifecycle.setOpenshiftClusterId(clusterId, 'not-a-uuid'), 'setOpenshiftClusterId: invalid input: openshiftClusterId: must be a UUID');
      await unchanged();
    });

    it("deleteCluster by 'cron': InvalidInputError by: must be 'user' or 'garbage-collection'; the run is not deleted", async () => {
      await refused(h.lifecycle.deleteCluster(clusterId, 'cron' as never), "deleteCluster: invalid input: by: must be 'user' or 'garbage-collection'");
      await unchanged();
    });

    it('markInstallFailed with a 2,001-character reason: InvalidInputError reason: must be at most 2000 characters; unchanged', async () => {
      await refused(h.lifecycle.markInstallFailed(clusterId, 'r'.repeat(2001)), 'markInstallFailed: invalid input: reason: must be at most 2000 characters');
      await unchanged();
    });
  });

  describe('clusters that do not exist or are gone', () => {
    it('an unknown cluster: signals and getClusterState throw ClusterNotFoundError; deleteCluster answers alreadyDeleted; nothing started', async () => {
      const id = newClusterId();
      for (const call of [() => h.lifecycle.renameCluster(id, 'x'), () => h.lifecycle.markInstalled(id), () => h.lifecycle.getClusterState(id)]) {
        await assert.rejects(call(), (error: unknown) => error instanceof ClusterNotFoundError && error.message === `cluster ${id} is not registered`);
      }
      assert.deepEqual(await h.lifecycle.deleteCluster(id, 'user'), { alreadyDeleted: true });
      await nothingSent(id);
    });

    it('signals to a deleted cluster throw ClusterDeletedError; the finished run and AMS are untouched', async () => {
      const id = newClusterId();
      await h.lifecycle.registerCluster({ clusterId: id, displayName: 'gone', accountUsername: 'alice' });
      await h.lifecycle.deleteCluster(id, 'user');
      const result = (await h.lifecycle.handle(id).result()) as WorkflowResult;
      const calls = (await h.admin.requests({ cluster_id: id })).length;
      for (const call of [() => h.lifecycle.renameCluster(id, 'again'), () => h.lifecycle.setConsoleUrl(id, 'https://console.example.com'), () => h.lifecycle.markInstalled(id)]) {
        await assert.rejects(call(), (error: unknown) => error instanceof ClusterDeletedError && error.message === `cluster ${id} is already deleted`);
      }
      assert.deepEqual(await h.lifecycle.handle(id).result(), result);
      assert.equal((await h.admin.requests({ cluster_id: id })).length, calls, 'no AMS request');
    });
  });

  describe('upper-case UUIDs are accepted and normalised', () => {
    it('registerCluster with the upper-case id of a registered cluster: the same run and subscription, none added', async () => {
      const id = newClusterId();
      const first = await h.lifecycle.registerCluster({ clusterId: id, displayName: 'cased', accountUsername: 'alice' });
      const again = await h.lifecycle.registerCluster({ clusterId: id.toUpperCase(), displayName: 'cased', accountUsername: 'alice' });
      assert.deepEqual(again, first);
      assert.equal(first.workflowId, `cluster-subscription-${id}`);
      assert.equal((await h.ams.findSubscriptionsByClusterId(id)).length, 1);
    });

    it('signals with an upper-case cluster id and OpenShift id reach the same run; AMS gets the id lower-cased', async () => {
      const id = newClusterId();
      const openshiftId = newClusterId();
      const { subscriptionId } = await h.lifecycle.registerCluster({ clusterId: id, displayName: 'cased', accountUsername: 'alice' });
      await h.lifecycle.setOpenshiftClusterId(id.toUpperCase(), openshiftId.toUpperCase());
      const sub = await eventually(() => h.ams.getSubscription(subscriptionId), (s) => s.external_cluster_id !== undefined, { what: 'the PATCH' });
      assert.equal(sub.external_cluster_id, openshiftId);
    });
  });

  describe('the CLI against this server', () => {
    const cli = (...args: string[]) => runCliCaptured(['--task-queue', h.taskQueue, ...args], { TEMPORAL_ADDRESS: h.env.address });

    it('status of an unknown cluster: exit 3, one line naming it; --json: code cluster-not-found', async () => {
      const id = newClusterId();
      assert.deepEqual(await cli('status', id), { code: EXIT.notFound, stdout: '', stderr: `ams-lifecycle: cluster ${id} is not registered` });
      const { code, stderr } = await cli('--json', 'installed', id);
      assert.equal(code, EXIT.notFound);
      assert.deepEqual(JSON.parse(stderr).error, { code: 'cluster-not-found', exitCode: 3, message: `cluster ${id} is not registered`, clusterId: id });
      await nothingSent(id);
    });

    it('rename of a deleted cluster: exit 4, one line saying so', async () => {
      const id = newClusterId();
      await h.lifecycle.registerCluster({ clusterId: id, displayName: 'gone', accountUsername: 'alice' });
      await h.lifecycle.deleteCluster(id, 'garbage-collection');
      await h.lifecycle.handle(id).result();
      assert.deepEqual(await cli('rename', id, 'again'), { code: EXIT.deleted, stdout: '', stderr: `ams-lifecycle: cluster ${id} is already deleted` });
    });

    it('status with the upper-case id: exit 0, the lower-case cluster', async () => {
      const { code, stdout, stderr } = await cli('--json', 'status', clusterId.toUpperCase());
      assert.equal(code, EXIT.ok, stderr);
      const view = JSON.parse(stdout) as ClusterStateView;
      assert.deepEqual([view.registration.clusterId, view.workflowId], [clusterId, `cluster-subscription-${clusterId}`]);
    });
  });
});

describe('bad CLI arguments: usage errors (exit 2), nothing sent', () => {
  const CLUSTER = '8c1e3a8e-5d2b-4c4f-9f0a-2b7e6d1c3a44';
  // Nothing listens on port 1: a command that got past its checks would fail with exit 1.
  const cli = (...args: string[]) => runCliCaptured(args, { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  const timeoutRule = 'must be a whole number from 1 to 3600 (see --help)';
  const rows: [string, string[], string][] = [
    ['--timeout 0', ['--timeout', '0', 'status', CLUSTER], `option '--timeout <seconds>' argument '0' is invalid. ${timeoutRule}`],
    ['--timeout abc', ['--timeout', 'abc', 'status', CLUSTER], `option '--timeout <seconds>' argument 'abc' is invalid. ${timeoutRule}`],
    ['--timeout 1.5', ['--timeout', '1.5', 'status', CLUSTER], `option '--timeout <seconds>' argument '1.5' is invalid. ${timeoutRule}`],
    ['--timeout 3601', ['--timeout', '3601', 'status', CLUSTER], `option '--timeout <seconds>' argument '3601' is invalid. ${timeoutRule}`],
    ['--wait abc', ['register', CLUSTER, '--name', 'n', '--account', 'alice', '--wait', 'abc'], "option '--wait <seconds>' argument 'abc' is invalid. must be a whole number from 1 to 300 (see --help)"],
    ['--wait 0', ['register', CLUSTER, '--name', 'n', '--account', 'alice', '--wait', '0'], "option '--wait <seconds>' argument '0' is invalid. must be a whole number from 1 to 300 (see --help)"],
    ["delete of '../x'", ['delete', '../x'], 'invalid input: clusterId: must be a UUID'],
    ['a console URL with user:password@ (the password not repeated)', ['set-console-url', CLUSTER, 'https://admin:s3cret@console.example.com'], 'invalid input: consoleUrl: must not contain user-info (user:password@)'],
    ['install-failed --reason of 2,001 characters', ['install-failed', CLUSTER, '--reason', 'r'.repeat(2001)], 'invalid input: reason: must be at most 2000 characters'],
    ['register with a blank --name', ['register', CLUSTER, '--name', '  ', '--account', 'alice'], 'invalid input: displayName: must not be empty'],
  ];
  for (const [name, args, message] of rows) {
    it(`${name}: exit 2, '${message.slice(0, 60)}…'`, async () => {
      assert.deepEqual(await cli(...args), { code: EXIT.usage, stdout: '', stderr: `ams-lifecycle: ${message}` });
    });
  }
});
