// The adoption file: one JSON object a line, named as assisted-service names the
// cluster's columns (docs/adopt.md). Every line is checked whole before anything
// starts; a bad one is reported with its number, field and rule, and skipped.
import { z } from 'zod';
import { checkAdoption, type AdoptClusterInput } from '../../client/adoption.js';
import { ADOPTABLE_PHASES, type AdoptablePhase } from '../../workflows/adoption.js';
import type { ValidationIssue } from '../../workflows/validation.js';

/** assisted-service's cluster statuses, and the phase each is adopted in (a phase name is taken as is). */
export const STATUS_PHASES: Record<string, AdoptablePhase> = {
  insufficient: 'registered',
  ready: 'registered',
  'pending-for-input': 'registered',
  'preparing-for-installation': 'installing',
  installing: 'installing',
  'installing-pending-user-action': 'installing',
  finalizing: 'finalizing',
  installed: 'installed',
  'adding-hosts': 'installed',
  error: 'failed',
  cancelled: 'failed',
  ...Object.fromEntries(ADOPTABLE_PHASES.map((p) => [p, p])),
};

// Only the file's shape is checked here; each value's rule is the client library's (checkAdoption).
const absent = z.union([z.null(), z.literal('')]);
const lineSchema = z.strictObject({
  id: z.unknown(),
  name: z.unknown(),
  user_name: z.unknown(),
  ams_subscription_id: z.unknown().optional(),
  openshift_cluster_id: z.unknown().optional(),
  console_url: z.unknown().optional(),
  status: z.string({ error: 'must be a string' }).refine((s) => s in STATUS_PHASES, {
    error: `must be one of ${Object.keys(STATUS_PHASES).join(', ')}`,
  }),
  deleted_at: z.union([absent, z.string({ error: 'must be a timestamp string or null' })]).optional(),
  deleted_by: z.unknown().optional(),
});

/** The line's key for each field of the library's input, so an issue names what the user wrote. */
const LINE_KEYS: Record<string, string> = {
  clusterId: 'id',
  displayName: 'name',
  accountUsername: 'user_name',
  subscriptionId: 'ams_subscription_id',
  openshiftClusterId: 'openshift_cluster_id',
  consoleUrl: 'console_url',
  phase: 'status',
  deletedBy: 'deleted_by',
};

export type AdoptionLine =
  | { line: number; ok: true; input: AdoptClusterInput }
  | { line: number; ok: false; clusterId?: string; issues: ValidationIssue[] };

/** Every non-blank line of the file, in order, each either a valid input or its issues. */
export function parseAdoptionFile(text: string): AdoptionLine[] {
  const results: AdoptionLine[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const parsed = parseLine(raw);
    if (!parsed.ok) return results.push({ line, ...parsed });
    const id = parsed.input.clusterId;
    const first = seen.get(id);
    if (first !== undefined) return results.push({ line, ok: false, clusterId: id, issues: [{ field: 'id', rule: `appears again (first on line ${first})` }] });
    seen.set(id, line);
    results.push({ line, ...parsed });
  });
  return results;
}

function parseLine(raw: string): { ok: true; input: AdoptClusterInput } | { ok: false; clusterId?: string; issues: ValidationIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return { ok: false, issues: [{ field: '(line)', rule: `must be one JSON object: ${(error as Error).message}` }] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, issues: [{ field: '(line)', rule: 'must be one JSON object' }] };
  const clusterId = typeof (json as { id?: unknown }).id === 'string' ? (json as { id: string }).id : undefined;
  const shape = lineSchema.safeParse(json);
  if (!shape.success) {
    const issues = shape.error.issues.map((i) => ({
      field: i.path.join('.') || '(line)',
      rule: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
    }));
    return { ok: false, ...(clusterId ? { clusterId } : {}), issues };
  }
  const l = shape.data;
  const given = (v: unknown) => (v === null || v === '' ? undefined : v);
  const deleted = given(l.deleted_at) !== undefined;
  if (!deleted && given(l.deleted_by) !== undefined) {
    return { ok: false, ...(clusterId ? { clusterId } : {}), issues: [{ field: 'deleted_by', rule: 'needs deleted_at' }] };
  }
  const input = {
    clusterId: l.id,
    displayName: l.name,
    accountUsername: l.user_name,
    subscriptionId: given(l.ams_subscription_id),
    phase: STATUS_PHASES[l.status],
    openshiftClusterId: given(l.openshift_cluster_id),
    consoleUrl: given(l.console_url),
    deletedBy: deleted ? (given(l.deleted_by) ?? 'user') : undefined,
  };
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const checked = checkAdoption(defined);
  if (!checked.ok) {
    const issues = checked.issues.map((i) => ({ ...i, field: LINE_KEYS[i.field] ?? i.field }));
    return { ok: false, ...(clusterId ? { clusterId } : {}), issues };
  }
  return { ok: true, input: { ...checked.registration, ...checked.adopted } };
}
