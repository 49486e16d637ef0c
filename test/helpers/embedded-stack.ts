// The dev stack of `npm start`, embedded in a test on free ports and a temp data
// folder: dev server with visibility, AMS emulator, worker.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackInfo } from '../../scripts/dev/banner.js';
import { planDevStack } from '../../scripts/dev/options.js';
import { findFreePort } from '../../scripts/dev/ports.js';
import { DevStack } from '../../scripts/dev/stack.js';
import { createLogger } from '../../worker/logger.js';

export interface EmbeddedStack {
  stack: DevStack;
  info: StackInfo;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(prefix: string): Promise<EmbeddedStack> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const plan = planDevStack({
    DEV_DATA_DIR: dataDir,
    DEV_TEMPORAL_PORT: String(await findFreePort()),
    DEV_UI_PORT: String(await findFreePort()),
    DEV_AMS_PORT: String(await findFreePort()),
  });
  const stack = new DevStack({ ...plan, setupTools: false }, createLogger('error'), {});
  const info = await stack.start();
  return {
    stack,
    info,
    dataDir,
    stop: async () => {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
