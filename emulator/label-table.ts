// Organization and account labels in memory, keyed by owner and key. Persistence is
// the Store's business: mutators return the row reference they touched.

import { newId } from './ids.js';
import { labelHref, type Label } from './wire.js';

export type LabelOwner =
  | { type: 'Organization'; organizationId: string }
  | { type: 'Account'; accountId: string; organizationId: string };

export const labelRef = (owner: LabelOwner, key: string) =>
  owner.type === 'Organization' ? `Organization/${owner.organizationId}/${key}` : `Account/${owner.accountId}/${key}`;

export function ownerOf(label: Label): LabelOwner {
  return label.type === 'Organization'
    ? { type: 'Organization', organizationId: label.organization_id ?? '' }
    : { type: 'Account', accountId: label.account_id ?? '', organizationId: label.organization_id ?? '' };
}

export interface LabelInput {
  key: string;
  value?: string | undefined;
  internal?: boolean | undefined;
}

export class LabelTable {
  #labels = new Map<string, Label>();

  list(owner: LabelOwner): Label[] {
    const prefix = labelRef(owner, '');
    return [...this.#labels.entries()].filter(([ref]) => ref.startsWith(prefix)).map(([, label]) => label);
  }

  get(owner: LabelOwner, key: string): Label | undefined {
    return this.#labels.get(labelRef(owner, key));
  }

  all(): Label[] {
    return [...this.#labels.values()];
  }

  /** Creates or updates; `created` tells which. */
  put(owner: LabelOwner, input: LabelInput, managedBy: string, now: string): { ref: string; label: Label; created: boolean } {
    const ref = labelRef(owner, input.key);
    const existing = this.#labels.get(ref);
    const label: Label = existing
      ? {
          ...existing,
          ...(input.value !== undefined ? { value: input.value } : {}),
          ...(input.internal !== undefined ? { internal: input.internal } : {}),
          updated_at: now,
        }
      : {
          id: newId(),
          kind: 'Label',
          href: '',
          key: input.key,
          value: input.value ?? '',
          internal: input.internal ?? false,
          type: owner.type,
          managed_by: managedBy,
          organization_id: owner.organizationId,
          ...(owner.type === 'Account' ? { account_id: owner.accountId } : {}),
          created_at: now,
          updated_at: now,
        };
    label.href = labelHref(label);
    this.#labels.set(ref, label);
    return { ref, label, created: existing === undefined };
  }

  /** Stores a label as given (seed, load); returns its reference. */
  restore(label: Label): string {
    const ref = labelRef(ownerOf(label), label.key);
    this.#labels.set(ref, structuredClone(label));
    return ref;
  }

  delete(owner: LabelOwner, key: string): string | undefined {
    const ref = labelRef(owner, key);
    return this.#labels.delete(ref) ? ref : undefined;
  }

  clear(): void {
    this.#labels.clear();
  }
}
