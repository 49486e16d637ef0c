// Adoption of a cluster the installer registered before this service existed: its run
// starts in the cluster's phase with the subscription id the installer stored, so
// nothing is reserved twice. Pure code: the input's rules and the run's first state.
import type { ClusterRegistration, ClusterState, Phase, WorkflowArgs } from './definitions.js';
import { RULES } from './generated/rules.js';
import type { CrossFieldRule, Schema } from './rules-check.js';
import { initialState, markDeleted } from './state.js';
import type { DeletedBy } from './values.js';

/** Phases an existing cluster can be adopted in (deletion is given apart, `deletedBy`). */
export const ADOPTABLE_PHASES = ['registered', 'installing', 'finalizing', 'installed', 'failed'] as const satisfies readonly Phase[];
export type AdoptablePhase = (typeof ADOPTABLE_PHASES)[number];

export const SUBSCRIPTION_ID_MAX = 255;

/** What the installer knows of an existing cluster, besides its registration. Never carries secrets. */
export interface AdoptedCluster {
  /** The `ams_subscription_id` the installer stored; absent: the create step finds or reserves it. */
  subscriptionId?: string;
  phase: AdoptablePhase;
  openshiftClusterId?: string;
  consoleUrl?: string;
  /** The cluster was deleted: the run applies the deletion (deletes the subscription only if Reserved). */
  deletedBy?: DeletedBy;
}

/** The workflow's input with the optional adoption; old histories never carry `adopted`. */
export interface AdoptionArgs extends WorkflowArgs {
  adopted?: AdoptedCluster;
}

// Active is sent only with the OpenShift id (telemetry would otherwise make a duplicate).
// The one rule across fields, kept as a function: validation.ts's zod schema refines with it.
export const INSTALLED_NEEDS_OPENSHIFT_ID: CrossFieldRule = {
  holds: (a) => a.phase !== 'installed' || a.openshiftClusterId !== undefined,
  path: ['openshiftClusterId'],
  message: 'is required when phase is installed',
};

/** The adoption's rules for the workflow (zod's twin: validation.ts adoptedSchema). */
export const adoptedSchema: Schema<AdoptedCluster> = { ...RULES.adoptedFields, refine: INSTALLED_NEEDS_OPENSHIFT_ID };

/**
 * The first state of an adopted run. With a subscription id, what the line says is taken
 * as applied and the drift check is due at once: it reads AMS (the one re-read the run
 * has) and marks only the fields AMS holds differently, which the loop then PATCHes. A
 * deleted cluster goes the normal deletion path. Without an id the run creates as at
 * registration, which never makes a second subscription for the cluster_id.
 */
export function adoptedState(registration: ClusterRegistration, adopted: AdoptedCluster, rules: number, now: string): ClusterState {
  const state = initialState(registration, rules);
  state.phase = adopted.phase;
  if (adopted.openshiftClusterId !== undefined) state.desired.external_cluster_id = adopted.openshiftClusterId;
  if (adopted.consoleUrl !== undefined) state.desired.console_url = adopted.consoleUrl;
  if (adopted.phase === 'installed') state.desired.status = 'Active';
  if (adopted.subscriptionId !== undefined) {
    state.subscriptionId = adopted.subscriptionId;
    state.applied = { ...state.desired };
    if (adopted.deletedBy === undefined) state.drift = { nextCheckAt: now, findings: [] };
  }
  if (adopted.deletedBy !== undefined) markDeleted(state, adopted.deletedBy, now);
  return state;
}
