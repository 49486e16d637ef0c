export { ClusterLifecycleClient, type ClusterLifecycleClientOptions, type RegisterResult } from './cluster-client.js';
export * from './errors.js';
export type { ClusterRegistration, ClusterStateView, DeletedBy, Phase } from '../workflows/definitions.js';
export { connectLifecycleClient } from './connect.js';
