// PostgreSQL for the native cluster, as docker-compose's `postgresql` service sets
// it up: superuser `temporal` with a password, the databases `temporal` and
// `temporal_visibility` (deploy/postgres/init-databases.sql). It runs from the
// distribution's binaries in a folder of its own, on 127.0.0.1 only; the password is
// generated once and kept in a 0600 file, never on a command line or in a log.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../dev/ports.js';
import { REPO_ROOT } from '../dev/options.js';
import { runToEnd, startProcess, waitUntil, type ManagedProcess } from './processes.js';

/** compose's POSTGRES_USER. */
export const DB_USER = 'temporal';
const INIT_DATABASES_SQL = resolve(REPO_ROOT, 'deploy/postgres/init-databases.sql');

export interface RunningPostgres {
  port: number;
  /** The `temporal` user's password. */
  password: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/** Where initdb, postgres, pg_isready and psql are: PATH first, then Debian's layout. */
export function postgresBinDir(path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    if (existsSync(join(dir, 'initdb'))) return dirname(realpathSync(join(dir, 'initdb')));
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).filter((v) => existsSync(join(debian, v, 'bin/initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest) return join(debian, newest, 'bin');
  throw new Error(`PostgreSQL (initdb) is neither on PATH nor in ${debian}/<version>/bin: run 'bash scripts/setup-postgres.sh'`);
}

type ServerUser = { uid: number; gid: number };

/** PostgreSQL refuses to run as root: then it runs as the `postgres` OS user. */
function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error("running as root, PostgreSQL needs the 'postgres' OS user (Debian's postgresql package creates it)");
  }
}

async function initCluster(bin: string, dataDir: string, pgdata: string, user: ServerUser | undefined, logFile: string): Promise<void> {
  const passwordFile = join(dataDir, 'postgres-password');
  if (user) {
    // The server user must be able to pass through dataDir (not list it) to reach its folder.
    chmodSync(dataDir, statSync(dataDir).mode | 0o001);
  }
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  if (user) {
    chownSync(pgdata, user.uid, user.gid);
    chownSync(passwordFile, user.uid, user.gid); // initdb reads it as that user
  }
  const args = ['-D', pgdata, '-U', DB_USER, `--pwfile=${passwordFile}`, '--auth-host=scram-sha-256', '--auth-local=peer', '-E', 'UTF8', '--locale=C'];
  await runToEnd(join(bin, 'initdb'), args, { env: { PATH: process.env.PATH ?? '' }, logFile, user, what: 'initdb' });
}

/** Starts PostgreSQL on dataDir/postgres, creating the cluster and the databases when they are new. */
export async function startPostgres(dataDir: string, logDir: string): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  const user = serverUser();
  const pgdata = join(dataDir, 'postgres');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) await initCluster(bin, dataDir, pgdata, user, join(logDir, 'initdb.log'));
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();

  const port = await findFreePort();
  const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: '' };
  const args = ['-D', pgdata, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
  const env = { PATH: process.env.PATH ?? '', LC_ALL: 'C' };
  const server = startProcess(join(bin, 'postgres'), args, { env, logFile: join(logDir, 'postgres.log'), user });
  // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave.
  const stop = () => server.stop('SIGINT', 30_000);
  try {
    const exec = promisify(execFile);
    const ready = () =>
      exec(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]).then(
        () => true,
        () => false,
      );
    await waitUntil('PostgreSQL accepts connections', server, ready, { timeoutMs: 60_000, intervalMs: 100 });
    await createDatabases(bin, port, password, logDir);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, password, process: server, stop };
}

/** What compose's POSTGRES_DB and init-databases.sql create, each only when missing. */
async function createDatabases(bin: string, port: number, password: string, logDir: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? '', PGPASSWORD: password, PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: DB_USER, PGDATABASE: 'postgres' };
  const psql = join(bin, 'psql');
  const existing = execFileSync(psql, ['-tAc', 'SELECT datname FROM pg_database'], { env, encoding: 'utf8' }).split('\n');
  const scripts = [
    ...(existing.includes('temporal') ? [] : ['-c', 'CREATE DATABASE temporal']),
    ...(existing.includes('temporal_visibility') ? [] : ['-f', INIT_DATABASES_SQL]),
  ];
  if (scripts.length === 0) return;
  await runToEnd(psql, ['-v', 'ON_ERROR_STOP=1', ...scripts], { env, logFile: join(logDir, 'databases.log'), what: 'creating the databases' });
}
