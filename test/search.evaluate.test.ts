import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSearch, parseSearch, SearchSyntaxError, toPredicate } from '../emulator/search/index.js';

const OCP_AI = { id: 'OCP-AssistedInstall', kind: 'Plan', type: 'OCP' };
const OCP = { id: 'OCP', kind: 'Plan', type: 'OCP' };

// Subscription-like objects; each one exists to exercise some operator or edge.
const SUBSCRIPTIONS: ReadonlyArray<Record<string, unknown>> = [
  {
    id: 's1', status: 'Active', cluster_id: 'c1', external_cluster_id: 'e1', display_name: 'alpha',
    plan: OCP_AI, creator: { username: 'alice' }, managed: false, created_at: '2024-01-10T08:00:00Z',
    labels: [{ key: 'capability.cluster.subscribed_ocp', value: 'true' }, { key: 'env', value: 'prod' }],
    metrics: [{ cpu_total: 8 }],
  },
  {
    id: 's2', status: 'Reserved', cluster_id: 'c2', display_name: "bob's cluster", plan: OCP_AI,
    creator: { username: 'bob' }, managed: false, labels: [],
    created_at: '2024-03-01T00:00:00+02:00', // 2024-02-29T22:00:00Z
  },
  {
    id: 's3', status: 'Deprovisioned', cluster_id: 'c3', external_cluster_id: 'e3', display_name: 'Alpha-2',
    plan: OCP, creator: { username: 'alice' }, managed: false, created_at: '2023-12-31T23:59:59.500Z',
    labels: [{ key: 'env', value: 'prod' }],
  },
  {
    id: 's4', status: 'Archived', cluster_id: 'k', display_name: null, plan: OCP,
    creator: { username: 'carol' }, managed: true, created_at: '2023-06-01T00:00:00Z',
  },
  {
    id: 's5', status: 'Stale', cluster_id: 'c5', display_name: 'k', plan: { id: 'OCP-AssistedInstall' },
    creator: { username: 'Alice' }, managed: false, created_at: '2024-02-29T21:00:00Z',
  },
  {
    id: 's6', status: 'Disconnected', cluster_id: 'c6', external_cluster_id: 'k', display_name: 'a+b',
    managed: true, created_at: '2024-02-29T23:00:00Z',
  },
  {
    id: 's7', status: 'Active', cluster_id: 'c7', display_name: '50%_off', managed: false,
    created_at: '2025-01-01T00:00:00Z', labels: [{ key: 'env', value: 'dev' }],
    metrics: [{ cpu_total: 2 }, { cpu_total: 16 }],
  },
  { id: 's8', status: 'Reserved', cluster_id: 'c8' },
];

const ALL = SUBSCRIPTIONS.map((subscription) => subscription.id as string);

function matchingIds(search: string): string[] {
  const matches = compileSearch(search);
  return SUBSCRIPTIONS.filter(matches).map((subscription) => subscription.id as string);
}

