// Workflow bundle entry: everything exported here is registered as a workflow.
export { clusterSubscription } from './cluster-subscription.js';
export { subscriptionSweeper } from './sweeper.js';
