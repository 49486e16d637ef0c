// The workflow's contract for callers in other languages, built from the code: names
// from the define* calls, payload rules from the zod schemas (as JSON Schema), value
// lists from workflows/values.ts. `npm run contract` writes it; test/contract.test.ts
// fails when the checked-in copies differ. docs/contract.md explains each part.
import { z } from 'zod';
import {
  AFTER_INSTALL_DEFAULTS,
  clusterStateQuery,
  consoleUrlSignal,
  deletedSignal,
  HANDOVER,
  installFailedSignal,
  installRestartedSignal,
  installSucceededSignal,
  openshiftClusterIdSignal,
  registrationUpdate,
  renameSignal,
  SEARCH_ATTRIBUTE_KEYS,
  searchAttributes,
  TASK_QUEUE_DEFAULT,
  versionCheckSignal,
  WORKFLOW_ID_PREFIX,
} from '../../workflows/definitions.js';
import { clusterSubscription } from '../../workflows/index.js';
import { SWEEP_RESULTS } from '../../workflows/sweeper-definitions.js';
import * as V from '../../workflows/validation.js';
import * as values from '../../workflows/values.js';
import { clusterStateViewSchema, registrationResultSchema } from './results.js';
import { arrayRulesOf, rulesOf } from './rules.js';

/** Raise when a caller written against the previous contract could break. */
export const CONTRACT_VERSION = 1;

export const CONTRACT_PATHS = ['contract/ams-lifecycle.contract.json', 'clients/go/contract.json'] as const;

/**
 * The JSON Schema callers validate with: the input side (before the lower-casing of ids),
 * each field with its `x-rules` (rules.ts).
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      const rules = rulesOf(zodSchema) ?? arrayRulesOf(zodSchema);
      if (rules) jsonSchema['x-rules'] = rules;
      // JSON Schema cannot say it; the schema itself carries the contract's extension too.
      if (rules?.some((rule) => rule['x-risingItems'])) jsonSchema['x-risingItems'] = true;
    },
  }) as Record<string, unknown>;
  return portable(rest) as Record<string, unknown>;
}

// RegExp.source writes U+2028 and U+2029 as \u escapes, which Go's RE2 does not read:
// the published patterns carry those two as the characters themselves, as the others.
// An array's x-rules hold its elements' rules as `items`: its elements carry none of their own.
function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (node === null || typeof node !== 'object') return node;
  const rulesOfArray = 'x-rules' in node && 'items' in node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => {
      if (key === 'pattern' && typeof value === 'string') return [key, value.replace(/\\u(2028|2029)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))];
      if (key === 'items' && rulesOfArray) {
        const { 'x-rules': _, ...items } = value as Record<string, unknown>;
        return [key, portable(items)];
      }
      return [key, portable(value)];
    }),
  );
}

/**
 * A result's JSON Schema (results.ts): the output side, every object open to fields a later
 * version adds (callers ignore what they do not know; the schemas themselves are strict).
 */
export function resultSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }) as Record<string, unknown>;
  const open = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(open)
      : node !== null && typeof node === 'object'
        ? Object.fromEntries(Object.entries(node).filter(([key, value]) => !(key === 'additionalProperties' && value === false)).map(([key, value]) => [key, open(value)]))
        : node;
  return open(rest) as Record<string, unknown>;
}

const signal = (def: { name: string }, payload: z.ZodType | null, description: string, payloadOptional = false) => ({
  name: def.name,
  description,
  ...(payload ? { payload: jsonSchemaOf(payload), payloadOptional } : { payload: null }),
});

