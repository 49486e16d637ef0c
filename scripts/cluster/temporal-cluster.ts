// docker-compose.yml's Temporal, natively: PostgreSQL (postgres.ts), compose's
// one-shot steps as they are (deploy/temporal/setup-schema.sh, then
// deploy/temporal/setup-namespace.sh), and the Temporal server rendering the
// image's own config template (tools/temporal-server/config/docker.yaml) from
// compose's environment, its four services in one process on 127.0.0.1. Binaries,
// template and schemas come from scripts/setup-tools.sh. All state lives in dataDir:
// starting again on it finds the schema, the namespace and every run where they were.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/definitions.js';
import { REPO_ROOT } from '../dev/options.js';
import { findFreePort, isPortFree } from '../dev/ports.js';
import { DB_USER, startPostgres, type RunningPostgres } from './postgres.js';
import { runToEnd, startProcess, type ManagedProcess } from './processes.js';

const TOOLS_BIN = resolve(REPO_ROOT, 'tools/bin');
export const TEMPORAL_SERVER_BINARY = join(TOOLS_BIN, 'temporal-server');
/** What the images keep in /etc/temporal: config template and schemas. */
const SERVER_ETC = resolve(REPO_ROOT, 'tools/temporal-server');
const DYNAMIC_CONFIG = resolve(REPO_ROOT, 'deploy/temporal/dynamicconfig/production-sql.yaml');
const SETUP_SCHEMA = resolve(REPO_ROOT, 'deploy/temporal/setup-schema.sh');
const SETUP_NAMESPACE = resolve(REPO_ROOT, 'deploy/temporal/setup-namespace.sh');

export interface TemporalClusterOptions {
  /** All state (PostgreSQL's files, the password, ports.json, logs/): created if missing, reused if not. */
  dataDir: string;
  /** Frontend gRPC port on 127.0.0.1 (default: the one it had on dataDir, or a free one). */
  port?: number;
  /** Created if missing, with the project's search attributes (default `default`). */
  namespace?: string;
  /** Retention of closed runs when the namespace is created (default 1d; compose: 30d). */
  retention?: string;
  /** Fixed when dataDir is first used (default 4; compose: 128). */
  numHistoryShards?: number;
  /** The Temporal server's log level (default warn), in dataDir/logs/temporal-server.log. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Progress lines ("PostgreSQL ready on …"); default: silent. */
  log?: (line: string) => void;
}

export interface TemporalCluster {
  /** Frontend host:port. */
  address: string;
  namespace: string;
  dataDir: string;
  /** Where each process writes its output. */
  logDir: string;
  /** The running processes' ids (the server's changes when it restarts). */
  readonly pids: { postgres: number; temporal: number | undefined };
  /**
   * Stops the Temporal server process (SIGTERM, or e.g. SIGKILL for a crash), waits
   * `downtimeMs`, and starts it again on the same ports; PostgreSQL keeps the state.
   */
  restartServer(options?: { signal?: NodeJS.Signals; downtimeMs?: number }): Promise<void>;
  /** Stops the server, then PostgreSQL; safe to call twice. */
  stop(): Promise<void>;
}

export type Ports = Record<(typeof PORT_VARIABLES)[number], number>;
const PORT_VARIABLES = [
  'FRONTEND_GRPC_PORT',
  'FRONTEND_HTTP_PORT',
  'FRONTEND_MEMBERSHIP_PORT',
  'HISTORY_GRPC_PORT',
  'HISTORY_MEMBERSHIP_PORT',
  'MATCHING_GRPC_PORT',
  'MATCHING_MEMBERSHIP_PORT',
  'WORKER_GRPC_PORT',
  'WORKER_MEMBERSHIP_PORT',
] as const;

/**
 * One port per service listener, all distinct, kept in dataDir/ports.json: a server
 * that comes back on other membership ports waits ~45 s for the ring to drop the
 * old ones, which its own rows in PostgreSQL still name. The frontend's may be given.
 * New ones come from findFreePort: below 32768, as Temporal stores membership ports in
 * a SMALLINT column, and below the kernel's ephemeral ports.
 */
