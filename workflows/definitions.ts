// Messages, types and search attributes of the clusterSubscription workflow.
// Defined once and imported by both the workflow and the client (samples-typescript style).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TASK_QUEUE_DEFAULT = 'ams-lifecycle';
export const WORKFLOW_ID_PREFIX = 'cluster-subscription-';

/** One workflow per cluster: the id is derived from the installer's cluster id. */
export function workflowIdForCluster(clusterId: string): string {
  return `${WORKFLOW_ID_PREFIX}${clusterId}`;
}

// Value lists live in values.ts (no Temporal import, so ams/ and emulator/ share them).
export {
  DELETED_BY,
  DELETION_OUTCOMES,
  FailureTypes,
  PHASES,
  SUBSCRIPTION_FIELDS,
  TELEMETRY_STATUSES,
  type DeletedBy,
  type DeletionOutcome,
  type Phase,
  type SubscriptionField,
  type TelemetryStatus,
} from './values.js';
import type { DeletedBy, DeletionOutcome, Phase, SubscriptionField, TelemetryStatus } from './values.js';

/** When the checks after the install run (rules 3); the client sets them at registration. */
export interface AfterInstallTiming {
  /** Seconds after the subscription became Active at which telemetry is looked for; the last one decides 'missing'. */
  telemetryCheckSeconds: number[];
  /** Seconds between two re-reads of the subscription that find and repair drift. */
  driftCheckSeconds: number;
}

export const AFTER_INSTALL_DEFAULTS: AfterInstallTiming = {
  telemetryCheckSeconds: [3_600, 21_600, 86_400],
  driftCheckSeconds: 86_400,
};

/** What the installer registers; never carries secrets. */
export interface ClusterRegistration {
  clusterId: string;
  displayName: string;
  accountUsername: string;
}

/** How an AMS failure is treated: see activities/ams-failure.ts. */
export type AmsErrorCategory = 'transient' | 'credentials' | 'refused' | 'not-found' | 'invalid';

export interface AmsErrorInfo {
  operation: string;
  category: AmsErrorCategory;
  message: string;
  status?: number;
  code?: string;
  reason?: string;
  operationId?: string;
  retryAfterSeconds?: number;
  /** The activity attempt that failed: above 1, an earlier attempt's request may still land. */
  attempt?: number;
  /** The worker's circuit breaker refused a call before this attempt's write (if any) went out: that write cannot land. */
  unsent?: boolean;
  /** Workflow time (ISO) at which the workflow saw it. */
  at?: string;
}

export interface SubscriptionValues {
  display_name?: string;
  external_cluster_id?: string;
  console_url?: string;
  status?: string;
}

/** A re-read of the subscription for the checks after the install (rules 3). */
export type SubscriptionInspection =
  | { found: false }
  | {
      found: true;
      values: SubscriptionValues;
      /** Telemetry reached this subscription: its date, and whether metrics are attached. */
      lastTelemetryDate?: string;
      hasMetrics: boolean;
      /** Other subscriptions with the asked external_cluster_id and no cluster_id: AMS's "unsubscribed" duplicates. */
      duplicates?: { id: string; status?: string }[];
    };

export interface RejectedInput {
  signal: string;
  field: string;
  rule: string;
  at: string;
}

/** A write to AMS whose outcome is unknown (timeout, reset, 5xx): it may still land. */
export interface UncertainWrite {
  field: SubscriptionField;
  value: string;
}

/** The whole durable state; carried across continue-as-new unchanged. */
export interface ClusterState {
  /**
   * Which rules this run follows: 2 for runs started since the hardening (patch
   * 'hardened-rules'), absent (1) for runs started before it, which keep the old rules.
   */
  rules?: number;
  registration: ClusterRegistration;
  phase: Phase;
  subscriptionId?: string;
  /** True once AMS confirmed (404 ACCT-MGMT-7) that the subscription is gone: no more patches. */
  subscriptionGone?: boolean;
  desired: Required<Pick<SubscriptionValues, 'display_name'>> & SubscriptionValues;
  /**
   * What this workflow last set in AMS, field by field (rules 2). Under rules 1 the
   * whole last AMS answer, so an AMS-owned status was patched back.
   */
  applied: SubscriptionValues;
  /** What AMS last answered (rules 2): shows what AMS owns, such as Stale or Archived. */
  ams?: SubscriptionValues;
  /** Values AMS refused for good (400/422): not retried until the value changes. */
  refusedValues: Partial<Record<SubscriptionField, string>>;
  deletion?: {
    by: DeletedBy;
    requestedAt: string;
    outcome?: DeletionOutcome;
    /** A create sent by this run may still land after the delete: look again at this time. */
    recheckAfter?: string;
    /**
     * Rules 3: an installed cluster that AMS has no subscription for. It runs on the
     * user's machines, so it gets one (made Active), which the delete step then leaves.
     */
    createFirst?: boolean;
  };
  refusal?: AmsErrorInfo;
  lastError?: AmsErrorInfo;
  /** Consecutive failed attempts of the current step, for backoff. */
  failures: number;
  amsCalls: number;
  rejectedInputs: RejectedInput[];
  continuedAsNew: number;
  /** The installer's last install failure (reason as given, capped). */
  installFailure?: { reason?: string; at: string };
  /**
   * Requests whose outcome is unknown: a POST that may still reserve until `createUntil`,
   * PATCHes that may still land until `writesUntil` (AMS is read again after that).
   */
  inFlight?: { createUntil?: string; writesUntil?: string; writes: UncertainWrite[] };
  /** Rules 3: after Active, is telemetry reaching this subscription (and not an unsubscribed duplicate)? */
  telemetry?: TelemetryWatch;
  /** Rules 3: the slow re-read of the subscription that finds drift (and what it repaired). */
  drift?: DriftCheck;
}

