// Keeps the run's custom search attributes (what the Web UI lists and filters
// on) equal to the state, upserting only what changed.
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { searchAttributes as keys, type ClusterState } from './definitions.js';
import { appliedStatus } from './state.js';

export function publishSearchAttributes(state: ClusterState): void {
  const wanted: [typeof keys[keyof typeof keys], string | undefined][] = [
    [keys.clusterId, state.registration.clusterId],
    [keys.subscriptionId, state.subscriptionId],
    [keys.subscriptionStatus, appliedStatus(state)],
    [keys.openshiftClusterId, state.desired.external_cluster_id],
    [keys.phase, state.phase],
    [keys.telemetryStatus, state.telemetry?.status], // rules 3 only: older runs never upsert it
  ];
  const current = workflowInfo().typedSearchAttributes;
  const updates: SearchAttributeUpdatePair[] = [];
  for (const [key, value] of wanted) {
    if (value !== undefined && current.get(key) !== value) updates.push({ key, value });
  }
  // A watch that ended with its subscription (vanished, reserved again) no longer says
  // anything: unset it. Only runs on rules 3 ever set it, so older runs never get here.
  if (state.telemetry === undefined && current.get(keys.telemetryStatus) !== undefined) updates.push({ key: keys.telemetryStatus, value: null });
  if (updates.length) upsertSearchAttributes(updates);
}