async function choosePorts(dataDir: string, frontend?: number): Promise<Ports> {
  const file = join(dataDir, 'ports.json');
  const saved: Partial<Ports> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (frontend !== undefined) saved.FRONTEND_GRPC_PORT = frontend;
  const ports = {} as Ports;
  const taken = new Set<number>();
  for (const name of PORT_VARIABLES) {
    let port = saved[name];
    if (port === undefined || taken.has(port) || !(await isPortFree('127.0.0.1', port))) {
      if (name === 'FRONTEND_GRPC_PORT' && frontend !== undefined) {
        throw new Error(`port 127.0.0.1:${frontend} is in use: stop what holds it or choose another port`);
      }
      port = await findFreePort('127.0.0.1', taken);
    }
    ports[name] = port;
    taken.add(port);
  }
  writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

/**
 * The environment the config template is rendered from: docker-compose.yml's
 * `temporal` service (same names, same values but the shard count and paths), plus
 * what compose gets from separate containers: one loopback address, distinct ports.
 */
export function serverEnvironment(settings: {
  postgresPort: number;
  password: string;
  numHistoryShards: number;
  logLevel: string;
  ports: Ports;
}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DB: 'postgres12',
    DB_PORT: String(settings.postgresPort),
    // The template reads the visibility store's port from here, not from DB_PORT.
    POSTGRES_PORT: String(settings.postgresPort),
    POSTGRES_SEEDS: '127.0.0.1',
    POSTGRES_USER: DB_USER,
    POSTGRES_PWD: settings.password,
    DBNAME: 'temporal',
    VISIBILITY_DBNAME: 'temporal_visibility',
    NUM_HISTORY_SHARDS: String(settings.numHistoryShards),
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG,
    BIND_ON_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    LOG_LEVEL: settings.logLevel,
    ...Object.fromEntries(Object.entries(settings.ports).map(([name, port]) => [name, String(port)])),
  };
}

function requireTools(): void {
  for (const path of [TEMPORAL_SERVER_BINARY, join(TOOLS_BIN, 'temporal-sql-tool'), join(TOOLS_BIN, 'temporal'), join(SERVER_ETC, 'config/docker.yaml')]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run 'bash scripts/setup-tools.sh'`);
  }
}

export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  requireTools();
  const dataDir = resolve(options.dataDir);
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const namespace = options.namespace ?? 'default';
  const log = options.log ?? (() => {});
  const toolsPath = `${TOOLS_BIN}:${process.env.PATH ?? ''}`;

  const started = Date.now();
  const postgres: RunningPostgres = await startPostgres(dataDir, logDir);
  log(`PostgreSQL ready on 127.0.0.1:${postgres.port} (${Date.now() - started} ms)`);
  let server: ManagedProcess | undefined;
  let ports: Ports;
  let stopped = false;

  async function startServer(): Promise<ManagedProcess> {
    const begun = Date.now();
    const env = serverEnvironment({
      postgresPort: postgres.port,
      password: postgres.password,
      numHistoryShards: options.numHistoryShards ?? 4,
      logLevel: options.logLevel ?? 'warn',
      ports,
    });
    const args = ['--config-file', join(SERVER_ETC, 'config/docker.yaml'), '--allow-no-auth', 'start'];
    const child = startProcess(TEMPORAL_SERVER_BINARY, args, { env, cwd: dataDir, logFile: join(logDir, 'temporal-server.log') });
    try {
      // compose's temporal-setup step: waits for the frontend, then namespace and search attributes.
      await runToEnd('sh', [SETUP_NAMESPACE], {
        env: {
          PATH: toolsPath,
          HOME: process.env.HOME ?? '/tmp',
          TEMPORAL_ADDRESS: `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`,
          TEMPORAL_NAMESPACE: namespace,
          NAMESPACE_RETENTION: options.retention ?? '1d',
          SEARCH_ATTRIBUTES: SEARCH_ATTRIBUTE_KEYS.map((key) => `${key.name}=Keyword`).join(' '),
          SETUP_WAIT_SECONDS: '120',
        },
        logFile: join(logDir, 'setup-namespace.log'),
        what: 'deploy/temporal/setup-namespace.sh',
        alongside: child,
      });
    } catch (error) {
      await child.stop();
      throw error;
    }
    log(`Temporal server ${child.pid} ready on 127.0.0.1:${ports.FRONTEND_GRPC_PORT}, namespace ${namespace} (${Date.now() - begun} ms)`);
    return child;
  }

  async function stop(): Promise<void> {
    stopped = true;
    await server?.stop('SIGTERM', 30_000);
    await postgres.stop();
  }

  try {
    // compose's temporal-schema step: creates or upgrades both schemas, safe on every start.
    await runToEnd('sh', [SETUP_SCHEMA], {
      env: {
        PATH: toolsPath,
        SQL_HOST: '127.0.0.1',
        SQL_PORT: String(postgres.port),
        SQL_USER: DB_USER,
        SQL_PASSWORD: postgres.password,
        TEMPORAL_SCHEMA_DIR: join(SERVER_ETC, 'schema'),
      },
      logFile: join(logDir, 'setup-schema.log'),
      what: 'deploy/temporal/setup-schema.sh',
      alongside: postgres.process,
    });
    log(`schemas ready (${Date.now() - started} ms)`);
    ports = await choosePorts(dataDir, options.port);
    server = await startServer();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    address: `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`,
    namespace,
    dataDir,
    logDir,
    get pids() {
      return { postgres: postgres.process.pid, temporal: server?.running() ? server.pid : undefined };
    },
    async restartServer({ signal = 'SIGTERM', downtimeMs = 0 } = {}) {
      if (stopped) throw new Error('the cluster has been stopped');
      await server?.stop(signal, 30_000);
      server = undefined;
      if (downtimeMs > 0) await sleep(downtimeMs);
      server = await startServer();
    },
    stop,
  };
}
