// The chaos harness's own parts, checked without a stack: the same seed gives the same
// lives and faults, every fault kind is scheduled and only counted when it struck, the
// oracle says what the design says, the installer's calls fail where they should, and
// unplanned exits are seen. Verdicts and the secrets scan: chaos.verify.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ClusterDeletedError, RegistrationPendingError } from '../client/errors.js';
import type { ClusterLifecycleClient } from '../client/cluster-client.js';
import type { EmulatorAdmin } from '../emulator/admin-client.js';
import { startProcess } from '../scripts/cluster/processes.js';
import { driveLife, newDriveRecord } from '../scripts/chaos/drive.js';
import { CHAOS_FAULT_KINDS, runFaults, scheduleFaults, type FaultTargets, type ScheduledFault } from '../scripts/chaos/faults.js';
import { planLives, STORIES, type ChaosEvent, type ChaosLife } from '../scripts/chaos/lives.js';
import { expectedSubscription } from '../scripts/chaos/oracle.js';
import { ExitWatch } from '../scripts/chaos/processes.js';
import { deletion, id, installed, register, url } from './helpers/chaos-events.js';


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

  it('an ageing that finds nothing Active ages again until a subscription goes Stale', async () => {
    let advances = 0;
    const base = targets();
    const admin = Object.assign(Object.create(base.admin) as EmulatorAdmin, {
      advanceClock: async () => ({ advances: ++advances }),
      state: async () => ({ subscriptions: advances >= 2 ? [{ id: 's9', status: 'Stale' }] : [] }),
    });
    const counts = await runFaults([fault('ams-ageing')], { ...base, admin }, Date.now(), { waitForHitMs: 10_000 });
    assert.deepEqual([counts['ams-ageing'], advances], [1, 2]);
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

  it('"pending" is an answer: asked again until answered, then the life goes on; the wait is reported', async () => {
    const record = newDriveRecord();
    const sent: string[] = [];
    let asks = 0;
    const slow = fake({
      registerCluster: async () => {
        sent.push(`register ${++asks}`);
        if (asks < 3) throw new RegistrationPendingError('c1', undefined);
        return { subscriptionId: 's1' };
      },
      renameCluster: async () => void sent.push('rename'),
    });
    await driveLife(slow, lifeOf([register, { kind: 'rename', name: 'x' }]), Date.now(), record, { limits: { pendingRetryMs: 50 } });
    assert.deepEqual([record.failures, sent], [[], ['register 1', 'register 2', 'register 3', 'rename']]);
    assert.ok(record.longestRegistrationMs >= 100, `waited ${record.longestRegistrationMs} ms`);
  });

  it('a registration still pending after pendingGiveUpMs is a failed call', async () => {
    const record = newDriveRecord();
    const pending = fake({ registerCluster: async () => Promise.reject(new RegistrationPendingError('c1', undefined)) });
    await driveLife(pending, lifeOf([register]), Date.now(), record, { limits: { pendingRetryMs: 20, pendingGiveUpMs: 200 } });
    assert.deepEqual(record.failures.map((f) => [f.event, f.error]), [['register', 'registration still not answered after 0.2 s']]);
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
