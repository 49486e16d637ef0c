export { ClusterLifecycleClient, type ClusterLifecycleClientOptions, type RegisterResult } from './cluster-client.js';
export * from './errors.js';
export type { AfterInstallTiming, ClusterRegistration, ClusterStateView, DeletedBy, Phase, TelemetryStatus } from '../workflows/definitions.js';
export { AFTER_INSTALL_DEFAULTS, TELEMETRY_STATUSES } from '../workflows/definitions.js';
export { connectLifecycleClient } from './connect.js';
export { ADOPT_OUTCOMES, type AdoptClusterInput, type AdoptOutcome, type AdoptResult } from './adoption.js';
export { ADOPTABLE_PHASES, type AdoptablePhase } from '../workflows/adoption.js';
export { CAPABILITY_CACHE_DEFAULTS, CapabilityCheckError, CapabilityChecker, capabilityCheckerFromEnv, type CapabilityCheckerOptions } from './capabilities.js';