export interface TelemetryWatch {
  /** The OpenShift cluster id the watch is for; a new id applied after Active starts it again. */
  externalClusterId: string;
  status: TelemetryStatus;
  /** Workflow time the subscription was seen Active with this id: the check delays count from here. */
  since: string;
  checks: number;
  nextCheckAt?: string;
  lastTelemetryDate?: string;
  /** Ids of the "unsubscribed" subscriptions AMS created for this external id (no cluster_id). */
  duplicates?: string[];
}

export interface DriftCheck {
  nextCheckAt: string;
  lastCheckedAt?: string;
  /** What the checks found and did, newest last (capped). */
  findings: DriftFinding[];
}

export interface DriftFinding {
  at: string;
  /**
   * repaired: an installer-owned field set back (or Active sent again where it never took);
   * unrepaired: it differs, but the installer's value is one AMS refused (or none), so it stays;
   * status: AMS's own change, reported only; recreated: the subscription had vanished.
   */
  kind: 'repaired' | 'unrepaired' | 'status' | 'recreated';
  field?: SubscriptionField;
  /** What AMS had (for 'status': its new status; for 'recreated': the vanished subscription's id). */
  found?: string;
  /** What this run applies again ('repaired'). */
  wanted?: string;
  /** For 'status': what AMS showed before. */
  before?: string;
}

/**
 * AMS work in the order the loop does it. `notBefore` (workflow time, ISO) holds a step
 * until requests whose outcome is unknown can no longer land in AMS.
 */
export type PendingWork =
  | { kind: 'create' }
  | { kind: 'lookup'; notBefore?: string }
  | { kind: 'patch'; field: SubscriptionField; value: string }
  | { kind: 'delete' }
  | { kind: 'verify'; notBefore: string }
  /** Rules 3: look for telemetry (and an unsubscribed duplicate) after Active. */
  | { kind: 'telemetry'; notBefore: string }
  /** Rules 3: re-read the subscription and repair what drifted. */
  | { kind: 'drift'; notBefore: string };

/** What getClusterState / the query answers. */
export interface ClusterStateView extends ClusterState {
  workflowId: string;
  /** Owed AMS work, in order. */
  pending: PendingWork[];
  /** Rules 3: the checks after the install, each held until its time (owed work goes first). */
  scheduled: PendingWork[];
  done: boolean;
}

export interface WorkflowArgs extends ClusterRegistration {
  /** Present only when the run continues an earlier one. */
  carriedState?: ClusterState;
  /** Continue as new after this many history events (the SDK's suggestion also counts). */
  maxHistoryEvents?: number;
  /**
   * A run started only to apply a deletion (the cluster's earlier run was terminated,
   * cancelled or is forgotten): it looks the subscription up and deletes it if Reserved.
   * displayName and accountUsername may then be empty.
   */
  deletion?: { by: DeletedBy };
  /** Rules 3: when the telemetry and drift checks run; AFTER_INSTALL_DEFAULTS when absent. */
  afterInstall?: AfterInstallTiming;
}

export interface WorkflowResult {
  clusterId: string;
  phase: Phase;
  subscriptionId?: string;
  deletion?: ClusterState['deletion'];
  refusal?: AmsErrorInfo;
}

export interface RegistrationResult {
  subscriptionId: string;
}

// Signals: the installer's lifecycle events. Payloads are validated again in the workflow.
export const renameSignal = defineSignal<[{ displayName: string }]>('rename');
export const openshiftClusterIdSignal = defineSignal<[{ openshiftClusterId: string }]>('openshiftClusterId');
export const consoleUrlSignal = defineSignal<[{ consoleUrl: string }]>('consoleUrl');
export const installSucceededSignal = defineSignal('installSucceeded');
export const installFailedSignal = defineSignal<[{ reason?: string }?]>('installFailed');
export const installRestartedSignal = defineSignal('installRestarted');
export const deletedSignal = defineSignal<[{ by: DeletedBy }]>('deleted');
/**
 * Changes nothing: the workflow task it causes lets an idle pinned run see that a newer
 * worker version is its target, and hand over to it (deploy/README.md). Any payload is ignored.
 */
export const versionCheckSignal = defineSignal<[unknown?]>('versionCheck');

export const clusterStateQuery = defineQuery<ClusterStateView>('clusterState');

/** Resolves with the AMS subscription id once created (or fails: refused, deleted, still pending). */
export const registrationUpdate = defineUpdate<RegistrationResult, [{ waitSeconds?: number }]>('registration');

/** Details of a RegistrationPending failure when the run is handing over to its next run: ask again at once. */
export const HANDOVER = 'continue-as-new';

// Custom search attributes shown and searchable in the Web UI.
export const searchAttributes = {
  clusterId: defineSearchAttributeKey('ClusterId', SearchAttributeType.KEYWORD),
  subscriptionId: defineSearchAttributeKey('AmsSubscriptionId', SearchAttributeType.KEYWORD),
  subscriptionStatus: defineSearchAttributeKey('AmsSubscriptionStatus', SearchAttributeType.KEYWORD),
  openshiftClusterId: defineSearchAttributeKey('OpenshiftClusterId', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('Phase', SearchAttributeType.KEYWORD),
  /** After Active: waiting | ok | missing | duplicate (see TELEMETRY_STATUSES). */
  telemetryStatus: defineSearchAttributeKey('TelemetryStatus', SearchAttributeType.KEYWORD),
  /** Set by the sweeper's runs only: clean | findings | cleaned (see SWEEP_RESULTS). */
  sweepResult: defineSearchAttributeKey('SweepResult', SearchAttributeType.KEYWORD),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = Object.values(searchAttributes);
