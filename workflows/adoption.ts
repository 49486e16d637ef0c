// Adoption of a cluster the installer registered before this service existed: its run
// starts in the cluster's phase with the subscription id the installer stored, so
// nothing is reserved twice. Pure code: the input's rules and the run's first state.
import { z } from 'zod';
import type { ClusterRegistration, ClusterState, Phase, WorkflowArgs } from './definitions.js';
import { initialState, markDeleted } from './state.js';
import { consoleUrlSchema, deletedSchema, openshiftClusterIdSchema } from './validation.js';

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
  deletedBy?: z.infer<typeof deletedSchema>['by'];
}

/** The workflow's input with the optional adoption; old histories never carry `adopted`. */
export interface AdoptionArgs extends WorkflowArgs {
  adopted?: AdoptedCluster;
}

// The field rules are the signals' own (validation.ts), so an adopted value is one a signal could have set.
export const adoptedSchema = z
  .strictObject({
    subscriptionId: z
      .string({ error: 'must be a string' })
      .regex(/^[A-Za-z0-9._-]+$/, { error: 'must be letters, digits, ".", "_" or "-"' })
      .max(SUBSCRIPTION_ID_MAX, { error: `must be at most ${SUBSCRIPTION_ID_MAX} characters` })
      .optional(),
    phase: z.enum(ADOPTABLE_PHASES, { error: `must be one of ${ADOPTABLE_PHASES.join(', ')}` }),
    openshiftClusterId: openshiftClusterIdSchema.shape.openshiftClusterId.optional(),
    consoleUrl: consoleUrlSchema.shape.consoleUrl.optional(),
    deletedBy: deletedSchema.shape.by.optional(),
  })
  // Active is sent only with the OpenShift id (telemetry would otherwise make a duplicate).
  .refine((a) => a.phase !== 'installed' || a.openshiftClusterId !== undefined, {
    error: 'is required when phase is installed',
    path: ['openshiftClusterId'],
  });

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
