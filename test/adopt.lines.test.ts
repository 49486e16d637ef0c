// The adoption file's rules and the adopted run's first state, as pure code: which
// lines are bad (number, field, rule), how a status maps to a phase, and what the
// run's first AMS step is for each kind of line.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseAdoptionFile, STATUS_PHASES } from '../cli/adopt/lines.js';
import { planOf } from '../cli/adopt/run.js';
import { adoptedState } from '../workflows/adoption.js';
import { nextWork, RULES } from '../workflows/state.js';

const NOW = '2026-12-02T12:00:00.000Z';
const line = (o: Record<string, unknown>) => JSON.stringify({ id: randomUUID(), name: 'c', user_name: 'alice', status: 'ready', ...o });

describe('adoption file', () => {
  it('maps names and statuses onto the library input, lower-casing the id and dropping null or empty values', () => {
    const id = randomUUID().toUpperCase();
    const os = randomUUID();
    const [entry] = parseAdoptionFile(line({ id, status: 'adding-hosts', ams_subscription_id: 'sub-1', openshift_cluster_id: os, console_url: '', deleted_at: null }));
    assert.deepEqual(entry, {
      line: 1,
      ok: true,
      input: { clusterId: id.toLowerCase(), displayName: 'c', accountUsername: 'alice', subscriptionId: 'sub-1', phase: 'installed', openshiftClusterId: os },
    });
    assert.equal(STATUS_PHASES['error'], 'failed');
    assert.equal(STATUS_PHASES['preparing-for-installation'], 'installing');
  });

  it('deleted_at makes a deletion, by the user unless deleted_by says garbage-collection', () => {
    const [a, b] = parseAdoptionFile([line({ deleted_at: '2026-11-01T00:00:00Z' }), line({ deleted_at: 'x', deleted_by: 'garbage-collection' })].join('\n'));
    assert.deepEqual([a?.ok && a.input.deletedBy, b?.ok && b.input.deletedBy], ['user', 'garbage-collection']);
  });

  it('reports every bad line with its number, field (as written in the file) and rule; blank lines count but are skipped', () => {
    const id = randomUUID();
    const lines = parseAdoptionFile(
      [
        line({ id }),
        '',
        '[1,2]',
        line({ id }),
        line({ user_name: '' }),
        line({ status: 'unknown-state' }),
        line({ openshift_cluster_id: 'not-a-uuid' }),
        line({ deleted_by: 'user' }),
        line({ ams_subscription_id: 'has space' }),
        line({ deleted_by: 'robot', deleted_at: 'x' }),
        line({ status: 'installed' }),
      ].join('\r\n'),
    );
    const bad = lines.filter((l) => !l.ok).map((l) => [l.line, ...(l.ok ? [] : l.issues.map((i) => `${i.field}: ${i.rule}`))]);
    assert.deepEqual(bad, [
      [3, '(line): must be one JSON object'],
      [4, 'id: appears again (first on line 1)'],
      [5, 'user_name: must not be empty'],
      [6, `status: must be one of ${Object.keys(STATUS_PHASES).join(', ')}`],
      [7, 'openshift_cluster_id: must be a UUID'],
      [8, 'deleted_by: needs deleted_at'],
      [9, 'ams_subscription_id: must be letters, digits, ".", "_" or "-"'],
      [10, "deleted_by: must be 'user' or 'garbage-collection'"],
      [11, 'openshift_cluster_id: is required when phase is installed'],
    ]);
    assert.equal(lines.length, 10);
  });
});

describe('adopted run: first state', () => {
  const registration = { clusterId: randomUUID(), displayName: 'c', accountUsername: 'alice' };

  it('with a subscription id: nothing is created or patched up front; the drift check (one read of AMS) comes first', () => {
    const os = randomUUID();
    const state = adoptedState(registration, { subscriptionId: 's1', phase: 'installed', openshiftClusterId: os }, RULES, NOW);
    assert.equal(state.phase, 'installed');
    assert.equal(state.subscriptionId, 's1');
    assert.deepEqual(state.applied, { display_name: 'c', external_cluster_id: os, status: 'Active' });
    assert.deepEqual(nextWork(state), { kind: 'drift', notBefore: NOW });
  });

  it('without one: the create step (at registration too), which never reserves a second subscription for the cluster_id', () => {
    const state = adoptedState(registration, { phase: 'failed' }, RULES, NOW);
    assert.deepEqual([state.phase, nextWork(state)], ['failed', { kind: 'create' }]);
  });

  it('deleted: the deletion path (delete only if Reserved), no drift check', () => {
    const state = adoptedState(registration, { subscriptionId: 's1', phase: 'installing', deletedBy: 'garbage-collection' }, RULES, NOW);
    assert.deepEqual([state.phase, state.deletion?.by, state.drift, nextWork(state)], ['deleted', 'garbage-collection', undefined, { kind: 'delete' }]);
    assert.match(planOf({ ...registration, subscriptionId: 's1', phase: 'installing', deletedBy: 'user' }), /delete s1 if Reserved/);
  });
});
