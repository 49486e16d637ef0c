// Emulator options and their defaults, in one place.

import type { Logger } from 'pino';
import type { FaultRuleInput } from './faults.js';
import { stableId } from './ids.js';

export interface ServiceAccountConfig {
  clientId: string;
  clientSecret: string;
  /** Default `service-account-<clientId>`, as Red Hat SSO names service accounts. */
  username?: string;
  organizationId?: string;
  organizationName?: string;
  /** Roles such as `UHCSupport` (label writes); see LABEL_ADMIN_ROLES. */
  roles?: string[];
}

export interface UserConfig {
  username: string;
  organizationId: string;
  organizationName?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  roles?: string[];
  /** Account labels, e.g. `{'capability.account.x': 'true'}`; added to those the roles bring (ROLE_LABELS). */
  labels?: Record<string, string>;
}

export interface QuotaRule {
  /** Absent: the default for every organization without a rule of its own. */
  organization_id?: string;
  /** Max Reserved + Active subscriptions; null removes the limit. */
  max_clusters: number | null;
  /** How "over quota" is answered. Default 429. */
  status?: 403 | 429;
}

/**
 * How long changes may wait in memory before the file is written. Each write exports the
 * whole database synchronously (17-28 ms at 12,000 subscriptions), so a short interval
 * takes a large share of the event loop; close() and SIGTERM flush anyway.
 */
export const DEFAULT_FLUSH_INTERVAL_MS = 1_000;

export interface EmulatorOptions {
  host?: string;
  port?: number;
  dataFile?: string;
  /** With dataFile: how long changes may wait before the file is written. Default 1,000 ms. */
  flushIntervalMs?: number;
  serviceAccounts?: ServiceAccountConfig[];
  users?: UserConfig[];
  tokenTtlSeconds?: number;
  staleAfterSeconds?: number;
  archiveAfterSeconds?: number;
  faults?: FaultRuleInput[];
  quotas?: QuotaRule[];
  logger?: Logger | false;
}

/** Roles that may write organization labels (capabilities), as in AMS. */
export const LABEL_ADMIN_ROLES = ['UHCSupport', 'BareMetalInstallerAdmin'] as const;

/**
 * Account labels a role brings (an account's own `labels` win). The Assisted Installer
 * decides who is an admin with a capability review of this one, so the role means admin there too.
 */
export const ROLE_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  BareMetalInstallerAdmin: { 'capability.account.bare_metal_installer_admin': 'true' },
};

export const DEFAULT_SERVICE_ACCOUNT = {
  clientId: 'ams-lifecycle',
  clientSecret: 'emulator-secret',
  username: 'service-account-ams-lifecycle',
  organizationId: stableId('organization:emulator-service'),
  organizationName: 'Emulated Service Organization',
  roles: ['UHCSupport'],
} as const satisfies ServiceAccountConfig;

export const ACME_ORG_ID = stableId('organization:acme');
export const GLOBEX_ORG_ID = stableId('organization:globex');

export const DEFAULT_USERS: readonly UserConfig[] = [
  {
    username: 'alice',
    organizationId: ACME_ORG_ID,
    organizationName: 'Acme Corp',
    firstName: 'Alice',
    lastName: 'Admin',
    roles: ['BareMetalInstallerAdmin'],
  },
  { username: 'bob', organizationId: ACME_ORG_ID, organizationName: 'Acme Corp', firstName: 'Bob', lastName: 'Builder' },
  { username: 'carol', organizationId: GLOBEX_ORG_ID, organizationName: 'Globex', firstName: 'Carol', lastName: 'Other' },
];

export interface ResolvedOptions {
  host: string;
  port: number;
  dataFile: string | undefined;
  flushIntervalMs: number;
  serviceAccounts: ServiceAccountConfig[];
  users: UserConfig[];
  tokenTtlSeconds: number;
  staleAfterSeconds: number;
  archiveAfterSeconds: number;
  faults: FaultRuleInput[];
  quotas: QuotaRule[];
  logger: Logger | false;
}

const DAY = 24 * 60 * 60;

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  if (!Number.isSafeInteger(flushIntervalMs) || flushIntervalMs < 1) {
    throw new TypeError(`EmulatorOptions.flushIntervalMs: must be a whole number of milliseconds >= 1, got ${String(options.flushIntervalMs)}`);
  }
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    dataFile: options.dataFile,
    flushIntervalMs,
    serviceAccounts: options.serviceAccounts ?? [{ ...DEFAULT_SERVICE_ACCOUNT, roles: [...DEFAULT_SERVICE_ACCOUNT.roles] }],
    users: options.users ?? DEFAULT_USERS.map((user) => ({ ...user })),
    tokenTtlSeconds: options.tokenTtlSeconds ?? 900,
    staleAfterSeconds: options.staleAfterSeconds ?? DAY,
    archiveAfterSeconds: options.archiveAfterSeconds ?? 30 * DAY,
    faults: options.faults ?? [],
    quotas: options.quotas ?? [],
    logger: options.logger ?? false,
  };
}
