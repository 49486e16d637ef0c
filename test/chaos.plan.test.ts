// The chaos harness's own parts, checked without a stack: the same seed gives the same
// lives and faults, every fault kind is scheduled, the oracle says what the design says,
// the verdicts count what they should, and the secrets scan finds a planted secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Subscription } from '../emulator/admin-client.js';
import { CHAOS_FAULT_KINDS, scheduleFaults } from '../scripts/chaos/faults.js';
import { planLives, STORIES, type ChaosEvent, type ChaosLife } from '../scripts/chaos/lives.js';
import { expectedSubscription } from '../scripts/chaos/oracle.js';
import { tally, verify } from '../scripts/chaos/verify.js';
import { findSecretsInText } from './helpers/replay-secrets.js';

const register: ChaosEvent = { kind: 'register', name: 'c', account: 'alice', background: false };
const id: ChaosEvent = { kind: 'openshift-id', id: 'ext-1' };
const url: ChaosEvent = { kind: 'console-url', url: 'https://console.example.com' };

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

describe('chaos oracle (the design, independent of workflows/state.ts)', () => {
  const cases: [string, ChaosEvent[], ReturnType<typeof expectedSubscription>][] = [
    ['registered only', [register], { status: 'Reserved', display_name: 'c' }],
    ['installed', [register, id, url, { kind: 'installed' }], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1', console_url: url.url }],
    ['success before the id: Active once the id came', [register, { kind: 'installed' }, id], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['success and never an id: held Reserved', [register, { kind: 'installed' }], { status: 'Reserved', display_name: 'c' }],
    ['failed: Reserved with the obsolete id', [register, id, { kind: 'install-failed', reason: 'x' }], { status: 'Reserved', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['deleted before install: nothing', [register, id, { kind: 'delete', by: 'user' }], null],
    ['deleted, then a late success: still nothing', [register, id, { kind: 'delete', by: 'user' }, { kind: 'installed' }], null],
    ['installed then deleted: Active left', [register, id, { kind: 'installed' }, { kind: 'delete', by: 'garbage-collection' }], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['a rename after the deletion is ignored', [register, id, { kind: 'installed' }, { kind: 'delete', by: 'user' }, { kind: 'rename', name: 'late' }], { status: 'Active', display_name: 'c', external_cluster_id: 'ext-1' }],
    ['the last rename wins', [register, { kind: 'rename', name: 'r1' }, { kind: 'rename', name: 'r2' }], { status: 'Reserved', display_name: 'r2' }],
  ];
  for (const [name, events, expected] of cases) {
    it(name, () => assert.deepEqual(expectedSubscription(events), expected));
  }
});

describe('chaos verdicts', () => {
  const life = (events: ChaosEvent[]): ChaosLife => ({ index: 0, clusterId: 'c1', story: 'installed', events: events.map((event, i) => ({ event, atMs: i })) });
  const sub = (over: Partial<Subscription>) => ({ id: 's1', cluster_id: 'c1', display_name: 'c', status: 'Reserved', ...over }) as Subscription;
  const base = { views: new Map(), runStatus: new Map([['c1', 'RUNNING']]), aged: new Set<string>(), ageingHappened: false, installerFailures: new Set<string>() };

  it('count a leak, a duplicate, a deleted Active, a revert and a lost update', () => {
    const counts = (events: ChaosEvent[], subscriptions: Subscription[], extra = {}) =>
      tally(verify({ ...base, lives: [life(events)], subscriptions, ...extra }));
    assert.equal(counts([register, { kind: 'delete', by: 'user' }], [sub({})])['Reserved subscriptions leaked'], 1);
    assert.equal(counts([register], [sub({}), sub({ id: 's2' })])['duplicate subscriptions'], 1);
    assert.equal(counts([register, id, { kind: 'installed' }, { kind: 'delete', by: 'user' }], [])['Active subscriptions deleted'], 1);
    const active = sub({ status: 'Active', external_cluster_id: 'ext-1' });
    assert.equal(counts([register, id, { kind: 'installed' }], [active], { aged: new Set(['s1']), ageingHappened: true })['AMS-owned states reverted'], 1);
    assert.equal(counts([register, { kind: 'rename', name: 'new' }], [sub({})])['lost updates'], 1);
    assert.equal(counts([register, id, { kind: 'installed' }], [sub({ status: 'Stale', external_cluster_id: 'ext-1' })], { ageingHappened: true })['lost updates'], 0);
  });
});

describe('the secrets scan', () => {
  it('finds a planted client secret, a JWT, a bearer token and URL user-info, and nothing in clean text', () => {
    const planted = 'worker log: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig sent as Bearer x with s3cr3t to https://admin:pw@console.example.com';
    const found = findSecretsInText(planted, ['s3cr3t']).map((f) => f.what).sort();
    assert.deepEqual(found, ['a JWT', 'a bearer token', 'a client secret', 'user-info in a URL']);
    assert.deepEqual(findSecretsInText('AMS PATCH /api/accounts_mgmt/v1/subscriptions/abc answered 503', ['s3cr3t']), []);
  });
});