export function buildContract() {
  return {
    $comment: 'Generated from the code by `npm run contract`; do not edit. Explained in docs/contract.md.',
    contractVersion: CONTRACT_VERSION,
    workflow: {
      type: clusterSubscription.name,
      taskQueue: TASK_QUEUE_DEFAULT,
      workflowId: { prefix: WORKFLOW_ID_PREFIX, suffix: 'clusterId, lower-cased', example: `${WORKFLOW_ID_PREFIX}0f8fad5b-d9cb-469f-a165-70867728950e` },
      input: {
        description:
          'One argument: the registration (schema), plus any optionalFields beside it. Validate the registration alone; the run validates it too and ends as refused when it is bad.',
        schema: jsonSchemaOf(V.registrationSchema),
        optionalFields: {
          afterInstall: {
            description: 'When the telemetry and drift checks run after the install; omit it, or any of its fields, for the defaults.',
            default: AFTER_INSTALL_DEFAULTS,
            schema: jsonSchemaOf(V.afterInstallSchema),
          },
          deletion: {
            description:
              "Only with signal-with-start of 'deleted' when the cluster's run was terminated or cancelled: a short run that deletes the subscription if Reserved. displayName and accountUsername may then be empty.",
            schema: jsonSchemaOf(V.deletedSchema),
          },
        },
        internalFields: ['carriedState', 'maxHistoryEvents', 'adopted'],
      },
    },
    signals: [
      signal(renameSignal, V.renameSchema, 'The cluster was renamed: PATCH display_name.'),
      signal(openshiftClusterIdSignal, V.openshiftClusterIdSchema, 'The OpenShift cluster id is known: PATCH external_cluster_id.'),
      signal(consoleUrlSignal, V.consoleUrlSchema, 'The console URL is known: PATCH console_url.'),
      signal(installSucceededSignal, null, 'The install succeeded: status Active once AMS has external_cluster_id.'),
      signal(installFailedSignal, V.installFailedSchema, 'The install failed; the subscription stays Reserved.', true),
      signal(installRestartedSignal, null, 'The install restarts after a failure.'),
      signal(deletedSignal, V.deletedSchema, 'The cluster was deleted: DELETE the subscription if it is still Reserved, then the run ends.'),
      signal(versionCheckSignal, null, 'Changes nothing (worker versioning); any payload is ignored.'),
    ],
    updates: [
      {
        name: registrationUpdate.name,
        description: 'Answers the AMS subscription id once reserved. Send it as update-with-start (conflict policy USE_EXISTING).',
        argument: jsonSchemaOf(V.registrationWaitSchema),
        argumentOptional: true,
        result: resultSchemaOf(registrationResultSchema),
        failures: values.FAILURE_TYPES,
        handoverDetail: HANDOVER,
      },
    ],
    queries: [
      {
        name: clusterStateQuery.name,
        description: 'The run as it stands: desired values, what this run applied, what AMS answered, owed and scheduled work, the last AMS error, refused inputs.',
        result: resultSchemaOf(clusterStateViewSchema),
      },
    ],
    failures: values.FAILURE_TYPES.map((type) => ({ type, meaning: values.FAILURE_TYPE_MEANINGS[type] })),
    searchAttributes: SEARCH_ATTRIBUTE_KEYS.map(({ name, type }) => ({
      name,
      type,
      ...(name === searchAttributes.sweepResult.name ? { setBy: 'subscriptionSweeper' } : {}),
    })),
    values: {
      subscriptionFields: values.SUBSCRIPTION_FIELDS,
      subscriptionStatuses: values.SUBSCRIPTION_STATUSES,
      listedSubscriptionStatuses: values.LISTED_SUBSCRIPTION_STATUSES,
      phases: values.PHASES,
      deletedBy: values.DELETED_BY,
      deletionOutcomes: values.DELETION_OUTCOMES,
      telemetryStatuses: values.TELEMETRY_STATUSES,
      sweepResults: SWEEP_RESULTS,
    },
    extensions: {
      'x-maxUtf16Length': 'At most this many UTF-16 code units (a character outside the BMP counts twice); maxLength beside it counts code points.',
      'x-rules':
        "A field's rules in the order the TypeScript side checks them, each one keyword of this schema with the message it reports (`must not be empty`). A field reports the first rule it breaks; after a rule without `abort` the next ones are still checked.",
    },
  };
}

export function renderContract(): string {
  return `${JSON.stringify(buildContract(), null, 2)}\n`;
}
