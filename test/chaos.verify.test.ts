// Chaos verdicts and the secrets scan, on hand-made inputs: a correct end state gives all
// zeros, each defect counts in its row, and a secret planted in each source is found.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Subscription } from '../emulator/admin-client.js';
import { type ChaosEvent, type ChaosLife } from '../scripts/chaos/lives.js';
import { expectedSubscription } from '../scripts/chaos/oracle.js';
import { passed, type ChaosSummary } from '../scripts/chaos/report.js';
import { errorText, logFilesIn, scanForSecrets, type RunRef, type SecretsInput } from '../scripts/chaos/secrets.js';
import { MUST_BE_ZERO, settled, tally, verify, type VerifyInput } from '../scripts/chaos/verify.js';
import type { ClusterStateView } from '../workflows/definitions.js';
import { findSecretsInText } from './helpers/replay-secrets.js';
import { deletion, id, installed, register, url } from './helpers/chaos-events.js';


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
