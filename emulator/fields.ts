// The fields a `search` or an `order` may name, per listed object, after the
// objects of the OCM accounts model (ams-wire.md "The Subscription object"). AMS
// turns a search into SQL over known columns, so a field an object does not have
// is a 400, not an empty result; the conformance test holds this list to the model.

/** `scalar` ends a path; `open` takes any further path (nested metrics); an object lists what may follow. */
export type Field = 'scalar' | 'open' | ObjectFields;

export interface ObjectFields {
  readonly name: string;
  readonly fields: Readonly<Record<string, Field>>;
  /** A list on the wire (`labels`): a search may go through it, an order may not. */
  readonly array?: boolean;
}

const scalars = (names: string): Record<string, Field> =>
  Object.fromEntries(names.trim().split(/\s+/).map((name) => [name, 'scalar' as const]));

const object = (name: string, fields: Record<string, Field>, array = false): ObjectFields => ({
  name,
  fields,
  ...(array ? { array } : {}),
});

const LINK = 'kind id href';
const CAPABILITIES = object('Capability', scalars('inherited name value'), true);
const LABELS = object(
  'Label',
  scalars(`${LINK} account_id created_at internal key managed_by organization_id subscription_id type updated_at value`),
  true,
);

const ORGANIZATION = object('Organization', {
  ...scalars(`${LINK} created_at ebs_account_id external_id name updated_at`),
  capabilities: CAPABILITIES,
  labels: LABELS,
});

export const ACCOUNT_FIELDS = object('Account', {
  ...scalars(
    `${LINK} ban_code ban_description banned created_at email first_name last_name rhit_account_id rhit_web_user_id service_account updated_at username`,
  ),
  capabilities: CAPABILITIES,
  labels: LABELS,
  organization: ORGANIZATION,
});

const METRICS = object(
  'SubscriptionMetrics',
  {
    // query_timestamp and cluster_type: live subscriptions have them (see the conformance deviations).
    ...scalars(`cloud_provider console_url critical_alerts_firing health_state openshift_version operating_system
      operators_condition_failing region state state_description subscription_cpu_total subscription_obligation_exists
      subscription_socket_total query_timestamp cluster_type`),
    ...Object.fromEntries(
      'compute_nodes_cpu compute_nodes_memory compute_nodes_sockets cpu memory nodes sockets storage upgrade'
        .split(' ')
        .map((name) => [name, 'open' as const]),
    ),
  },
  true,
);

export const SUBSCRIPTION_FIELDS = object('Subscription', {
  ...scalars(`${LINK} billing_marketplace_account cloud_account_id cloud_provider_id cluster_billing_model cluster_id
    console_url consumer_uuid cpu_total created_at display_name external_cluster_id last_reconcile_date last_released_at
    last_telemetry_date managed organization_id product_bundle provenance region_id released rh_region_id service_level
    socket_total status support_level system_units trial_end_date updated_at usage`),
  capabilities: CAPABILITIES,
  creator: ACCOUNT_FIELDS,
  labels: LABELS,
  metrics: METRICS,
  notification_contacts: object('Account', ACCOUNT_FIELDS.fields, true),
  plan: object('Plan', scalars(`${LINK} category name type`)),
});

/** The dotted path up to the first segment `root` has no field for; undefined when every segment is known. */
export function unknownField(root: ObjectFields, path: readonly string[]): string | undefined {
  let node: Field = root;
  for (const [index, segment] of path.entries()) {
    if (node === 'open') return undefined;
    if (node === 'scalar' || !Object.hasOwn(node.fields, segment)) return path.slice(0, index + 1).join('.');
    node = node.fields[segment]!;
  }
  return undefined;
}

/** Dotted paths of every single value outside lists: what an order may name. */
export function sortableFields(root: ObjectFields, prefix = ''): string[] {
  return Object.entries(root.fields).flatMap(([name, field]) => {
    if (field === 'scalar') return [`${prefix}${name}`];
    return field === 'open' || field.array ? [] : sortableFields(field, `${prefix}${name}.`);
  });
}
