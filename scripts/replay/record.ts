// Runs one scenario on a fresh harness and collects every run of its workflow
// (a continue-as-new chain is followed from the first run to the last).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { workflowIdForCluster } from '../../workflows/definitions.js';
import { startLifecycleHarness } from '../../test/helpers/lifecycle-harness.js';
import { historyToProtoJson, type HistoryJson } from '../../test/helpers/replay-proto-json.js';
import type { Scenario } from './scenarios.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/', import.meta.url));

export interface RecordedRun {
  runId: string;
  /** Proto JSON, the encoding historyFromJSON and the Temporal CLI read. */
  protoJson: HistoryJson;
  events: number;
  closedWith: 'completed' | 'continued-as-new';
}

export interface RecordedScenario {
  scenario: Scenario;
  workflowId: string;
  runs: RecordedRun[];
}

/** A fixed cluster id per scenario, so re-recordings differ only where the workflow does. */
export function clusterIdFor(scenarioName: string): string {
  const hex = createHash('sha256').update(`replay-history:${scenarioName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function recordScenario(scenario: Scenario): Promise<RecordedScenario> {
  const h = await startLifecycleHarness({
    emulator: scenario.emulator,
    registrationWaitSeconds: scenario.registrationWaitSeconds,
  });
  try {
    const clusterId = clusterIdFor(scenario.name);
    await scenario.run(h, clusterId);
    const workflowId = workflowIdForCluster(clusterId);
    return { scenario, workflowId, runs: await fetchRunChain(h.env.client, workflowId) };
  } finally {
    await h.close();
  }
}

/** Every run of the workflow, first to last; the last one must have completed. */
export async function fetchRunChain(client: Client, workflowId: string): Promise<RecordedRun[]> {
  const latest = await client.workflow.getHandle(workflowId).fetchHistory();
  const firstRunId = latest.events?.[0]?.workflowExecutionStartedEventAttributes?.firstExecutionRunId;
  if (!firstRunId) throw new Error(`${workflowId}: the start event names no first run id`);
  const runs: RecordedRun[] = [];
  for (let runId: string | undefined = firstRunId; runId; ) {
    const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const last = history.events?.at(-1);
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    if (!next && !last?.workflowExecutionCompletedEventAttributes) {
      throw new Error(`${workflowId} run ${runId} has not completed (last event ${String(last?.eventType)})`);
    }
    const protoJson = historyToProtoJson(history);
    runs.push({ runId, protoJson, events: protoJson.events.length, closedWith: next ? 'continued-as-new' : 'completed' });
    runId = next;
  }
  return runs;
}

/** sha256 over workflows/*.ts (names and contents): which code made a history. */
export async function workflowSourceSha256(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(WORKFLOWS_DIR)).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) hash.update(`${file}\0`).update(await readFile(`${WORKFLOWS_DIR}${file}`)).update('\0');
  return hash.digest('hex');
}

/** HEAD's commit, and whether workflows/ differs from it, if this is a git checkout (read-only). */
export function gitState(): { gitCommit?: string; workflowsUncommitted?: boolean } {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { gitCommit: git('rev-parse', 'HEAD'), workflowsUncommitted: git('status', '--porcelain', '--', 'workflows') !== '' };
  } catch {
    return {};
  }
}
