// Opens a Temporal client from the same environment variables the worker reads.
import { Client, Connection } from '@temporalio/client';
import { loadTemporalConfig, type TemporalConfig } from '../worker/config.js';
import { ClusterLifecycleClient, type ClusterLifecycleClientOptions } from './cluster-client.js';

export async function connectLifecycleClient(
  config: TemporalConfig = loadTemporalConfig(),
  options: Pick<ClusterLifecycleClientOptions, 'registrationWaitSeconds' | 'callTimeoutMs' | 'afterInstall'> & { connectTimeout?: string } = {},
): Promise<{ lifecycle: ClusterLifecycleClient; client: Client; close: () => Promise<void> }> {
  const { connectTimeout, ...clientOptions } = options;
  const connection = await Connection.connect({ address: config.address, apiKey: config.apiKey, tls: config.tls, connectTimeout });
  const client = new Client({ connection, namespace: config.namespace });
  const lifecycle = new ClusterLifecycleClient({ client, taskQueue: config.taskQueue, ...clientOptions });
  return { lifecycle, client, close: () => connection.close() };
}
