// The chaos harness's own parts, checked without a stack: the same seed gives the same
// lives and faults, every fault kind is scheduled and only counted when it struck, the
// oracle says what the design says, the verdicts count what they should (and nothing
// for a correct end), the installer's calls fail where they should, and the secrets
// scan finds a planted secret in every source it reads.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClusterDeletedError } from '../client/errors.js';
import type { ClusterLifecycleClient } from '../client/cluster-client.js';
import type { EmulatorAdmin, Subscription } from '../emulator/admin-client.js';
import { startProcess } from '../scripts/cluster/processes.js';
import { driveLife, newDriveRecord } from '../scripts/chaos/drive.js';
import { CHAOS_FAULT_KINDS, runFaults, scheduleFaults, type FaultTargets, type ScheduledFault } from '../scripts/chaos/faults.js';
import { planLives, STORIES, type ChaosEvent, type ChaosLife } from '../scripts/chaos/lives.js';
import { expectedSubscription } from '../scripts/chaos/oracle.js';
import { ExitWatch } from '../scripts/chaos/processes.js';
import { passed, type ChaosSummary } from '../scripts/chaos/report.js';
import { errorText, logFilesIn, scanForSecrets, type RunRef, type SecretsInput } from '../scripts/chaos/secrets.js';
import { MUST_BE_ZERO, settled, tally, verify, type VerifyInput } from '../scripts/chaos/verify.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { findSecretsInText } from './helpers/replay-secrets.js';

const register: ChaosEvent = { kind: 'register', name: 'c', account: 'alice', background: false };
const id: ChaosEvent = { kind: 'openshift-id', id: 'ext-1' };
const url: ChaosEvent = { kind: 'console-url', url: 'https://console.example.com' };
const installed: ChaosEvent = { kind: 'installed' };
const deletion: ChaosEvent = { kind: 'delete', by: 'user' };

describe('chaos plan', () => {
  it('the same seed gives the same lives and faults; another seed others', () => {
    const a = planLives({ clusters: 40, seed: 5, durationMs: 60_000 });
    assert.deepEqual(a, planLives({ clusters: 40, seed: 5, durationMs: 60_000 }));
    assert.notDeepEqual(a, planLives({ clusters: 40, seed: 6, durationMs: 60_000 }));
    assert.deepEqual(scheduleFaults(5, 60_000, 2, 3_000), scheduleFaults(5, 60_000, 2, 3_000));
  });

  it('every story and every fault kind is in a run of fifty clusters', () => {
    const lives = planLives({ clusters: 50, seed: 1, durationMs: 60_000 });
    assert.deepEqual(STORIES.filter((s) => !lives.some((l) => l.story === s)), []);
    const kinds = new Set(scheduleFaults(1, 60_000, 2, 3_000).map((f) => f.kind));
    assert.deepEqual(CHAOS_FAULT_KINDS.filter((k) => !kinds.has(k)), []);
  });

  it('events stay within the duration and in order for each life', () => {
    for (const life of planLives({ clusters: 200, seed: 9, durationMs: 30_000 })) {
      const times = life.events.map((e) => e.atMs);
      assert.deepEqual(times, [...times].sort((x, y) => x - y));
      assert.ok(times.at(-1)! <= 30_000, `${life.clusterId}: ${times.at(-1)}`);
      assert.equal(life.events[0]!.event.kind, 'register');
    }
  });
});

