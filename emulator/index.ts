// The AMS emulator: a local stand-in for the part of OCM this project uses.

import type { AddressInfo } from 'node:net';
import { ZodError } from 'zod';
import { EmulatorClock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { Directory } from './directory.js';
import { FaultRegistry } from './faults.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { SqlitePersistence } from './persistence.js';
import { RequestLog } from './request-log.js';
import { TOKEN_PATH } from './routes/token.js';
import { buildServer } from './server.js';
import { Store } from './store.js';
import { TokenService } from './tokens.js';
import { zodToApiError } from './validation.js';

export {
  ACME_ORG_ID,
  DEFAULT_SERVICE_ACCOUNT,
  DEFAULT_USERS,
  GLOBEX_ORG_ID,
  LABEL_ADMIN_ROLES,
  type EmulatorOptions,
  type QuotaRule,
  type ServiceAccountConfig,
  type UserConfig,
} from './options.js';
export type { FaultKind, FaultRule, FaultRuleInput } from './faults.js';
export type { RequestLogEntry, RequestFilter, RequestOutcome } from './request-log.js';
export type { StateDump } from './store.js';
export { TOKEN_PATH } from './routes/token.js';

export interface UserCredentials {
  username: string;
  organizationId: string;
  /** Offline token (typ Offline, no expiry): use like `ocm login --token`. */
  offlineToken: string;
}

export interface RunningEmulator {
  url: string;
  tokenUrl: string;
  /** The first (by default the only) service account. */
  credentials: { clientId: string; clientSecret: string };
  serviceAccounts: { clientId: string; clientSecret: string; username: string; organizationId: string }[];
  users: UserCredentials[];
  /** Writes changes still waiting for the data file (write-behind); nothing without one. */
  flush(): Promise<void>;
  /** Stops listening, then writes what is pending: nothing acknowledged is lost. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const persistence = resolved.dataFile ? await SqlitePersistence.open(resolved.dataFile, { flushIntervalMs: resolved.flushIntervalMs }) : undefined;
  const clock = new EmulatorClock();
  const directory = new Directory(resolved.serviceAccounts, resolved.users);
  const store = new Store({
    clock,
    policy: { staleAfterSeconds: resolved.staleAfterSeconds, archiveAfterSeconds: resolved.archiveAfterSeconds },
    quotas: resolved.quotas,
    directory,
    ...(persistence ? { persistence } : {}),
  });
  const faults = new FaultRegistry(clock);
  for (const rule of resolved.faults) {
    try {
      faults.add(rule);
    } catch (error) {
      throw error instanceof ZodError ? new Error(`Invalid fault rule in options: ${zodToApiError(error).message}`) : error;
    }
  }

  let url = '';
  const tokens = new TokenService({
    key: store.signingKey,
    issuer: () => `${url}/auth/realms/redhat-external`,
    ttlSeconds: resolved.tokenTtlSeconds,
  });
  const ctx: EmulatorContext = { options: resolved, clock, store, directory, tokens, faults, requests: new RequestLog() };
  const app = buildServer(ctx);
  await app.listen({ host: resolved.host, port: resolved.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host}:${address.port}`;

  const serviceAccounts = resolved.serviceAccounts.map((sa) => {
    const account = directory.byClientId(sa.clientId);
    return {
      clientId: sa.clientId,
      clientSecret: sa.clientSecret,
      username: account?.username ?? sa.clientId,
      organizationId: account?.organization.id ?? '',
    };
  });
  const users = await Promise.all(
    directory.users().map(async (account) => ({
      username: account.username,
      organizationId: account.organization.id,
      offlineToken: await tokens.issueRefresh(account, 'cloud-services', 'Offline'),
    })),
  );
  const first = serviceAccounts[0];
  return {
    url,
    tokenUrl: `${url}${TOKEN_PATH}`,
    credentials: { clientId: first?.clientId ?? '', clientSecret: first?.clientSecret ?? '' },
    serviceAccounts,
    users,
    async flush() {
      await persistence?.flush();
    },
    async close() {
      await app.close();
      await persistence?.close();
    },
  };
}
