// Records the replay-test histories: runs each lifecycle scenario on a real
// (time-skipping) Temporal server with the AMS emulator and saves every run's
// history under test/histories/ as <scenario>.v<N>[.run<K>].json, listed in
// test/histories/manifest.json. Saved histories are kept forever: after a
// workflow change, bump WORKFLOW_CODE_VERSION and record beside the old ones
// (docs/changing-the-workflow.md).
//
// Usage: node --import tsx scripts/record-histories.ts [--only name[,name]]... [--force] [--list]
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  formatHistoryJSON,
  historyFileName,
  HISTORIES_DIR,
  listHistoryFiles,
  MANIFEST_FILE,
  MANIFEST_NOTE,
  readManifest,
  type ManifestEntry,
} from '../test/helpers/replay-histories.js';
import { gitState, recordScenario, workflowSourceSha256, type RecordedScenario } from './replay/record.js';
import { SCENARIOS, type Scenario } from './replay/scenarios.js';

/** Version of the workflow code the recordings are made with. Bump it with every workflow change. */
const WORKFLOW_CODE_VERSION = 6;

const USAGE = 'usage: record-histories [--only name[,name]]... [--force] [--list]';

function selectScenarios(only: string[]): Scenario[] {
  const names = only.flatMap((o) => o.split(',')).map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) return SCENARIOS;
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) {
    throw new Error(`--only: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  }
  return SCENARIOS.filter((s) => names.includes(s.name));
}

/** What every history of one recording session shares. */
type SessionFields = Pick<ManifestEntry, 'gitCommit' | 'workflowsUncommitted' | 'workflowSourceSha256' | 'recordedAt'>;

function entriesFor(recorded: RecordedScenario, common: SessionFields) {
  const { scenario, workflowId, runs } = recorded;
  return runs.map(
    (run, i): ManifestEntry => ({
      scenario: scenario.name,
      description: scenario.description,
      file: historyFileName(scenario.name, WORKFLOW_CODE_VERSION, i + 1, runs.length),
      workflowCodeVersion: WORKFLOW_CODE_VERSION,
      workflowId,
      runId: run.runId,
      run: i + 1,
      runs: runs.length,
      events: run.events,
      closedWith: run.closedWith,
      ...common,
    }),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', multiple: true, default: [] },
      force: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  if (values.list) return void SCENARIOS.forEach((s) => console.log(`${s.name}: ${s.description}`));

  const scenarios = selectScenarios(values.only);
  // Kept forever: a version's files are never overwritten unless asked (e.g. before they were ever committed).
  const existing = new Set(await listHistoryFiles().catch(() => []));
  const clashes = scenarios.filter((s) => [...existing].some((f) => f.startsWith(`${s.name}.v${WORKFLOW_CODE_VERSION}.`)));
  if (clashes.length && !values.force) {
    throw new Error(
      `histories of workflow code v${WORKFLOW_CODE_VERSION} already exist for ${clashes.map((s) => s.name).join(', ')}: ` +
        'bump WORKFLOW_CODE_VERSION in scripts/record-histories.ts (or pass --force to replace uncommitted ones)',
    );
  }

  const common: SessionFields = { ...gitState(), workflowSourceSha256: await workflowSourceSha256(), recordedAt: new Date().toISOString() };
  const recorded: RecordedScenario[] = [];
  for (const scenario of scenarios) {
    const started = Date.now();
    const result = await recordScenario(scenario);
    recorded.push(result);
    const events = result.runs.map((r) => r.events).join('+');
    console.log(`${scenario.name}: ${result.runs.length} run(s), ${events} events, ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }

  // Everything ran: only now touch the directory, so a failed scenario leaves it as it was.
  await mkdir(HISTORIES_DIR, { recursive: true });
  const manifest = await readManifest();
  const replaced = new Set(recorded.map((r) => r.scenario.name));
  const isReplaced = (e: ManifestEntry) => replaced.has(e.scenario) && e.workflowCodeVersion === WORKFLOW_CODE_VERSION;
  // --force: drop the replaced files first, so a chain that got shorter leaves no stray run.
  for (const entry of manifest.histories.filter(isReplaced)) await rm(`${HISTORIES_DIR}${entry.file}`, { force: true });
  const kept = manifest.histories.filter((e) => !isReplaced(e));
  const added: ManifestEntry[] = [];
  for (const result of recorded) {
    const entries = entriesFor(result, common);
    for (const [i, entry] of entries.entries()) {
      const text = formatHistoryJSON(result.runs[i]!.protoJson);
      await writeFile(`${HISTORIES_DIR}${entry.file}`, text);
      console.log(`  wrote ${entry.file} (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB)`);
    }
    added.push(...entries);
  }
  const histories = [...kept, ...added].sort(
    (a, b) => a.scenario.localeCompare(b.scenario) || a.workflowCodeVersion - b.workflowCodeVersion || a.run - b.run,
  );
  await writeFile(`${HISTORIES_DIR}${MANIFEST_FILE}`, `${JSON.stringify({ note: MANIFEST_NOTE, histories }, null, 2)}\n`);
  console.log(`manifest: ${histories.length} histories`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exitCode = 1;
});
