// The demo's cluster lives, planned from the seed alone, and what the design says
// AMS must hold at the end of each life.
import type { DeletedBy } from '../../workflows/definitions.js';
import { SeededRandom } from './random.js';

export const OUTCOMES = [
  { outcome: 'installed', label: 'installed → Active' },
  { outcome: 'restarted-installed', label: 'failed, restarted, installed → Active' },
  { outcome: 'failed', label: 'install failed → stays Reserved' },
  { outcome: 'deleted-by-user', label: 'deleted by user before install → no subscription' },
  { outcome: 'garbage-collected', label: 'garbage-collected before install → no subscription' },
  { outcome: 'installed-then-deleted', label: 'deleted after install → Active left untouched' },
] as const;

export type Outcome = (typeof OUTCOMES)[number]['outcome'];

// Interleaved so that any prefix is mostly installs with every other life close by:
// 12 clusters give 6 installed, 2 restarted and 1 of each of the rest.
const OUTCOME_CYCLE: Outcome[] = [
  'installed',
  'restarted-installed',
  'installed',
  'failed',
  'installed',
  'deleted-by-user',
  'installed',
  'garbage-collected',
  'installed',
  'installed-then-deleted',
];

export type Step =
  | { kind: 'register'; name: string; account: string }
  | { kind: 'rename'; name: string }
  | { kind: 'openshift-id'; id: string }
  | { kind: 'console-url'; url: string }
  | { kind: 'installed' }
  | { kind: 'install-failed'; reason: string }
  | { kind: 'restart' }
  | { kind: 'delete'; by: DeletedBy };

export interface TimedStep {
  step: Step;
  /** Pause before the step, so lives interleave like real installs. */
  pauseMs: number;
}

export interface ClusterLife {
  index: number;
  clusterId: string;
  outcome: Outcome;
  steps: TimedStep[];
}

/** The subscription AMS must hold at the end (null: none at all). */
export interface ExpectedSubscription {
  status: 'Active' | 'Reserved';
  display_name: string;
  external_cluster_id?: string;
  console_url?: string;
}

/** Accounts the emulator knows by default. */
const ACCOUNTS = ['alice', 'bob', 'carol'];
const ENVIRONMENTS = ['prod', 'staging', 'edge', 'lab', 'qa', 'perf'];
const REGIONS = ['east', 'west', 'north', 'south', 'central'];

export interface PlanOptions {
  clusters: number;
  seed: number;
  /** Upper bound of the pause before each step. */
  maxPauseMs?: number;
}

function lifeSteps(random: SeededRandom, outcome: Outcome, name: string): Step[] {
  const register: Step = { kind: 'register', name, account: random.pick(ACCOUNTS) };
  const openshiftId = (): Step => ({ kind: 'openshift-id', id: random.uuid() });
  const consoleUrl: Step = { kind: 'console-url', url: `https://console-openshift-console.apps.${name}.demo.example.com` };
  const failed: Step = { kind: 'install-failed', reason: random.pick(['host validation failed', 'timed out waiting for bootstrap', 'disk too small']) };
  const install: Step[] = [openshiftId(), consoleUrl, { kind: 'installed' }];
  switch (outcome) {
    case 'installed':
      return [register, ...install];
    case 'restarted-installed':
      return [register, openshiftId(), failed, { kind: 'restart' }, ...install];
    case 'failed':
      return [register, openshiftId(), ...(random.chance(0.5) ? [consoleUrl] : []), failed];
    case 'deleted-by-user':
    case 'garbage-collected': {
      const by: DeletedBy = outcome === 'deleted-by-user' ? 'user' : 'garbage-collection';
      const started = random.chance(0.5) ? [openshiftId(), failed] : [];
      return [register, ...started, { kind: 'delete', by }];
    }
    case 'installed-then-deleted':
      return [register, ...install, { kind: 'delete', by: 'user' }];
  }
}

/** About a third of the clusters get renamed one to three times, somewhere after registration. */
function withRenames(random: SeededRandom, steps: Step[], name: string): Step[] {
  if (!random.chance(0.35)) return steps;
  const renames = random.int(1, 3);
  const result = [...steps];
  for (let k = 1; k <= renames; k++) {
    const deletion = result.findIndex((s) => s.kind === 'delete');
    const at = random.int(1, deletion === -1 ? result.length : deletion);
    result.splice(at, 0, { kind: 'rename', name: `${name}-r${k}` });
  }
  return result;
}

export function planDemo(options: PlanOptions): ClusterLife[] {
  const random = new SeededRandom(options.seed);
  const maxPauseMs = options.maxPauseMs ?? 200;
  const outcomes = random.shuffle(Array.from({ length: options.clusters }, (_, i) => OUTCOME_CYCLE[i % OUTCOME_CYCLE.length]!));
  return outcomes.map((outcome, index) => {
    const name = `${random.pick(ENVIRONMENTS)}-${random.pick(REGIONS)}-${String(index + 1).padStart(3, '0')}`;
    const clusterId = random.uuid();
    const steps = withRenames(random, lifeSteps(random, outcome, name), name);
    return { index, clusterId, outcome, steps: steps.map((step) => ({ step, pauseMs: random.int(0, maxPauseMs) })) };
  });
}

/** The last value the installer reported for each field, and whether it installed / deleted. */
export function finalValues(life: ClusterLife): { name: string; openshiftId?: string; consoleUrl?: string; installed: boolean; deleted: boolean } {
  const result: ReturnType<typeof finalValues> = { name: '', installed: false, deleted: false };
  for (const { step } of life.steps) {
    if (step.kind === 'register' || step.kind === 'rename') result.name = step.name;
    else if (step.kind === 'openshift-id') result.openshiftId = step.id;
    else if (step.kind === 'console-url') result.consoleUrl = step.url;
    else if (step.kind === 'installed') result.installed = true;
    else if (step.kind === 'delete') result.deleted = true;
  }
  return result;
}

/**
 * The design's rules: an installed cluster's subscription is Active with the last
 * values, whether or not the cluster was deleted later; a failed one stays Reserved
 * with the last (possibly obsolete) values; a cluster deleted before it installed
 * has no subscription left.
 */
export function expectedSubscription(life: ClusterLife): ExpectedSubscription | null {
  const last = finalValues(life);
  if (last.deleted && !last.installed) return null;
  return {
    status: last.installed ? 'Active' : 'Reserved',
    display_name: last.name,
    ...(last.openshiftId !== undefined ? { external_cluster_id: last.openshiftId } : {}),
    ...(last.consoleUrl !== undefined ? { console_url: last.consoleUrl } : {}),
  };
}