describe('chaos fault counts: only what struck', () => {
  const fault = (kind: ScheduledFault['kind'], extra: Partial<ScheduledFault> = {}): ScheduledFault => ({ kind, atMs: 0, forMs: 0, ...extra });
  function targets(over: Partial<FaultTargets> & { hits?: number; stale?: string[] } = {}): FaultTargets {
    let states = 0;
    const admin = {
      addFault: async () => ({ id: 'fault-1', hits: 0 }),
      faults: async () => [{ id: 'fault-1', hits: over.hits ?? 0 }],
      removeFault: async () => undefined,
      advanceClock: async () => ({}),
      // Before the ageing nothing is Stale; after it, `stale`.
      state: async () => ({ subscriptions: (states++ === 0 ? [] : (over.stale ?? [])).map((id) => ({ id, status: 'Stale' })) }),
    } as unknown as EmulatorAdmin;
    return { admin, killWorker: async () => true, startWorker: async () => undefined, restartTemporal: async () => undefined, onAged: () => undefined, log: () => undefined, ...over };
  }
  const quick = { waitForHitMs: 0 };

  it('an outage no request met, a kill of a worker that was not running, an ageing that aged nothing: all zero', async () => {
    const counts = await runFaults([fault('ams-outage', { rule: { kind: 'outage' } }), fault('worker-kill', { worker: 0 }), fault('ams-ageing')], targets({ killWorker: async () => false }), Date.now(), quick);
    assert.deepEqual([counts['ams-outage'], counts['worker-kill'], counts['ams-ageing']], [0, 0, 0]);
  });

  it('counts requests hit, confirmed kills, finished restarts and each subscription aged', async () => {
    const aged: string[] = [];
    const schedule = [fault('ams-outage', { rule: { kind: 'outage' } }), fault('worker-kill', { worker: 1 }), fault('temporal-restart'), fault('ams-ageing')];
    const counts = await runFaults(schedule, targets({ hits: 3, stale: ['s1', 's2'], onAged: (ids) => aged.push(...ids) }), Date.now(), quick);
    assert.deepEqual([counts['ams-outage'], counts['worker-kill'], counts['temporal-restart'], counts['ams-ageing']], [3, 1, 1, 2]);
    assert.deepEqual(aged, ['s1', 's2']);
  });

  it('a restart that fails is not counted and fails the fault loop, without an unhandled rejection', async () => {
    const failing = targets({ restartTemporal: async () => Promise.reject(new Error('server did not come back')) });
    await assert.rejects(runFaults([fault('temporal-restart'), fault('ams-ageing', { atMs: 50 })], failing, Date.now(), quick), /server did not come back/);
  });
});

