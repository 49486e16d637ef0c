// `npm start`: the whole stack on a laptop. Starts a Temporal dev server (state in
// data/temporal.sqlite, Web UI on), the AMS emulator (data/ams.sqlite) and the
// worker, unless the environment names an external Temporal (TEMPORAL_ADDRESS)
// or a real AMS (AMS_URL); prints where each one is; Ctrl-C stops them all.
import type { Logger } from 'pino';
import { ConfigError } from '../worker/config.js';
import { renderBanner } from './dev/banner.js';
import { createDevLogger } from './dev/logger.js';
import { planDevStack, type DevStackPlan } from './dev/options.js';
import { DevStack } from './dev/stack.js';

function fail(message: string, code = 1): never {
  process.stderr.write(`dev stack: ${message}\n`);
  process.exit(code);
}

let plan: DevStackPlan;
try {
  plan = planDevStack();
} catch (error) {
  if (error instanceof ConfigError) fail(`configuration: ${error.message}`, 2);
  throw error;
}

let logger: Logger;
try {
  logger = await createDevLogger(process.env.LOG_LEVEL || 'info');
} catch (error) {
  fail(`configuration: LOG_LEVEL: must be a pino level: trace, debug, info, warn, error, fatal or silent (${(error as Error).message})`, 2);
}
const stack = new DevStack(plan, logger);
let stopping: Promise<never> | undefined;

/** One way down for Ctrl-C, SIGTERM and a part that ends on its own. */
function shutdown(reason: string, exitCode: number): Promise<never> {
  stopping ??= (async () => {
    logger.info(`${reason}: stopping the dev stack`);
    try {
      await stack.stop();
    } catch (error) {
      fail(`stopping failed: ${(error as Error).message}`);
    }
    process.exit(exitCode);
  })();
  return stopping;
}

// The SDK runtime also listens to these signals and starts the worker's graceful shutdown; stop() joins it.
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) fail(`${signal} again: exiting without waiting`);
  void shutdown(signal, 0);
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// A closed terminal stops the stack like Ctrl-C (the emulator, in its own group, gets no SIGHUP).
process.on('SIGHUP', onSignal);

try {
  const info = await stack.start();
  process.stdout.write(`${renderBanner(info)}\n`);
} catch (error) {
  if (stopping) await stopping; // a signal during start-up
  await stack.stop();
  if (error instanceof ConfigError) fail(`configuration: ${error.message}`, 2);
  fail((error as Error).message);
}

void stack.unexpectedExit?.then((reason) => shutdown(reason, 1));
