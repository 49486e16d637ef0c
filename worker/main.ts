// Production entry point: `node dist/worker/main.js` (or `npm run worker` in development).
import { ConfigError, loadWorkerConfig, type WorkerConfig } from './config.js';
import { createLogger } from './logger.js';
import { prettyWhenTerminal } from './pretty-log.js';
import { runWorker } from './run-worker.js';

let config: WorkerConfig;
try {
  config = loadWorkerConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`ams-lifecycle worker: configuration error: ${error.message}`);
  process.exit(2);
}
const logger = createLogger(config.logLevel, await prettyWhenTerminal(process.stdout));
try {
  await runWorker(config, logger);
} catch (error) {
  // The reason in the message itself: the one line an operator reads in a crash loop.
  logger.error({ err: error }, `worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
