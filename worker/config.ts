// Worker configuration from environment variables, validated at start: a bad
// or missing value stops the worker with an error naming the variable.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { AMS_CLIENT_DEFAULTS, hasUserInfo } from '../ams/config.js';
import type { AmsAuthOptions } from '../ams/index.js';
import { RETRY_AFTER_LIMIT_SECONDS } from '../workflows/backoff.js';
import { TASK_QUEUE_DEFAULT } from '../workflows/definitions.js';

/** An activity attempt has 60 s (workflows/cluster-subscription.ts); the longest chain is a token request and four AMS requests. */
export const AMS_TIMEOUT_MAX_MS = 12_000;
/** The workflow never waits longer than this on a Retry-After; a longer cap would only be cut again. */
export const MAX_RETRY_AFTER_CAP_SECONDS = RETRY_AFTER_LIMIT_SECONDS;
/** More activity slots than one process can use is a typo, not a setting. */
export const MAX_CONCURRENT_ACTIVITIES = 10_000;
/** More cached runs than this would not fit a worker's memory (each costs memory: scripts/bench measures it). */
export const MAX_CACHED_WORKFLOWS = 100_000;
/** A task-queue rate above this is no limit at all; more likely a typo. */
export const MAX_AMS_ACTIVITIES_PER_SECOND = 10_000;

/** Every variable the worker reads, with its default and meaning (README's table is made from this). */
export const CONFIG_VARIABLES = {
  TEMPORAL_ADDRESS: { default: '127.0.0.1:7233', doc: 'Temporal frontend host:port (Temporal Cloud: NAMESPACE.ACCOUNT.tmprl.cloud:7233)' },
  TEMPORAL_NAMESPACE: { default: 'default', doc: 'Temporal namespace' },
  TEMPORAL_TASK_QUEUE: { default: TASK_QUEUE_DEFAULT, doc: 'Task queue the worker polls and the client starts workflows on' },
  TEMPORAL_API_KEY: { default: '', doc: 'API key (Temporal Cloud); implies TLS' },
  TEMPORAL_TLS: { default: 'false', doc: 'true to use TLS without client certificates' },
  TEMPORAL_TLS_CERT_PATH: { default: '', doc: 'Client certificate (PEM) for mTLS; with TEMPORAL_TLS_KEY_PATH' },
  TEMPORAL_TLS_KEY_PATH: { default: '', doc: 'Client private key (PEM) for mTLS' },
  TEMPORAL_TLS_CA_PATH: { default: '', doc: 'CA bundle (PEM) to verify the server, if not a public CA' },
  TEMPORAL_TLS_SERVER_NAME: { default: '', doc: 'TLS server name override' },
  AMS_URL: { default: '', doc: 'OCM API root, e.g. https://api.openshift.com (required)' },
  AMS_TOKEN_URL: { default: 'https://sso.redhat.com/auth/realms/redhat-external/protocol/openid-connect/token', doc: 'OAuth2 token endpoint for client credentials' },
  AMS_CLIENT_ID: { default: '', doc: 'Service account client id (client-credentials auth)' },
  AMS_CLIENT_SECRET: { default: '', doc: 'Service account client secret (or AMS_CLIENT_SECRET_FILE)' },
  AMS_CLIENT_SECRET_FILE: { default: '', doc: 'File holding the client secret; re-read at every token request, so rotating it needs no restart' },
  AMS_TOKEN: { default: '', doc: 'Static bearer token instead of client credentials (or AMS_TOKEN_FILE)' },
  AMS_TOKEN_FILE: { default: '', doc: 'File holding a static bearer token' },
  AMS_TIMEOUT_MS: {
    default: String(AMS_CLIENT_DEFAULTS.timeoutMs),
    doc: `Timeout of one AMS HTTP request, in ms (at most ${AMS_TIMEOUT_MAX_MS}: an activity's 60 s covers a token request and four AMS requests)`,
  },
  AMS_MAX_RETRY_AFTER_SECONDS: {
    default: String(AMS_CLIENT_DEFAULTS.maxRetryAfterSeconds),
    doc: `Longest wait honoured from an AMS Retry-After, in seconds (longer ones are cut to this; at most ${MAX_RETRY_AFTER_CAP_SECONDS})`,
  },
  TEMPORAL_WORKER_DEPLOYMENT_NAME: {
    default: '',
    doc: 'Worker Deployment Versioning: the deployment (e.g. ams-lifecycle); with TEMPORAL_WORKER_BUILD_ID. Unset: unversioned. See deploy/README.md',
  },
  TEMPORAL_WORKER_BUILD_ID: { default: '', doc: "This worker's build within the deployment (e.g. the image tag or git commit); with TEMPORAL_WORKER_DEPLOYMENT_NAME" },
  AMS_MAX_ACTIVITIES_PER_SECOND: {
    // 50: a fleet's steady load is a few per second, so this never slows normal work; it keeps
    // a recovery storm (thousands of clusters retrying as AMS comes back) at a rate AMS can take
    // (the storm measured in issue 13 peaked at 188 requests/s without a limit).
    default: '50',
    doc: `Activities Temporal starts per second across all workers of the task queue: every activity on it, the AMS calls (one to three AMS requests each, retries included) and the sweeper's (the server enforces it; decimals allowed, at most ${MAX_AMS_ACTIVITIES_PER_SECOND})`,
  },
  WORKER_MAX_CACHED_WORKFLOWS: {
    // Bounded and stated rather than the SDK's default, which grows with the heap limit; a run
    // the cache dropped is replayed from its history when it next has work (a few ms).
    default: '2000',
    doc: `Workflow runs one worker keeps in memory (2 to ${MAX_CACHED_WORKFLOWS}: the SDK raises a smaller cache to 2; each cached run costs memory, measured by scripts/bench, see its README); more open runs are fine, they are replayed when they next have work`,
  },
  WORKER_MAX_CONCURRENT_ACTIVITIES: { default: '50', doc: `Activities one worker runs at once (at most ${MAX_CONCURRENT_ACTIVITIES})` },
  WORKFLOW_BUNDLE_PATH: { default: '', doc: 'Pre-bundled workflow code (npm run build writes dist/workflow-bundle.js)' },
  LOG_LEVEL: { default: 'info', doc: "pino level: trace, debug, info, warn, error, fatal, silent (the SDK's own logs follow it)" },
} as const;

