// `ams-lifecycle adopt` against the real stack: the dev server, the real worker and the
// AMS emulator over HTTP. Clusters the old installer registered (their subscriptions made
// here as it made them) are adopted from a JSON Lines file: each run starts in its phase
// with the stored subscription id, AMS gets no second subscription and a PATCH only where
// it differs from the line, a second pass changes nothing, a dry run starts nothing, and
// bad lines are reported with their numbers and skipped.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { addAdoptCommand } from '../cli/adopt/command.js';
import { describeFailure, EXIT } from '../cli/exit-codes.js';
import { buildProgram } from '../cli/program.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { eventually, startLifecycleHarness, type LifecycleHarness } from './helpers/lifecycle-harness.js';

let h: LifecycleHarness;
let dir: string;

before(async () => {
  h = await startLifecycleHarness({ server: 'dev' });
  dir = await mkdtemp(join(tmpdir(), 'adopt-'));
});

after(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The command as the program runs it (registered here if the program does not have it yet). */
async function adopt(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return adoptWith(['--json'], args);
}

async function adoptWith(globals: string[], args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number = EXIT.ok;
  const ctx = { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), progressStream: new PassThrough(), env: { TEMPORAL_ADDRESS: h.env.address } }, setExitCode: (c: number) => (code = c) };
  const program = buildProgram(ctx);
  if (!program.commands.some((c) => c.name() === 'adopt')) addAdoptCommand(program, ctx);
  try {
    await program.parseAsync(['--task-queue', h.taskQueue, ...globals, 'adopt', ...args], { from: 'user' });
  } catch (error) {
    const failure = describeFailure(error);
    err.push(failure.message);
    code = failure.exitCode;
  }
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

interface Row { line: number; clusterId?: string; outcome: string; detail: string; phase?: string; subscriptionId?: string }
const rowsOf = (stdout: string) => (JSON.parse(stdout) as { clusters: Row[]; counts: Record<string, number> });

