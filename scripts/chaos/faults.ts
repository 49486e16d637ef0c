// The faults of a chaos run, scheduled from the seed over the run's duration: AMS
// answering 5xx or 429, requests outlasting the request timeout (dropped, or committed
// late), resets, commits whose answer is lost, a full outage, AMS ageing Active
// subscriptions to Stale, a worker killed with -9 and started again, the Temporal
// server restarted. Every kind happens at least once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorAdmin } from '../../emulator/admin-client.js';
import type { FaultRuleInput } from '../../emulator/faults.js';
import { SeededRandom } from '../demo/random.js';

export const CHAOS_FAULT_KINDS = [
  'ams-5xx',
  'ams-429',
  'ams-latency',
  'ams-late-commit',
  'ams-reset',
  'ams-commit-drop',
  'ams-outage',
  'ams-ageing',
  'worker-kill',
  'temporal-restart',
] as const;
export type ChaosFaultKind = (typeof CHAOS_FAULT_KINDS)[number];

export interface ScheduledFault {
  kind: ChaosFaultKind;
  atMs: number;
  /** How long an AMS fault lasts, or how long a killed worker stays down. */
  forMs: number;
  /** The emulator rule, for AMS faults. */
  rule?: FaultRuleInput;
  /** worker-kill: which worker. */
  worker?: number;
}

const API = '/api/*';

function amsRule(random: SeededRandom, kind: ChaosFaultKind, requestTimeoutMs: number): FaultRuleInput | undefined {
  switch (kind) {
    case 'ams-5xx':
      return { kind: 'error', status: random.pick([500, 502, 503] as const), rate: 0.5, route: API };
    case 'ams-429':
      return { kind: 'rate_limit', retryAfterSeconds: random.int(1, 3), rate: 0.5, route: API };
    case 'ams-latency': // the client gives up first; the request is dropped
      return { kind: 'latency', latencyMs: requestTimeoutMs + random.int(500, 3_000), rate: 0.3, route: API };
    case 'ams-late-commit': // the client gives up first; AMS still commits, later
      return { kind: 'late_commit', latencyMs: requestTimeoutMs + random.int(1_000, 8_000), rate: 0.4, route: API };
    case 'ams-reset':
      return { kind: 'reset', rate: 0.3, route: API };
    case 'ams-commit-drop':
      return { kind: 'commit_then_drop', rate: 0.4, route: API };
    case 'ams-outage':
      return { kind: 'outage', route: API };
    default:
      return undefined;
  }
}

export function scheduleFaults(seed: number, durationMs: number, workers: number, requestTimeoutMs: number): ScheduledFault[] {
  const random = new SeededRandom(seed ^ 0x5eed);
  const at = (from: number, to: number) => random.int(Math.floor(durationMs * from), Math.floor(durationMs * to));
  const faults: ScheduledFault[] = [];
  for (const kind of CHAOS_FAULT_KINDS) {
    if (kind === 'worker-kill') {
      for (let w = 0; w < workers; w++) faults.push({ kind, atMs: at(0.15, 0.8), forMs: random.int(2_000, 6_000), worker: w });
    } else if (kind === 'temporal-restart') {
      faults.push({ kind, atMs: at(0.4, 0.7), forMs: 0 });
    } else if (kind === 'ams-ageing') {
      faults.push({ kind, atMs: at(0.5, 0.9), forMs: 0 });
    } else {
      const rule = amsRule(random, kind, requestTimeoutMs);
      const forMs = kind === 'ams-outage' ? random.int(4_000, 8_000) : random.int(6_000, 12_000);
      faults.push({ kind, atMs: at(0.05, 0.85), forMs, ...(rule ? { rule } : {}) });
    }
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

export interface FaultTargets {
  admin: EmulatorAdmin;
  killWorker(index: number): Promise<void>;
  startWorker(index: number): Promise<void>;
  restartTemporal(): Promise<void>;
  /** The subscriptions AMS has just aged to Stale: none may be patched back to Active. */
  onAged(subscriptionIds: string[]): void;
  log(line: string): void;
}

/** How many times each kind struck: requests hit for AMS faults, events for the rest. */
export type FaultCounts = Record<ChaosFaultKind, number>;

/** AMS ages Active subscriptions without telemetry for this long to Stale. */
export const AGEING_SECONDS = 2 * 86_400;

export async function runFaults(schedule: ScheduledFault[], targets: FaultTargets, startedAt: number): Promise<FaultCounts> {
  const counts = Object.fromEntries(CHAOS_FAULT_KINDS.map((k) => [k, 0])) as FaultCounts;
  const pending: Promise<void>[] = [];
  for (const fault of schedule) {
    await sleep(Math.max(0, startedAt + fault.atMs - Date.now()));
    targets.log(`fault +${(fault.atMs / 1000).toFixed(1)}s ${fault.kind}${fault.forMs ? ` for ${(fault.forMs / 1000).toFixed(1)}s` : ''}`);
    pending.push(strike(fault, targets, counts));
  }
  await Promise.all(pending);
  return counts;
}

async function strike(fault: ScheduledFault, targets: FaultTargets, counts: FaultCounts): Promise<void> {
  if (fault.rule) {
    const rule = await targets.admin.addFault(fault.rule);
    await sleep(fault.forMs);
    const hitsOf = async () => (await targets.admin.faults()).find((r) => r.id === rule.id)?.hits ?? 0;
    // A quiet moment may see no request at all: stay (up to 30 s more) until the fault has struck.
    for (let waited = 0; (await hitsOf()) === 0 && waited < 30_000; waited += 500) await sleep(500);
    const hits = await hitsOf();
    await targets.admin.removeFault(rule.id).catch(() => undefined); // a count rule may be gone already
    counts[fault.kind] += fault.kind === 'ams-outage' ? Math.max(1, hits) : hits;
    return;
  }
  counts[fault.kind] += 1;
  if (fault.kind === 'ams-ageing') {
    await targets.admin.advanceClock(AGEING_SECONDS);
    const { subscriptions } = await targets.admin.state();
    targets.onAged(subscriptions.filter((s) => s.status === 'Stale').map((s) => s.id));
  } else if (fault.kind === 'worker-kill' && fault.worker !== undefined) {
    await targets.killWorker(fault.worker);
    await sleep(fault.forMs);
    await targets.startWorker(fault.worker);
  } else if (fault.kind === 'temporal-restart') {
    await targets.restartTemporal();
  }
}