export type ConfigVariable = keyof typeof CONFIG_VARIABLES;

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  tls?: { serverName?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | true;
}

/** Worker Deployment Versioning: which version of which deployment this worker is. */
export interface WorkerDeploymentVersion {
  deploymentName: string;
  buildId: string;
}

export interface WorkerConfig {
  temporal: TemporalConfig;
  /** Absent: the worker is unversioned (as before versioning). */
  deployment?: WorkerDeploymentVersion;
  ams: { baseUrl: string; auth: AmsAuthOptions; timeoutMs: number; maxRetryAfterSeconds: number };
  maxConcurrentActivities: number;
  /** Runs kept in the worker's workflow cache (maxCachedWorkflows). */
  maxCachedWorkflows: number;
  /** Temporal's task-queue activity rate limit (maxTaskQueueActivitiesPerSecond). */
  amsMaxActivitiesPerSecond: number;
  workflowBundlePath?: string;
  logLevel: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    rule: string,
  ) {
    super(`${variable}: ${rule}`);
  }
}

const hostPort = z
  .string()
  .regex(/^[^\s:/]+(:\d{1,5})$/, 'must be host:port')
  .refine((v) => Number(v.split(':')[1]) >= 1 && Number(v.split(':')[1]) <= 65_535, 'must be host:port with a port from 1 to 65535');
// A stray space (an .env file) would make the worker poll a queue the client never uses.
const taskQueueName = z
  .string()
  .regex(/^(?!\s)[^\x00-\x1f\x7f]*(?<!\s)$/, 'must not start or end with white space or hold control characters');
// The server joins the two into one version id and reserves names starting with '__'
// (__unversioned__); the deployment name must not hold the separators '.' or ':'.
const versionPart = (what: string, extra: RegExp | undefined) =>
  z
    .string()
    .max(255, 'must be at most 255 characters')
    .regex(/^[^\s\x00-\x1f\x7f]+$/, `must be one ${what} without white space or control characters`)
    .refine((v) => !v.startsWith('__'), "must not start with '__' (reserved by Temporal)")
    .refine((v) => !extra?.test(v), "must not contain '.' or ':' (Temporal joins name and build id with them)");
const deploymentName = versionPart('name', /[.:]/);
const buildId = versionPart('build id', undefined);
const httpUrl = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an absolute http(s) URL');
const positiveInt = z.string().regex(/^[1-9]\d*$/, 'must be a positive whole number');
const rate = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a positive number')
    .refine((v) => Number(v) > 0, 'must be a positive number')
    .refine((v) => Number(v) <= max, `must be at most ${max}`);
