// The configured accounts (service accounts and users) and their organizations.
// Fixed at start: ids derive from names so they survive restarts.

import { stableId } from './ids.js';
import { LABEL_ADMIN_ROLES, ROLE_LABELS, type ServiceAccountConfig, type UserConfig } from './options.js';

export interface Organization {
  id: string;
  name: string;
  external_id: string;
}

export interface Account {
  id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  organization: Organization;
  service_account: boolean;
  roles: string[];
  /** Account labels from the configuration. */
  labels: Record<string, string>;
  clientId?: string;
  clientSecret?: string;
}

/** The labels the roles bring, then the configured ones (which win). */
function labelsFor(roles: readonly string[], configured: Record<string, string> = {}): Record<string, string> {
  return Object.assign({}, ...roles.map((role) => ROLE_LABELS[role] ?? {}), configured);
}

function externalId(orgId: string): string {
  // Numeric, like the EBS account numbers AMS uses as external ids.
  return String(parseInt(stableId(`external:${orgId}`).slice(0, 8), 36) % 100_000_000);
}

export class Directory {
  readonly accounts: Account[] = [];
  readonly organizations = new Map<string, Organization>();

  constructor(serviceAccounts: ServiceAccountConfig[], users: UserConfig[]) {
    for (const sa of serviceAccounts) {
      const username = sa.username ?? `service-account-${sa.clientId}`;
      const orgId = sa.organizationId ?? stableId(`organization:${sa.clientId}`);
      this.add({
        id: stableId(`account:${username}`),
        username,
        email: `${username}@example.invalid`,
        first_name: '',
        last_name: '',
        organization: this.organization(orgId, sa.organizationName),
        service_account: true,
        roles: sa.roles ?? [],
        labels: labelsFor(sa.roles ?? []),
        clientId: sa.clientId,
        clientSecret: sa.clientSecret,
      });
    }
    for (const user of users) {
      this.add({
        id: stableId(`account:${user.username}`),
        username: user.username,
        email: user.email ?? `${user.username}@example.com`,
        first_name: user.firstName ?? user.username,
        last_name: user.lastName ?? '',
        organization: this.organization(user.organizationId, user.organizationName),
        service_account: false,
        roles: user.roles ?? [],
        labels: labelsFor(user.roles ?? [], user.labels),
      });
    }
  }

  private organization(id: string, name?: string): Organization {
    const known = this.organizations.get(id);
    if (known) return known;
    const org = { id, name: name ?? id, external_id: externalId(id) };
    this.organizations.set(id, org);
    return org;
  }

  private add(account: Account): void {
    if (this.byUsername(account.username)) throw new Error(`Duplicate emulator account username '${account.username}'`);
    this.accounts.push(account);
  }

  byId(id: string): Account | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  byUsername(username: string): Account | undefined {
    return this.accounts.find((a) => a.username === username);
  }

  byClientId(clientId: string): Account | undefined {
    return this.accounts.find((a) => a.service_account && a.clientId === clientId);
  }

  users(): Account[] {
    return this.accounts.filter((a) => !a.service_account);
  }
}

export function isLabelAdmin(account: Account): boolean {
  return account.roles.some((role) => (LABEL_ADMIN_ROLES as readonly string[]).includes(role));
}

/** Service accounts see every organization; users only their own. */
export function canSeeOrganization(account: Account, organizationId: string | undefined): boolean {
  return account.service_account || (organizationId !== undefined && account.organization.id === organizationId);
}
