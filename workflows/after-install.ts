// Rules 3: what a run does after the installer's last call. A telemetry watch
// after Active (did the cluster's metrics reach this subscription, or did AMS
// create an "unsubscribed" duplicate?) and a slow drift check that repairs what
// the installer owns and reports what AMS owns. Pure functions of the state.
import {
  AFTER_INSTALL_DEFAULTS,
  type AfterInstallTiming,
  type ClusterState,
  type DriftFinding,
  type PendingWork,
  type SubscriptionInspection,
  type SubscriptionValues,
  type TelemetryWatch,
} from './definitions.js';
import { INSTALLER_FIELDS } from './values.js';

export const DRIFT_FINDINGS_KEPT = 10;

/** The first drift check comes at the interval ±10 %. */
export const DRIFT_SPREAD = 0.1;

/** The latest the first drift check of a run can come, in seconds after the subscription was recorded. */
export const latestFirstDrift = (timing: AfterInstallTiming): number => Math.ceil(timing.driftCheckSeconds * (1 + DRIFT_SPREAD));

/** The most checks a watch makes, and the longest delay: keeps a bad argument from becoming an endless or invalid timer. */
const MAX_TELEMETRY_CHECKS = 10;
const MAX_DELAY_SECONDS = 365 * 86_400;

export function afterInstall(state: ClusterState): boolean {
  return (state.rules ?? 1) >= 3;
}

/** The run's timing: the registration's own, with garbage left out, else the defaults. */
export function timingOf(given: Partial<AfterInstallTiming> | undefined): AfterInstallTiming {
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0 && n <= MAX_DELAY_SECONDS;
  const checks = Array.isArray(given?.telemetryCheckSeconds) ? given.telemetryCheckSeconds.filter(valid) : undefined;
  return {
    telemetryCheckSeconds: [...(checks ?? AFTER_INSTALL_DEFAULTS.telemetryCheckSeconds)].sort((a, b) => a - b).slice(0, MAX_TELEMETRY_CHECKS),
    driftCheckSeconds: valid(given?.driftCheckSeconds) ? given.driftCheckSeconds : AFTER_INSTALL_DEFAULTS.driftCheckSeconds,
  };
}

export const plusSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** The cluster was installed (Active wanted, with its OpenShift id): it runs on the user's machines. */
export function installedCluster(state: ClusterState): boolean {
  return state.desired.status === 'Active' && state.desired.external_cluster_id !== undefined;
}

function watching(state: ClusterState): boolean {
  return afterInstall(state) && !state.deletion && state.phase !== 'refused';
}

/**
 * Bookkeeping after every step: a confirmed-gone subscription is created again, the
 * drift check is scheduled once a subscription exists, and the telemetry watch starts
 * when this run has the subscription Active with an OpenShift id (again for a new id).
 */
export function scheduleChecks(state: ClusterState, now: string, timing: AfterInstallTiming, jitter = 0.5): DriftFinding[] {
  if (!watching(state)) return [];
  const vanished = state.subscriptionGone && state.subscriptionId !== undefined ? [subscriptionVanished(state, now)] : [];
  if (state.subscriptionId === undefined) return vanished;
  // The first drift check is spread ±10 % (jitter in [0, 1)), so clusters registered
  // together (a bulk adoption) do not all read AMS at the same minute every day.
  const firstDrift = Math.round(timing.driftCheckSeconds * (1 - DRIFT_SPREAD + 2 * DRIFT_SPREAD * jitter));
  state.drift ??= { nextCheckAt: plusSeconds(now, firstDrift), findings: [] };
  const id = state.applied.external_cluster_id;
  const first = timing.telemetryCheckSeconds[0];
  const active = state.applied.status === 'Active' && id !== undefined && id === state.desired.external_cluster_id;
  if (active && first !== undefined && state.telemetry?.externalClusterId !== id) {
    state.telemetry = { externalClusterId: id, status: 'waiting', since: now, checks: 0, nextCheckAt: plusSeconds(now, first) };
  }
  return vanished;
}

/** The checks due at their times, earliest first; owed AMS work always comes before them. */
export function scheduledChecks(state: ClusterState): PendingWork[] {
  if (!watching(state) || state.subscriptionId === undefined || state.subscriptionGone) return [];
  const checks: PendingWork[] = [];
  if (state.telemetry?.nextCheckAt) checks.push({ kind: 'telemetry', notBefore: state.telemetry.nextCheckAt });
  if (state.drift) checks.push({ kind: 'drift', notBefore: state.drift.nextCheckAt });
  return checks.sort((a, b) => ((a as { notBefore: string }).notBefore < (b as { notBefore: string }).notBefore ? -1 : 1));
}

function addFinding(state: ClusterState, finding: DriftFinding): void {
  if (!state.drift) return;
  state.drift.findings.push(finding);
  state.drift.findings.splice(0, Math.max(0, state.drift.findings.length - DRIFT_FINDINGS_KEPT));
}

/**
 * AMS says the subscription is gone while the cluster still exists: forget it, so the
 * loop reserves one again (the lookup by cluster_id comes first) and re-applies every field.
 */