const atMost = (max: number) => positiveInt.refine((v) => Number(v) <= max, `must be at most ${max}`);
// The SDK silently raises a cache of 1 to 2 (and 0 would turn the cache off): say so instead.
const cacheSize = (max: number) => positiveInt.refine((v) => Number(v) >= 2, 'must be at least 2 (the SDK raises a smaller cache to 2)').refine((v) => Number(v) <= max, `must be at most ${max}`);
const bool = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' });
const level = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { error: 'must be a pino level' });

type Env = Record<string, string | undefined>;

function read(env: Env, name: ConfigVariable, schema?: z.ZodType<string>): string {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? CONFIG_VARIABLES[name].default : raw;
  if (schema && value !== '') {
    const result = schema.safeParse(value);
    if (!result.success) throw new ConfigError(name, `${result.error.issues[0]?.message ?? 'invalid'} (got '${value}')`);
  }
  return value;
}

/** An http(s) URL; user-info is refused before any message could repeat it, since the URL gets logged. */
function readUrl(env: Env, name: 'AMS_URL' | 'AMS_TOKEN_URL'): string {
  const raw = env[name];
  if (raw !== undefined && hasUserInfo(raw)) {
    throw new ConfigError(name, 'must not contain user-info (user:password@); credentials belong in AMS_CLIENT_ID/AMS_CLIENT_SECRET');
  }
  return read(env, name, httpUrl);
}

function readFile(name: ConfigVariable, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(name, `cannot read file '${path}': ${(error as Error).message}`);
  }
}

/** A secret from its variable, or from its file; a named file that is empty is an error of its own. */
function secret(env: Env, name: ConfigVariable, fileName: ConfigVariable): string {
  const file = read(env, fileName);
  if (!file) return read(env, name);
  const value = readFile(fileName, file).toString('utf8').trim();
  if (!value) throw new ConfigError(fileName, `file '${file}' is empty`);
  return value;
}

/** A PEM file for TLS: anything else would fail only at connect time, with a message naming no variable. */
function readPem(name: ConfigVariable, path: string): Buffer {
  const content = readFile(name, path);
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(content.toString('latin1'))) {
    throw new ConfigError(name, `file '${path}' holds no PEM block (-----BEGIN …-----)`);
  }
  return content;
}

function amsAuth(env: Env): AmsAuthOptions {
  const token = secret(env, 'AMS_TOKEN', 'AMS_TOKEN_FILE');
  const clientId = read(env, 'AMS_CLIENT_ID');
  const clientSecret = secret(env, 'AMS_CLIENT_SECRET', 'AMS_CLIENT_SECRET_FILE');
  if (token && clientId) throw new ConfigError('AMS_TOKEN', 'set either AMS_TOKEN or AMS_CLIENT_ID/AMS_CLIENT_SECRET, not both');
  if (token) return { kind: 'static-token', token };
  if (!clientId) throw new ConfigError('AMS_CLIENT_ID', 'is required (or set AMS_TOKEN)');
  if (!clientSecret) throw new ConfigError('AMS_CLIENT_SECRET', 'is required with AMS_CLIENT_ID (or set AMS_CLIENT_SECRET_FILE)');
  const tokenUrl = readUrl(env, 'AMS_TOKEN_URL');
  const secretFile = read(env, 'AMS_CLIENT_SECRET_FILE');
  // A mounted secret file is read again at every token request, so rotating it needs no restart.
  const source = secretFile ? () => readSecretFile(secretFile, clientSecret) : clientSecret;
  return { kind: 'client-credentials', tokenUrl, clientId, clientSecret: source };
}

/** The file's current content; the last good value if it is briefly unreadable mid-rotation. */
function readSecretFile(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim() || fallback;
  } catch {
    return fallback;
  }
}

