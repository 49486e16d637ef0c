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
  /** kill -9; true once the worker was running and has exited. */
  killWorker(index: number): Promise<boolean>;
  startWorker(index: number): Promise<void>;
  restartTemporal(): Promise<void>;
  /** The subscriptions AMS has just aged to Stale: none may be patched back to Active. */
  onAged(subscriptionIds: string[]): void;
  log(line: string): void;
}

/** How many times each kind struck: requests hit for AMS faults, kills with a confirmed exit, finished restarts, subscriptions aged. */
export type FaultCounts = Record<ChaosFaultKind, number>;

/** AMS ages Active subscriptions without telemetry for this long to Stale. */
export const AGEING_SECONDS = 2 * 86_400;
/** How often an ageing that found nothing Active ages again (at most ~10 times: 20 days, short of archiving). */
const AGE_AGAIN_MS = 3_000;

/** The longest an AMS request is held by a fault (latency, late commit): it may still commit this long after its rule is gone. */
export function longestHoldMs(schedule: readonly ScheduledFault[]): number {
  return Math.max(0, ...schedule.map((f) => f.rule?.latencyMs ?? 0));
}

export interface FaultRunOptions {
  /** Stops the loop and the strikes in progress (the run is being torn down). */
  signal?: AbortSignal;
  /** How long a rule stays beyond its time while it has hit nothing yet. */
  waitForHitMs?: number;
}

/**
 * Strikes each fault at its time; resolves with the counts once all are done. A strike
 * that fails does not stop the others, but the loop then rejects with its error, so a
 * broken fault never passes for one that struck.
 */
export async function runFaults(schedule: ScheduledFault[], targets: FaultTargets, startedAt: number, options: FaultRunOptions = {}): Promise<FaultCounts> {
  const counts = Object.fromEntries(CHAOS_FAULT_KINDS.map((k) => [k, 0])) as FaultCounts;
  const errors: string[] = [];
  const pending: Promise<void>[] = [];
  const { signal } = options;
  try {
    for (const fault of schedule) {
      await sleep(Math.max(0, startedAt + fault.atMs - Date.now()), undefined, { signal });
      targets.log(`fault +${(fault.atMs / 1000).toFixed(1)}s ${fault.kind}${fault.forMs ? ` for ${(fault.forMs / 1000).toFixed(1)}s` : ''}`);
      // The handler is attached at once: a failing strike must not be an unhandled rejection.
      pending.push(strike(fault, targets, counts, options).catch((error: unknown) => void errors.push(`${fault.kind}: ${error instanceof Error ? error.message : String(error)}`)));
    }
  } finally {
    await Promise.all(pending);
  }
  signal?.throwIfAborted();
  if (errors.length > 0) throw new Error(`faults failed to strike: ${errors.join('; ')}`);
  return counts;
}

async function strike(fault: ScheduledFault, targets: FaultTargets, counts: FaultCounts, options: FaultRunOptions): Promise<void> {
  const { signal } = options;
  if (fault.rule) {
    const rule = await targets.admin.addFault(fault.rule);
    try {
      await sleep(fault.forMs, undefined, { signal });
      const hitsOf = async () => (await targets.admin.faults()).find((r) => r.id === rule.id)?.hits ?? 0;
      // A quiet moment may see no request at all: stay (up to 30 s more) until the fault has struck.
      const waitMs = options.waitForHitMs ?? 30_000;
      for (let waited = 0; (await hitsOf()) === 0 && waited < waitMs; waited += 500) await sleep(500, undefined, { signal });
      counts[fault.kind] += await hitsOf();
    } finally {
      await targets.admin.removeFault(rule.id).catch(() => undefined); // a count rule may be gone already
    }
  } else if (fault.kind === 'ams-ageing') {
    const stale = async () => new Set((await targets.admin.state()).subscriptions.filter((s) => s.status === 'Stale').map((s) => s.id));
    // Nothing may be Active yet when it strikes: age again (up to 30 s more) until something went Stale.
    const waitMs = options.waitForHitMs ?? 30_000;
    for (let waited = 0; ; waited += AGE_AGAIN_MS) {
      const before = await stale();
      await targets.admin.advanceClock(AGEING_SECONDS);
      const aged = [...(await stale())].filter((id) => !before.has(id));
      targets.onAged(aged);
      counts[fault.kind] += aged.length;
      if (aged.length > 0 || waited >= waitMs) break;
      await sleep(AGE_AGAIN_MS, undefined, { signal });
    }
  } else if (fault.kind === 'worker-kill' && fault.worker !== undefined) {
    if (!(await targets.killWorker(fault.worker))) return; // it was not running: nothing was killed
    counts[fault.kind] += 1;
    await sleep(fault.forMs, undefined, { signal });
    await targets.startWorker(fault.worker);
  } else if (fault.kind === 'temporal-restart') {
    await targets.restartTemporal();
    counts[fault.kind] += 1;
  }
}
