// Real Temporal servers for tests, installed by scripts/setup-tools.sh into
// tools/bin and handed to @temporalio/testing as existing executables (the
// SDK's own download cannot work offline).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
const { temporal } = proto;
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions.js';

const TOOLS_BIN = fileURLToPath(new URL('../../tools/bin/', import.meta.url));

function tool(name: string): string {
  const path = `${TOOLS_BIN}${name}`;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run 'bash scripts/setup-tools.sh' (npm test does it first)`);
  }
  return path;
}

/**
 * The SDK gives a server 5 s to come up; on a loaded 2-core machine a JVM or the dev
 * server sometimes needs longer, so a start that timed out is tried again (twice),
 * never any other failure.
 */
export async function startPatiently(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= 3 || !/did not start within/.test(String((error as Error)?.message))) throw error;
    }
  }
}

/** The Java time-skipping test server: timers and retry backoffs skip ahead. */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await startPatiently(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: tool('temporal-test-server') } },
    }),
  );
  // The test server knows no custom search attributes until they are added.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

/**
 * The dev server (scripts/devserver/: the production Temporal server on SQLite; real
 * visibility: search attributes, list queries).
 */
export function startDevServer(options: { dbFilename?: string; uiPort?: number } = {}): Promise<TestWorkflowEnvironment> {
  return startPatiently(() => createDevServer(options));
}

function createDevServer(options: { dbFilename?: string; uiPort?: number }): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: tool('temporal-dev-server') },
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      dbFilename: options.dbFilename,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      extraArgs: ['--log-level', 'error'],
    },
  });
}

/** A server that runs already (the native cluster of scripts/cluster/): teardown only disconnects. */
export function connectToServer(target: { address: string; namespace: string }): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer(target);
}
