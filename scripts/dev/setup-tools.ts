// Installs the Temporal dev server into tools/bin on first start (a no-op once its
// stamp is there). Only what the dev stack needs: no OCM CLI or SDK, no test server; the
// Temporal CLI, server and PostgreSQL only for the native cluster (scripts/cluster/).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from './options.js';

export function runSetupTools(env: Record<string, string | undefined> = process.env, { temporalServer = false } = {}): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [resolve(REPO_ROOT, 'scripts/setup-tools.sh')], {
      cwd: REPO_ROOT,
      env: {
        ...env,
        SETUP_OCM_CLI: '0',
        SETUP_OCM_SDK: '0',
        SETUP_TEST_SERVER: '0',
        SETUP_TEMPORAL_SERVER: temporalServer ? '1' : '0',
        SETUP_TEMPORAL_CLI: temporalServer ? '1' : '0',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`scripts/setup-tools.sh failed (exit code ${code}); see its output above`)),
    );
  });
}