function temporalTls(env: Env, apiKey: string | undefined): WorkerConfig['temporal']['tls'] {
  const cert = read(env, 'TEMPORAL_TLS_CERT_PATH');
  const key = read(env, 'TEMPORAL_TLS_KEY_PATH');
  const ca = read(env, 'TEMPORAL_TLS_CA_PATH');
  const serverName = read(env, 'TEMPORAL_TLS_SERVER_NAME') || undefined;
  const flag = read(env, 'TEMPORAL_TLS', bool);
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError(cert ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH', 'mTLS needs both the certificate and the key');
  }
  // Said false on purpose (not just left unset), yet given what only TLS uses: which one is meant?
  const needsTls = (
    [
      ['TEMPORAL_TLS_CERT_PATH', cert],
      ['TEMPORAL_TLS_CA_PATH', ca],
      ['TEMPORAL_TLS_SERVER_NAME', serverName],
      ['TEMPORAL_API_KEY', apiKey],
    ] as const
  ).find(([, value]) => value);
  if (env.TEMPORAL_TLS && ['false', '0'].includes(flag) && needsTls) {
    throw new ConfigError('TEMPORAL_TLS', `is false, but ${needsTls[0]} is set, which needs TLS (unset TEMPORAL_TLS or make it true)`);
  }
  if (!cert && !ca && !serverName) return ['true', '1'].includes(flag) || apiKey ? true : undefined;
  return {
    serverName,
    serverRootCACertificate: ca ? readPem('TEMPORAL_TLS_CA_PATH', ca) : undefined,
    clientCertPair: cert ? { crt: readPem('TEMPORAL_TLS_CERT_PATH', cert), key: readPem('TEMPORAL_TLS_KEY_PATH', key) } : undefined,
  };
}

/** Where Temporal is and how to reach it: shared by the worker, the CLI and the dev stack. */
export function loadTemporalConfig(env: Env = process.env): TemporalConfig {
  const apiKey = read(env, 'TEMPORAL_API_KEY') || undefined;
  return {
    address: read(env, 'TEMPORAL_ADDRESS', hostPort),
    namespace: read(env, 'TEMPORAL_NAMESPACE', z.string().regex(/^[\w.-]+$/, 'must be a namespace name')),
    taskQueue: read(env, 'TEMPORAL_TASK_QUEUE', taskQueueName),
    apiKey,
    tls: temporalTls(env, apiKey),
  };
}

/** Both variables or neither: half a version would leave the worker unversioned by mistake. */
function workerDeployment(env: Env): WorkerDeploymentVersion | undefined {
  const name = read(env, 'TEMPORAL_WORKER_DEPLOYMENT_NAME', deploymentName);
  const build = read(env, 'TEMPORAL_WORKER_BUILD_ID', buildId);
  if (!name && !build) return undefined;
  if (!build) throw new ConfigError('TEMPORAL_WORKER_BUILD_ID', 'is required with TEMPORAL_WORKER_DEPLOYMENT_NAME (versioned workers need both)');
  if (!name) throw new ConfigError('TEMPORAL_WORKER_DEPLOYMENT_NAME', 'is required with TEMPORAL_WORKER_BUILD_ID (versioned workers need both)');
  return { deploymentName: name, buildId: build };
}

/** Where AMS is and how to log in: shared by the worker and the CLI's operator commands. */
export function loadAmsConfig(env: Env = process.env): WorkerConfig['ams'] {
  const amsUrl = readUrl(env, 'AMS_URL');
  if (!amsUrl) throw new ConfigError('AMS_URL', 'is required (the OCM API root, e.g. https://api.openshift.com)');
  return {
    baseUrl: amsUrl,
    auth: amsAuth(env),
    timeoutMs: Number(read(env, 'AMS_TIMEOUT_MS', atMost(AMS_TIMEOUT_MAX_MS))),
    maxRetryAfterSeconds: Number(read(env, 'AMS_MAX_RETRY_AFTER_SECONDS', atMost(MAX_RETRY_AFTER_CAP_SECONDS))),
  };
}

export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const ams = loadAmsConfig(env);
  const bundle = read(env, 'WORKFLOW_BUNDLE_PATH');
  const deployment = workerDeployment(env);
  return {
    temporal: loadTemporalConfig(env),
    ...(deployment ? { deployment } : {}),
    ams,
    maxConcurrentActivities: Number(read(env, 'WORKER_MAX_CONCURRENT_ACTIVITIES', atMost(MAX_CONCURRENT_ACTIVITIES))),
    maxCachedWorkflows: Number(read(env, 'WORKER_MAX_CACHED_WORKFLOWS', cacheSize(MAX_CACHED_WORKFLOWS))),
    amsMaxActivitiesPerSecond: Number(read(env, 'AMS_MAX_ACTIVITIES_PER_SECOND', rate(MAX_AMS_ACTIVITIES_PER_SECOND))),
    workflowBundlePath: bundle ? (readFile('WORKFLOW_BUNDLE_PATH', bundle), bundle) : undefined,
    logLevel: read(env, 'LOG_LEVEL', level),
  };
}
