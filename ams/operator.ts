// The operator's AMS operations (organisation labels, which hold capabilities, and the
// capability review), one method each, beside the lifecycle's own in http-client.ts.
// The lifecycle never calls these; the CLI and the client library's hasCapability do.

import { z } from 'zod';
import { AMS_V1, HttpAmsClient } from './http-client.js';
import type { AmsCallOptions } from './types.js';

export const AUTHORIZATIONS_V1 = '/api/authorizations/v1';

/** Capabilities given without a prefix are organisation ones, as AMS's review reads them. */
const CAPABILITY_PREFIX = 'capability.organization.';
const CAPABILITY_KEY = /^capability\.[a-z]+\.[a-z0-9_]+$/;
const CAPABILITY_NAME = /^[a-z0-9_]+$/;
const LABEL_PAGE_SIZE = 100;

/** An argument refused before anything is sent; `field` and `rule` say which and why. */
export class AmsInputError extends TypeError {
  override name = 'AmsInputError';
  constructor(
    readonly operation: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${operation}: ${field}: ${rule}`);
  }
}

export const LabelSchema = z.looseObject({
  id: z.string().optional(),
  kind: z.enum(['Label', 'LabelLink']).optional(),
  href: z.string().optional(),
  key: z.string().min(1),
  value: z.string(),
  internal: z.boolean().optional(),
  type: z.string().optional(),
  managed_by: z.string().optional(),
  organization_id: z.string().optional(),
  account_id: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

const LabelListSchema = z.looseObject({
  kind: z.literal('LabelList').optional(),
  page: z.number().int().optional(),
  total: z.number().int().optional(),
  items: z.array(LabelSchema).default([]),
});

const CapabilityReviewResponseSchema = z.looseObject({ result: z.string() });

export type Label = z.output<typeof LabelSchema>;

export interface CapabilityReviewInput {
  accountUsername: string;
  /** Full key (capability.organization.x) or its last part (x, an organisation capability). */
  capability: string;
  organizationId: string;
}

/** `capability.organization.x` for `x`; a full key as given. Refuses anything else. */
export function capabilityKey(operation: string, name: unknown): string {
  if (typeof name === 'string' && CAPABILITY_KEY.test(name)) return name;
  if (typeof name === 'string' && CAPABILITY_NAME.test(name)) return `${CAPABILITY_PREFIX}${name}`;
  throw new AmsInputError(
    operation,
    'capability',
    `must be a capability key like capability.organization.bare_metal_installer_multiarch, or its last part (a-z, 0-9, _), got ${JSON.stringify(name)}`,
  );
}

export function requireId(operation: string, field: string, value: unknown): string {
  if (typeof value === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(value)) return value;
  throw new AmsInputError(operation, field, `must be an AMS id (1 to 64 letters, digits, - or _), got ${JSON.stringify(value)}`);
}

/** The lifecycle's AMS client plus the operator's operations, on the same options. */
// Its calls go through the base client's transport: one token fetch per client, and the
// circuit breaker (when configured) sees every call.
export class AmsOperatorClient extends HttpAmsClient {

  /** GET /organizations/{id}/labels, every page. */
  async listOrganizationLabels(organizationId: string, options: AmsCallOptions = {}): Promise<Label[]> {
    const operation = 'listOrganizationLabels';
    const path = labelsPath(requireId(operation, 'organizationId', organizationId));
    const labels: Label[] = [];
    for (let page = 1; ; page++) {
      const searchParams = { page, size: LABEL_PAGE_SIZE };
      const list = await this.transport.requestJson({ operation, method: 'GET', path, searchParams, signal: options.signal }, LabelListSchema);
      labels.push(...list.items);
      const more = list.items.length > 0 && (list.total === undefined ? list.items.length >= LABEL_PAGE_SIZE : labels.length < list.total);
      if (!more) return labels;
    }
  }

  /** POST /organizations/{id}/labels: creates the label or updates its value (AMS answers 201 or 200). */
  async putOrganizationLabel(
    organizationId: string,
    label: { key: string; value: string; internal: boolean },
    options: AmsCallOptions = {},
  ): Promise<Label> {
    const operation = 'putOrganizationLabel';
    const path = labelsPath(requireId(operation, 'organizationId', organizationId));
    return this.transport.requestJson({ operation, method: 'POST', path, json: label, signal: options.signal }, LabelSchema);
  }

  /** DELETE /organizations/{id}/labels/{key}; AmsApiError(404) when there is none. */
  async deleteOrganizationLabel(organizationId: string, key: string, options: AmsCallOptions = {}): Promise<void> {
    const operation = 'deleteOrganizationLabel';
    const path = `${labelsPath(requireId(operation, 'organizationId', organizationId))}/${encodeURIComponent(key)}`;
    await this.transport.requestNoContent({ operation, method: 'DELETE', path, signal: options.signal });
  }

  /** POST /api/authorizations/v1/capability_review (type Organization): true when AMS answers "true". */
  async reviewCapability(input: CapabilityReviewInput, options: AmsCallOptions = {}): Promise<boolean> {
    const operation = 'reviewCapability';
    const organizationId = requireId(operation, 'organizationId', input.organizationId);
    const capability = capabilityKey(operation, input.capability);
    if (typeof input.accountUsername !== 'string' || input.accountUsername.length === 0) {
      throw new AmsInputError(operation, 'accountUsername', 'must be a non-empty string');
    }
    const body = await this.transport.requestJson(
      {
        operation,
        method: 'POST',
        path: `${AUTHORIZATIONS_V1}/capability_review`,
        json: { account_username: input.accountUsername, capability, type: 'Organization', organization_id: organizationId },
        signal: options.signal,
      },
      CapabilityReviewResponseSchema,
    );
    return body.result === 'true';
  }
}

function labelsPath(organizationId: string): string {
  return `${AMS_V1}/organizations/${encodeURIComponent(organizationId)}/labels`;
}
