// The saved workflow histories under test/histories/ and their manifest: written
// by scripts/record-histories.ts, read by the replay test. Histories are kept
// forever (never regenerated), so the format is the canonical proto JSON the
// Temporal CLI and Web UI export and historyFromJSON reads (see replay-proto-json.ts).
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { z } from 'zod';
import { historyFromProtoJson } from './replay-proto-json.js';

export const HISTORIES_DIR = fileURLToPath(new URL('../histories/', import.meta.url));
export const MANIFEST_FILE = 'manifest.json';

/** The lifecycle scenarios issues 5, 8, 10 and 13 require at least one history of. */
export const REQUIRED_SCENARIOS = [
  'happy-path',
  'failure-and-restart',
  'rename-burst',
  'ams-outage-recovery',
  'delete-reserved',
  'delete-active',
  'garbage-collection',
  'continue-as-new',
  'refused-registration',
  'ignored-bad-signals',
  'stale-not-reverted',
  'late-signal-after-deletion',
  'active-held',
  'late-write-verified',
  'late-create-after-deletion',
  'deletion-run',
  'registration-handover',
  'telemetry-ok',
  'telemetry-duplicate',
  'drift-repaired',
  'vanished-recreated',
  'installed-never-reserved',
  'adopted',
  'adopted-deleted',
  'rename-burst-paced',
] as const;

const entrySchema = z.strictObject({
  scenario: z.string().regex(/^[a-z0-9-]+$/, { error: 'must be kebab-case' }),
  description: z.string(),
  file: z.string().regex(/^[a-z0-9-]+\.v\d+(\.run\d+)?\.json$/, { error: 'must be <scenario>.v<N>[.run<K>].json' }),
  /** WORKFLOW_CODE_VERSION of scripts/record-histories.ts when the file was recorded. */
  workflowCodeVersion: z.int().min(1),
  workflowId: z.string().min(1),
  runId: z.string().min(1),
  /** 1-based position in a continue-as-new chain, and the chain's length. */
  run: z.int().min(1),
  runs: z.int().min(1),
  events: z.int().min(1),
  /** How the run closed: completed, or continued as new. */
  closedWith: z.enum(['completed', 'continued-as-new']),
  gitCommit: z.string().optional(),
  /** True when workflows/ differed from gitCommit: the sha256 below is then the only exact record. */
  workflowsUncommitted: z.boolean().optional(),
  /** sha256 of the workflows/ sources that made the history (tells apart uncommitted code). */
  workflowSourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
  recordedAt: z.iso.datetime(),
});

export const manifestSchema = z.strictObject({
  note: z.string(),
  histories: z.array(entrySchema),
});

export type ManifestEntry = z.infer<typeof entrySchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export const MANIFEST_NOTE =
  'Recorded by scripts/record-histories.ts; replayed by test/workflow.replay.test.ts. Never regenerate: ' +
  'add new versions beside old ones (docs/changing-the-workflow.md).';

/** `happy-path.v1.json`, or `continue-as-new.v1.run2.json` for a chain of runs. */
export function historyFileName(scenario: string, version: number, run: number, runs: number): string {
  return runs > 1 ? `${scenario}.v${version}.run${run}.json` : `${scenario}.v${version}.json`;
}

export async function readManifest(dir = HISTORIES_DIR): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(`${dir}${MANIFEST_FILE}`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { note: MANIFEST_NOTE, histories: [] };
    throw error;
  }
  const parsed = manifestSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`);
    throw new Error(`${dir}${MANIFEST_FILE} is invalid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Every history file in the directory (all JSON files but the manifest), sorted. */
export async function listHistoryFiles(dir = HISTORIES_DIR): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => n.endsWith('.json') && n !== MANIFEST_FILE).sort();
}

export async function readHistoryText(file: string, dir = HISTORIES_DIR): Promise<string> {
  return readFile(`${dir}${file}`, 'utf8');
}

export async function loadHistory(file: string, dir = HISTORIES_DIR): Promise<History> {
  return historyFromProtoJson(JSON.parse(await readHistoryText(file, dir)));
}

/** Proto JSON with one event per line: compact, and a change shows as a small diff. */
export function formatHistoryJSON(protoJson: { events?: unknown[] }): string {
  const events = (protoJson.events ?? []).map((e) => JSON.stringify(e));
  return `{"events":[\n${events.join(',\n')}\n]}\n`;
}
