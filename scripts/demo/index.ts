// `ams-lifecycle demo`: drives N simulated clusters through realistic lives against a
// running stack (Temporal + worker + AMS emulator), waits until every workflow has
// applied what it was told, and checks AMS against the design.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { SingleBar } from 'cli-progress';
import type { ClusterLifecycleClient } from '../../client/cluster-client.js';
import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { workflowPollers } from '../../client/pollers.js';
import { driveLife } from './drive.js';
import { planDemo, type ClusterLife } from './plan.js';
import { mapWithConcurrency } from './pool.js';
import { summarize, type DemoProblem, type DemoRow } from './report.js';
import { waitUntilSettled } from './settle.js';
import { checkClusters } from './verify.js';

export { renderReport } from './report.js';
export { planDemo, expectedSubscription, OUTCOMES, type ClusterLife, type Outcome } from './plan.js';

export const DEMO_DEFAULTS = {
  clusters: 20,
  concurrency: 8,
  maxPauseMs: 200,
  settleTimeoutMs: 120_000,
  amsUrl: 'http://127.0.0.1:8000',
} as const;

export interface DemoOptions {
  clusters: number;
  seed: number;
  client: Client;
  lifecycle: ClusterLifecycleClient;
  /** Base URL of the AMS emulator the worker talks to (its admin API is read). */
  amsUrl?: string;
  concurrency?: number;
  maxPauseMs?: number;
  settleTimeoutMs?: number;
  /** Where the progress bar goes; none when absent. */
  progress?: NodeJS.WritableStream;
}

export interface DemoResult {
  seed: number;
  clusters: number;
  rows: DemoRow[];
  problems: DemoProblem[];
  allMatch: boolean;
  elapsedMs: number;
}

/** A precondition of the demo is not met (no emulator, no worker, seed already used). */
export class DemoSetupError extends Error {
  override name = 'DemoSetupError';
}

async function checkPreconditions(options: DemoOptions, admin: EmulatorAdmin, lives: ClusterLife[], amsUrl: string): Promise<void> {
  try {
    await admin.state();
  } catch (error) {
    throw new DemoSetupError(
      `no AMS emulator at ${amsUrl} (${(error as Error).message}): the demo reads AMS through the emulator's admin API; start the stack with 'npm start' or set AMS_URL`,
    );
  }
  const taskQueue = options.lifecycle.taskQueue;
  if ((await workflowPollers(options.client, taskQueue)).length === 0) {
    throw new DemoSetupError(`no worker polls task queue '${taskQueue}': start the stack with 'npm start' or run 'ams-lifecycle worker'`);
  }
  const used = await mapWithConcurrency(lives, 8, async (life) => {
    try {
      await options.lifecycle.handle(life.clusterId).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  });
  if (used.some(Boolean)) {
    throw new DemoSetupError(`--seed ${options.seed}: its clusters were already run against this Temporal; use another seed`);
  }
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const amsUrl = options.amsUrl ?? DEMO_DEFAULTS.amsUrl;
  const admin = new EmulatorAdmin(amsUrl);
  const lives = planDemo({ clusters: options.clusters, seed: options.seed, maxPauseMs: options.maxPauseMs ?? DEMO_DEFAULTS.maxPauseMs });
  await checkPreconditions(options, admin, lives, amsUrl);

  const steps = lives.reduce((sum, life) => sum + life.steps.length, 0);
  const bar = options.progress
    ? new SingleBar({
        stream: options.progress,
        format: 'demo [{bar}] {value}/{total} {task}',
        hideCursor: true,
        clearOnComplete: true,
      })
    : undefined;
  bar?.start(steps + lives.length, 0, { task: `lifecycle events of ${lives.length} clusters` });
  try {
    const tick = () => bar?.increment();
    await mapWithConcurrency(lives, options.concurrency ?? DEMO_DEFAULTS.concurrency, (life) => driveLife(options.lifecycle, life, tick));
    bar?.update({ task: 'waiting for the workflows to apply everything to AMS' });
    const views = await waitUntilSettled(options.lifecycle, lives, {
      timeoutMs: options.settleTimeoutMs ?? DEMO_DEFAULTS.settleTimeoutMs,
      onSettled: tick,
    });
    bar?.update({ task: 'checking AMS' });
    const { rows, problems } = summarize(await checkClusters(admin, lives, views));
    return { seed: options.seed, clusters: lives.length, rows, problems, allMatch: problems.length === 0, elapsedMs: Date.now() - started };
  } finally {
    bar?.stop();
  }
}