export function subscriptionVanished(state: ClusterState, now: string): DriftFinding {
  const finding: DriftFinding = { at: now, kind: 'recreated', found: state.subscriptionId };
  state.drift ??= { nextCheckAt: now, findings: [] };
  addFinding(state, finding);
  state.subscriptionId = undefined;
  delete state.subscriptionGone;
  state.applied = {};
  state.ams = {};
  delete state.telemetry;
  if (state.inFlight) state.inFlight = { ...state.inFlight, writes: [], writesUntil: undefined };
  return finding;
}

/**
 * The drift check's re-read. Installer-owned fields that differ from what this run set
 * are marked unapplied (the loop patches them back), unless the installer's value is one
 * AMS refused (reported only); a status AMS changed is reported, never reverted, except
 * that an installed cluster whose Active never took is made Active. Returns the findings.
 */
export function recordDriftCheck(state: ClusterState, found: SubscriptionInspection, now: string, timing: AfterInstallTiming): DriftFinding[] {
  const drift = (state.drift ??= { nextCheckAt: now, findings: [] });
  drift.lastCheckedAt = now;
  drift.nextCheckAt = plusSeconds(now, timing.driftCheckSeconds);
  if (!watching(state)) return noteGoneOnly(state, found);
  if (!found.found) return [subscriptionVanished(state, now)];
  const findings: DriftFinding[] = [];
  for (const field of INSTALLER_FIELDS) {
    const applied = state.applied[field];
    const inAms = found.values[field];
    if (applied === undefined || inAms === applied) continue;
    const wanted = state.desired[field];
    const patchable = wanted !== undefined && state.refusedValues[field] !== wanted;
    findings.push({ at: now, kind: patchable ? 'repaired' : 'unrepaired', field, found: inAms ?? '(none)', wanted });
    // Either way AMS's value is now what the field holds: a refused value is not sent
    // again (and not reported again daily); a new value from the installer goes out.
    if (inAms === undefined) delete state.applied[field];
    else state.applied[field] = inAms;
  }
  // Active that never took: AMS still Reserved and never showed anything later.
  const neverActive = (state.ams?.status ?? 'Reserved') === 'Reserved';
  if (found.values.status === 'Reserved' && state.applied.status === 'Active' && installedCluster(state) && neverActive) {
    findings.push({ at: now, kind: 'repaired', field: 'status', found: 'Reserved', wanted: 'Active' });
    delete state.applied.status;
  }
  for (const finding of findings) addFinding(state, finding);
  const status = noteAmsValues(state, found.values, now);
  return status ? [...findings, status] : findings;
}

/** A check answered after the run stopped watching (deleted meanwhile): the deletion decides; only AMS's answer is kept. */
function noteGoneOnly(state: ClusterState, found: SubscriptionInspection): DriftFinding[] {
  if (found.found) state.ams = { ...found.values };
  return [];
}

/**
 * A check AMS refuses for good (a 4xx other than a rate limit): not retried every few
 * minutes for ever. The drift check moves to its next time; a telemetry check counts as
 * one that found nothing.
 */
export function checkRefused(state: ClusterState, kind: 'telemetry' | 'drift', now: string, timing: AfterInstallTiming): void {
  if (kind === 'drift') {
    if (state.drift) state.drift.nextCheckAt = plusSeconds(now, timing.driftCheckSeconds);
    return;
  }
  const watch = state.telemetry;
  if (watch) nextTelemetryCheck(watch, now, timing);
}

/** Keep AMS's answer; a status AMS changed since its last answer (Stale, Archived) is reported, never reverted. */
function noteAmsValues(state: ClusterState, values: SubscriptionValues, now: string): DriftFinding | undefined {
  const before = state.ams?.status;
  state.ams = { ...values };
  if (values.status === undefined || before === undefined || values.status === before) return undefined;
  const finding: DriftFinding = { at: now, kind: 'status', field: 'status', found: values.status, before };
  addFinding(state, finding);
  return finding;
}

/** A telemetry check's answer: ok, an unsubscribed duplicate, still waiting, or missing after the last check. */
export function recordTelemetryCheck(state: ClusterState, found: SubscriptionInspection, now: string, timing: AfterInstallTiming): DriftFinding[] {
  if (!watching(state)) return noteGoneOnly(state, found);
  if (!found.found) return [subscriptionVanished(state, now)];
  const status = noteAmsValues(state, found.values, now);
  const watch = state.telemetry;
  if (!watch) return status ? [status] : [];
  if (found.lastTelemetryDate) watch.lastTelemetryDate = found.lastTelemetryDate;
  if (found.duplicates?.length) {
    watch.checks += 1;
    delete watch.nextCheckAt;
    watch.status = 'duplicate';
    watch.duplicates = found.duplicates.map((d) => d.id).slice(0, 5);
  } else if (found.lastTelemetryDate || found.hasMetrics) {
    watch.checks += 1;
    delete watch.nextCheckAt;
    watch.status = 'ok';
  } else {
    nextTelemetryCheck(watch, now, timing);
  }
  return status ? [status] : [];
}

/** A check that found no telemetry: the next one counts from Active; after the last one, missing. */
function nextTelemetryCheck(watch: TelemetryWatch, now: string, timing: AfterInstallTiming): void {
  watch.checks += 1;
  delete watch.nextCheckAt;
  if (watch.checks >= timing.telemetryCheckSeconds.length) {
    watch.status = 'missing';
    return;
  }
  const next = plusSeconds(watch.since, timing.telemetryCheckSeconds[watch.checks]!);
  watch.nextCheckAt = next > now ? next : now;
}
