// The value lists of the contract, each written once; types derive from them (ky's
// constants style). Pure data with no Temporal import, so ams/, emulator/, the client
// and the contract generator (scripts/contract/) can import it as well as the workflow.

/** Subscription fields the workflow keeps in step with AMS, in the order it patches them (Active last). */
export const SUBSCRIPTION_FIELDS = ['display_name', 'external_cluster_id', 'console_url', 'status'] as const;
export type SubscriptionField = (typeof SUBSCRIPTION_FIELDS)[number];

/** The fields the installer owns (every one but status): drift from what the run set is repaired. */
export const INSTALLER_FIELDS = ['display_name', 'external_cluster_id', 'console_url'] as const satisfies readonly SubscriptionField[];

/** Subscription.status values AMS knows today; others are kept as they come (the spec's status is a free string). */
export const SUBSCRIPTION_STATUSES = ['Reserved', 'Active', 'Stale', 'Archived', 'Deprovisioned', 'Disconnected'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What the AmsSubscriptionStatus search attribute shows once this service deleted the subscription. */
export const DELETED_STATUS = 'Deleted';
/** AmsSubscriptionStatus values: AMS's own statuses plus 'Deleted'. */
export const LISTED_SUBSCRIPTION_STATUSES = [...SUBSCRIPTION_STATUSES, DELETED_STATUS] as const;

export const PHASES = ['registered', 'installing', 'finalizing', 'installed', 'failed', 'deleted', 'refused'] as const;
export type Phase = (typeof PHASES)[number];

export const DELETED_BY = ['user', 'garbage-collection'] as const;
export type DeletedBy = (typeof DELETED_BY)[number];

export const DELETION_OUTCOMES = ['deleted', 'left-untouched', 'already-gone', 'never-created'] as const;
export type DeletionOutcome = (typeof DELETION_OUTCOMES)[number];

/** The telemetry watch after Active (rules 3): `TelemetryStatus` in the Web UI. */
export const TELEMETRY_STATUSES = ['waiting', 'ok', 'missing', 'duplicate'] as const;
export type TelemetryStatus = (typeof TELEMETRY_STATUSES)[number];

/** Failure types the workflow raises to callers (the registration update) and the client maps to errors. */
export const FailureTypes = {
  registrationRefused: 'RegistrationRefused',
  registrationPending: 'RegistrationPending',
  clusterDeleted: 'ClusterDeleted',
  invalidInput: 'InvalidInput',
} as const;
export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];
export const FAILURE_TYPES = Object.values(FailureTypes);

/** What each failure type means to a caller (published in the contract). */
export const FAILURE_TYPE_MEANINGS: Record<FailureType, string> = {
  RegistrationRefused:
    'AMS refused the POST that reserves the subscription (quota 403, 400, 409): the run has ended and nothing was reserved; details[0] is the AMS error.',
  RegistrationPending:
    "No subscription id within the update's waitSeconds (AMS unreachable or slow): the run keeps trying; ask again later. details[0] is the last AMS error; details[1] is 'continue-as-new' when the run is handing over to its next run: ask again at once.",
  ClusterDeleted: "The cluster's deletion has been requested (or is done): registration answers no subscription id.",
  InvalidInput: 'The update argument broke a rule: the message names the field and the rule; nothing entered the history.',
};
