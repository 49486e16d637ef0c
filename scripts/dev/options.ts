// What `npm start` runs, decided from the environment in one place: an embedded
// Temporal dev server unless TEMPORAL_ADDRESS (or TLS / an API key) names an
// external one, the AMS emulator unless AMS_URL names a real AMS.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadTemporalConfig, type TemporalConfig } from '../../worker/config.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Variables of the dev stack itself (the worker's own are in worker/config.ts). */
export const DEV_VARIABLES = {
  DEV_DATA_DIR: { default: 'data', doc: 'Folder for the SQLite files of Temporal and the emulator (git-ignored)' },
  DEV_TEMPORAL_PORT: { default: '7233', doc: 'gRPC port of the embedded Temporal dev server' },
  DEV_UI_PORT: { default: '8233', doc: 'Port of the Temporal Web UI' },
  DEV_AMS_PORT: { default: '8000', doc: 'Port of the embedded AMS emulator' },
} as const;

export type EmbeddedTemporal = {
  kind: 'embedded';
  ip: string;
  port: number;
  uiPort: number;
  dbFile: string;
  config: TemporalConfig;
};
export type ExternalTemporal = { kind: 'external'; config: TemporalConfig };

export interface DevStackPlan {
  dataDir: string;
  temporal: EmbeddedTemporal | ExternalTemporal;
  ams: { kind: 'emulator'; port: number; dataFile: string } | { kind: 'external'; url: string };
  /** Run scripts/setup-tools.sh (only needed for the embedded Temporal). */
  setupTools: boolean;
}

type Env = Record<string, string | undefined>;

const EXTERNAL_TEMPORAL_HINTS = ['TEMPORAL_API_KEY', 'TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_NAME'];

function port(env: Env, name: keyof typeof DEV_VARIABLES): number {
  const raw = env[name] || DEV_VARIABLES[name].default;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 65_535) throw new ConfigError(name, `must be a port from 1 to 65535 (got '${raw}')`);
  return value;
}

function isSet(env: Env, name: string): boolean {
  return env[name] !== undefined && env[name] !== '';
}

export function planDevStack(env: Env = process.env, root = REPO_ROOT): DevStackPlan {
  const dataDir = resolve(root, env.DEV_DATA_DIR || DEV_VARIABLES.DEV_DATA_DIR.default);
  const tlsOn = ['true', '1'].includes(env.TEMPORAL_TLS ?? '');
  const external = isSet(env, 'TEMPORAL_ADDRESS');
  if (!external) {
    const hint = EXTERNAL_TEMPORAL_HINTS.find((name) => isSet(env, name)) ?? (tlsOn ? 'TEMPORAL_TLS' : undefined);
    if (hint) throw new ConfigError('TEMPORAL_ADDRESS', `is required when ${hint} is set (it names an external Temporal)`);
  }

  let temporal: DevStackPlan['temporal'];
  if (external) {
    temporal = { kind: 'external', config: loadTemporalConfig(env) };
  } else {
    const ip = '127.0.0.1';
    const grpcPort = port(env, 'DEV_TEMPORAL_PORT');
    temporal = {
      kind: 'embedded',
      ip,
      port: grpcPort,
      uiPort: port(env, 'DEV_UI_PORT'),
      dbFile: resolve(dataDir, 'temporal.sqlite'),
      config: loadTemporalConfig({ ...env, TEMPORAL_ADDRESS: `${ip}:${grpcPort}` }),
    };
  }
  const ams: DevStackPlan['ams'] = isSet(env, 'AMS_URL')
    ? { kind: 'external', url: env.AMS_URL! }
    : { kind: 'emulator', port: port(env, 'DEV_AMS_PORT'), dataFile: resolve(dataDir, 'ams.sqlite') };
  return { dataDir, temporal, ams, setupTools: temporal.kind === 'embedded' };
}

/** The worker's environment: the user's, with the embedded services filled in. */
export function workerEnv(
  env: Env,
  temporal: TemporalConfig,
  emulator?: { url: string; tokenUrl: string; credentials: { clientId: string; clientSecret: string } },
): Env {
  const result: Env = { ...env, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace };
  if (emulator) {
    // The emulator's own service account; any static-token settings would conflict with it.
    for (const name of ['AMS_TOKEN', 'AMS_TOKEN_FILE', 'AMS_CLIENT_SECRET_FILE']) delete result[name];
    Object.assign(result, {
      AMS_URL: emulator.url,
      AMS_TOKEN_URL: emulator.tokenUrl,
      AMS_CLIENT_ID: emulator.credentials.clientId,
      AMS_CLIENT_SECRET: emulator.credentials.clientSecret,
    });
  }
  return result;
}
