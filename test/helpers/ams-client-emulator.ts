// An AMS emulator plus an AmsClient logged in to it with client credentials,
// for AMS client tests over real HTTP.

import { EmulatorAdmin } from '../../emulator/admin-client.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/index.js';
import { createAmsClient, type AmsClient, type AmsClientOptions } from '../../ams/index.js';

export interface EmulatorFixture {
  emulator: RunningEmulator;
  admin: EmulatorAdmin;
  /** A client with the emulator's service account credentials. */
  client: AmsClient;
  /** Another client on the same emulator, with option overrides. */
  clientWith(overrides: Partial<AmsClientOptions>): AmsClient;
  /** Token requests the emulator has seen. */
  tokenRequests(): Promise<number>;
  close(): Promise<void>;
}

export async function startEmulatorFixture(options: EmulatorOptions = {}): Promise<EmulatorFixture> {
  const emulator = await startEmulator({ port: 0, ...options });
  const admin = new EmulatorAdmin(emulator.url);
  const base: AmsClientOptions = {
    baseUrl: emulator.url,
    auth: { kind: 'client-credentials', tokenUrl: emulator.tokenUrl, ...emulator.credentials },
  };
  const clientWith = (overrides: Partial<AmsClientOptions>) => createAmsClient({ ...base, ...overrides });
  return {
    emulator,
    admin,
    client: clientWith({}),
    clientWith,
    tokenRequests: async () => (await admin.requests({ path: new URL(emulator.tokenUrl).pathname })).length,
    close: () => emulator.close(),
  };
}

/** A fresh cluster id per call, so tests never collide. */
let counter = 0;
export function newClusterId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}
