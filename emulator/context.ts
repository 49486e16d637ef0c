// What every route and hook shares, plus the per-request state they attach.

import type { EmulatorClock } from './clock.js';
import type { Account, Directory } from './directory.js';
import type { FaultAction, FaultRegistry } from './faults.js';
import type { ResolvedOptions } from './options.js';
import type { RequestLog } from './request-log.js';
import type { Store } from './store.js';
import type { TokenService } from './tokens.js';

export interface EmulatorContext {
  options: ResolvedOptions;
  clock: EmulatorClock;
  store: Store;
  directory: Directory;
  tokens: TokenService;
  faults: FaultRegistry;
  requests: RequestLog;
}

export interface RequestState {
  startedAt: number;
  /** Admin calls are neither faulted, authenticated nor logged. */
  admin: boolean;
  account?: Account;
  clusterId?: string;
  subscriptionId?: string;
  faultIds: string[];
  /** What the deciding fault rule does; the hooks after onRequest act on it. */
  fault?: FaultAction;
  logged: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    emu: RequestState;
  }
}

/** The authenticated caller; only called on routes behind the auth hook. */
export function caller(request: { emu: RequestState }): Account {
  const account = request.emu.account;
  if (!account) throw new Error('route reached without an authenticated account');
  return account;
}
