// Wire views of configured accounts and organizations (Account, Organization, capabilities).

import type { EmulatorContext } from './context.js';
import type { Account, Organization } from './directory.js';
import { accountHref, organizationHref, type Label } from './wire.js';

/** Configured accounts have no real creation time; a fixed one keeps answers stable. */
const CONFIGURED_AT = '2024-01-01T00:00:00Z';

export function organizationView(org: Organization) {
  return {
    kind: 'Organization',
    id: org.id,
    href: organizationHref(org.id),
    name: org.name,
    external_id: org.external_id,
    ebs_account_id: org.external_id,
    created_at: CONFIGURED_AT,
    updated_at: CONFIGURED_AT,
  };
}

export function accountLabels(ctx: EmulatorContext, account: Account): Label[] {
  return ctx.store.labels({ type: 'Account', accountId: account.id, organizationId: account.organization.id });
}

export function organizationLabels(ctx: EmulatorContext, organizationId: string): Label[] {
  return ctx.store.labels({ type: 'Organization', organizationId });
}

/** Capability labels of the account, then those it inherits from its organization. */
export function capabilities(ctx: EmulatorContext, account: Account) {
  const own = accountLabels(ctx, account).filter((l) => l.key.startsWith('capability.'));
  const inherited = organizationLabels(ctx, account.organization.id).filter(
    (l) => l.key.startsWith('capability.') && !own.some((o) => o.key === l.key),
  );
  return [
    ...own.map((l) => ({ name: l.key, value: l.value, inherited: false })),
    ...inherited.map((l) => ({ name: l.key, value: l.value, inherited: true })),
  ];
}

export function accountView(ctx: EmulatorContext, account: Account) {
  return {
    kind: 'Account',
    id: account.id,
    href: accountHref(account.id),
    username: account.username,
    email: account.email,
    first_name: account.first_name,
    last_name: account.last_name,
    organization: organizationView(account.organization),
    service_account: account.service_account,
    banned: false,
    labels: accountLabels(ctx, account),
    capabilities: capabilities(ctx, account),
    created_at: CONFIGURED_AT,
    updated_at: CONFIGURED_AT,
  };
}