async function file(name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** A subscription as today's installer leaves it: reserved for alice, then patched field by field. */
async function existing(clusterId: string, name: string, patches: Parameters<LifecycleHarness['ams']['patchSubscription']>[1][] = []): Promise<string> {
  const { subscriptionId } = await h.ams.createClusterAuthorization({ clusterId, accountUsername: 'alice', displayName: name });
  for (const patch of patches) await h.ams.patchSubscription(subscriptionId, patch);
  return subscriptionId;
}

async function settled(clusterId: string, accept: (s: ClusterStateView) => boolean, what: string): Promise<ClusterStateView> {
  return eventually(() => h.lifecycle.getClusterState(clusterId), accept, { timeoutMs: 60_000, what: `${clusterId}: ${what}` });
}

/** AMS's own API in the emulator's request log (token requests left out). */
async function amsRequests() {
  return (await h.admin.requests()).filter((r) => r.path.startsWith('/api/accounts_mgmt/'));
}

const CONSOLE = (n: string) => `https://console-openshift-console.apps.${n}.example.com`;

describe('adopt --from clusters.jsonl [dev server]', () => {
  const ids = { renamed: randomUUID(), installing: randomUUID(), installed: randomUUID(), neverActive: randomUUID(), deleted: randomUUID(), failed: randomUUID() };
  const openshift = { installing: randomUUID(), installed: randomUUID(), neverActive: randomUUID() };
  const subs: Record<keyof typeof ids, string> = {} as never;
  let path: string;

  before(async () => {
    subs.renamed = await existing(ids.renamed, 'renamed-old');
    subs.installing = await existing(ids.installing, 'installing', [{ external_cluster_id: openshift.installing }]);
    subs.installed = await existing(ids.installed, 'installed', [{ external_cluster_id: openshift.installed }, { console_url: CONSOLE('installed') }, { status: 'Active' }]);
    subs.neverActive = await existing(ids.neverActive, 'never-active', [{ external_cluster_id: openshift.neverActive }, { console_url: CONSOLE('never-active') }]);
    subs.deleted = await existing(ids.deleted, 'deleted');
    subs.failed = await existing(ids.failed, 'failed');
    await h.admin.clearRequests();
    const line = (o: Record<string, unknown>) => JSON.stringify({ user_name: 'alice', ...o });
    path = await file('clusters.jsonl', [
      line({ id: ids.renamed, name: 'renamed-new', ams_subscription_id: subs.renamed, status: 'insufficient', openshift_cluster_id: null, deleted_at: null }),
      line({ id: ids.installing, name: 'installing', ams_subscription_id: subs.installing, status: 'installing', openshift_cluster_id: openshift.installing }),
      '{ not json',
      line({ id: ids.installed, name: 'installed', ams_subscription_id: subs.installed, status: 'installed', openshift_cluster_id: openshift.installed, console_url: CONSOLE('installed') }),
      line({ id: randomUUID(), name: 'bad-url', status: 'finalizing', console_url: 'http://console.example.com' }),
      '',
      line({ id: ids.neverActive, name: 'never-active', ams_subscription_id: subs.neverActive, status: 'installed', openshift_cluster_id: openshift.neverActive, console_url: CONSOLE('never-active') }),
      line({ id: ids.deleted, name: 'deleted', ams_subscription_id: subs.deleted, status: 'ready', deleted_at: '2026-11-30T10:00:00Z' }),
      line({ id: randomUUID(), name: 'typo', status: 'ready', colour: 'blue' }),
      line({ id: ids.failed, name: 'failed', ams_subscription_id: subs.failed, status: 'error' }),
      line({ id: randomUUID(), status: 'installed', name: 'no-openshift-id' }),
    ]);
  });

  it('adopts every good line in its phase with its subscription id, patches only what differs, and skips bad lines by number', async () => {
    const before = (await h.admin.state()).subscriptions.length;
    const { code, stdout, stderr } = await adopt('--from', path);
    assert.equal(code, EXIT.usage, `bad lines make exit 2: ${stderr}`);
    const { clusters, counts } = rowsOf(stdout);
    assert.deepEqual(counts, { adopted: 6, 'skipped-bad-line': 4 });
    const bad = clusters.filter((r) => r.outcome === 'skipped-bad-line').map((r) => [r.line, r.detail.split(':')[0]]);
    assert.deepEqual(bad, [[3, '(line)'], [5, 'console_url'], [9, '(line)'], [11, 'openshift_cluster_id']]);
    assert.match(clusters.find((r) => r.line === 5)!.detail, /console_url: must be an absolute https URL/);
    assert.match(clusters.find((r) => r.line === 9)!.detail, /unknown field\(s\): colour/);
    assert.match(clusters.find((r) => r.line === 11)!.detail, /openshift_cluster_id: is required when phase is installed/);

    const checked = (s: ClusterStateView) => s.pending.length === 0 && s.drift?.lastCheckedAt !== undefined;
    const phases: [keyof typeof ids, string][] = [['renamed', 'registered'], ['installing', 'installing'], ['installed', 'installed'], ['neverActive', 'installed'], ['failed', 'failed']];
    for (const [key, phase] of phases) {
      const state = await settled(ids[key], checked, 'drift check done, nothing owed');
      assert.equal(state.phase, phase, key);
      assert.equal(state.subscriptionId, subs[key], key);
    }
    const gone = await settled(ids.deleted, (s) => s.done, 'deletion applied');
    assert.deepEqual([gone.phase, gone.subscriptionId, gone.deletion?.outcome], ['deleted', subs.deleted, 'deleted']);

    const log = await amsRequests();
    assert.equal(log.filter((r) => r.method === 'POST').length, 0, 'nothing reserved: no cluster authorization');
    const patches = (key: keyof typeof ids) => log.filter((r) => r.method === 'PATCH' && r.subscription_id === subs[key]).length;
    assert.deepEqual(
      Object.fromEntries((Object.keys(ids) as (keyof typeof ids)[]).map((k) => [k, patches(k)])),
      { renamed: 1, installing: 0, installed: 0, neverActive: 1, deleted: 0, failed: 0 },
    );
    const after = (await h.admin.state()).subscriptions;
    assert.equal(after.length, before - 1, 'only the deleted cluster\'s Reserved subscription went');
    const sub = (key: keyof typeof ids) => after.find((s) => s.id === subs[key])!;
    assert.equal(sub('renamed').display_name, 'renamed-new');
    assert.deepEqual([sub('neverActive').status, sub('installed').status, sub('installing').status], ['Active', 'Active', 'Reserved']);
  });

  it('a second pass finds every run and changes nothing', async () => {
    const runIds = await Promise.all(Object.values(ids).map(async (id) => (await h.lifecycle.handle(id).describe()).runId));
    await h.admin.clearRequests();
    const { code, stdout } = await adopt('--from', path);
    assert.equal(code, EXIT.usage);
    const { counts, clusters } = rowsOf(stdout);
    assert.deepEqual(counts, { 'already-adopted': 6, 'skipped-bad-line': 4 });
    assert.ok(clusters.filter((r) => r.outcome === 'already-adopted').every((r) => r.detail === 'has a run: nothing changed'));
    const again = await Promise.all(Object.values(ids).map(async (id) => (await h.lifecycle.handle(id).describe()).runId));
    assert.deepEqual(again, runIds, 'no run replaced');
    assert.deepEqual(await amsRequests(), [], 'AMS not called');
  });

  it('--dry-run says what it would do per cluster and starts nothing', async () => {
    const fresh = randomUUID();
    const sub = await existing(fresh, 'fresh');
    await h.admin.clearRequests();
    const dry = await file('dry.jsonl', [
      JSON.stringify({ id: fresh, name: 'fresh', user_name: 'alice', ams_subscription_id: sub, status: 'finalizing', console_url: CONSOLE('fresh') }),
      JSON.stringify({ id: ids.installed, name: 'installed', user_name: 'alice', ams_subscription_id: subs.installed, status: 'installed', openshift_cluster_id: openshift.installed }),
    ]);
    const { code, stdout } = await adopt('--from', dry, '--dry-run', '--rate', '50');
    assert.equal(code, EXIT.ok);
    const { clusters } = rowsOf(stdout);
    assert.deepEqual(clusters.map((r) => r.outcome), ['would-adopt', 'already-adopted']);
    assert.match(clusters[0]!.detail, new RegExp(`read ${sub}; PATCH only the fields AMS holds differently`));
    await assert.rejects(h.lifecycle.handle(fresh).describe(), WorkflowNotFoundError);
    assert.deepEqual(await amsRequests(), [], 'AMS not called');
  });

  it('without --json: a table per line and a table of outcomes', async () => {
    const { code, stdout } = await adoptWith([], ['--from', path, '--dry-run']);
    assert.equal(code, EXIT.usage);
    assert.match(stdout, /^adopt --dry-run: 10 line\(s\), nothing started/);
    assert.match(stdout, new RegExp(`${ids.renamed}.*already-adopted`));
    assert.match(stdout, /skipped-bad-line\s+│\s+4/);
  });

  it('a bad --rate is a usage error naming the option and the rule', async () => {
    const { code, stderr } = await adopt('--from', path, '--rate', '0');
    assert.equal(code, EXIT.usage);
    assert.match(stderr, /--rate.*must be a whole number from 1 to 1000/);
  });

  it('an unreadable file is a usage error naming --from', async () => {
    const { code, stderr } = await adopt('--from', join(dir, 'missing.jsonl'));
    assert.equal(code, EXIT.usage);
    assert.match(stderr, /--from: cannot read/);
  });
});

describe('adopt and runs that ended [dev server]', () => {
  it('a run an operator terminated, or one that was refused, is not-running (exit 8) with its status, never already-adopted; the dry run says the same', async () => {
    const terminated = randomUUID();
    const refused = randomUUID();
    await h.lifecycle.adoptCluster({ clusterId: terminated, displayName: 'terminated', accountUsername: 'alice', phase: 'registered' });
    await h.lifecycle.handle(terminated).terminate('operator');
    await (await h.startRun(refused, { adopted: { phase: 'installed', subscriptionId: 'x y' } } as never)).result();
    const runIds = await Promise.all([terminated, refused].map(async (id) => (await h.lifecycle.handle(id).describe()).runId));
    const line = (id: string) => JSON.stringify({ id, name: 'ended', user_name: 'alice', status: 'ready' });
    const path = await file('ended.jsonl', [line(terminated), line(refused)]);
    for (const dry of [[], ['--dry-run']]) {
      const { code, stdout } = await adopt('--from', path, ...dry);
      assert.equal(code, EXIT.notRunning, stdout);
      const { clusters, counts } = rowsOf(stdout);
      assert.deepEqual(counts, { 'not-running': 2 });
      assert.deepEqual(clusters.map((r) => r.detail), [
        'its run ended (terminated): left as it is, nothing started (docs/adopt.md)',
        'its run ended (refused): left as it is, nothing started (docs/adopt.md)',
      ]);
    }
    const after = await Promise.all([terminated, refused].map(async (id) => (await h.lifecycle.handle(id).describe()).runId));
    assert.deepEqual(after, runIds, 'no run started');
  });

  it('--rate paces the starts: 10 lines at 5 a second take at least 1.8 s', async () => {
    const path = await file('paced.jsonl', Array.from({ length: 10 }, () => JSON.stringify({ id: randomUUID(), name: 'paced', user_name: 'alice', status: 'ready' })));
    const started = Date.now();
    const { code } = await adopt('--from', path, '--dry-run', '--rate', '5');
    const took = Date.now() - started;
    assert.equal(code, EXIT.ok);
    // A lower bound only: the 10th look-up's slot is 9 intervals of 200 ms after the first.
    assert.ok(took >= 1_800, `took ${took} ms`);
  });
});

describe('adopted runs: what AMS and raw input decide [dev server]', () => {
  it('a stored subscription id AMS does not have is reported (drift finding "recreated") and the cluster\'s own subscription is taken, not a second one', async () => {
    const clusterId = randomUUID();
    const real = await existing(clusterId, 'wrong-id');
    const stored = 'NotInAms0000000000000000000';
    await h.admin.clearRequests();
    const { outcome } = await h.lifecycle.adoptCluster({ clusterId, displayName: 'wrong-id', accountUsername: 'alice', subscriptionId: stored, phase: 'registered' });
    assert.equal(outcome, 'adopted');
    const state = await settled(clusterId, (s) => s.subscriptionId === real && s.pending.length === 0, 'the real subscription found');
    assert.deepEqual(state.drift?.findings.map((f) => [f.kind, f.found]), [['recreated', stored]]);
    const mine = (await h.admin.state()).subscriptions.filter((s) => s.cluster_id === clusterId);
    assert.deepEqual(mine.map((s) => s.id), [real], 'nothing reserved twice');
    assert.deepEqual((await amsRequests()).filter((r) => r.method === 'PATCH' || r.method === 'DELETE'), [], 'AMS already had the line\'s name');
  });

  it('a bad adoption that reaches the workflow without the library refuses the run, naming the field and the rule', async () => {
    const clusterId = randomUUID();
    const handle = await h.startRun(clusterId, { adopted: { phase: 'installed', subscriptionId: 'x y' } } as never);
    const result = await handle.result();
    assert.equal(result.phase, 'refused');
    assert.equal(result.refusal?.operation, 'adopt');
    assert.match(result.refusal?.message ?? '', /subscriptionId: must be letters, digits/);
    assert.match(result.refusal?.message ?? '', /openshiftClusterId: is required when phase is installed/);
  });

  it('the library refuses bad input before anything is sent', async () => {
    await assert.rejects(
      h.lifecycle.adoptCluster({ clusterId: 'nope', displayName: 'x', accountUsername: 'alice', phase: 'registered', consoleUrl: 'http://a.example.com' }),
      (e: Error) => e.name === 'InvalidInputError' && /clusterId: must be a UUID; consoleUrl: must be an absolute https URL/.test(e.message),
    );
  });
});