describe('chaos oracle (the design, independent of workflows/state.ts)', () => {
  const cases: [string, ChaosEvent[], ReturnType<typeof expectedSubscription>][] = [
    ['registered only', [register], { status: 'Reserved', display_name: 'c' }],
    ['installed', [register, id, url, installed], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1', console_url: url.url }],
    ['success before the id: Active once the id came', [register, installed, id], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['success and never an id: held Reserved', [register, installed], { status: 'Reserved', display_name: 'c' }],
    ['failed: Reserved with the obsolete id', [register, id, { kind: 'install-failed', reason: 'x' }], { status: 'Reserved', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['deleted before install: nothing', [register, id, deletion], null],
    ['deleted, then a late success: still nothing', [register, id, deletion, installed], null],
    ['installed then deleted: Active left', [register, id, installed, { kind: 'delete', by: 'garbage-collection' }], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['a rename after the deletion is ignored', [register, id, installed, deletion, { kind: 'rename', name: 'late' }], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['the last rename wins', [register, { kind: 'rename', name: 'r1' }, { kind: 'rename', name: 'r2' }], { status: 'Reserved', display_name: 'r2' }],
  ];
  for (const [name, events, expected] of cases) {
    it(name, () => assert.deepEqual(expectedSubscription(events), expected));
  }
});

describe('chaos verdicts', () => {
  const life = (events: ChaosEvent[]): ChaosLife => ({ index: 0, clusterId: 'c1', story: 'installed', events: events.map((event, i) => ({ event, atMs: i })) });
  const alice = { accountId: 'acc-alice', organizationId: 'org-acme' };
  const sub = (over: Partial<Subscription>) =>
    ({ id: 's1', cluster_id: 'c1', display_name: 'c', status: 'Reserved', creator: { id: alice.accountId, kind: 'Account', href: '' }, organization_id: alice.organizationId, ...over }) as Subscription;
  /** What the run's query shows once it has done everything it was told. */
  const view = (events: ChaosEvent[], over: Partial<ClusterStateView> = {}): ClusterStateView => {
    const expected = expectedSubscription(events);
    const desired = expected ? { display_name: expected.display_name, external_cluster_id: expected.external_cluster_id, console_url: expected.console_url } : { display_name: 'c' };
    return { desired, pending: [], failures: 0, done: events.some((e) => e.kind === 'delete'), phase: 'reserved', ...over } as unknown as ClusterStateView;
  };
  /** A correct end for `events` with `subscriptions` in AMS; `over` then breaks one thing. */
  const input = (events: ChaosEvent[], subscriptions: Subscription[], over: Partial<VerifyInput> = {}): VerifyInput => ({
    lives: [life(events)],
    views: new Map([['c1', view(events)]]),
    runs: new Map([['c1', [{ workflowId: 'w', runId: 'r1', status: events.some((e) => e.kind === 'delete') ? 'COMPLETED' : 'RUNNING' }]]]),
    subscriptions,
    earlierSubscriptions: subscriptions,
    aged: new Set(),
    installerFailures: [],
    owners: new Map([['alice', alice]]),
    unplannedExits: [],
    ...over,
  });
  const counts = (...args: Parameters<typeof input>) => tally(verify(input(...args)));
  const zero = Object.fromEntries(MUST_BE_ZERO.map((c) => [c, 0]));
  const active = sub({ status: 'Active', external_cluster_id: 'ext-1' });

  it('a correct end gives every count zero', () => {
    assert.deepEqual(counts([register], [sub({})]), zero);
    assert.deepEqual(counts([register, id, installed], [active]), zero);
    assert.deepEqual(counts([register, id, deletion], []), zero);
    assert.deepEqual(counts([register, id, installed], [sub({ status: 'Stale', external_cluster_id: 'ext-1' })], { aged: new Set(['s1']) }), zero);
  });

  it('count a leak, a duplicate, a deleted Active, a revert and a lost update', () => {
    assert.equal(counts([register, deletion], [sub({})])['Reserved subscriptions leaked'], 1);
    assert.equal(counts([register], [sub({}), sub({ id: 's2' })])['duplicate subscriptions'], 1);
    assert.equal(counts([register, id, installed, deletion], [])['Active subscriptions deleted'], 1);
    assert.equal(counts([register, id, installed], [active], { aged: new Set(['s1']) })['AMS-owned states reverted'], 1);
    assert.equal(counts([register, { kind: 'rename', name: 'new' }], [sub({})])['lost updates'], 1);
  });

  it('Stale is accepted only for a subscription the ageing aged', () => {
    const stale = sub({ status: 'Stale', external_cluster_id: 'ext-1' });
    assert.equal(counts([register, id, installed], [stale], { aged: new Set() })['lost updates'], 1);
    assert.equal(counts([register, id, installed], [stale], { aged: new Set(['another']) })['lost updates'], 1);
    assert.equal(counts([register, id, installed], [sub({ status: 'Reserved', external_cluster_id: 'ext-1' })], { aged: new Set(['s1']) })['AMS-owned states reverted'], 1);
  });

  it('a subscription of no life, or of no cluster at all, is an orphan', () => {
    const c = counts([register], [sub({}), sub({ id: 's9', cluster_id: 'someone-else' }), sub({ id: 's10', cluster_id: undefined as unknown as string })]);
    assert.equal(c['orphan subscriptions'], 2);
  });

  it('a subscription created for another account or organization is counted', () => {
    assert.equal(counts([register], [sub({ creator: { id: 'acc-bob', kind: 'Account', href: '' } })])['wrong creator or organization'], 1);
    assert.equal(counts([register], [sub({ organization_id: 'org-globex' })])['wrong creator or organization'], 1);
    assert.equal(counts([register], [sub({})], { owners: new Map() })['wrong creator or organization'], 1);
  });

  it('AMS that changed between the two final snapshots is counted', () => {
    const c = counts([register], [sub({ display_name: 'c' })], { earlierSubscriptions: [sub({ display_name: 'old' }), sub({ id: 'gone' })] });
    assert.equal(c['AMS changed after settling'], 2);
  });

  it('runs failed: any failed, terminated or timed-out run of the workflow, also before a later good one', () => {
    const events = [register, id, deletion];
    for (const status of ['FAILED', 'TERMINATED', 'TIMED_OUT']) {
      const runs = new Map([['c1', [{ workflowId: 'w', runId: 'r1', status }, { workflowId: 'w', runId: 'r2', status: 'COMPLETED' }]]]);
      assert.equal(counts(events, [], { runs })['runs failed'], 1, status);
    }
    const continued = new Map([['c1', [{ workflowId: 'w', runId: 'r1', status: 'CONTINUED_AS_NEW' }, { workflowId: 'w', runId: 'r2', status: 'COMPLETED' }]]]);
    assert.equal(counts(events, [], { runs: continued })['runs failed'], 0);
  });

  it('a cluster never deleted whose run completed is neither settled nor correct', () => {
    const events = [register];
    assert.equal(settled(life(events), view(events, { done: true })), false);
    assert.equal(settled(life(events), view(events)), true);
    const runs = new Map([['c1', [{ workflowId: 'w', runId: 'r1', status: 'COMPLETED' }]]]);
    assert.equal(counts(events, [sub({})], { runs, views: new Map([['c1', view(events, { done: true })]]) })['runs failed'], 1);
  });

  it('runs stuck: work pending, failures, told something else, a deleted run still open, no state', () => {
    const stuck = (events: ChaosEvent[], v: ClusterStateView | undefined, subs: Subscription[] = [sub({})]) =>
      counts(events, subs, { views: new Map(v ? [['c1', v]] : []), runs: new Map([['c1', [{ workflowId: 'w', runId: 'r1', status: 'RUNNING' }]]]) })['runs stuck'];
    assert.equal(stuck([register], view([register], { pending: [{ kind: 'create' }] })), 1);
    assert.equal(stuck([register], view([register], { failures: 2 })), 1);
    assert.equal(stuck([register, url], view([register]), [sub({ console_url: url.url })]), 1);
    assert.equal(stuck([register, deletion], view([register, deletion], { done: false }), []), 1);
    assert.equal(stuck([register], undefined), 1);
  });

  it('installer calls failed and unplanned process exits are counted; a count or a secrets source not read fails the run', () => {
    assert.equal(counts([register], [sub({})], { installerFailures: [{ clusterId: 'c1', event: 'rename', error: 'x' }] })['installer calls failed'], 1);
    assert.equal(counts([register], [sub({})], { unplannedExits: ['worker-1 (pid 1) exited on its own (code 1)'] })['unplanned process exits'], 1);
    const summary = (over: Partial<ChaosSummary>) => ({ counts: zero, secrets: { findings: [], failures: [] }, ...over }) as unknown as ChaosSummary;
    assert.equal(passed(summary({})), true);
    assert.equal(passed(summary({ counts: { ...zero, 'unplanned process exits': 1 } as ChaosSummary['counts'] })), false);
    assert.equal(passed(summary({ secrets: { findings: [], failures: ['Web UI /x: answered 500'] } as unknown as ChaosSummary['secrets'] })), false);
  });
});

describe('the installer as the chaos drive plays it', () => {
  const lifeOf = (events: ChaosEvent[]): ChaosLife => ({ index: 0, clusterId: 'c1', story: 'installed', events: events.map((event) => ({ event, atMs: 0 })) });
  const fake = (over: Record<string, unknown>) => ({ registerCluster: async () => ({}), deleteCluster: async () => ({}), renameCluster: async () => undefined, ...over }) as unknown as ClusterLifecycleClient;

  it('"already deleted" before the life deleted the cluster is a failed call; after it, expected', async () => {
    const early = newDriveRecord();
    const deletedEarly = fake({ renameCluster: async () => Promise.reject(new ClusterDeletedError('c1')) });
    await driveLife(deletedEarly, lifeOf([register, { kind: 'rename', name: 'x' }]), Date.now(), early);
    assert.deepEqual(early.failures.map((f) => f.event), ['rename']);
    const late = newDriveRecord();
    await driveLife(deletedEarly, lifeOf([register, deletion, { kind: 'rename', name: 'x' }]), Date.now(), late);
    assert.deepEqual(late.failures, []);
  });

  it('a background registration whose run never appears is given up on and counted', { timeout: 10_000 }, async () => {
    const record = newDriveRecord();
    const never = fake({ registerCluster: async () => Promise.reject(new Error('not created yet')), handle: () => ({ describe: async () => Promise.reject(new Error('not found')) }) });
    const life = lifeOf([{ ...register, background: true } as ChaosEvent, deletion]);
    const controller = new AbortController();
    const done = driveLife(never, life, Date.now(), record, { limits: { runAppearsMs: 300, pendingRetryMs: 50 }, signal: controller.signal });
    while (record.failures.length === 0) await new Promise((r) => setTimeout(r, 50));
    controller.abort(); // the registration itself keeps failing: stop the life
    await done.catch(() => undefined);
    assert.match(record.failures[0]!.error, /did not exist/);
  });
});

describe('chaos process exits', () => {
  it('an exit nobody planned is recorded; a planned one is not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaos-exit-'));
    const watch = new ExitWatch();
    const start = (name: string) => startProcess(process.execPath, ['-e', 'setTimeout(() => process.exit(3), 100)'], { env: {}, logFile: join(dir, `${name}.log`) });
    const [crashing, planned] = [start('crashing'), start('planned')];
    watch.watch(crashing, 'crashing');
    watch.watch(planned, 'planned');
    watch.planned(planned);
    await Promise.all([crashing.exited, planned.exited]);
    await new Promise((r) => setImmediate(r));
    assert.equal(watch.unplanned.length, 1);
    assert.match(watch.unplanned[0]!, /^crashing .*code 3/);
  });
});

describe('the secrets scan', () => {
  it('finds a planted client secret, a JWT, a bearer token and URL user-info, and nothing in clean text', () => {
    const planted = 'worker log: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig sent as Bearer x with s3cr3t to https://admin:pw@console.example.com';
    const found = findSecretsInText(planted, ['s3cr3t']).map((f) => f.what).sort();
    assert.deepEqual(found, ['a JWT', 'a bearer token', 'a client secret', 'user-info in a URL']);
    assert.deepEqual(findSecretsInText('AMS PATCH /api/accounts_mgmt/v1/subscriptions/abc answered 503', ['s3cr3t']), []);
  });

  const SECRET = 's3cr3t-planted';
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const run: RunRef = { workflowId: 'cluster-c1', runId: 'r1' };
  const clean: SecretsInput = {
    runs: [run],
    history: async () => ({ events: [{ eventId: '1', input: { payloads: [{ data: b64('"clean"') }] } }] }),
    describe: async () => ({ pendingActivities: [] }),
    logFiles: [],
    messages: ['AMS answered 503'],
    states: [{ phase: 'reserved' }],
    secrets: [SECRET],
    uiUrl: 'http://ui',
    fetchPage: async (url: string) => ({ status: 200, text: JSON.stringify(url.includes('/history') ? { history: { events: [] } } : url.includes('runId') ? { workflowExecutionInfo: {} } : { executions: [] }) }),
  };

  it('finds nothing in clean sources, and the secret planted in each source it reads', async () => {
    const scan = await scanForSecrets(clean);
    assert.deepEqual([scan.findings, scan.failures, scan.uiPages, scan.histories], [[], [], 3, 1]);
    const dir = mkdtempSync(join(tmpdir(), 'chaos-secrets-'));
    mkdirSync(join(dir, 'cluster', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'cluster', 'logs', 'postgres.log'), `FATAL: password ${SECRET}\n`);
    writeFileSync(join(dir, 'temporal.sqlite'), SECRET); // not a log: not read
    const cause = new Error('AMS refused', { cause: Object.assign(new Error('token request failed'), { details: [{ body: `client_secret=${SECRET}` }] }) });
    const sources: [string, Partial<SecretsInput>, RegExp][] = [
      ['a history payload', { history: async () => ({ events: [{ input: { payloads: [{ data: b64(`{"secret":"${SECRET}"}`) }] } }] }) }, /^history of cluster-c1 run r1$/],
      ["a run's description (a pending activity's last failure)", { describe: async () => ({ pendingActivities: [{ lastFailure: { encodedAttributes: { data: Buffer.from(SECRET) } } }] }) }, /^description of/],
      ['a log file in the data folder', { logFiles: logFilesIn(dir) }, /postgres\.log$/],
      ['a Web UI page', { fetchPage: async (url: string) => ({ status: 200, text: JSON.stringify(url.endsWith('/workflows') ? { executions: [{ memo: SECRET }] } : url.includes('/history') ? { history: { events: [] } } : { workflowExecutionInfo: {} }) }) }, /^Web UI \/api\/v1\/namespaces\/default\/workflows$/],
      ['a state view', { states: [{ lastError: { message: `token ${SECRET}` } }] }, /^clusterState queries$/],
      ["an error's cause", { messages: [errorText(cause)] }, /^client errors$/],
    ];
    assert.deepEqual(logFilesIn(dir), [join(dir, 'cluster', 'logs', 'postgres.log')]);
    for (const [name, planted, source] of sources) {
      const scan = await scanForSecrets({ ...clean, ...planted });
      assert.equal(scan.failures.length, 0, name);
      assert.deepEqual(scan.findings.map((f) => f.source).filter((s) => !source.test(s)), [], name);
      assert.ok(scan.findings.some((f) => f.what === 'a client secret'), `the secret was not found in ${name}`);
    }
  });

  it("the emulator's start banner (the credentials it issues, by design) is skipped; what it logs after is read", async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'chaos-banner-')), 'emulator.log');
    const banner = `client id ams-lifecycle  secret ${SECRET}\n`;
    writeFileSync(log, banner);
    const skip = { logFiles: [log], logStarts: { [log]: Buffer.byteLength(banner) } };
    assert.deepEqual((await scanForSecrets({ ...clean, ...skip })).findings, []);
    writeFileSync(log, `${banner}unhandled emulator error: ${SECRET}\n`);
    assert.equal((await scanForSecrets({ ...clean, ...skip })).findings.length, 1);
  });

  it('a Web UI page that is not a 200 with the expected JSON counts as a failure, not as clean', async () => {
    for (const answer of [{ status: 500, text: '{}' }, { status: 200, text: '<html>login</html>' }, { status: 200, text: '{"code":5}' }]) {
      const scan = await scanForSecrets({ ...clean, fetchPage: async () => answer });
      assert.equal(scan.failures.length, 3, JSON.stringify(answer));
    }
  });

  it('a history that cannot be read is a failure, and every run of the workflow is read', async () => {
    const read: string[] = [];
    const scan = await scanForSecrets({
      ...clean,
      runs: [run, { workflowId: 'cluster-c1', runId: 'r0' }],
      history: async (r: RunRef) => (read.push(r.runId), r.runId === 'r0' ? Promise.reject(new Error('unavailable')) : { events: [] }),
    });
    assert.deepEqual(read.sort(), ['r0', 'r1']);
    assert.equal(scan.failures.length, 1);
  });
});
