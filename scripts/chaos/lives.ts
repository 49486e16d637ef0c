// Seeded cluster lives for the chaos run: what the installer does to each cluster and
// when, including what a real installer does besides the happy path: repeated calls,
// reordered and late signals, deletion before the subscription exists, lives left open.
// The same seed always gives the same lives.
import type { DeletedBy } from '../../workflows/definitions.js';
import type { Step } from '../demo/plan.js';
import { SeededRandom } from '../demo/random.js';

/** The demo's installer steps; on register, `background`: the installer goes on without waiting for the subscription id. */
export type ChaosEvent = Exclude<Step, { kind: 'register' }> | (Extract<Step, { kind: 'register' }> & { background: boolean });

export interface TimedEvent {
  event: ChaosEvent;
  /** When to send it, from the start of the run. */
  atMs: number;
}

export const STORIES = [
  'installed',
  'success-before-id',
  'failed-restarted-installed',
  'failed-left-open',
  'deleted-before-install',
  'deleted-before-subscription',
  'installed-while-registering',
  'deleted-after-install',
  'left-open-midway',
] as const;
export type Story = (typeof STORIES)[number];

const WEIGHTS: Record<Story, number> = {
  installed: 24,
  'success-before-id': 8,
  'failed-restarted-installed': 10,
  'failed-left-open': 10,
  'deleted-before-install': 12,
  'deleted-before-subscription': 8,
  'installed-while-registering': 8,
  'deleted-after-install': 16,
  'left-open-midway': 12,
};

export interface ChaosLife {
  index: number;
  clusterId: string;
  story: Story;
  events: TimedEvent[];
}

const ACCOUNTS = ['alice', 'bob', 'carol'];

function storyEvents(random: SeededRandom, story: Story, name: string): ChaosEvent[] {
  const register = (background = false): ChaosEvent => ({ kind: 'register', name, account: random.pick(ACCOUNTS), background });
  const id = (): ChaosEvent => ({ kind: 'openshift-id', id: random.uuid() });
  const url: ChaosEvent = { kind: 'console-url', url: `https://console-openshift-console.apps.${name}.chaos.example.com` };
  const failed: ChaosEvent = { kind: 'install-failed', reason: random.pick(['bootstrap timed out', 'host validation failed']) };
  const by = (): DeletedBy => (random.chance(0.5) ? 'user' : 'garbage-collection');
  switch (story) {
    case 'installed':
      return [register(), id(), url, { kind: 'installed' }];
    case 'success-before-id': // the monitor's report overtakes the id
      return [register(), { kind: 'installed' }, url, id()];
    case 'failed-restarted-installed': {
      const first = id();
      return [register(), first, failed, ...(random.chance(0.5) ? [first] : []), { kind: 'restart' }, id(), url, { kind: 'installed' }];
    }
    case 'failed-left-open': {
      const only = id();
      return [register(), only, failed, ...(random.chance(0.5) ? [only] : [])]; // an id that arrives after the failure
    }
    case 'deleted-before-install':
      return [register(), ...(random.chance(0.5) ? [id()] : []), { kind: 'delete', by: by() }, ...(random.chance(0.4) ? [{ kind: 'installed' } as ChaosEvent] : [])];
    case 'deleted-before-subscription':
      return [register(true), { kind: 'delete', by: by() }];
    case 'installed-while-registering': // installed and collected while AMS may not have reserved anything yet
      return [register(true), id(), url, { kind: 'installed' }, { kind: 'delete', by: by() }];
    case 'deleted-after-install': {
      const late: ChaosEvent[] = random.chance(0.5) ? [random.pick<ChaosEvent>([{ kind: 'installed' }, { kind: 'rename', name: `${name}-late` }])] : [];
      return [register(), id(), url, { kind: 'installed' }, { kind: 'delete', by: by() }, ...late];
    }
    case 'left-open-midway':
      return [register(), ...(random.chance(0.6) ? [id()] : []), ...(random.chance(0.4) ? [url] : [])];
  }
}

/** Renames somewhere after registration, and some calls sent twice (the installer retries). */
function withNoise(random: SeededRandom, events: ChaosEvent[], name: string): ChaosEvent[] {
  const result = [...events];
  if (random.chance(0.35)) {
    for (let k = 1; k <= random.int(1, 3); k++) result.splice(random.int(1, result.length), 0, { kind: 'rename', name: `${name}-r${k}` });
  }
  if (result.length > 1 && random.chance(0.25)) {
    const at = random.int(1, result.length - 1);
    result.splice(at + 1, 0, result[at]!);
  }
  return result;
}

function pickStory(random: SeededRandom): Story {
  const total = STORIES.reduce((sum, s) => sum + WEIGHTS[s], 0);
  let roll = random.next() * total;
  for (const story of STORIES) {
    roll -= WEIGHTS[story];
    if (roll < 0) return story;
  }
  return 'installed';
}

export interface LivesOptions {
  clusters: number;
  seed: number;
  /** Lives start within the first 60 % of this and their events spread over it. */
  durationMs: number;
}

export function planLives(options: LivesOptions): ChaosLife[] {
  const random = new SeededRandom(options.seed);
  return Array.from({ length: options.clusters }, (_, index) => {
    const story = pickStory(random);
    const name = `chaos-${String(index + 1).padStart(4, '0')}`;
    const clusterId = random.uuid();
    const events = withNoise(random, storyEvents(random, story, name), name);
    let at = random.int(0, Math.floor(options.durationMs * 0.6));
    const gap = Math.max(50, Math.floor((options.durationMs - at) / (events.length + 1)));
    const timed = events.map((event) => {
      const atMs = at;
      at += random.int(Math.floor(gap / 4), gap);
      return { event, atMs };
    });
    return { index, clusterId, story, events: timed };
  });
}

/** One line per event, for a failure report that replays. */
export function describeLife(life: ChaosLife): string {
  return life.events
    .map(({ event, atMs }) => {
      const { kind, ...rest } = event;
      const detail = Object.values(rest).length ? ` ${JSON.stringify(rest)}` : '';
      return `  +${(atMs / 1000).toFixed(1)}s ${kind}${detail}`;
    })
    .join('\n');
}
