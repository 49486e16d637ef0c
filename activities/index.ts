export { createSubscriptionActivities, type SubscriptionActivities } from './subscription-activities.js';
export type { SubscriptionSnapshot, DeleteOutcome } from './subscription-activities.js';
export { classifyAmsError, toApplicationFailure, AMS_FAILURE_TYPE, OCM_NOT_FOUND_CODE } from './ams-failure.js';
export { createSweeperActivities, type SweeperActivities, type SweeperActivityDeps } from './sweeper-activities.js';
