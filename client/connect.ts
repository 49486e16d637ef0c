// Opens a Temporal client from the same environment variables the worker reads.
import { Client, Connection } from '@temporalio/client';
import { loadTemporalConfig, type TemporalConfig } from '../worker/config.js';
import { ClusterLifecycleClient, type ClusterLifecycleClientOptions } from './cluster-client.js';

export interface ConnectOptions extends Pick<ClusterLifecycleClientOptions, 'registrationWaitSeconds' | 'callTimeoutMs' | 'afterInstall'> {
  connectTimeout?: string;
  /**
   * Return at once without connecting: the first call connects (or `ensureConnected()`), so
   * a call's input is checked before anything waits on the network. Default: connect first.
   */
  lazy?: boolean;
}

export async function connectLifecycleClient(
  config: TemporalConfig = loadTemporalConfig(),
  options: ConnectOptions = {},
): Promise<{ lifecycle: ClusterLifecycleClient; client: Client; ensureConnected: () => Promise<void>; close: () => Promise<void> }> {
  const { connectTimeout, lazy, ...clientOptions } = options;
  const connectionOptions = { address: config.address, apiKey: config.apiKey, tls: config.tls, connectTimeout };
  const connection = lazy ? Connection.lazy(connectionOptions) : await Connection.connect(connectionOptions);
  const client = new Client({ connection, namespace: config.namespace });
  const lifecycle = new ClusterLifecycleClient({ client, taskQueue: config.taskQueue, ...clientOptions });
  return { lifecycle, client, ensureConnected: () => connection.ensureConnected(), close: () => connection.close() };
}
