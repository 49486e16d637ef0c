// The CLI's Temporal connection: configuration from the environment (as the
// worker reads it) with --address/--namespace/--task-queue on top.
import type { Client } from '@temporalio/client';
import { ConfigError, loadTemporalConfig, type TemporalConfig } from '../worker/config.js';
import type { ClusterLifecycleClient } from '../client/cluster-client.js';
import { connectLifecycleClient } from '../client/connect.js';
import { CliError, EXIT } from './exit-codes.js';

export interface GlobalOptions {
  json?: boolean;
  address?: string;
  namespace?: string;
  taskQueue?: string;
  /** --timeout: seconds each call may take. */
  timeout?: number;
}

/** [option key, variable it overrides, flag]. */
export type Overrides = readonly (readonly [option: string, variable: string, flag: string])[];

const OVERRIDES: Overrides = [
  ['address', 'TEMPORAL_ADDRESS', '--address'],
  ['namespace', 'TEMPORAL_NAMESPACE', '--namespace'],
  ['taskQueue', 'TEMPORAL_TASK_QUEUE', '--task-queue'],
];

type Options = object;

/** The environment with the flags laid over it (flags win). */
export function envWithOverrides(env: Record<string, string | undefined>, opts: Options, overrides: Overrides = OVERRIDES): Record<string, string | undefined> {
  const merged = { ...env };
  for (const [option, variable] of overrides) {
    const value = (opts as Record<string, unknown>)[option];
    if (typeof value === 'string') merged[variable] = value;
  }
  return merged;
}

/** Re-labels a configuration error caused by a flag so the message names the flag. */
export function withFlagNames<T>(opts: Options, load: () => T, overrides: Overrides = OVERRIDES): T {
  try {
    return load();
  } catch (error) {
    const flag = overrides.find(([option, variable]) => error instanceof ConfigError && error.variable === variable && (opts as Record<string, unknown>)[option] !== undefined);
    if (error instanceof ConfigError && flag) {
      throw new ConfigError(flag[2], error.message.slice(error.variable.length + 2));
    }
    throw error;
  }
}

export function temporalConfigFor(env: Record<string, string | undefined>, globals: GlobalOptions): TemporalConfig {
  return withFlagNames(globals, () => loadTemporalConfig(envWithOverrides(env, globals)));
}

export interface TemporalSession {
  config: TemporalConfig;
  client: Client;
  lifecycle: ClusterLifecycleClient;
  /** Connects; rejects with a CliError naming the address when Temporal cannot be reached. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A session that connects only when asked: the library checks a call's input before its
 * first request, so bad input is refused at once, never after a connection timeout.
 */
export async function openSession(
  config: TemporalConfig,
  options: { registrationWaitSeconds?: number; callTimeoutMs?: number } = {},
): Promise<TemporalSession> {
  const session = await connectLifecycleClient(config, { ...options, connectTimeout: '5s', lazy: true });
  const connect = () =>
    session.ensureConnected().catch((error: unknown) => {
      throw new CliError(
        `cannot reach Temporal at ${config.address} (namespace ${config.namespace}): ${(error as Error).message}`,
        EXIT.failure,
        'temporal-unreachable',
        { address: config.address },
      );
    });
  return { config, client: session.client, lifecycle: session.lifecycle, connect, close: session.close };
}