const CASES: Array<[string, string[]]> = [
  // Seen in the wild.
  ["cluster_id = 'c1'", ['s1']],
  ["external_cluster_id = 'e1'", ['s1']],
  ["status = 'Active'", ['s1', 's7']],
  ["(display_name = 'k' or cluster_id = 'k' or external_cluster_id = 'k')", ['s4', 's5', 's6']],
  ["status NOT IN ('Deprovisioned', 'Archived')", ['s1', 's2', 's5', 's6', 's7', 's8']],
  ['display_name is not null', ['s1', 's2', 's3', 's5', 's6', 's7']],
  ["plan.id = 'OCP-AssistedInstall' and creator.username = 'alice'", ['s1']],
  // Empty search matches everything.
  ['', ALL],
  ['   ', ALL],
  ['++', ALL],
  // Comparison operators; a missing or null field is unknown, so `!=` skips it too.
  ["status != 'Active'", ['s2', 's3', 's4', 's5', 's6', 's8']],
  ["status <> 'Active'", ['s2', 's3', 's4', 's5', 's6', 's8']],
  ["display_name != 'alpha'", ['s2', 's3', 's5', 's6', 's7']],
  ["cluster_id < 'c3'", ['s1', 's2']],
  ["cluster_id <= 'c3'", ['s1', 's2', 's3']],
  ["cluster_id > 'c6'", ['s4', 's7', 's8']],
  ["cluster_id >= 'c6'", ['s4', 's6', 's7', 's8']],
  ["cluster_id = 'C1'", []],
  // Numbers compare numerically (as strings '8' > '10').
  ['metrics.cpu_total > 10', ['s7']],
  ['metrics.cpu_total < 4', ['s7']],
  ['metrics.cpu_total = 8.0', ['s1']],
  ["metrics.cpu_total = '8'", ['s1']],
  ['metrics.cpu_total in (2, 8)', ['s1', 's7']],
  // Booleans, and a boolean literal against the string labels AMS stores.
  ['managed = true', ['s4', 's6']],
  ['managed != true', ['s1', 's2', 's3', 's5', 's7']],
  ["labels.value = true and labels.key like 'capability.%'", ['s1']],
  // like is case-sensitive, ilike is not; % any run, _ one character, \ escapes.
  ["display_name like 'alpha%'", ['s1']],
  ["display_name ilike 'alpha%'", ['s1', 's3']],
  ["display_name not like 'alpha%'", ['s2', 's3', 's5', 's6', 's7']],
  ["display_name not ilike 'ALPHA%'", ['s2', 's5', 's6', 's7']],
  ["display_name like '_'", ['s5']],
  ["display_name like 'a_b'", ['s6']],
  ["display_name like '%\\%%'", ['s7']],
  ["display_name like '50\\%\\_off'", ['s7']],
  ["display_name like 'a.b'", []],
  ["cluster_id not like 'c%'", ['s4']],
  // '' is a quote inside a string.
  ["display_name = 'bob''s cluster'", ['s2']],
  ["display_name like '%''%'", ['s2']],
  // + is a space outside quotes and a literal + inside them.
  ["display_name+=+'a+b'", ['s6']],
  ["status+in+('Active','Stale')+and+cluster_id+!=+'c7'", ['s1', 's5']],
  ["display_name = 'bob''s+cluster'", []],
  // Keywords in any case.
  ["status Not In ('Active') AnD display_name IS NOT NULL", ['s2', 's3', 's5', 's6']],
  ["display_name ILIKE 'ALPHA' OR status = 'Stale'", ['s1', 's5']],
  ["NOT status = 'Active'", ['s2', 's3', 's4', 's5', 's6', 's8']],
  // Precedence: not > and > or; parentheses override.
  ["status = 'Active' or status = 'Reserved' and cluster_id = 'c8'", ['s1', 's7', 's8']],
  ["(status = 'Active' or status = 'Reserved') and cluster_id = 'c8'", ['s8']],
  ["not status = 'Active' and managed = false", ['s2', 's3', 's5']],
  ["not (status = 'Active' and managed = false)", ['s2', 's3', 's4', 's5', 's6', 's8']],
  ["not not status = 'Active'", ['s1', 's7']],
  ["((cluster_id = 'c1')) or (((cluster_id = 'c2')))", ['s1', 's2']],
  ["cluster_id = 'c1' or cluster_id = 'c2' or cluster_id = 'c3' and status = 'Active'", ['s1', 's2']],
  // Null handling: null and missing fields are both null; other comparisons are unknown.
  ['display_name is null', ['s4', 's8']],
  ['display_name = null', ['s4', 's8']],
  ['display_name != null', ['s1', 's2', 's3', 's5', 's6', 's7']],
  ["display_name in ('k', null)", ['s4', 's5', 's8']],
  ["not (display_name = 'alpha')", ['s2', 's3', 's5', 's6', 's7']],
  ["display_name = 'alpha' or display_name is null", ['s1', 's4', 's8']],
  ["creator.username not in ('alice')", ['s2', 's4', 's5']],
  ['display_name < null', []],
  // Dotted paths into objects; an object itself compares as unknown.
  ["plan.type = 'OCP'", ['s1', 's2', 's3', 's4']],
  ["creator.username ilike 'alice'", ['s1', 's3', 's5']],
  ["creator.username in ('alice', 'bob')", ['s1', 's2', 's3']],
  ["plan = 'OCP'", []],
  ["plan.id.deeper = 'x' or plan.id.deeper is null", ALL],
  // Arrays: a condition holds if it holds for any element; no element is a null.
  ["labels.key = 'env'", ['s1', 's3', 's7']],
  ["labels.value = 'prod'", ['s1', 's3']],
  ["labels.key = 'env' and labels.value = 'dev'", ['s7']],
  ['labels.key is null', ['s2', 's4', 's5', 's6', 's8']],
  ['labels.key is not null', ['s1', 's3', 's7']],
  // Only own properties: no reaching into prototypes.
  ['constructor is not null or toString is not null or __proto__ is not null', []],
  // RFC 3339 dates compare chronologically (s2 is 22:00Z, after 23:30 as a string).
  ["created_at < '2024-02-29T23:30:00Z'", ['s1', 's2', 's3', 's4', 's5', 's6']],
  ["created_at = '2024-02-29T22:00:00Z'", ['s2']],
  ["created_at = '2024-02-29T22:00:00'", ['s2']],
  ["created_at < '2024-01-01T00:00:00Z'", ['s3', 's4']],
  ["created_at >= '2024-01-01'", ['s1', 's2', 's5', 's6', 's7']],
  ["created_at > '2024-02-29T23:00:00+01:00'", ['s6', 's7']],
  ["created_at > '2024'", ['s1', 's2', 's5', 's6', 's7']],
];

describe('compileSearch: which subscriptions match', () => {
  for (const [search, ids] of CASES) {
    it(JSON.stringify(search), () => assert.deepEqual(matchingIds(search), ids));
  }
});

describe('compileSearch', () => {
  it('parses once and gives the same answers on every call', () => {
    const matches = compileSearch("labels.key = 'env' and status != 'Deprovisioned'");
    const first = SUBSCRIPTIONS.filter(matches).map((s) => s.id);
    const second = SUBSCRIPTIONS.filter(matches).map((s) => s.id);
    assert.deepEqual(first, ['s1', 's7']);
    assert.deepEqual(second, first);
  });

  it('matches the same as toPredicate over parseSearch', () => {
    const text = "creator.username = 'alice' or managed = true";
    const fromTree = toPredicate(parseSearch(text));
    assert.deepEqual(SUBSCRIPTIONS.filter(fromTree), SUBSCRIPTIONS.filter(compileSearch(text)));
  });

  it('throws SearchSyntaxError for bad text before any object is seen', () => {
    assert.throws(() => compileSearch("status = 'Active' and"), SearchSyntaxError);
  });

  it('compares values that are not valid dates as strings', () => {
    const matches = compileSearch("d > '2024-13-45'");
    assert.equal(matches({ d: '2024-13-46' }), true);
    assert.equal(matches({ d: '2024-12-01' }), false);
  });
});
