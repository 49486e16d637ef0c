// One pino logger for the process; the Temporal SDK's own logs (workflow and
// activity logs included) are routed into it, tagged with the cluster id.
import { DefaultLogger, Runtime, type LogLevel, type LogMetadata } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { AMS_REDACT_PATHS } from '../ams/index.js';
import { WORKFLOW_ID_PREFIX } from '../workflows/definitions.js';

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { name: 'ams-lifecycle', level, redact: { paths: [...AMS_REDACT_PATHS], censor: '[redacted]' } },
    destination,
  );
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Workflow ids are derived from cluster ids: put the cluster id on every line that has
 * one. The activity task token is left out: it is long, and it can complete the activity.
 */
export function clusterFields(meta: LogMetadata | undefined): Record<string, unknown> {
  const { taskToken: _omitted, ...fields } = meta ?? {};
  const workflowId = typeof fields.workflowId === 'string' ? fields.workflowId : undefined;
  return workflowId?.startsWith(WORKFLOW_ID_PREFIX)
    ? { ...fields, clusterId: workflowId.slice(WORKFLOW_ID_PREFIX.length) }
    : fields;
}

/** The SDK's level for a pino level; undefined for 'silent', which logs nothing at all. */
export function sdkLogLevel(level: string): LogLevel | undefined {
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR' };
  return levels[level];
}

let installed = false;

/** Route SDK logs to pino. Runtime.install may only run once per process. */
export function installSdkLogger(logger: Logger): void {
  if (installed) return;
  installed = true;
  const level = sdkLogLevel(logger.level);
  Runtime.install({
    logger: new DefaultLogger(level ?? 'ERROR', (entry) => {
      if (level) logger[PINO_LEVEL[entry.level]](clusterFields(entry.meta), entry.message);
    }),
  });
}
